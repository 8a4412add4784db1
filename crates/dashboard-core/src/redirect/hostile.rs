//! A generated corpus of hostile return targets and the invariant every target
//! that survives [`resolve_return_target`](super::resolve_return_target) must
//! hold. Native tests run it through a WHATWG URL parser (the `url` crate); the
//! dashboard's browser tests run it through Chromium's own `URL`.

use super::{validate_redirect, Resolved};

/// Starts of a target: slashes and backslashes, dot segments (plain and
/// encoded), whitespace and control characters, schemes, userinfo.
const PREFIXES: &[&str] = &[
    "",
    "/",
    "//",
    "///",
    "\\",
    "\\\\",
    "/\\",
    "\\/",
    "/./",
    "/../",
    "/.//",
    "/..//",
    "/%2e/",
    "/%2e//",
    "/%2E%2E//",
    "/.%2e//",
    "/a/..//",
    "/a/%2e%2e//",
    "/a/.%2E/",
    "%2F",
    "/%2F",
    "/%2f%2f",
    "/%5C",
    "/%255C",
    " /",
    "\t/",
    "/\t/",
    "\n//",
    "/\r/",
    "/\u{0}",
    "/%00/",
    "/%09/",
    "/%0a/",
    "/\u{3000}/",
    "/\u{200B}/",
    "/\u{FEFF}/",
    "http:",
    "https:",
    "HTTPS:",
    "http://",
    "https:/",
    "javascript:",
    "data:",
    "blob:",
    "//user@",
    "//user:pass@",
    "/@",
    "//@",
];

/// Middles: other hosts, ports, encoded separators, and harmless path segments.
const MIDDLES: &[&str] = &[
    "evil.example",
    "EVIL.example:443",
    "user:pass@evil.example",
    "@evil.example",
    "127.0.0.1:8080",
    "[::1]",
    "%2Fevil.example",
    "%5Cevil.example",
    ".",
    "..",
    "%2e%2e",
    "observability",
    "login",
    "sign-in",
    "chat/42",
];

/// Ends: nothing, more path, a query or a fragment that smuggles a URL.
const SUFFIXES: &[&str] = &[
    "",
    "/",
    "/x?y=1#z",
    "\\",
    "#//evil.example",
    "?redirect=//evil.example",
    "?next=https://evil.example",
];

/// Every prefix × middle × suffix: a few thousand targets.
pub fn targets() -> Vec<String> {
    let mut out = Vec::with_capacity(PREFIXES.len() * MIDDLES.len() * SUFFIXES.len());
    for prefix in PREFIXES {
        for middle in MIDDLES {
            for suffix in SUFFIXES {
                out.push(format!("{prefix}{middle}{suffix}"));
            }
        }
    }
    out
}

/// What must hold for a target that was kept: it is a single-slash path that
/// the written-form rules accept, it resolves to this origin, to itself, and
/// not to the sign-in page.
pub fn check_kept(
    raw: &str,
    target: &str,
    resolve: impl Fn(&str) -> Option<Resolved>,
) -> Result<(), String> {
    if validate_redirect(raw).is_none() {
        return Err("the written form was refused, yet a target came out".into());
    }
    if !target.starts_with('/') || target.starts_with("//") || target.contains('\\') {
        return Err("not a single-slash path".into());
    }
    if validate_redirect(target) != Some(target) {
        return Err("the kept target fails the written-form rules".into());
    }
    let resolved = resolve(target).ok_or("the kept target does not parse")?;
    if !resolved.same_origin || resolved.has_credentials {
        return Err("the kept target resolves to another origin".into());
    }
    let again = format!("{}{}{}", resolved.pathname, resolved.search, resolved.hash);
    if again != target {
        return Err(format!("resolving it again gives {again:?}"));
    }
    let path = resolved.pathname.trim_end_matches('/').to_ascii_lowercase();
    if path == "/login" || path == "/sign-in" {
        return Err("the kept target is the sign-in page".into());
    }
    Ok(())
}

/// A resolver with the `url` crate's WHATWG parser, for native tests.
#[cfg(test)]
pub fn whatwg_resolver(origin: &str) -> impl Fn(&str) -> Option<Resolved> {
    let base = url::Url::parse(origin).expect("a valid origin");
    move |target: &str| {
        let url = base.join(target).ok()?;
        Some(Resolved {
            same_origin: url.origin() == base.origin(),
            has_credentials: !url.username().is_empty() || url.password().is_some(),
            pathname: url.path().to_string(),
            // Like `URL.search` and `URL.hash`: empty for an empty query or fragment.
            search: url
                .query()
                .filter(|q| !q.is_empty())
                .map(|q| format!("?{q}"))
                .unwrap_or_default(),
            hash: url
                .fragment()
                .filter(|f| !f.is_empty())
                .map(|f| format!("#{f}"))
                .unwrap_or_default(),
        })
    }
}
