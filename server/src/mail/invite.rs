//! The calendar invite of a booking email (iCalendar, RFC 5545, with the iTIP methods of
//! RFC 5546): one event per booking under a UID that never changes, from the hotel's check-in
//! to its check-out. A change sends it again with a higher SEQUENCE, which calendars take as
//! the newer version; a cancellation sends METHOD:CANCEL under the same UID.
use app::server::notifications::Notification;
use chrono::{DateTime, Utc};
use lettre::message::Mailbox;

/// What an invite asks of the guest's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Add the event, or update it (a higher SEQUENCE).
    Request,
    Cancel,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// The invite a kind of email carries: confirmations and changes ask, cancellations cancel,
/// reminders carry none (the event is already in the calendar).
pub fn method(kind: &str) -> Option<Method> {
    match kind {
        "confirmation" | "change" => Some(Method::Request),
        "cancellation" => Some(Method::Cancel),
        _ => None,
    }
}

pub struct Invite<'a> {
    pub notification: &'a Notification,
    pub method: Method,
    /// The sender: the organizer of the event.
    pub organizer: &'a Mailbox,
    /// The booking's manage link.
    pub manage: &'a str,
    pub now: DateTime<Utc>,
}

impl Invite<'_> {
    /// The invite as an iCalendar text (CRLF lines folded at 75 octets).
    pub fn to_ics(&self) -> String {
        let n = self.notification;
        let domain = self.organizer.email.domain();
        let status = match self.method {
            Method::Request => "CONFIRMED",
            Method::Cancel => "CANCELLED",
        };
        let guest = n.guest_name.as_deref().unwrap_or(&n.email);
        let lines = [
            "BEGIN:VCALENDAR".to_owned(),
            "VERSION:2.0".to_owned(),
            "PRODID:-//Hotel booking//Booking invites//EN".to_owned(),
            format!("METHOD:{}", self.method.as_str()),
            "BEGIN:VEVENT".to_owned(),
            format!("UID:booking-{}@{domain}", n.reference),
            format!("SEQUENCE:{}", n.sequence),
            format!("DTSTAMP:{}", stamp(self.now)),
            format!("DTSTART:{}", stamp(n.check_in_at)),
            format!("DTEND:{}", stamp(n.check_out_at)),
            format!(
                "SUMMARY:{}",
                text(&format!("{} · {}", n.hotel_name_read(), n.room_name_read()))
            ),
            format!(
                "LOCATION:{}",
                text(&format!("{}, {}", n.hotel_name_read(), n.hotel_location))
            ),
            format!(
                "DESCRIPTION:{}",
                text(&format!("{}\n{}", n.reference, self.manage))
            ),
            format!("URL:{}", self.manage),
            format!("STATUS:{status}"),
            "TRANSP:OPAQUE".to_owned(),
            format!(
                "ORGANIZER;CN={}:mailto:{}",
                parameter(self.organizer.name.as_deref().unwrap_or(domain)),
                self.organizer.email
            ),
            format!(
                "ATTENDEE;CN={};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:{}",
                parameter(guest),
                n.email
            ),
            "END:VEVENT".to_owned(),
            "END:VCALENDAR".to_owned(),
        ];
        lines.iter().map(|line| fold(line)).collect()
    }
}

/// A UTC date-time: `20261214T110000Z`.
fn stamp(instant: DateTime<Utc>) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon, comma and newline escaped.
fn text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

/// A parameter value, quoted (a name may hold `:` `;` `,`); a quote cannot be escaped there.
fn parameter(value: &str) -> String {
    let clean: String = value
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    format!("\"{clean}\"")
}

/// One content line, folded so no line exceeds 75 octets (never inside a character), CRLF.
fn fold(line: &str) -> String {
    let mut folded = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            folded.push_str("\r\n ");
            width = 1;
        }
        folded.push(c);
        width += c.len_utf8();
    }
    folded.push_str("\r\n");
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let line = format!("SUMMARY:{}", "Гостиница ".repeat(12));
        let folded = fold(&line);
        for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(physical.len() <= 75, "{physical:?}");
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end_matches("\r\n"), line);
    }

    #[test]
    fn text_values_escape_their_separators() {
        assert_eq!(text("a;b,c\\d\ne"), "a\\;b\\,c\\\\d\\ne");
        assert_eq!(parameter("Анна \"Ann\" <x>"), "\"Анна Ann <x>\"");
    }
}
