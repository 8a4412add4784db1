//! Authorization signatures (pusher docs, auth-signatures.md): what an auth
//! endpoint returns, and what servers sign when they publish.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Hex HMAC-SHA256 of `message` under `secret`.
pub fn hmac_hex(secret: &str, message: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// `auth` for a private (or encrypted) channel: `key:hex(HMAC(socket_id:channel))`.
pub fn channel_auth(key: &str, secret: &str, socket_id: &str, channel: &str) -> String {
    format!(
        "{key}:{}",
        hmac_hex(secret, &format!("{socket_id}:{channel}"))
    )
}

/// `auth` for a presence channel; `channel_data` is the exact string sent.
pub fn presence_auth(
    key: &str,
    secret: &str,
    socket_id: &str,
    channel: &str,
    channel_data: &str,
) -> String {
    format!(
        "{key}:{}",
        hmac_hex(secret, &format!("{socket_id}:{channel}:{channel_data}"))
    )
}

/// `auth` for user sign-in; `user_data` is the exact string sent.
pub fn user_auth(key: &str, secret: &str, socket_id: &str, user_data: &str) -> String {
    format!(
        "{key}:{}",
        hmac_hex(secret, &format!("{socket_id}::user::{user_data}"))
    )
}

/// A socket id as servers issue them: two decimal numbers joined by a dot.
pub fn is_valid_socket_id(socket_id: &str) -> bool {
    let mut parts = socket_id.split('.');
    let valid = |p: Option<&str>| {
        p.is_some_and(|p| !p.is_empty() && p.len() <= 20 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    valid(parts.next()) && valid(parts.next()) && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "278d425bdf160c739803";
    const SECRET: &str = "7ad3773142a6692b25b8";

    #[test]
    fn private_channel_vector() {
        assert_eq!(
            channel_auth(KEY, SECRET, "1234.1234", "private-foobar"),
            "278d425bdf160c739803:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"
        );
    }

    #[test]
    fn presence_channel_vector() {
        assert_eq!(
            presence_auth(
                KEY,
                SECRET,
                "1234.1234",
                "presence-foobar",
                r#"{"user_id":10,"user_info":{"name":"Mr. Pusher"}}"#
            ),
            "278d425bdf160c739803:afaed3695da2ffd16931f457e338e6c9f2921fa133ce7dac49f529792be6304c"
        );
    }

    #[test]
    fn user_authentication_vector() {
        assert_eq!(
            user_auth(KEY, SECRET, "1234.1234", r#"{"id":"12345"}"#),
            "278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba"
        );
    }

    #[test]
    fn socket_ids() {
        assert!(is_valid_socket_id("1234.1234"));
        for bad in ["", "1234", "1234.", ".5", "a.b", "1.2.3", "1:2", "12 .3"] {
            assert!(!is_valid_socket_id(bad), "{bad}");
        }
    }
}
