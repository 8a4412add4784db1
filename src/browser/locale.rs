//! Times as the browser's locale writes them (`Intl.DateTimeFormat` with the
//! browser's default locale): "14:05:07" in Germany, "2:05:07 PM" in the US.
//! The formatters are made once.

use js_sys::Intl::{DateTimeFormat, DateTimeFormatOptions, DateTimeStyle};
use wasm_bindgen::JsValue;

thread_local! {
    static TIME: DateTimeFormat = formatter(None);
    static DATE_TIME: DateTimeFormat = formatter(Some(DateTimeStyle::Medium));
}

fn formatter(date: Option<DateTimeStyle>) -> DateTimeFormat {
    let options = DateTimeFormatOptions::new();
    options.set_time_style(DateTimeStyle::Medium);
    if let Some(style) = date {
        options.set_date_style(style);
    }
    DateTimeFormat::new(&js_sys::Array::new(), &options)
}

fn format(f: &DateTimeFormat, ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    f.format()
        .call1(&JsValue::UNDEFINED, &date)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// The time of day with seconds, e.g. "14:05:07".
pub(crate) fn time(ms: f64) -> String {
    TIME.with(|f| format(f, ms))
}

/// The date and time with seconds, e.g. "1 Dec 2026, 14:05:07".
pub(crate) fn date_time(ms: f64) -> String {
    DATE_TIME.with(|f| format(f, ms))
}
