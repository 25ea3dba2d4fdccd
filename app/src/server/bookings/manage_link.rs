//! The signed "manage this booking" link of every booking email: it opens that one booking
//! without signing in (view, cancel, change) until it expires at check-out. Nothing to store:
//! see [`SignedLinks`].
use chrono::{DateTime, Utc};

use crate::model::BookingId;
use crate::server::config::Secret;
use crate::server::signed_links::SignedLinks;

/// Signs and checks manage links.
#[derive(Clone, Debug)]
pub struct ManageLinks(SignedLinks);

impl ManageLinks {
    pub fn new(secret: &Secret) -> Self {
        ManageLinks(SignedLinks::new(secret, "booking-manage-link"))
    }

    /// The token for `booking_id`, valid until `expires_at`.
    pub fn sign(&self, booking_id: BookingId, expires_at: DateTime<Utc>) -> String {
        self.0.sign(i64::from(booking_id.get()), expires_at)
    }

    /// The booking a token opens at `now`; `None` when it is malformed, tampered with or expired.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Option<BookingId> {
        let id = i32::try_from(self.0.verify(token, now)?).ok()?;
        (id > 0).then(|| BookingId::from(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_already_emailed_keep_working() {
        // Signed by the first version of this module (HMAC-SHA256 over the label, a NUL and
        // `id.expiry`, keyed "secret"): the layout must never change under guests' feet.
        let links = ManageLinks::new(&Secret::new("secret"));
        let token = "7.1797238800.ffb4ebcec331b18879f5729f2c36cc83";
        let expiry: DateTime<Utc> = "2026-12-14T09:00:00Z".parse().unwrap();
        assert_eq!(links.sign(7.into(), expiry), token);
        let before: DateTime<Utc> = "2026-12-14T08:59:59Z".parse().unwrap();
        assert_eq!(links.verify(token, before), Some(7.into()));
        assert_eq!(links.verify("0.1797238800.00", before), None);
    }
}
