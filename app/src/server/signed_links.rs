//! Links that open one thing without signing in (a booking's "manage" link, a password reset):
//! `{id}.{expiry, Unix seconds}.{signature}`, the signature being the first 128 bits of
//! HMAC-SHA256 over both, keyed with the JWT secret under a label of the link's kind. So a
//! session token never passes for a link, nor a link of one kind for another, and changing the
//! id or the expiry breaks it: a forged link costs no database read. Short enough for an email.
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::server::config::Secret;

type HmacSha256 = Hmac<Sha256>;

/// Signature bytes kept in a link (of HMAC-SHA256's 32).
const SIGNATURE_BYTES: usize = 16;

/// Signs and checks the links of one kind (`label`).
#[derive(Clone)]
pub struct SignedLinks {
    mac: HmacSha256,
    label: &'static str,
}

impl std::fmt::Debug for SignedLinks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignedLinks({}, ..)", self.label)
    }
}

impl SignedLinks {
    pub fn new(secret: &Secret, label: &'static str) -> Self {
        // HMAC takes a key of any length: this cannot fail.
        let mac = HmacSha256::new_from_slice(secret.expose().as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        SignedLinks { mac, label }
    }

    /// The token for `id`, valid until `expires_at`.
    pub fn sign(&self, id: i64, expires_at: DateTime<Utc>) -> String {
        let expiry = expires_at.timestamp();
        let signature = self.mac_of(id, expiry).finalize().into_bytes();
        let hex: String = signature[..SIGNATURE_BYTES]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        format!("{id}.{expiry}.{hex}")
    }

    /// The id a token opens at `now`; `None` when it is malformed, tampered with or expired.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<i64> {
        let (id, expiry) = self.verify_signature(token)?;
        (now.timestamp() < expiry).then_some(id)
    }

    /// The id and expiry of a genuine token, expired or not.
    fn verify_signature(&self, token: &str) -> Option<(i64, i64)> {
        let mut parts = token.split('.');
        let (id, expiry, hex) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        // Digits only: `+5` or ` 5` would parse, and re-signing must see the very same text.
        let id = digits(id, 19)?;
        let expiry = digits(expiry, 12)?;
        let signature = parse_hex(hex)?;
        // Constant-time comparison of the kept bytes.
        self.mac_of(id, expiry)
            .verify_truncated_left(&signature)
            .ok()?;
        Some((id, expiry))
    }

    fn mac_of(&self, id: i64, expiry: i64) -> HmacSha256 {
        let mut mac = self.mac.clone();
        mac.update(self.label.as_bytes());
        mac.update(b"\0");
        mac.update(format!("{id}.{expiry}").as_bytes());
        mac
    }
}

/// A non-negative number of at most `max_len` ASCII digits, nothing else.
fn digits(text: &str, max_len: usize) -> Option<i64> {
    if text.is_empty() || text.len() > max_len || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
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

    fn links(secret: &str, label: &'static str) -> SignedLinks {
        SignedLinks::new(&Secret::new(secret), label)
    }

    fn at(raw: &str) -> DateTime<Utc> {
        raw.parse().unwrap()
    }

    #[test]
    fn a_link_opens_its_id_until_it_expires() {
        let links = links("secret", "kind");
        let token = links.sign(7, at("2026-12-14T09:00:00Z"));
        assert!(token.starts_with("7.") && token.len() < 60, "{token}");
        assert_eq!(links.verify(&token, at("2026-12-14T08:59:59Z")), Some(7));
        assert_eq!(links.verify(&token, at("2026-12-14T09:00:00Z")), None);
        assert_eq!(links.verify_signature(&token), Some((7, 1_797_238_800)));
    }

    #[test]
    fn tampered_or_foreign_links_open_nothing() {
        let links = links("secret", "kind");
        let token = links.sign(7, at("2026-12-14T09:00:00Z"));
        let now = at("2026-12-01T00:00:00Z");
        let (_, rest) = token.split_once('.').unwrap();
        assert_eq!(links.verify(&format!("8.{rest}"), now), None, "another id");
        let later = token.replace(".1797", ".1798");
        assert_ne!(later, token);
        assert_eq!(links.verify(&later, now), None, "a later expiry");
        let last = if token.ends_with('0') { "1" } else { "0" };
        let flipped = format!("{}{last}", &token[..token.len() - 1]);
        assert_eq!(links.verify(&flipped, now), None, "a changed signature");
        let other_key = self::links("other", "kind").sign(7, at("2026-12-14T09:00:00Z"));
        assert_eq!(links.verify(&other_key, now), None, "another key");
        let other_kind = self::links("secret", "other").sign(7, at("2026-12-14T09:00:00Z"));
        assert_eq!(links.verify(&other_kind, now), None, "another kind");
        for garbage in [
            "",
            "7",
            "7.1797",
            "7.1797.zz",
            "a.b.c",
            "7.+1797.00",
            "-7.1797.00",
            &format!("{token}.x"),
        ] {
            assert_eq!(links.verify(garbage, now), None, "{garbage:?}");
        }
    }
}
