use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[allow(unreachable_pub)]
#[component]
pub(crate) fn NotFoundPage() -> impl IntoView {
    let location = use_location();
    view! {
        <Title text="Page not found" />
        <section class="page narrow">
            <h1>"Page not found"</h1>
            <p>
                "There is no page at "
                <code>{move || location.pathname.get()}</code>
                "."
            </p>
            <p>
                <A href="/" attr:class="button">"Go to the dashboard home"</A>
            </p>
        </section>
    }
}
