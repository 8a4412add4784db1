use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ObservabilityPage() -> impl IntoView {
    view! {
        <Title text="Observability" />
        <section class="page">
            <h1>"Observability"</h1>
        </section>
    }
}
