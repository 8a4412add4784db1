//! The charts' time range: a preset (5 min to 24 h) or a chosen window, both
//! written to the URL by the page (`?range=`, `?from=&to=`).

use dashboard_core::range::{TimeRange, PRESETS};
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// A query change: parameters to set (`Some`) or remove (`None`).
pub(crate) type RangeChange = Vec<(&'static str, Option<String>)>;

const CUSTOM: &str = "custom";

fn preset_label(name: &str) -> &'static str {
    match name {
        "5m" => "Last 5 minutes",
        "15m" => "Last 15 minutes",
        "1h" => "Last hour",
        "6h" => "Last 6 hours",
        _ => "Last 24 hours",
    }
}

/// `datetime-local`'s value ("2026-11-30T14:05", local time) for `ms`.
fn local_input_value(ms: f64) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(ms));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// A `datetime-local` value (local time) as an ISO 8601 instant in UTC.
fn iso_from_local_input(value: &str) -> Option<String> {
    let d = js_sys::Date::new(&JsValue::from_str(value));
    d.get_time().is_finite().then(|| d.to_iso_string().into())
}

#[allow(unreachable_pub)]
#[component]
pub(crate) fn RangePicker<F>(range: Memo<TimeRange>, on_change: F) -> impl IntoView
where
    F: Fn(RangeChange) + 'static,
{
    // Kept in the arena: the form's handlers are rebuilt each time it opens.
    let on_change = StoredValue::new_local(on_change);
    // The chosen-window form is open while a fixed window is shown, or once
    // "Chosen window…" is picked.
    let custom_open = RwSignal::new(false);
    let open = move || custom_open.get() || !range.get().is_live();
    let now = crate::browser::time::now_ms;
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<&'static str>);
    // The form starts from the range shown.
    Effect::new(move |_| {
        let (start, end) = range.get().window(now());
        from.set(local_input_value(start));
        to.set(local_input_value(end));
    });

    let on_select = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if value == CUSTOM {
            custom_open.set(true);
            return;
        }
        custom_open.set(false);
        on_change.with_value(|f| f(vec![("range", Some(value)), ("from", None), ("to", None)]));
    };
    let on_apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(start), Some(end)) = (
            iso_from_local_input(&from.get_untracked()),
            iso_from_local_input(&to.get_untracked()),
        ) else {
            error.set(Some("Enter both a start and an end."));
            return;
        };
        let window = TimeRange::from_query(None, Some(&start), Some(&end));
        if window.is_live() {
            error.set(Some("The start must be before the end."));
            return;
        }
        error.set(None);
        on_change.with_value(|f| {
            f(vec![
                ("from", Some(start)),
                ("to", Some(end)),
                ("range", None),
            ])
        });
    };

    let selected = move || {
        if open() {
            CUSTOM.to_string()
        } else {
            range.get().preset().unwrap_or("15m").to_string()
        }
    };

    view! {
        <div class="range-picker">
            <label for="time-range">"Range"</label>
            <select id="time-range" on:change=on_select>
                {PRESETS
                    .iter()
                    .map(|(name, _)| {
                        let name = *name;
                        view! {
                            <option value=name selected=move || selected() == name>{preset_label(name)}</option>
                        }
                    })
                    .collect_view()}
                <option value=CUSTOM selected=move || selected() == CUSTOM>"Chosen window…"</option>
            </select>
            <Show when=open>
                <form class="range-window" on:submit=on_apply aria-label="Chosen time window">
                    <label for="range-from">"From"</label>
                    <input id="range-from" type="datetime-local" bind:value=from />
                    <label for="range-to">"To"</label>
                    <input id="range-to" type="datetime-local" bind:value=to />
                    <button type="submit" class="button button-secondary">"Show"</button>
                    {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
                </form>
            </Show>
        </div>
    }
}
