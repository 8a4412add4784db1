//! `vercel.json` → Vercel's low-level route list, as `getTransformedRoutes` in
//! `@vercel/routing-utils` builds it: cleanUrls, trailingSlash, redirects,
//! headers, then `{ "handle": "filesystem" }`, then rewrites. The JSON form of
//! the result is compared with the npm package's own output in the test suite.

use super::pattern::{self, capture_keys, KeyName, Options, PatternError};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::HashMap;

const UN_NAMED_SEGMENT: &str = "__UN_NAMED_SEGMENT__";

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VercelConfig {
    #[serde(default)]
    pub clean_urls: Option<bool>,
    #[serde(default)]
    pub trailing_slash: Option<bool>,
    #[serde(default)]
    pub redirects: Option<Vec<RedirectRule>>,
    #[serde(default)]
    pub headers: Option<Vec<HeaderRule>>,
    #[serde(default)]
    pub rewrites: Option<Vec<RewriteRule>>,
    #[serde(default)]
    pub routes: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedirectRule {
    pub source: String,
    pub destination: String,
    #[serde(default)]
    pub permanent: Option<bool>,
    #[serde(default)]
    pub status_code: Option<u16>,
    #[serde(default)]
    pub has: Option<Value>,
    #[serde(default)]
    pub missing: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HeaderRule {
    pub source: String,
    pub headers: Vec<HeaderPair>,
    #[serde(default)]
    pub has: Option<Value>,
    #[serde(default)]
    pub missing: Option<Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HeaderPair {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RewriteRule {
    pub source: String,
    pub destination: String,
    #[serde(default)]
    pub has: Option<Value>,
    #[serde(default)]
    pub missing: Option<Value>,
}

/// One entry of the low-level route list.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteEntry {
    Filesystem,
    Route(Route),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Route {
    pub src: String,
    pub dest: Option<String>,
    /// In declaration order (header names as written).
    pub headers: Vec<(String, String)>,
    pub status: Option<u16>,
    pub continue_: bool,
    pub check: bool,
}

impl Route {
    fn new(src: impl Into<String>) -> Self {
        Route {
            src: src.into(),
            dest: None,
            headers: Vec::new(),
            status: None,
            continue_: false,
            check: false,
        }
    }
}

impl RouteEntry {
    /// The JSON shape routing-utils emits, for comparison with it.
    pub fn to_json(&self) -> Value {
        match self {
            RouteEntry::Filesystem => json!({ "handle": "filesystem" }),
            RouteEntry::Route(r) => {
                let mut obj = Map::new();
                obj.insert("src".into(), json!(r.src));
                if let Some(dest) = &r.dest {
                    obj.insert("dest".into(), json!(dest));
                }
                if !r.headers.is_empty() {
                    let headers: Map<String, Value> = r
                        .headers
                        .iter()
                        .map(|(k, v)| (k.clone(), json!(v)))
                        .collect();
                    obj.insert("headers".into(), Value::Object(headers));
                }
                if let Some(status) = r.status {
                    obj.insert("status".into(), json!(status));
                }
                if r.continue_ {
                    obj.insert("continue".into(), json!(true));
                }
                if r.check {
                    obj.insert("check".into(), json!(true));
                }
                Value::Object(obj)
            }
        }
    }
}

#[derive(Debug)]
pub struct ConvertError(pub String);

impl std::fmt::Display for ConvertError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConvertError {}

impl From<PatternError> for ConvertError {
    fn from(e: PatternError) -> Self {
        ConvertError(e.0)
    }
}

pub fn transform(config: &VercelConfig) -> Result<Vec<RouteEntry>, ConvertError> {
    if config.routes.is_some() {
        return Err(ConvertError(
            "legacy \"routes\" are not supported; use rewrites/redirects/headers".into(),
        ));
    }
    let mut routes = Vec::new();
    if let Some(clean) = config.clean_urls {
        routes.extend(clean_url_routes(
            clean,
            config.trailing_slash.unwrap_or(false),
        ));
    }
    if let Some(trailing) = config.trailing_slash {
        routes.extend(trailing_slash_routes(trailing));
    }
    for r in config.redirects.iter().flatten() {
        reject_conditions("redirect", &r.source, &r.has, &r.missing)?;
        let (src, segments) = source_to_regex(&r.source)?;
        let location = replace_segments(&segments, &r.destination, true)?;
        let status = match (r.permanent, r.status_code) {
            (Some(true), _) => 308,
            (Some(false), _) => 307,
            (None, Some(code)) => code,
            (None, None) => 308,
        };
        let mut route = Route::new(src);
        route.headers.push(("Location".into(), location));
        route.status = Some(status);
        routes.push(RouteEntry::Route(route));
    }
    for h in config.headers.iter().flatten() {
        reject_conditions("header", &h.source, &h.has, &h.missing)?;
        let (src, segments) = source_to_regex(&h.source)?;
        let named = segments.iter().any(|s| s != UN_NAMED_SEGMENT);
        let indexes = segment_indexes(&segments);
        let mut route = Route::new(src);
        for pair in &h.headers {
            let (mut key, mut value) = (pair.key.clone(), pair.value.clone());
            if named {
                if key.contains(':') {
                    key = safely_compile(&key, &indexes, false);
                }
                if value.contains(':') {
                    value = safely_compile(&value, &indexes, false);
                }
            }
            // A JS object: a repeated key keeps its first position, last value.
            match route.headers.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value,
                None => route.headers.push((key, value)),
            }
        }
        route.continue_ = true;
        routes.push(RouteEntry::Route(route));
    }
    if let Some(rewrites) = &config.rewrites {
        routes.push(RouteEntry::Filesystem);
        for r in rewrites {
            reject_conditions("rewrite", &r.source, &r.has, &r.missing)?;
            let (src, segments) = source_to_regex(&r.source)?;
            let mut route = Route::new(src);
            route.dest = Some(replace_segments(&segments, &r.destination, false)?);
            route.check = true;
            routes.push(RouteEntry::Route(route));
        }
    }
    for entry in &mut routes {
        if let RouteEntry::Route(route) = entry {
            route.src = normalize_src(&route.src);
        }
    }
    Ok(routes)
}

/// `normalizeRoutes`: anchor the regex and unescape `\/`.
fn normalize_src(src: &str) -> String {
    let mut s = src.to_string();
    if !s.starts_with('^') {
        s.insert(0, '^');
    }
    if !s.ends_with('$') {
        s.push('$');
    }
    s.replace("\\/", "/")
}

fn reject_conditions(
    kind: &str,
    source: &str,
    has: &Option<Value>,
    missing: &Option<Value>,
) -> Result<(), ConvertError> {
    if has.is_some() || missing.is_some() {
        return Err(ConvertError(format!(
            "{kind} {source}: has/missing conditions are not supported by the reference server"
        )));
    }
    Ok(())
}

fn clean_url_routes(clean: bool, trailing_slash: bool) -> Vec<RouteEntry> {
    if !clean {
        return Vec::new();
    }
    let location = if trailing_slash { "/$1/" } else { "/$1" };
    ["^/(?:(.+)/)?index(?:\\.html)?/?$", "^/(.*)\\.html/?$"]
        .into_iter()
        .map(|src| {
            let mut r = Route::new(src);
            r.headers.push(("Location".into(), location.into()));
            r.status = Some(308);
            RouteEntry::Route(r)
        })
        .collect()
}

fn trailing_slash_routes(enable: bool) -> Vec<RouteEntry> {
    let redirect = |src: &str, location: &str| {
        let mut r = Route::new(src);
        r.headers.push(("Location".into(), location.into()));
        r.status = Some(308);
        RouteEntry::Route(r)
    };
    if enable {
        vec![
            RouteEntry::Route(Route::new("^/\\.well-known(?:/.*)?$")),
            redirect("^/((?:[^/]+/)*[^/\\.]+)$", "/$1/"),
            redirect("^/((?:[^/]+/)*[^/]+\\.\\w+)/$", "/$1"),
        ]
    } else {
        vec![redirect("^/(.*)\\/$", "/$1")]
    }
}

/// `sourceToRegex`: the regex source and the segment names (unnamed groups as
/// `__UN_NAMED_SEGMENT__`).
pub fn source_to_regex(source: &str) -> Result<(String, Vec<String>), PatternError> {
    let options = Options::vercel_source();
    let tokens = pattern::parse(source, &options)?;
    let src = pattern::tokens_to_regexp(&tokens, &options);
    let segments = capture_keys(&tokens)
        .iter()
        .map(|k| match &k.name {
            KeyName::Named(n) => n.clone(),
            KeyName::Index(_) => UN_NAMED_SEGMENT.to_string(),
        })
        .collect();
    Ok((src, segments))
}

fn segment_indexes(segments: &[String]) -> HashMap<String, String> {
    segments
        .iter()
        .enumerate()
        .map(|(i, name)| (name.clone(), format!("${}", i + 1)))
        .collect()
}

/// `safelyCompile`: compile the template with `$n` values; if path-to-regexp
/// cannot parse it, escape everything but our parameters and try again.
fn safely_compile(value: &str, indexes: &HashMap<String, String>, direct: bool) -> String {
    if value.is_empty() {
        return String::new();
    }
    if direct {
        if let Ok(out) = pattern::compile(value, indexes, &Options::defaults()) {
            return out;
        }
    }
    let mut escaped = value.to_string();
    for key in indexes.keys() {
        if escaped.contains(&format!(":{key}")) {
            escaped = escaped
                .replace(
                    &format!(":{key}*"),
                    &format!(":{key}--ESCAPED_PARAM_ASTERISK"),
                )
                .replace(
                    &format!(":{key}?"),
                    &format!(":{key}--ESCAPED_PARAM_QUESTION"),
                )
                .replace(&format!(":{key}+"), &format!(":{key}--ESCAPED_PARAM_PLUS"));
            escaped = replace_param_not_followed_by_word(&escaped, key);
        }
    }
    let mut out = String::new();
    for c in escaped.chars() {
        if ":*?+(){}".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    let out = out
        .replace("--ESCAPED_PARAM_PLUS", "+")
        .replace("--ESCAPED_PARAM_COLON", ":")
        .replace("--ESCAPED_PARAM_QUESTION", "?")
        .replace("--ESCAPED_PARAM_ASTERISK", "*");
    match pattern::compile(&format!("/{out}"), indexes, &Options::defaults()) {
        Ok(compiled) => compiled[1..].to_string(),
        Err(_) => value.to_string(),
    }
}

/// JS `replace(new RegExp(`:${key}(?!\\w)`, "g"), `--ESCAPED_PARAM_COLON${key}`)`.
fn replace_param_not_followed_by_word(s: &str, key: &str) -> String {
    let needle = format!(":{key}");
    let mut out = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find(&needle) {
        let after = &rest[pos + needle.len()..];
        let followed_by_word = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        out.push_str(&rest[..pos]);
        if followed_by_word {
            out.push_str(&needle);
        } else {
            out.push_str(&format!("--ESCAPED_PARAM_COLON{key}"));
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// The parts of a destination URL, split the way node's legacy `url.parse` does
/// for the forms used in vercel.json (absolute URLs and absolute paths).
struct Destination {
    origin: Option<(String, String)>, // (scheme, hostname + optional :port)
    pathname: String,
    query: Vec<(String, String)>,
    hash: Option<String>,
}

fn split_destination(dest: &str) -> Destination {
    let (rest, hash) = match dest.split_once('#') {
        Some((r, h)) => (r, Some(format!("#{h}"))),
        None => (dest, None),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, parse_query(q)),
        None => (rest, Vec::new()),
    };
    let (origin, pathname) = match rest.split_once("://") {
        Some((scheme, after)) => {
            let (host, path) = match after.find('/') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, "/"),
            };
            (
                Some((scheme.to_string(), host.to_string())),
                path.to_string(),
            )
        }
        None => (None, rest.to_string()),
    };
    Destination {
        origin,
        pathname,
        query,
        hash,
    }
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

fn decode_component(s: &str) -> String {
    percent_encoding::percent_decode_str(&s.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// node's `querystring.escape` (encodeURIComponent), then `%24` back to `$`.
fn encode_component(s: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'!')
        .remove(b'~')
        .remove(b'*')
        .remove(b'\'')
        .remove(b'(')
        .remove(b')');
    percent_encoding::utf8_percent_encode(s, SET)
        .to_string()
        .replace("%24", "$")
}

/// `replaceSegments`: put `$n` references to the source's captures into the
/// destination, adding unused named parameters to the query of rewrites.
fn replace_segments(
    segments: &[String],
    destination: &str,
    is_redirect: bool,
) -> Result<String, ConvertError> {
    let named: Vec<&String> = segments.iter().filter(|s| *s != UN_NAMED_SEGMENT).collect();
    let can_need_replacing = (destination.contains(':') && !named.is_empty()) || !is_redirect;
    if !can_need_replacing {
        return Ok(destination.to_string());
    }
    let indexes = segment_indexes(segments);
    // Parameter references must survive URL parsing: `:name` is escaped first.
    let mut escaped = destination.to_string();
    for name in segments {
        escaped = escaped.replace(&format!(":{name}"), &format!("__ESC_COLON_{name}"));
    }
    let dest = split_destination(&escaped);
    let unescape = |s: &str| s.replace("__ESC_COLON_", ":");
    let pathname = unescape(&dest.pathname);
    let hash = dest.hash.as_deref().map(unescape);
    let host = dest.origin.as_ref().map(|(_, h)| unescape(h));

    let mut dest_params: Vec<String> = Vec::new();
    for part in [Some(pathname.as_str()), hash.as_deref(), host.as_deref()]
        .into_iter()
        .flatten()
    {
        if let Ok(tokens) = pattern::parse(part, &Options::defaults()) {
            dest_params.extend(capture_keys(&tokens).iter().filter_map(|k| match &k.name {
                KeyName::Named(n) => Some(n.clone()),
                KeyName::Index(_) => None,
            }));
        }
    }
    let pathname = safely_compile(&pathname, &indexes, true);
    let hash = hash.map(|h| safely_compile(&h, &indexes, true));
    let host = host.map(|h| safely_compile(&h, &indexes, true));
    let mut query: Vec<(String, String)> = dest
        .query
        .iter()
        .map(|(k, v)| (k.clone(), safely_compile(&unescape(v), &indexes, true)))
        .collect();
    let needs_query_updating =
        !is_redirect && !indexes.keys().any(|param| dest_params.contains(param));
    if needs_query_updating {
        for name in segments {
            if name != UN_NAMED_SEGMENT && !query.iter().any(|(k, _)| k == name) {
                query.push((name.clone(), indexes[name].clone()));
            }
        }
    }
    let mut out = String::new();
    if let (Some((scheme, _)), Some(host)) = (&dest.origin, &host) {
        out.push_str(&format!("{scheme}://{host}"));
    }
    out.push_str(&pathname);
    if !query.is_empty() {
        let qs: Vec<String> = query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect();
        out.push('?');
        out.push_str(&qs.join("&"));
    }
    if let Some(hash) = hash {
        out.push_str(&hash);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &str) -> VercelConfig {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn spa_rewrite_and_api_rewrite() {
        let routes = transform(&config(
            r#"{"rewrites":[
                {"source":"/api/:path*","destination":"https://backend.example.com/api/:path*"},
                {"source":"/(.*)","destination":"/index.html"}]}"#,
        ))
        .unwrap();
        let json: Vec<Value> = routes.iter().map(RouteEntry::to_json).collect();
        assert_eq!(
            json,
            vec![
                json!({"handle":"filesystem"}),
                json!({"src":"^/api(?:/((?:[^/]+?)(?:/(?:[^/]+?))*))?$",
                       "dest":"https://backend.example.com/api/$1","check":true}),
                json!({"src":"^(?:/(.*))$","dest":"/index.html","check":true}),
            ]
        );
    }

    #[test]
    fn unused_named_parameters_become_query_parameters() {
        let routes = transform(&config(
            r#"{"rewrites":[{"source":"/user/:id","destination":"/profile.html"}]}"#,
        ))
        .unwrap();
        assert_eq!(routes[1].to_json()["dest"], json!("/profile.html?id=$1"));
    }

    #[test]
    fn clean_urls_and_trailing_slash_come_first() {
        let routes = transform(&config(r#"{"cleanUrls":true,"trailingSlash":false}"#)).unwrap();
        let srcs: Vec<Value> = routes.iter().map(|r| r.to_json()["src"].clone()).collect();
        assert_eq!(
            srcs,
            vec![
                json!("^/(?:(.+)/)?index(?:\\.html)?/?$"),
                json!("^/(.*)\\.html/?$"),
                json!("^/(.*)/$")
            ]
        );
    }

    #[test]
    fn headers_continue_and_redirects_stop() {
        let routes = transform(&config(
            r#"{"redirects":[{"source":"/old/:slug","destination":"/new/:slug","permanent":false}],
                "headers":[{"source":"/(.*)","headers":[{"key":"X-Frame-Options","value":"DENY"}]}]}"#,
        ))
        .unwrap();
        assert_eq!(
            routes[0].to_json(),
            json!({"src":"^/old(?:/([^/]+?))$","headers":{"Location":"/new/$1"},"status":307})
        );
        assert_eq!(
            routes[1].to_json(),
            json!({"src":"^(?:/(.*))$","headers":{"X-Frame-Options":"DENY"},"continue":true})
        );
    }

    #[test]
    fn conditions_and_legacy_routes_are_refused() {
        assert!(transform(&config(
            r#"{"rewrites":[{"source":"/a","destination":"/b","has":[{"type":"host","value":"x"}]}]}"#
        ))
        .is_err());
        assert!(transform(&config(r#"{"routes":[]}"#)).is_err());
    }
}
