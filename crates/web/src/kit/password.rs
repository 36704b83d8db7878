//! Passwords: Argon2id hashing (the crate's defaults: 19 MiB, 2 passes, 1 lane, as OWASP
//! recommends) and the password policy (at least 8 characters, up to 128, no composition rules,
//! not among the 100,000 most common passwords), as NIST SP 800-63B advises.

use std::collections::HashSet;
use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

/// A PHC string for `password` with a random salt.
pub fn hash(password: &str) -> String {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing")
        .to_string()
}

/// Whether `password` matches the PHC string `phc`. A malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// Spends the time of one verification, so that an unknown user name takes as long as a
/// wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let _ = verify(password, DUMMY.get_or_init(|| hash("trivsel-dummy-password")));
}

fn common() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| {
        include_str!("../../data/common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect()
    })
}

/// Checks a new password against the policy; the error is a Danish sentence for the user.
pub fn check_policy(password: &str, username: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < 8 {
        return Err("Adgangskoden skal have mindst 8 tegn.".into());
    }
    if chars > 128 {
        return Err("Adgangskoden må højst have 128 tegn.".into());
    }
    let lower = password.to_lowercase();
    if common().contains(lower.as_str()) || lower == username.to_lowercase() {
        return Err("Adgangskoden er blandt de mest brugte og let at gætte. Vælg en anden, gerne en sætning.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let h = hash("korrekt hest batteri");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("korrekt hest batteri", &h));
        assert!(!verify("forkert", &h));
        assert!(!verify("x", "not a hash"));
    }

    #[test]
    fn policy() {
        assert!(check_policy("kort", "lis").is_err());
        assert!(check_policy("password123", "lis").unwrap_err().contains("mest brugte"));
        assert!(check_policy("Sommer2025", "lis").is_err(), "case does not help");
        assert!(check_policy("lisbethhansen", "lisbethhansen").is_err());
        assert!(
            check_policy("grøn kaffe på tirsdage", "lis").is_ok(),
            "no composition rules"
        );
        assert!(check_policy(&"æ".repeat(64), "lis").is_ok(), "64 characters are fine");
        assert!(check_policy(&"a".repeat(129), "lis").is_err());
        assert!(common().len() > 100_000);
    }
}
