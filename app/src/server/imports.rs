//! Bulk import of hotels, room types and bookings from CSV files (the original's
//! `POST /import/{table}`): every row is parsed and checked, references and room capacity
//! included, and a file goes in whole, in one transaction, or not at all.
mod problems;
mod repo;
pub mod rows;

pub use self::problems::{ImportError, RowError};
use self::repo::ImportRepo;
use self::rows::{NewBooking, NewHotel, NewRoom, parse};
use super::catalog;
use super::state::AppState;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Hotels,
    Rooms,
    Bookings,
}

impl Table {
    pub const ALL: [Table; 3] = [Table::Hotels, Table::Rooms, Table::Bookings];

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|table| table.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Table::Hotels => "hotels",
            Table::Rooms => "rooms",
            Table::Bookings => "bookings",
        }
    }
}

/// A stored file: how many rows, and their new ids in file order.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub table: Table,
    pub imported: usize,
    pub ids: Vec<i32>,
}

/// Imports `file` into `table`. The caller has checked that the user is an admin.
#[tracing::instrument(skip_all, fields(table = table.as_str(), bytes = file.len()))]
pub async fn import(
    state: &AppState,
    table: Table,
    file: &[u8],
) -> Result<ImportReport, ImportError> {
    let repo = ImportRepo::new(&state.db);
    let ids = match table {
        Table::Hotels => repo.hotels(&parse::<NewHotel>(file)?).await?,
        Table::Rooms => repo.rooms(&parse::<NewRoom>(file)?).await?,
        Table::Bookings => repo.bookings(&parse::<NewBooking>(file)?).await?,
    };
    // Imports are rare and may touch any hotel and month: every cached entry is recomputed.
    catalog::changes_committed(&state.db, &state.cache).await;
    tracing::info!(table = table.as_str(), rows = ids.len(), "imported a file");
    Ok(ImportReport {
        table,
        imported: ids.len(),
        ids,
    })
}
