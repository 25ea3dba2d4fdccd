//! The signed "manage this booking" link of every booking email: it opens that one booking
//! without signing in (view, cancel, change) until it expires at check-out.
//!
//! A token is `{booking id}.{expiry, Unix seconds}.{signature}`: the signature is the first 128
//! bits of HMAC-SHA256 over both, keyed with the JWT secret under a label of its own, so a
//! session token can never pass for a link nor a link for a session, and changing the id or the
//! expiry breaks it. Short enough for an email, and nothing to store.
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::model::BookingId;
use crate::server::config::Secret;

type HmacSha256 = Hmac<Sha256>;

/// Signature bytes kept in a token (of HMAC-SHA256's 32).
const SIGNATURE_BYTES: usize = 16;
const LABEL: &[u8] = b"booking-manage-link\0";

/// Signs and checks manage links.
#[derive(Clone)]
pub struct ManageLinks {
    mac: HmacSha256,
}

impl std::fmt::Debug for ManageLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ManageLinks(..)")
    }
}

impl ManageLinks {
    pub fn new(secret: &Secret) -> Self {
        // HMAC takes a key of any length: this cannot fail.
        let mac = HmacSha256::new_from_slice(secret.expose().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        ManageLinks { mac }
    }

    /// The token for `booking_id`, valid until `expires_at`.
    pub fn sign(&self, booking_id: BookingId, expires_at: DateTime<Utc>) -> String {
        let expiry = expires_at.timestamp();
        let signature = self.signature(booking_id.get(), expiry);
        let hex: String = signature[..SIGNATURE_BYTES]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("{booking_id}.{expiry}.{hex}")
    }

    /// The booking a token opens at `now`; `None` when it is malformed, tampered with or expired.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<BookingId> {
        let mut parts = token.split('.');
        let (id, expiry, hex) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let booking_id = BookingId::parse(id)?;
        // Digits only: `+5` or ` 5` would parse, and re-signing must see the very same text.
        if !expiry.bytes().all(|byte| byte.is_ascii_digit()) || expiry.len() > 12 {
            return None;
        }
        let expiry: i64 = expiry.parse().ok()?;
        let signature = parse_hex(hex)?;
        let mut mac = self.mac.clone();
        mac.update(&message(booking_id.get(), expiry));
        // Constant-time comparison of the kept bytes.
        mac.verify_truncated_left(&signature).ok()?;
        (now.timestamp() < expiry).then_some(booking_id)
    }

    fn signature(&self, booking_id: i32, expiry: i64) -> [u8; 32] {
        let mut mac = self.mac.clone();
        mac.update(&message(booking_id, expiry));
        mac.finalize().into_bytes().into()
    }
}

fn message(booking_id: i32, expiry: i64) -> Vec<u8> {
    let mut message = LABEL.to_vec();
    message.extend_from_slice(format!("{booking_id}.{expiry}").as_bytes());
    message
}

/// Exactly [`SIGNATURE_BYTES`] bytes of lower-case hex.
fn parse_hex(hex: &str) -> Option<Vec<u8>> {
    if hex.len() != SIGNATURE_BYTES * 2
        || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|at| u8::from_str_radix(&hex[at..at + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(secret: &str) -> ManageLinks {
        ManageLinks::new(&Secret::new(secret))
    }

    fn at(raw: &str) -> DateTime<Utc> {
        raw.parse().unwrap()
    }

    #[test]
    fn a_link_opens_its_booking_until_it_expires() {
        let links = links("secret");
        let token = links.sign(7.into(), at("2026-12-14T09:00:00Z"));
        assert!(token.starts_with("7.") && token.len() < 60, "{token}");
        assert_eq!(
            links.verify(&token, at("2026-12-14T08:59:59Z")),
            Some(7.into())
        );
        assert_eq!(links.verify(&token, at("2026-12-14T09:00:00Z")), None);
    }

    #[test]
    fn tampered_or_foreign_links_open_nothing() {
        let links = links("secret");
        let token = links.sign(7.into(), at("2026-12-14T09:00:00Z"));
        let now = at("2026-12-01T00:00:00Z");
        let (_, rest) = token.split_once('.').unwrap();
        assert_eq!(
            links.verify(&format!("8.{rest}"), now),
            None,
            "another booking"
        );
        let later = token.replace(".1797", ".1798");
        assert_ne!(later, token);
        assert_eq!(links.verify(&later, now), None, "a later expiry");
        let flipped = format!("{}0", &token[..token.len() - 1]);
        let flipped = if flipped == token {
            format!("{}1", &token[..token.len() - 1])
        } else {
            flipped
        };
        assert_eq!(links.verify(&flipped, now), None, "a changed signature");
        let other = self::links("other").sign(7.into(), at("2026-12-14T09:00:00Z"));
        assert_eq!(links.verify(&other, now), None, "another key");
        for garbage in [
            "",
            "7",
            "7.1797",
            "7.1797.zz",
            "a.b.c",
            "7.+1797.00",
            &format!("{token}.x"),
        ] {
            assert_eq!(links.verify(garbage, now), None, "{garbage:?}");
        }
    }
}
