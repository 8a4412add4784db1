//! Where to go after signing in. The `redirect` query parameter is attacker-
//! controlled, so only same-origin relative paths are accepted; anything else
//! sends the user to `/`.
//!
//! A target is judged twice: as written ([`validate_redirect`]) and as the
//! browser's URL parser resolves it against the app's origin
//! ([`resolve_return_target`]). The second matters because the parser removes
//! dot segments and decodes `%2e`: `/.//evil.example` passes the first check
//! but resolves to the path `//evil.example`, which the router would hand to
//! `history.replaceState` as a protocol-relative URL of another origin.

#[cfg(any(test, feature = "hostile-targets"))]
pub mod hostile;

/// Paths that never make sense as a return target (we would loop).
/// Pages that sign in (or lead to it): never a place to return to.
const SIGN_IN_PATHS: [&str; 5] = [
    "/login",
    "/sign-in",
    "/sign-up",
    "/register",
    "/auth/callback",
];

/// Longest target we keep; longer ones are not something our app produced.
const MAX_TARGET_LEN: usize = 2048;

/// The `redirect` value to use, or `None` when it must not be followed.
///
/// Accepted: one leading `/` followed by a non-`/`, non-`\` character (or
/// nothing), no backslash anywhere, no control or whitespace-like characters,
/// no scheme, not the sign-in page. Every rule is checked on the value as given
/// and again after each round of percent-decoding, so `/%2F%2Fevil.com` and
/// double-encoded variants are refused too.
pub fn validate_redirect(raw: &str) -> Option<&str> {
    check_written(raw, true)
}

/// [`validate_redirect`] without the sign-in rule: a path of this site as
/// written, fit for navigation (the sign-in page included).
pub(crate) fn validate_path(raw: &str) -> Option<&str> {
    check_written(raw, false)
}

fn check_written(raw: &str, refuse_sign_in: bool) -> Option<&str> {
    if raw.is_empty() || raw.len() > MAX_TARGET_LEN {
        return None;
    }
    let mut current = raw.to_string();
    // Three rounds cover any realistic nesting; anything still changing after
    // that is refused as suspicious.
    for _ in 0..4 {
        if !is_plain_path(&current) || (refuse_sign_in && names_sign_in(&current)) {
            return None;
        }
        let decoded = percent_decode(&current)?;
        if decoded == current {
            return Some(raw);
        }
        current = decoded;
    }
    None
}

/// What the browser's URL parser made of a target resolved against the app's
/// own origin (`new URL(target, location.origin)` in the app).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// Scheme, host and port are the app's own.
    pub same_origin: bool,
    /// The URL carries a user name or a password.
    pub has_credentials: bool,
    /// `URL.pathname`: percent-encoded, dot segments removed.
    pub pathname: String,
    /// `URL.search`: `?…`, or empty.
    pub search: String,
    /// `URL.hash`: `#…`, or empty.
    pub hash: String,
}

/// The return target to navigate to: `raw` as the browser resolves it, when
/// both the written and the resolved form are a path of this origin (and not
/// the sign-in page); `None` otherwise.
///
/// `resolve` is the browser's URL parser in the app (a WHATWG parser in the
/// native tests); `None` from it means the target does not parse. The result
/// is resolved once more and must come back unchanged, because the router
/// parses it again before handing it to the History API.
pub fn resolve_return_target(
    raw: &str,
    resolve: impl Fn(&str) -> Option<Resolved>,
) -> Option<String> {
    validate_redirect(raw)?;
    resolve_same_origin_path(raw, resolve).filter(|target| validate_redirect(target).is_some())
}

/// `raw` as the browser resolves it, when both the written and the resolved
/// form are a path of this origin (the sign-in page included) and resolving
/// the result again changes nothing: safe to hand to the History API.
pub fn resolve_same_origin_path(
    raw: &str,
    resolve: impl Fn(&str) -> Option<Resolved>,
) -> Option<String> {
    let written = validate_path(raw)?;
    let target = judge_resolved(&resolve(written)?)?;
    let again = judge_resolved(&resolve(&target)?)?;
    (again == target).then_some(target)
}

/// [`resolve_return_target`], or `/` when the target must not be followed.
pub fn return_target_or_root(
    raw: Option<&str>,
    resolve: impl Fn(&str) -> Option<Resolved>,
) -> String {
    raw.and_then(|raw| resolve_return_target(raw, resolve))
        .unwrap_or_else(|| "/".to_string())
}

fn judge_resolved(resolved: &Resolved) -> Option<String> {
    if !resolved.same_origin || resolved.has_credentials {
        return None;
    }
    let target = format!("{}{}{}", resolved.pathname, resolved.search, resolved.hash);
    validate_path(&target).map(str::to_string)
}

/// `/login?redirect=<target>` (plus `&reason=expired`), for a guard sending a
/// signed-out user away from `target`.
pub fn login_url(target: &str, expired: bool) -> String {
    let mut url = String::from("/login");
    let keep = validate_redirect(target).filter(|t| *t != "/");
    if let Some(target) = keep {
        url.push_str("?redirect=");
        url.push_str(&encode_component(target));
    }
    if expired {
        url.push(if keep.is_some() { '&' } else { '?' });
        url.push_str("reason=expired");
    }
    url
}

/// JavaScript's `encodeURIComponent`.
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3 / 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One leading `/` not followed by `/` or `\`, and no backslash, control or
/// invisible character anywhere.
fn is_plain_path(path: &str) -> bool {
    let mut chars = path.chars();
    if chars.next() != Some('/') {
        return false;
    }
    if matches!(chars.next(), Some('/') | Some('\\')) {
        return false;
    }
    !path
        .chars()
        .any(|c| c == '\\' || c.is_control() || is_invisible_or_space(c))
}

fn names_sign_in(path: &str) -> bool {
    let path_only = path.split(['?', '#']).next().unwrap_or("");
    let lowered = path_only.trim_end_matches('/').to_ascii_lowercase();
    SIGN_IN_PATHS.contains(&lowered.as_str())
}

/// Whitespace other than a plain space (which URL parsing keeps, as `%20`)
/// and the invisible characters browsers strip or fold in URLs.
fn is_invisible_or_space(c: char) -> bool {
    (c.is_whitespace() && c != ' ')
        || matches!(
            c,
            '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
}

/// One round of percent-decoding; `None` for malformed escapes or non-UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_origin_paths_are_kept_verbatim() {
        for ok in [
            "/",
            "/observability",
            "/observability?interval=10s#cpu",
            "/chat/3f2c?x=%2Fnot-a-path",
            "/chat?q=a%20b",
            "/logins",
            "/login-help",
            "/a/login",
            "/%E2%9C%93",
        ] {
            assert_eq!(validate_redirect(ok), Some(ok), "{ok}");
        }
    }

    #[test]
    fn hostile_targets_are_refused() {
        let hostile = [
            "",
            "observability",
            "//evil.com",
            "///evil.com",
            "/\\evil.com",
            "\\\\evil.com",
            "/\\/evil.com",
            "https://evil.com",
            "http:evil.com",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            " /observability",
            "/%2Fevil.com",
            "/%2f%2fevil.com",
            "%2F%2Fevil.com",
            "/%252F%252Fevil.com",
            "/%5Cevil.com",
            "/%5cevil.com",
            "/\tevil.com",
            "/\n/evil.com",
            "/%09/evil.com",
            "/%0D%0ALocation:%20https://evil.com",
            "/%00",
            "/\u{7f}",
            "/\u{200B}/evil.com",
            "/\u{3000}/evil.com",
            "/%E2%80%8B/evil.com",
            "/login",
            "/login?redirect=/login",
            "/LOGIN",
            "/login/",
            "/sign-in#x",
            "/%6Cogin",
            "/%zz",
            "/%E2%28",
            "/a%2",
        ];
        assert!(hostile.len() >= 20);
        for bad in hostile {
            assert_eq!(validate_redirect(bad), None, "{bad:?}");
        }
        assert_eq!(validate_redirect(&format!("/{}", "a".repeat(3000))), None);
    }

    #[test]
    fn triple_encoding_is_refused_too() {
        // %25252F → %252F → %2F → /
        assert_eq!(validate_redirect("/%25252F%25252Fevil.com"), None);
        assert_eq!(validate_redirect("/%2525252F"), None);
    }

    #[test]
    fn login_urls_carry_the_return_target() {
        assert_eq!(
            login_url("/observability?interval=10s#cpu", false),
            "/login?redirect=%2Fobservability%3Finterval%3D10s%23cpu"
        );
        assert_eq!(
            login_url("/chat", true),
            "/login?redirect=%2Fchat&reason=expired"
        );
        assert_eq!(login_url("/", true), "/login?reason=expired");
        assert_eq!(login_url("//evil.com", false), "/login");
        assert_eq!(encode_component("a b/ü"), "a%20b%2F%C3%BC");
    }

    #[test]
    fn fallback_is_root() {
        let resolve = hostile::whatwg_resolver("https://dashboard.example");
        assert_eq!(return_target_or_root(None, &resolve), "/");
        assert_eq!(return_target_or_root(Some("//evil.com"), &resolve), "/");
        assert_eq!(return_target_or_root(Some("/chat"), &resolve), "/chat");
    }

    #[test]
    fn targets_are_judged_as_the_browser_resolves_them() {
        let resolve = hostile::whatwg_resolver("https://dashboard.example");
        for (raw, expected) in [
            (
                "/observability?interval=10s#cpu",
                Some("/observability?interval=10s#cpu"),
            ),
            ("/./observability", Some("/observability")),
            ("/chat/../observability", Some("/observability")),
            ("/chat?q=a b", Some("/chat?q=a%20b")),
            // Written as a path, resolved to another origin's path.
            ("/.//evil.example", None),
            ("/%2e//evil.example", None),
            ("/%2E%2E//evil.example/x", None),
            ("/a/..//evil.example", None),
            ("/a/%2e%2e//evil.example", None),
            // Resolved to the sign-in page: would loop.
            ("/./login", None),
            ("/x/../login?redirect=/", None),
            ("/%2e/sign-in", None),
        ] {
            assert_eq!(
                resolve_return_target(raw, &resolve).as_deref(),
                expected,
                "{raw:?}"
            );
        }
    }

    #[test]
    fn no_generated_hostile_target_leaves_the_origin() {
        let resolve = hostile::whatwg_resolver("https://dashboard.example");
        let targets = hostile::targets();
        assert!(targets.len() > 2000, "{}", targets.len());
        let mut kept = 0;
        for raw in &targets {
            if let Some(target) = resolve_return_target(raw, &resolve) {
                kept += 1;
                if let Err(why) = hostile::check_kept(raw, &target, &resolve) {
                    panic!("{raw:?} → {target:?}: {why}");
                }
            }
        }
        // The generator also makes harmless paths: some must survive.
        assert!(kept > 0);
        // And it makes targets that only the browser's resolution catches.
        let caught_by_resolution = targets
            .iter()
            .filter(|raw| validate_redirect(raw).is_some())
            .filter(|raw| resolve_return_target(raw, &resolve).is_none())
            .count();
        assert!(caught_by_resolution > 50, "{caught_by_resolution}");
    }
}
