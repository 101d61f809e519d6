//! jwt-core on its own, no HTTP: build a key, sign a token with custom claims, verify it, print
//! the claims and what a tampered copy gets.
//!
//! ```sh
//! cargo run --example sign
//! ```

use jwt_core::{decode_as, encode, Algorithm, Header, Key, Validation};
use serde::{Deserialize, Serialize};

#[derive(Debug, Serialize, Deserialize)]
struct MyClaims {
    sub: String,
    exp: u64,
    role: String,
    teams: Vec<String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A key is prepared once: the keyed HMAC state is built here and cloned per token.
    // Secrets shorter than the hash output (32 bytes for HS256) are refused.
    let key = Key::new(
        Algorithm::HS256,
        "an example secret: use 32+ random bytes in production",
    )?;

    let claims = MyClaims {
        sub: "alice".into(),
        exp: 4_102_444_800, // 2100-01-01
        role: "admin".into(),
        teams: vec!["red".into(), "blue".into()],
    };
    let mut header = Header::new(Algorithm::HS256);
    header.insert("kid", "2026-11")?;
    let token = encode(&header, &claims, &key)?;
    println!("token:    {token}");

    let validation = Validation::new(Algorithm::HS256);
    let verified = decode_as::<MyClaims>(&token, &key, &validation)?;
    println!("header:   {}", serde_json::to_string(&verified.header)?);
    println!("claims:   {:?}", verified.claims);

    // Change one character of the payload: the MAC no longer matches.
    let dot = token.find('.').unwrap_or(0);
    let mut tampered = token.into_bytes();
    tampered[dot + 5] = if tampered[dot + 5] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let tampered = String::from_utf8(tampered)?;
    match decode_as::<MyClaims>(&tampered, &key, &validation) {
        Ok(_) => println!("tampered: accepted (this must never happen)"),
        Err(e) => println!("tampered: {e}"),
    }

    // Another key, another answer.
    let other = Key::new(Algorithm::HS256, "a different secret, also long enough!!")?;
    let token = encode(&Header::new(Algorithm::HS256), &claims, &other)?;
    if let Err(e) = decode_as::<MyClaims>(&token, &key, &validation) {
        println!("wrong key: {e}");
    }
    Ok(())
}
