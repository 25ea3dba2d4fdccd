//! What authentication needs, built once at start-up and kept in the shared state.
use super::{jwt, password, throttle};
use crate::error::AppError;
use crate::server::{cache::Cache, config::Config};

/// Everything authentication needs, built once at start-up.
pub struct Auth {
    pub jwt: jwt::JwtKeys,
    pub throttle: throttle::LoginThrottle,
    pub hashing: password::HashingPool,
    /// Verified against when the email is unknown, so both failures cost the same time.
    pub dummy_hash: String,
    /// `Secure` cookies (HTTPS only) in production.
    pub secure_cookies: bool,
    /// The bookings' signed manage links (keyed with the JWT secret, under their own label).
    pub links: crate::server::bookings::ManageLinks,
    /// The password-reset links (the same key, another label).
    pub resets: super::recovery::ResetLinks,
}

impl Auth {
    pub async fn new(config: &Config, cache: Cache) -> Result<Self, AppError> {
        let hashing = password::HashingPool::new();
        let dummy_hash = password::hash_str(&hashing, random_text()).await?;
        Ok(Auth {
            hashing,
            jwt: jwt::JwtKeys::new(&config.jwt),
            throttle: throttle::LoginThrottle::new(cache),
            dummy_hash,
            secure_cookies: config.app_env.is_production(),
            links: crate::server::bookings::ManageLinks::new(&config.jwt.secret),
            resets: super::recovery::ResetLinks::new(&config.jwt.secret),
        })
    }
}

fn random_text() -> String {
    use rand::Rng;
    let value: u128 = rand::rng().random();
    format!("{value:032x}")
}
