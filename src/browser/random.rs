//! Random bytes from the browser's CSPRNG (`crypto.getRandomValues`).

/// 32 random bytes; `None` only where the Web Crypto API is missing.
pub(crate) fn bytes_32() -> Option<[u8; 32]> {
    let mut bytes = [0u8; 32];
    web_sys::window()?
        .crypto()
        .ok()?
        .get_random_values_with_u8_array(&mut bytes)
        .ok()?;
    Some(bytes)
}
