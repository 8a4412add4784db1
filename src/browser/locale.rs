//! Times and numbers as the browser's locale writes them (`Intl` with the
//! browser's default locale): "14:05:07" and "42,5 %" in Germany, "2:05:07 PM"
//! and "42.5 %" in the US. The formatters are made once; the wording and units
//! stay `dashboard_core::format`'s.

use super::storage;
use dashboard_core::format::{self, NumberStyle};
use js_sys::Intl::{DateTimeFormat, DateTimeFormatOptions, DateTimeStyle, NumberFormat};
use wasm_bindgen::JsValue;

thread_local! {
    static TIME: DateTimeFormat = formatter(None);
    static DATE_TIME: DateTimeFormat = formatter(Some(DateTimeStyle::Medium));
    static SHORT_TIME: DateTimeFormat = formatter_with(|o| o.set_time_style(DateTimeStyle::Short));
    static DAY: DateTimeFormat = formatter_with(|o| {
        o.set_day(js_sys::Intl::DayFormat::Numeric);
        o.set_month(js_sys::Intl::MonthFormat::Short);
    });
    static NUMBERS: NumberStyle = kept_number_style().unwrap_or_else(measured_number_style);
}

/// Where the browser's number style is kept between visits.
const NUMBER_STYLE_KEY: &str = "toolboxai.number-style";

/// The browser's language, as `Intl` uses it by default.
fn browser_locale() -> Option<String> {
    web_sys::window()?.navigator().language()
}

/// The number style an earlier visit read for this locale. The first `Intl`
/// formatter a page makes loads the locale's data (30–90 ms of main thread
/// here, measured in docs/performance.md); with the style kept, a returning
/// visitor's first figures need no `Intl` at all.
fn kept_number_style() -> Option<NumberStyle> {
    NumberStyle::from_stored(&storage::read(NUMBER_STYLE_KEY)?, &browser_locale()?)
}

/// The number style read from `Intl`, kept for the next visit.
fn measured_number_style() -> NumberStyle {
    let style = number_style();
    if let Some(locale) = browser_locale() {
        storage::write(NUMBER_STYLE_KEY, &style.to_stored(&locale));
    }
    style
}

/// The decimal mark and grouping separator of the browser's locale, read from
/// how it writes 12345.6.
fn number_style() -> NumberStyle {
    let parts =
        NumberFormat::new(&js_sys::Array::new(), &js_sys::Object::new()).format_to_parts(12_345.6);
    let part = |kind: &str| {
        parts.iter().find_map(|p| {
            let t = js_sys::Reflect::get(&p, &"type".into()).ok()?.as_string()?;
            (t == kind)
                .then(|| js_sys::Reflect::get(&p, &"value".into()).ok()?.as_string())
                .flatten()
        })
    };
    NumberStyle {
        decimal: part("decimal")
            .and_then(|d| d.chars().next())
            .unwrap_or('.'),
        group: part("group").and_then(|g| g.chars().next()),
    }
}

/// `text`'s numbers in the browser's style.
fn numbers(text: String) -> String {
    NUMBERS.with(|style| style.apply(&text))
}

/// [`format::percent`] in the browser's number style.
pub(crate) fn percent(v: Option<f64>) -> String {
    numbers(format::percent(v))
}

/// [`format::rate`] in the browser's number style.
pub(crate) fn rate(bytes_per_second: Option<f64>) -> String {
    numbers(format::rate(bytes_per_second))
}

/// [`format::bytes`] in the browser's number style.
pub(crate) fn bytes(v: f64) -> String {
    numbers(format::bytes(v))
}

/// [`format::gigabytes`] in the browser's number style.
pub(crate) fn gigabytes(v: Option<f64>) -> String {
    numbers(format::gigabytes(v))
}

/// [`format::megabytes`] in the browser's number style.
pub(crate) fn megabytes(v: Option<f64>) -> String {
    numbers(format::megabytes(v))
}

/// [`format::count`] in the browser's number style.
pub(crate) fn count(v: Option<u64>) -> String {
    numbers(format::count(v))
}

/// A plain number with `decimals` places in the browser's number style.
pub(crate) fn fixed(v: f64, decimals: u32) -> String {
    numbers(format::fixed(v, decimals))
}

fn formatter(date: Option<DateTimeStyle>) -> DateTimeFormat {
    let options = DateTimeFormatOptions::new();
    options.set_time_style(DateTimeStyle::Medium);
    if let Some(style) = date {
        options.set_date_style(style);
    }
    DateTimeFormat::new(&js_sys::Array::new(), &options)
}

fn formatter_with(set: impl FnOnce(&DateTimeFormatOptions)) -> DateTimeFormat {
    let options = DateTimeFormatOptions::new();
    set(&options);
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

/// A time axis tick: the day ("1 Dec") at midnight, the time with seconds
/// where the tick has them, else hours and minutes ("14:05", "2:05 PM").
pub(crate) fn axis_time(ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(ms));
    let table = if date.get_seconds() != 0 {
        &TIME
    } else if date.get_hours() == 0 && date.get_minutes() == 0 {
        &DAY
    } else {
        &SHORT_TIME
    };
    table.with(|f| format(f, ms))
}

/// [`format::axis_value`] in the browser's number style.
pub(crate) fn axis_value(template: &str, v: f64) -> String {
    numbers(format::axis_value(template, v))
}
