//! The second factor: time-based one-time codes (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30 s,
//! one step of clock skew either way), as phone authenticator apps make them.

use totp_rs::{Algorithm, Secret, Totp};

fn totp(secret_base32: &str, account: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some("Trivsel"))
        .with_account_name(account)
        .build()
        .ok()
}

/// A new random 160-bit secret, base32.
pub fn new_secret() -> String {
    Secret::from(&rand::random::<[u8; 20]>()[..]).to_base32()
}

/// The time step a correct `code` belongs to, at Unix time `now`.
pub fn check(secret_base32: &str, code: &str, now: u64) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret_base32, "x")?.check(&code, now)
}

/// The code for Unix time `now` (tests and the setup page's self-check use it).
pub fn code(secret_base32: &str, now: u64) -> Option<String> {
    Some(totp(secret_base32, "x")?.generate(now).to_string())
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret_base32: &str, account: &str) -> Option<String> {
    totp(secret_base32, account)?.to_url().ok()
}

/// The address as an SVG QR code.
pub fn qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(200, 200)
            .build(),
    )
}

#[cfg(test)]
mod tests {
    /// RFC 6238 appendix B, SHA-1, with the 20-byte ASCII secret "12345678901234567890"
    /// (8-digit values there; the last 6 digits are the 6-digit code).
    #[test]
    fn rfc6238_vectors() {
        let secret = totp_rs::Secret::from(&b"12345678901234567890"[..]).to_base32();
        for (time, eight) in [
            (59, "94287082"),
            (1111111109, "07081804"),
            (1234567890, "89005924"),
            (2000000000, "69279037"),
        ] {
            assert_eq!(super::code(&secret, time).unwrap(), eight[2..], "t={time}");
            assert!(
                super::check(&secret, &eight[2..], time + 30).is_some(),
                "one step of skew"
            );
            assert!(super::check(&secret, &eight[2..], time + 90).is_none());
        }
    }

    #[test]
    fn setup_material() {
        let s = super::new_secret();
        assert_eq!(s.len(), 32);
        let url = super::otpauth_url(&s, "lis").unwrap();
        assert!(url.starts_with("otpauth://totp/Trivsel:lis?"), "{url}");
        assert!(super::qr_svg(&url).unwrap().contains("<svg"));
    }
}
