//! Resolving a target the way the browser will (`new URL(target, base)`), for
//! the core's judgement of return targets (`dashboard_core::redirect`).

use dashboard_core::redirect::Resolved;

/// `new URL(target, location.origin)`, as the core's [`Resolved`].
pub(crate) fn browser_resolve(target: &str) -> Option<Resolved> {
    let origin = web_sys::window()?.location().origin().ok()?;
    resolve_against(&origin, target)
}

/// `new URL(target, location.href).href`: what the browser fetches for `target`.
pub(crate) fn absolute_url(target: &str) -> Option<String> {
    let base = web_sys::window()?.location().href().ok()?;
    Some(web_sys::Url::new_with_base(target, &base).ok()?.href())
}

/// `new URL(target, origin)`; `None` when it does not parse.
pub(crate) fn resolve_against(origin: &str, target: &str) -> Option<Resolved> {
    let url = web_sys::Url::new_with_base(target, origin).ok()?;
    Some(Resolved {
        same_origin: url.origin() == origin,
        has_credentials: !url.username().is_empty() || !url.password().is_empty(),
        pathname: url.pathname(),
        search: url.search(),
        hash: url.hash(),
    })
}

/// The current page's path with query parameters set (`Some`) or removed
/// (`None`), every other parameter and the hash kept as they are.
pub(crate) fn current_with_query(changes: &[(&str, Option<&str>)]) -> Option<String> {
    let location = web_sys::window()?.location();
    let (path, search, hash) = (
        location.pathname().ok()?,
        location.search().ok()?,
        location.hash().ok()?,
    );
    Some(with_query(&path, &search, &hash, changes))
}

/// `path?search#hash` with `changes` applied to the query (URLSearchParams'
/// encoding).
pub(crate) fn with_query(
    path: &str,
    search: &str,
    hash: &str,
    changes: &[(&str, Option<&str>)],
) -> String {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(search) else {
        return format!("{path}{hash}");
    };
    for (key, value) in changes {
        match value {
            Some(v) => params.set(key, v),
            None => params.delete(key),
        }
    }
    let query: String = params.to_string().into();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{path}{query}{hash}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_core::redirect::{hostile, resolve_return_target, validate_redirect};
    use wasm_bindgen_test::wasm_bindgen_test;

    const ORIGIN: &str = "https://dashboard.example";

    #[wasm_bindgen_test]
    fn a_query_change_keeps_the_other_parameters_and_the_hash() {
        let changes = [("range", Some("1h")), ("from", None), ("to", None)];
        assert_eq!(
            with_query(
                "/observability",
                "?interval=10s&from=1&to=2",
                "#cpu-chart",
                &changes
            ),
            "/observability?interval=10s&range=1h#cpu-chart"
        );
        assert_eq!(
            with_query("/observability", "", "", &[("from", None)]),
            "/observability"
        );
        assert_eq!(
            with_query(
                "/o",
                "?a=1",
                "",
                &[("to", Some("2025-01-01T00:00:00.000Z"))]
            ),
            "/o?a=1&to=2025-01-01T00%3A00%3A00.000Z"
        );
    }

    #[wasm_bindgen_test]
    fn chromium_resolves_no_kept_hostile_target_off_the_origin() {
        let resolve = |target: &str| resolve_against(ORIGIN, target);
        let mut caught_by_resolution = 0;
        for raw in hostile::targets() {
            match resolve_return_target(&raw, resolve) {
                Some(target) => {
                    if let Err(why) = hostile::check_kept(&raw, &target, resolve) {
                        panic!("{raw:?} → {target:?}: {why}");
                    }
                }
                None if validate_redirect(&raw).is_some() => caught_by_resolution += 1,
                None => {}
            }
        }
        assert!(caught_by_resolution > 50, "{caught_by_resolution}");
    }

    #[wasm_bindgen_test]
    fn dot_segments_that_reach_another_host_are_refused() {
        let resolve = |target: &str| resolve_against(ORIGIN, target);
        for hostile in [
            "/.//evil.example",
            "/%2e//evil.example",
            "/a/..//evil.example",
        ] {
            assert_eq!(resolve_return_target(hostile, resolve), None, "{hostile}");
        }
        assert_eq!(
            resolve_return_target("/./observability?x=1#cpu", resolve).as_deref(),
            Some("/observability?x=1#cpu")
        );
    }
}
