//! How the model's typed ids travel to and from PostgreSQL (as `integer`), so repositories bind
//! and read them directly. Kept here, not in `model`, which knows no database.
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueRef, Postgres};
use sqlx::{Decode, Encode, Type};

use crate::model::{BookingId, BookingReference, HotelId, Money, PictureId, RoomId, UserId};

macro_rules! integer_id {
    ($($name:ty),*) => {$(
        impl Type<Postgres> for $name {
            fn type_info() -> PgTypeInfo {
                <i32 as Type<Postgres>>::type_info()
            }
        }

        impl PgHasArrayType for $name {
            fn array_type_info() -> PgTypeInfo {
                <i32 as PgHasArrayType>::array_type_info()
            }
        }

        impl Encode<'_, Postgres> for $name {
            fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
                <i32 as Encode<Postgres>>::encode_by_ref(&self.get(), buf)
            }
        }

        impl Decode<'_, Postgres> for $name {
            fn decode(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
                Ok(<i32 as Decode<Postgres>>::decode(value)?.into())
            }
        }
    )*};
}

integer_id!(UserId, HotelId, RoomId, BookingId, PictureId);

/// Money as `bigint` kopecks: a query that reads an amount says its unit in SQL (the catalog
/// stores whole roubles: `price * 100`).
impl Type<Postgres> for Money {
    fn type_info() -> PgTypeInfo {
        <i64 as Type<Postgres>>::type_info()
    }
}

impl Decode<'_, Postgres> for Money {
    fn decode(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
        Ok(Money::from_kopecks(<i64 as Decode<Postgres>>::decode(
            value,
        )?))
    }
}

/// A booking's reference as `text`; one the database made that is not one (a changed alphabet
/// or length) is an error, not a guess.
impl Type<Postgres> for BookingReference {
    fn type_info() -> PgTypeInfo {
        <String as Type<Postgres>>::type_info()
    }
}

impl Encode<'_, Postgres> for BookingReference {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <&str as Encode<Postgres>>::encode_by_ref(&self.as_str(), buf)
    }
}

impl Decode<'_, Postgres> for BookingReference {
    fn decode(value: PgValueRef<'_>) -> Result<Self, BoxDynError> {
        let raw = <&str as Decode<Postgres>>::decode(value)?;
        BookingReference::parse(raw)
            .ok_or_else(|| format!("not a booking reference: {raw:?}").into())
    }
}
