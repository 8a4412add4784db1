//! Executes the low-level route list against a request, the way Vercel's edge
//! does for a static deployment: routes before `handle: filesystem` (clean-URL
//! and trailing-slash redirects, redirects, headers), then the filesystem, then
//! rewrites (each checked against the filesystem, in order).

use super::routes::{Route, RouteEntry, RouteList};
use anyhow::Context;
use std::path::{Component, Path, PathBuf};

pub struct Site {
    dist: PathBuf,
    routes: Vec<Compiled>,
    clean_urls: bool,
    /// Served in place of `dist/app-config.json` (a per-environment file).
    app_config: Option<PathBuf>,
    /// Sources added to the CSP's `connect-src` (the local Pusher server; see `csp`).
    pub extra_connect_src: Option<String>,
}

enum Compiled {
    Filesystem,
    Route(Box<(Route, fancy_regex::Regex)>),
}

/// What to do with a request.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Redirect {
        status: u16,
        location: String,
    },
    File(PathBuf),
    /// A rewrite to another origin: `path_and_query` is what that origin receives.
    External {
        origin: String,
        path_and_query: String,
    },
    NotFound,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub decision: Decision,
    /// Headers from matching `headers` rules, to set on the response.
    pub headers: Vec<(String, String)>,
}

impl Site {
    /// `routes` is the file `tools/vercel-routes.mjs` wrote from vercel.json.
    pub fn load(dist: &Path, routes: &Path, app_config: Option<PathBuf>) -> anyhow::Result<Self> {
        Self::new(dist, &RouteList::load(routes)?, app_config)
    }

    pub fn new(dist: &Path, list: &RouteList, app_config: Option<PathBuf>) -> anyhow::Result<Self> {
        let routes = list
            .entries()?
            .into_iter()
            .map(|entry| match entry {
                RouteEntry::Filesystem => Ok(Compiled::Filesystem),
                RouteEntry::Route(route) => {
                    let re = fancy_regex::Regex::new(&route.src)
                        .with_context(|| format!("compiling route {}", route.src))?;
                    Ok(Compiled::Route(Box::new((route, re))))
                }
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Site {
            dist: dist.to_path_buf(),
            routes,
            clean_urls: list.clean_urls,
            app_config,
            extra_connect_src: None,
        })
    }

    pub fn dist(&self) -> &Path {
        &self.dist
    }

    /// Routes `path` (as received, percent-encoded) with its raw `query`.
    pub fn route(&self, path: &str, query: Option<&str>) -> Routed {
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut current = path.to_string();
        let mut extra_query: Vec<String> = query
            .filter(|q| !q.is_empty())
            .map(|q| vec![q.to_string()])
            .unwrap_or_default();
        let mut after_filesystem = false;

        for entry in &self.routes {
            let (route, re) = match entry {
                Compiled::Filesystem => {
                    after_filesystem = true;
                    if let Some(file) = self.lookup(&current) {
                        return Routed {
                            decision: Decision::File(file),
                            headers,
                        };
                    }
                    continue;
                }
                Compiled::Route(boxed) => (&boxed.0, &boxed.1),
            };
            let Ok(Some(caps)) = re.captures(&current) else {
                continue;
            };
            let captures: Vec<String> = (0..caps.len())
                .map(|i| {
                    caps.get(i)
                        .map(|m| m.as_str().to_string())
                        .unwrap_or_default()
                })
                .collect();

            if let Some(status) = route.status.filter(|s| (300..400).contains(s)) {
                let location = route
                    .headers
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("location"))
                    .map(|(_, v)| (v.starts_with('/'), substitute(v, &captures)))
                    .map(|(path_template, v)| {
                        if path_template {
                            same_origin_path(&v)
                        } else {
                            v
                        }
                    })
                    .unwrap_or_else(|| "/".into());
                let location = append_query(&location, &extra_query);
                return Routed {
                    decision: Decision::Redirect { status, location },
                    headers,
                };
            }
            for (k, v) in &route.headers {
                let value = substitute(v, &captures);
                match headers
                    .iter_mut()
                    .find(|(key, _)| key.eq_ignore_ascii_case(k))
                {
                    Some(slot) => slot.1 = value,
                    None => headers.push((k.clone(), value)),
                }
            }
            let Some(dest) = &route.dest else {
                if route.continue_ {
                    continue;
                }
                // A route with neither dest nor continue (trailingSlash's .well-known guard) ends the phase.
                if !after_filesystem {
                    continue;
                }
                break;
            };
            let dest = substitute(dest, &captures);
            let (dest_path, dest_query) = match dest.split_once('?') {
                Some((p, q)) => (p.to_string(), Some(q.to_string())),
                None => (dest, None),
            };
            if let Some(q) = dest_query {
                extra_query.insert(0, q);
            }
            if let Some((origin, rest)) = split_origin(&dest_path) {
                return Routed {
                    decision: Decision::External {
                        origin,
                        path_and_query: append_query(&rest, &extra_query),
                    },
                    headers,
                };
            }
            current = dest_path;
            if route.check {
                if let Some(file) = self.lookup(&current) {
                    return Routed {
                        decision: Decision::File(file),
                        headers,
                    };
                }
            }
        }
        // Without rewrites there is no explicit filesystem step: files are still served.
        if !after_filesystem {
            if let Some(file) = self.lookup(&current) {
                return Routed {
                    decision: Decision::File(file),
                    headers,
                };
            }
        }
        Routed {
            decision: Decision::NotFound,
            headers,
        }
    }

    /// The file a path names in `dist/`, if any. Never leaves `dist/`.
    pub fn lookup(&self, path: &str) -> Option<PathBuf> {
        let decoded = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .ok()?;
        if decoded.contains(['\0', '\\']) {
            return None;
        }
        if decoded == "/app-config.json" {
            if let Some(file) = &self.app_config {
                return Some(file.clone());
            }
        }
        let relative = Path::new(decoded.trim_start_matches('/'));
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let candidate = self.dist.join(relative);
        if decoded.ends_with('/') || decoded.is_empty() {
            return is_file(candidate.join("index.html"));
        }
        if candidate.is_file() {
            return Some(candidate);
        }
        if candidate.is_dir() {
            return is_file(candidate.join("index.html"));
        }
        if self.clean_urls {
            let mut with_html = candidate.into_os_string();
            with_html.push(".html");
            return is_file(PathBuf::from(with_html));
        }
        None
    }
}

fn is_file(p: PathBuf) -> Option<PathBuf> {
    p.is_file().then_some(p)
}

/// Replaces `$1`…`$99` with captures (missing groups are empty).
fn substitute(template: &str, captures: &[String]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(captures.get(n).map(String::as_str).unwrap_or("")),
            Err(_) => out.push('$'),
        }
    }
    out
}

/// A redirect whose rule names a path must stay on this origin, whatever the
/// request's path filled in: `//evil.example` (from `//evil.example/` and the
/// trailing-slash rule) would be a protocol-relative URL of another host.
/// Browsers drop tabs and newlines from URLs and read `\` as `/`, so those go
/// first, then any run of leading slashes becomes one.
fn same_origin_path(location: &str) -> String {
    let cleaned: String = location
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    format!("/{}", cleaned.trim_start_matches(['/', '\\']))
}

fn append_query(path: &str, queries: &[String]) -> String {
    let joined: Vec<&str> = queries
        .iter()
        .map(String::as_str)
        .filter(|q| !q.is_empty())
        .collect();
    if joined.is_empty() {
        return path.to_string();
    }
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{}", joined.join("&"))
}

/// "https://host:8000/api/x" → ("https://host:8000", "/api/x").
fn split_origin(dest: &str) -> Option<(String, String)> {
    let (scheme, rest) = dest.split_once("://")?;
    if !(scheme == "http" || scheme == "https") {
        return None;
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    Some((format!("{scheme}://{host}"), path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The route list routing-utils derives from `config` (through tools/vercel-routes.mjs).
    fn routes_of(config: &str) -> RouteList {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("vercel.json");
        std::fs::write(&file, config).unwrap();
        let tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools");
        RouteList::derive_with_node(&tools, &file).unwrap()
    }

    fn site(config: &str) -> (tempfile::TempDir, Site) {
        let routes = routes_of(config);
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path();
        std::fs::write(dist.join("index.html"), "<html></html>").unwrap();
        std::fs::write(dist.join("app-config.json"), "{}").unwrap();
        std::fs::write(dist.join("about.html"), "about").unwrap();
        std::fs::create_dir(dist.join("docs")).unwrap();
        std::fs::write(dist.join("docs/index.html"), "docs").unwrap();
        std::fs::write(dist.join("dashboard-0123456789abcdef_bg.wasm"), "wasm").unwrap();
        let site = Site::new(dist, &routes, None).unwrap();
        (dir, site)
    }

    const CONFIG: &str = r#"{
        "cleanUrls": true,
        "trailingSlash": false,
        "headers": [
            {"source": "/(.*)", "headers": [{"key": "X-Frame-Options", "value": "DENY"},
                                            {"key": "Cache-Control", "value": "no-cache"}]},
            {"source": "/:file([^/]+-[0-9a-f]{8,16}(?:_bg)?\\.(?:js|wasm|css))",
             "headers": [{"key": "Cache-Control", "value": "public, max-age=31536000, immutable"}]}
        ],
        "redirects": [{"source": "/old-chat/:id", "destination": "/chat/:id", "permanent": true}],
        "rewrites": [
            {"source": "/api/:path*", "destination": "https://backend.example.com/api/:path*"},
            {"source": "/(.*)", "destination": "/index.html"}
        ]
    }"#;

    fn header<'a>(r: &'a Routed, name: &str) -> Option<&'a str> {
        r.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn existing_files_win_over_rewrites() {
        let (dir, site) = site(CONFIG);
        let r = site.route("/app-config.json", None);
        assert_eq!(
            r.decision,
            Decision::File(dir.path().join("app-config.json"))
        );
    }

    #[test]
    fn spa_fallback_serves_index_for_deep_links() {
        let (dir, site) = site(CONFIG);
        for path in ["/observability", "/chat/123", "/login", "/no/such/page"] {
            let r = site.route(path, Some("redirect=%2Fx"));
            assert_eq!(
                r.decision,
                Decision::File(dir.path().join("index.html")),
                "{path}"
            );
            assert_eq!(header(&r, "x-frame-options"), Some("DENY"));
        }
    }

    #[test]
    fn api_paths_go_to_the_backend_origin_with_the_query() {
        let (_dir, site) = site(CONFIG);
        let r = site.route("/api/v1/health", Some("a=1"));
        assert_eq!(
            r.decision,
            Decision::External {
                origin: "https://backend.example.com".into(),
                path_and_query: "/api/v1/health?a=1".into()
            }
        );
        let r = site.route("/api", None);
        assert_eq!(
            r.decision,
            // As on Vercel: the empty `:path*` leaves the slash of the destination.
            Decision::External {
                origin: "https://backend.example.com".into(),
                path_and_query: "/api/".into()
            }
        );
    }

    #[test]
    fn later_header_rules_override_earlier_ones() {
        let (_dir, site) = site(CONFIG);
        let r = site.route("/dashboard-0123456789abcdef_bg.wasm", None);
        assert_eq!(
            header(&r, "cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        let r = site.route("/index.html", None);
        // cleanUrls redirects /index.html to / before any header rule runs.
        assert_eq!(
            r.decision,
            Decision::Redirect {
                status: 308,
                location: "/".into()
            }
        );
        let r = site.route("/", None);
        assert_eq!(header(&r, "cache-control"), Some("no-cache"));
    }

    #[test]
    fn clean_urls_and_trailing_slash_redirect() {
        let (dir, site) = site(CONFIG);
        assert_eq!(
            site.route("/about.html", Some("x=1")).decision,
            Decision::Redirect {
                status: 308,
                location: "/about?x=1".into()
            }
        );
        assert_eq!(
            site.route("/about", None).decision,
            Decision::File(dir.path().join("about.html"))
        );
        assert_eq!(
            site.route("/observability/", None).decision,
            Decision::Redirect {
                status: 308,
                location: "/observability".into()
            }
        );
        assert_eq!(
            site.route("/docs", None).decision,
            Decision::File(dir.path().join("docs/index.html"))
        );
    }

    #[test]
    fn redirects_never_leave_the_origin() {
        let (_dir, site) = site(r#"{"cleanUrls": true, "trailingSlash": false}"#);
        for (path, expected) in [
            ("//evil.example/", "/evil.example"),
            ("//evil.example.html", "/evil.example"),
            ("///evil.example/", "/evil.example"),
            ("/\\evil.example/", "/evil.example"),
            ("/%5Cevil.example/", "/%5Cevil.example"),
        ] {
            match site.route(path, None).decision {
                Decision::Redirect { location, .. } => assert_eq!(location, expected, "{path:?}"),
                other => panic!("{path:?}: {other:?}"),
            }
        }
        assert_eq!(same_origin_path("/ok/path"), "/ok/path");
        assert_eq!(same_origin_path("/\t/\n/evil.example"), "/evil.example");
    }

    #[test]
    fn redirect_rules_substitute_parameters() {
        let (_dir, site) = site(CONFIG);
        assert_eq!(
            site.route("/old-chat/42", None).decision,
            Decision::Redirect {
                status: 308,
                location: "/chat/42".into()
            }
        );
    }

    #[test]
    fn traversal_never_leaves_dist() {
        let (_dir, site) = site(CONFIG);
        for path in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/a/..%2f..%2fetc",
            "/%00",
            "/a%5c..%5cb",
        ] {
            assert_eq!(site.lookup(path), None, "{path}");
        }
    }

    #[test]
    fn without_a_fallback_unknown_paths_are_not_found() {
        let (_dir, site) =
            site(r#"{"headers":[{"source":"/(.*)","headers":[{"key":"X-A","value":"1"}]}]}"#);
        let r = site.route("/nope", None);
        assert_eq!(r.decision, Decision::NotFound);
        assert_eq!(header(&r, "x-a"), Some("1"));
    }

    #[test]
    fn substitution_handles_missing_groups_and_literal_dollars() {
        let caps = vec!["/a".to_string(), "a".to_string()];
        assert_eq!(substitute("/x/$1/$2", &caps), "/x/a/");
        assert_eq!(substitute("cost $ and $x", &caps), "cost $ and $x");
    }
}
