//! `use_safe_navigate`: navigation that cannot crash the app. leptos_router hands every target to
//! `history.pushState`/`replaceState` and unwraps the result, so a target that
//! the browser resolves to another origin (`/.//evil.example` becomes the path
//! `//evil.example`) would throw and panic. Every navigation goes through
//! [`use_safe_navigate`]: the browser's own URL parser resolves the target
//! first, the core judges it, and anything that is not a path of this origin
//! goes to `/` instead.

use crate::browser::url::browser_resolve;
use dashboard_core::redirect::{resolve_same_origin_path, return_target_or_root};
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// Where to go after signing in: a return target the browser resolves to a
/// path of this origin, else `/`.
pub(crate) fn return_target(raw: Option<&str>) -> String {
    return_target_or_root(raw, browser_resolve)
}

/// `use_navigate`, with every target judged first: one that does not resolve
/// to a path of this origin is logged and replaced by `/`.
pub(crate) fn use_safe_navigate() -> impl Fn(&str, NavigateOptions) + Clone {
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
