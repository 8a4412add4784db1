//! The one local adjustment to the deployment's headers: the local stack's
//! Pusher server (sockudo on `ws://127.0.0.1:<port>`) is not a production host,
//! so vercel.json's Content-Security-Policy does not list it. When asked
//! (`CSP_EXTRA_CONNECT_SRC`), its `connect-src` gains those sources; every
//! other directive is served exactly as written.

/// `csp` with `extra` (space-separated sources) appended to `connect-src`
/// (created from `default-src` when absent, as the browser would fall back).
pub fn extend_connect_src(csp: &str, extra: &str) -> String {
    let extra = extra.split_whitespace().collect::<Vec<_>>().join(" ");
    if extra.is_empty() {
        return csp.to_string();
    }
    let directives: Vec<&str> = csp
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .collect();
    let name = |d: &str| {
        d.split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    let mut out: Vec<String> = Vec::with_capacity(directives.len() + 1);
    let mut extended = false;
    for d in &directives {
        if name(d) == "connect-src" && !extended {
            out.push(format!("{d} {extra}"));
            extended = true;
        } else {
            out.push((*d).to_string());
        }
    }
    if !extended {
        let base = directives
            .iter()
            .find(|d| name(d) == "default-src")
            .map(|d| d.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        out.push(format!("connect-src {base} {extra}").replace("  ", " "));
    }
    out.join("; ")
}

#[cfg(test)]
mod tests {
    use super::extend_connect_src;

    #[test]
    fn appends_to_connect_src_only() {
        let csp = "default-src 'self'; connect-src 'self' wss://ws-us2.pusher.com; frame-ancestors 'none'";
        assert_eq!(
            extend_connect_src(csp, "ws://127.0.0.1:6001"),
            "default-src 'self'; connect-src 'self' wss://ws-us2.pusher.com ws://127.0.0.1:6001; frame-ancestors 'none'"
        );
    }

    #[test]
    fn without_connect_src_it_extends_default_src() {
        assert_eq!(
            extend_connect_src("default-src 'self'; img-src data:", "ws://127.0.0.1:1"),
            "default-src 'self'; img-src data:; connect-src 'self' ws://127.0.0.1:1"
        );
    }

    #[test]
    fn nothing_extra_changes_nothing() {
        assert_eq!(
            extend_connect_src("default-src 'self'", "  "),
            "default-src 'self'"
        );
    }
}
