//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, as OWASP
//! recommends).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// A PHC string for `password` with a random salt.
pub fn hash(password: &str) -> String {
    let salt =
        SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing")
        .to_string()
}

/// Whether `password` matches the PHC string `phc`. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Spends the time of one verification, so that an unknown user name takes as long as a
/// wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let _ = verify(
        password,
        DUMMY.get_or_init(|| hash("trivsel-dummy-password")),
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn hash_and_verify() {
        let h = super::hash("korrekt hest batteri");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("korrekt hest batteri", &h));
        assert!(!super::verify("forkert", &h));
        assert!(!super::verify("x", "not a hash"));
    }
}
