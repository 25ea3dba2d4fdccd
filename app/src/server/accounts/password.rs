//! Password hashing: argon2id at OWASP's recommended parameters, off the async executor.
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};

use crate::error::AppError;
use crate::model::Password;

/// OWASP Password Storage Cheat Sheet: argon2id, 19 MiB of memory, 2 iterations, 1 lane.
const MEMORY_KIB: u32 = 19 * 1024;
const ITERATIONS: u32 = 2;
const LANES: u32 = 1;

/// Longer input cannot be a password we stored (128 characters at most): refused without hashing.
const MAX_CANDIDATE_BYTES: usize = 4 * 128;

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, LANES, None)
        .expect("the OWASP parameters are within argon2's limits");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// The password matches; `rehash` when the stored hash is bcrypt or has older parameters.
    Valid {
        rehash: bool,
    },
    Invalid,
}

/// Bounds concurrent hashing to the CPU count: each hash holds 19 MiB, and a queue of waiting
/// logins is fairer than hundreds of threads fighting over two cores.
pub struct HashingPool(tokio::sync::Semaphore);

impl HashingPool {
    pub fn new() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        HashingPool(tokio::sync::Semaphore::new(cpus))
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _permit = self
            .0
            .acquire()
            .await
            .map_err(|error| AppError::internal("a hashing permit", error))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|error| AppError::internal("the password hashing task", error))
    }
}

impl Default for HashingPool {
    fn default() -> Self {
        Self::new()
    }
}

pub async fn hash(pool: &HashingPool, password: &Password) -> Result<String, AppError> {
    hash_str(pool, password.expose().to_owned()).await
}

pub(crate) async fn hash_str(pool: &HashingPool, password: String) -> Result<String, AppError> {
    pool.run(move || {
        let salt = SaltString::generate(&mut OsRng);
        argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await?
    .map_err(|error| AppError::internal("hashing a password", error.to_string()))
}

/// Checks `candidate` against a stored argon2 or (legacy) bcrypt hash.
pub async fn verify(
    pool: &HashingPool,
    candidate: String,
    stored: String,
) -> Result<Verified, AppError> {
    if candidate.len() > MAX_CANDIDATE_BYTES {
        return Ok(Verified::Invalid);
    }
    pool.run(move || verify_blocking(&candidate, &stored)).await
}

fn verify_blocking(candidate: &str, stored: &str) -> Verified {
    if stored.starts_with("$2") {
        return match bcrypt::verify(candidate, stored) {
            Ok(true) => Verified::Valid { rehash: true },
            _ => Verified::Invalid,
        };
    }
    let Ok(parsed) = PasswordHash::new(stored) else {
        tracing::error!("a stored password hash cannot be parsed");
        return Verified::Invalid;
    };
    if argon2()
        .verify_password(candidate.as_bytes(), &parsed)
        .is_err()
    {
        return Verified::Invalid;
    }
    Verified::Valid {
        rehash: !has_current_parameters(&parsed),
    }
}

fn has_current_parameters(hash: &PasswordHash) -> bool {
    let current = argon2();
    hash.algorithm == Algorithm::Argon2id.ident()
        && Params::try_from(hash).is_ok_and(|params| {
            params.m_cost() == current.params().m_cost()
                && params.t_cost() == current.params().t_cost()
                && params.p_cost() == current.params().p_cost()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The original project's demo user `test@test.com` (password `test`), hashed by passlib's bcrypt.
    const LEGACY_BCRYPT: &str = "$2b$12$ib8N/MddMjSxNs4UOF69c.KuO4CyglQHcNATYpHcKJJn5rbltYNFG";

    #[tokio::test]
    async fn a_new_hash_is_argon2id_with_owasp_parameters() {
        let password = Password::parse("correct horse").unwrap();
        let stored = hash(&HashingPool::new(), &password).await.unwrap();
        assert!(
            stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{stored}"
        );
        assert_eq!(
            verify(&HashingPool::new(), "correct horse".into(), stored.clone())
                .await
                .unwrap(),
            Verified::Valid { rehash: false }
        );
        assert_eq!(
            verify(&HashingPool::new(), "wrong horse".into(), stored)
                .await
                .unwrap(),
            Verified::Invalid
        );
    }

    #[tokio::test]
    async fn the_same_password_gets_a_new_salt_each_time() {
        let password = Password::parse("correct horse").unwrap();
        assert_ne!(
            hash(&HashingPool::new(), &password).await.unwrap(),
            hash(&HashingPool::new(), &password).await.unwrap()
        );
    }

    #[tokio::test]
    async fn legacy_bcrypt_verifies_and_asks_for_a_rehash() {
        assert_eq!(
            verify(&HashingPool::new(), "test".into(), LEGACY_BCRYPT.into())
                .await
                .unwrap(),
            Verified::Valid { rehash: true }
        );
        assert_eq!(
            verify(&HashingPool::new(), "tset".into(), LEGACY_BCRYPT.into())
                .await
                .unwrap(),
            Verified::Invalid
        );
    }

    #[tokio::test]
    async fn weaker_argon2_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert_eq!(
            verify(&HashingPool::new(), "correct horse".into(), weak)
                .await
                .unwrap(),
            Verified::Valid { rehash: true }
        );
    }

    #[tokio::test]
    async fn oversized_candidates_are_refused_without_hashing() {
        let stored = hash_str(&HashingPool::new(), "x".repeat(10)).await.unwrap();
        assert_eq!(
            verify(&HashingPool::new(), "x".repeat(10_000), stored)
                .await
                .unwrap(),
            Verified::Invalid
        );
    }
}
