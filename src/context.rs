//! Browser-side services hold `Rc`s and JS handles, which are not `Send`;
//! Leptos contexts must be. `StoredValue::new_local` bridges the two on the
//! single browser thread, and is disposed with the owner that created it.

use leptos::prelude::*;

pub(crate) fn provide_local<T: Clone + 'static>(value: T) {
    provide_context(StoredValue::new_local(value));
}

/// Panics only if a component is used outside the app shell: a programming
/// error that the E2E suite catches at once, never a data-dependent failure.
pub(crate) fn expect_local<T: Clone + 'static>() -> T {
    expect_context::<StoredValue<T, LocalStorage>>().get_value()
}

pub(crate) fn use_local<T: Clone + 'static>() -> Option<T> {
    use_context::<StoredValue<T, LocalStorage>>().map(|v| v.get_value())
}
