//! Navigation that cannot crash the app. leptos_router hands every target to
//! `history.pushState`/`replaceState` and unwraps the result, so a target that
//! the browser resolves to another origin (`/.//evil.example` becomes the path
//! `//evil.example`) would throw and panic. Every navigation goes through
//! [`use_safe_navigate`]: the browser's own URL parser resolves the target
//! first, the core judges it, and anything that is not a path of this origin
//! goes to `/` instead.

use dashboard_core::redirect::{resolve_same_origin_path, return_target_or_root, Resolved};
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// `new URL(target, location.origin)`, as the core's [`Resolved`].
pub fn browser_resolve(target: &str) -> Option<Resolved> {
    let origin = web_sys::window()?.location().origin().ok()?;
    resolve_against(&origin, target)
}

/// `new URL(target, origin)`; `None` when it does not parse.
pub fn resolve_against(origin: &str, target: &str) -> Option<Resolved> {
    let url = web_sys::Url::new_with_base(target, origin).ok()?;
    Some(Resolved {
        same_origin: url.origin() == origin,
        has_credentials: !url.username().is_empty() || !url.password().is_empty(),
        pathname: url.pathname(),
        search: url.search(),
        hash: url.hash(),
    })
}

/// Where to go after signing in: a return target the browser resolves to a
/// path of this origin, else `/`.
pub fn return_target(raw: Option<&str>) -> String {
    return_target_or_root(raw, browser_resolve)
}

/// `use_navigate`, with every target judged first: one that does not resolve
/// to a path of this origin is logged and replaced by `/`.
pub fn use_safe_navigate() -> impl Fn(&str, NavigateOptions) + Clone {
    let navigate = use_navigate();
    move |target: &str, options: NavigateOptions| match resolve_same_origin_path(
        target,
        browser_resolve,
    ) {
        Some(safe) => navigate(&safe, options),
        None => {
            web_sys::console::warn_1(
                &format!("Refused to navigate to {target:?}: not a path of this site").into(),
            );
            navigate("/", options);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_core::redirect::{hostile, resolve_return_target, validate_redirect};
    use wasm_bindgen_test::wasm_bindgen_test;

    const ORIGIN: &str = "https://dashboard.example";

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
