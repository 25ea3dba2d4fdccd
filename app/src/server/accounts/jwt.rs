//! Access tokens: `sub` = user id, `iat`, `exp`, `jti` (the session's id) and `auth_time` (when
//! the session began); signed with the configured HMAC algorithm only. A session slides: while
//! the guest is active, a token past half its lifetime is replaced by a fresh one of the same
//! session, never beyond `SESSION_MAX_HOURS` from signing in.
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::model::UserId;
use crate::server::config::{JwtAlgorithm, JwtConfig};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    /// The token's own id, so signing out can revoke exactly this token. Tokens issued before
    /// ids existed have none (they expire within the token lifetime).
    #[serde(default)]
    pub jti: String,
    /// When the session began (signing in): renewals keep it. Older tokens have none: their
    /// `iat` is it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
}

/// What a valid token says: whose session, begun when, ending when, under which id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionToken {
    pub user_id: UserId,
    pub issued_at: i64,
    pub expires_at: i64,
    pub id: String,
    /// When the session began: what a password change or the absolute lifetime is checked on.
    pub started_at: i64,
}

pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    header: Header,
    validation: Validation,
    expire: Duration,
    max_session: Duration,
}

impl JwtKeys {
    pub fn new(config: &JwtConfig) -> Self {
        let algorithm = match config.algorithm {
            JwtAlgorithm::HS256 => Algorithm::HS256,
            JwtAlgorithm::HS384 => Algorithm::HS384,
            JwtAlgorithm::HS512 => Algorithm::HS512,
        };
        // Only the configured algorithm verifies: `alg: none` and algorithm swaps are refused.
        let mut validation = Validation::new(algorithm);
        validation.leeway = 5;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        let secret = config.secret.expose().as_bytes();
        JwtKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            header: Header::new(algorithm),
            validation,
            expire: config.expire,
            max_session: config.max_session,
        }
    }

    pub fn lifetime(&self) -> Duration {
        self.expire
    }

    /// A token for `user_id`, valid from now for the configured lifetime.
    pub fn issue(&self, user_id: UserId) -> Result<String, AppError> {
        self.issue_at(user_id, chrono::Utc::now().timestamp())
    }

    /// A token as if issued at `issued_at` (Unix seconds), beginning a session.
    pub fn issue_at(&self, user_id: UserId, issued_at: i64) -> Result<String, AppError> {
        let claims = Claims {
            sub: user_id.to_string(),
            iat: issued_at,
            exp: issued_at + self.expire.as_secs() as i64,
            jti: token_id(),
            auth_time: Some(issued_at),
        };
        self.sign(&claims)
    }

    /// The latest instant any token of a session begun at `started_at` can be valid.
    pub fn session_end(&self, started_at: i64) -> i64 {
        started_at + self.max_session.as_secs() as i64
    }

    /// A fresh token for `token`'s session if it is due at `now`: past half its lifetime and
    /// the session not at its end. Same session id and start; the new expiry is capped by the
    /// session's absolute end. `None`: keep the token.
    pub fn renewal(&self, token: &SessionToken, now: i64) -> Option<Result<Renewed, AppError>> {
        let lifetime = self.expire.as_secs() as i64;
        let end = self.session_end(token.started_at);
        let expires_at = (now + lifetime).min(end);
        if now < token.issued_at + lifetime / 2 || expires_at <= token.expires_at {
            return None;
        }
        let claims = Claims {
            sub: token.user_id.to_string(),
            iat: now,
            exp: expires_at,
            jti: token.id.clone(),
            auth_time: Some(token.started_at),
        };
        Some(self.sign(&claims).map(|token| Renewed {
            token,
            max_age_secs: (expires_at - now).max(0) as u64,
        }))
    }

    fn sign(&self, claims: &Claims) -> Result<String, AppError> {
        jsonwebtoken::encode(&self.header, claims, &self.encoding)
            .map_err(|error| AppError::internal("signing a token", error))
    }

    /// The user id of a valid token; `None` for anything expired, tampered or malformed.
    /// The token's session when its signature and expiry hold (whether the session was ended
    /// since is the database's to say: see `Session::user`).
    pub fn verify(&self, token: &str) -> Option<SessionToken> {
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()?
            .claims;
        Some(SessionToken {
            user_id: UserId::parse(&claims.sub)?,
            issued_at: claims.iat,
            expires_at: claims.exp,
            id: claims.jti,
            started_at: claims.auth_time.unwrap_or(claims.iat),
        })
    }
}

/// A renewed session token and how long its cookie keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renewed {
    pub token: String,
    pub max_age_secs: u64,
}

/// 128 random bits, hex.
fn token_id() -> String {
    use rand::Rng;
    let value: u128 = rand::rng().random();
    format!("{value:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::config::Secret;

    fn keys(secret: &str) -> JwtKeys {
        JwtKeys::new(&JwtConfig {
            secret: Secret::new(secret),
            algorithm: JwtAlgorithm::HS256,
            expire: Duration::from_secs(30 * 60),
            max_session: Duration::from_secs(2 * 3600),
            secret_generated: false,
        })
    }

    #[test]
    fn an_active_session_slides_until_its_absolute_end() {
        let keys = keys("secret");
        let start = chrono::Utc::now().timestamp() - 60;
        let first = keys
            .verify(&keys.issue_at(42.into(), start).unwrap())
            .unwrap();
        assert_eq!(first.started_at, start);
        assert_eq!(
            keys.renewal(&first, start + 14 * 60),
            None,
            "not before half its life"
        );
        let renewed = keys.renewal(&first, start + 16 * 60).unwrap().unwrap();
        assert_eq!(renewed.max_age_secs, 30 * 60);
        let second = keys.verify(&renewed.token).unwrap();
        assert_eq!(
            (second.id.as_str(), second.started_at),
            (first.id.as_str(), start)
        );
        assert_eq!(second.issued_at, start + 16 * 60);
        // Near the session's end the expiry is capped; at the end there is no renewal.
        let end = start + 2 * 3600;
        let late = SessionToken {
            issued_at: end - 20 * 60,
            expires_at: end - 5 * 60,
            ..second
        };
        let capped = keys.renewal(&late, end - 4 * 60).unwrap().unwrap();
        assert_eq!(capped.max_age_secs, 4 * 60);
        let last = SessionToken {
            expires_at: end,
            ..late
        };
        assert_eq!(keys.renewal(&last, end - 60), None);
    }

    #[test]
    fn a_fresh_token_round_trips() {
        let keys = keys("secret");
        let token = keys.issue(42.into()).unwrap();
        assert_eq!(keys.verify(&token).map(|t| t.user_id), Some(42.into()));
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = keys("secret");
        let an_hour_ago = chrono::Utc::now().timestamp() - 3600;
        let token = keys.issue_at(42.into(), an_hour_ago).unwrap();
        assert_eq!(keys.verify(&token).map(|t| t.user_id), None);
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let token = keys("other").issue(42.into()).unwrap();
        assert_eq!(keys("secret").verify(&token).map(|t| t.user_id), None);
    }

    #[test]
    fn a_tampered_payload_is_refused() {
        let keys = keys("secret");
        let token = keys.issue(42.into()).unwrap();
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let forged = keys.issue(1.into()).unwrap();
        parts[1] = forged.split('.').nth(1).unwrap().to_owned();
        parts[2] = token.split('.').nth(2).unwrap().to_owned();
        assert_eq!(keys.verify(&parts.join(".")), None);
    }

    #[test]
    fn alg_none_is_refused() {
        // {"alg":"none","typ":"JWT"} . {"sub":"1","iat":..,"exp":..} . (no signature)
        let now = chrono::Utc::now().timestamp();
        let header = b64(r#"{"alg":"none","typ":"JWT"}"#);
        let claims = b64(&format!(r#"{{"sub":"1","iat":{now},"exp":{}}}"#, now + 600));
        assert_eq!(keys("secret").verify(&format!("{header}.{claims}.")), None);
    }

    #[test]
    fn garbage_is_refused() {
        assert_eq!(keys("secret").verify("not-a-token"), None);
        assert_eq!(keys("secret").verify(""), None);
    }

    fn b64(text: &str) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let bytes = text.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            }
        }
        out
    }
}
