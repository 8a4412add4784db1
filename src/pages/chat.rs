use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChatPage() -> impl IntoView {
    view! {
        <Title text="Chat" />
        <section class="page">
            <h1>"Chat"</h1>
        </section>
    }
}
