//! End-to-end encrypted channels (`private-encrypted-*`): NaCl secretbox
//! (XSalsa20-Poly1305), key from the auth response's `shared_secret`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use crypto_secretbox::aead::{Aead, KeyInit};
use crypto_secretbox::{Key, Nonce, XSalsa20Poly1305};
use serde_json::Value;

/// Bytes of an encrypted channel's key (XSalsa20-Poly1305).
pub const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;

/// Why an encrypted event could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecryptError {
    /// The event data is not `{nonce, ciphertext}` in base64.
    Malformed,
    /// Authentication failed: wrong key (or tampered data).
    Failed,
}

/// The 32-byte key from a base64 `shared_secret`.
pub fn parse_key(shared_secret: &str) -> Option<[u8; KEY_LEN]> {
    let bytes = STANDARD.decode(shared_secret.trim()).ok()?;
    bytes.try_into().ok()
}

/// Opens `{"nonce":…,"ciphertext":…}`; the plaintext is parsed as JSON, or kept as a string.
pub fn decrypt(key: &[u8; KEY_LEN], data: &Value) -> Result<Value, DecryptError> {
    let field = |name: &str| {
        data.get(name)
            .and_then(Value::as_str)
            .and_then(|s| STANDARD.decode(s).ok())
            .ok_or(DecryptError::Malformed)
    };
    let nonce = field("nonce")?;
    let ciphertext = field("ciphertext")?;
    if nonce.len() != NONCE_LEN {
        return Err(DecryptError::Malformed);
    }
    let cipher = XSalsa20Poly1305::new(Key::from_slice(key));
    let plain = cipher
        .decrypt(Nonce::from_slice(&nonce), ciphertext.as_slice())
        .map_err(|_| DecryptError::Failed)?;
    let text = String::from_utf8(plain).map_err(|_| DecryptError::Malformed)?;
    Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Seals `plaintext` (what a publishing server does); for tests and tools.
pub fn encrypt(key: &[u8; KEY_LEN], nonce: &[u8; NONCE_LEN], plaintext: &str) -> Value {
    let cipher = XSalsa20Poly1305::new(Key::from_slice(key));
    let ciphertext = cipher
        .encrypt(Nonce::from_slice(nonce), plaintext.as_bytes())
        .unwrap_or_default();
    serde_json::json!({ "nonce": STANDARD.encode(nonce), "ciphertext": STANDARD.encode(ciphertext) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_failures() {
        let key = [7u8; KEY_LEN];
        let sealed = encrypt(&key, &[1u8; NONCE_LEN], r#"{"hello":"world"}"#);
        assert_eq!(
            decrypt(&key, &sealed),
            Ok(serde_json::json!({"hello": "world"}))
        );
        assert_eq!(decrypt(&[8u8; KEY_LEN], &sealed), Err(DecryptError::Failed));
        let raw = encrypt(&key, &[2u8; NONCE_LEN], "plain text");
        assert_eq!(decrypt(&key, &raw), Ok(Value::String("plain text".into())));
        assert_eq!(
            decrypt(&key, &serde_json::json!({"nonce": "x"})),
            Err(DecryptError::Malformed)
        );
        assert_eq!(
            decrypt(
                &key,
                &serde_json::json!({"nonce": "AAAA", "ciphertext": "AAAA"})
            ),
            Err(DecryptError::Malformed)
        );
    }

    #[test]
    fn keys() {
        assert_eq!(parse_key(&STANDARD.encode([3u8; 32])), Some([3u8; 32]));
        assert_eq!(parse_key(&STANDARD.encode([3u8; 16])), None);
        assert_eq!(parse_key("not base64!"), None);
    }
}
