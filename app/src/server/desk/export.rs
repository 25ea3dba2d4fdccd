//! The bookings export as CSV (RFC 4180 by the `csv` crate; UTF-8 with a byte-order mark, so
//! spreadsheet programs read Cyrillic names right). Cells a spreadsheet would run as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) get a leading apostrophe: a
//! guest's name must never become a formula on the manager's machine.
use crate::error::AppError;
use crate::model::desk::DeskBooking;

const COLUMNS: [&str; 13] = [
    "reference",
    "hotel_id",
    "hotel",
    "room_type",
    "guest",
    "email",
    "check_in",
    "check_out",
    "nights",
    "total_rub",
    "status",
    "booked_at_utc",
    "booking_id",
];

/// Rows written into a buffer that is handed on a chunk at a time.
pub struct CsvChunks {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvChunks {
    /// A file started with its byte-order mark and header line.
    pub fn new() -> Result<Self, AppError> {
        let mut writer = writer("\u{feff}".as_bytes().to_vec());
        writer.write_record(COLUMNS).map_err(failed)?;
        Ok(CsvChunks { writer })
    }

    pub fn push(&mut self, booking: &DeskBooking) -> Result<(), AppError> {
        let nights = (booking.date_to - booking.date_from).num_days();
        let cells = [
            booking.reference.to_string(),
            booking.hotel_id.to_string(),
            defused(&booking.hotel_name),
            defused(&booking.room_name),
            defused(booking.guest_name.as_deref().unwrap_or_default()),
            defused(&booking.email),
            booking.date_from.to_string(),
            booking.date_to.to_string(),
            nights.to_string(),
            booking.total_cost.whole_roubles().to_string(),
            booking.status.as_str().to_owned(),
            booking.booked_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            booking.id.to_string(),
        ];
        self.writer.write_record(&cells).map_err(failed)
    }

    /// How many bytes wait to be handed on.
    pub fn pending(&self) -> usize {
        self.writer.get_ref().len()
    }

    /// What was written since the last time.
    pub fn take(&mut self) -> Result<Vec<u8>, AppError> {
        let full = std::mem::replace(&mut self.writer, writer(Vec::new()));
        full.into_inner()
            .map_err(|error| AppError::internal("writing the bookings CSV", error.into_error()))
    }
}

fn writer(into: Vec<u8>) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(into)
}

fn failed(error: csv::Error) -> AppError {
    AppError::internal("writing the bookings CSV", error)
}

/// A cell that cannot run as a formula.
fn defused(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::desk::DeskStatus;
    use crate::model::{BookingId, BookingReference, HotelId, Money, RoomId};

    fn booking(guest: &str) -> DeskBooking {
        DeskBooking {
            id: BookingId::from(7),
            reference: BookingReference::parse("VQEH6L4Z").unwrap(),
            hotel_id: HotelId::from(1),
            hotel_name: "Отель, у реки".into(),
            room_id: RoomId::from(2),
            room_name: "Номер".into(),
            guest_name: Some(guest.into()),
            email: "a@b.ru".into(),
            date_from: chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            date_to: chrono::NaiveDate::from_ymd_opt(2026, 12, 12).unwrap(),
            total_cost: Money::from_roubles(4200),
            booked_at: chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
            status: DeskStatus::InHouse,
        }
    }

    fn file(guest: &str) -> String {
        let mut chunks = CsvChunks::new().unwrap();
        chunks.push(&booking(guest)).unwrap();
        String::from_utf8(chunks.take().unwrap()).unwrap()
    }

    #[test]
    fn a_file_is_a_marked_header_and_a_line_a_booking() {
        let text = file("Иван Петров");
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert!(lines[0].starts_with("\u{feff}reference,hotel_id,hotel,"));
        assert_eq!(
            lines[1],
            "VQEH6L4Z,1,\"Отель, у реки\",Номер,Иван Петров,a@b.ru,2026-12-10,2026-12-12,2,4200,in_house,2026-11-30 00:53:20,7"
        );
        assert_eq!(lines[2], "");
    }

    #[test]
    fn quotes_and_formulas_are_harmless() {
        assert!(file("say \"hi\"").contains(",\"say \"\"hi\"\"\","));
        assert!(file("=HYPERLINK(\"x\")").contains(",\"'=HYPERLINK(\"\"x\"\")\","));
        assert!(file("+7 900").contains(",'+7 900,"));
        assert!(file("@SUM(A1)").contains(",'@SUM(A1),"));
    }

    #[test]
    fn chunks_are_handed_on_once() {
        let mut chunks = CsvChunks::new().unwrap();
        let header = chunks.take().unwrap();
        assert!(!header.is_empty());
        assert_eq!(chunks.pending(), 0);
        chunks.push(&booking("Анна")).unwrap();
        assert!(!chunks.take().unwrap().is_empty());
        assert!(chunks.take().unwrap().is_empty());
    }
}
