//! A chart's axis and legend texts in the browser's locale.
//!
//! The chart adapter (`tools/charts/entry.js`) asks for every text it draws:
//! a time axis tick, the time under the pointer, a value with the chart's unit.
//! These are wasm closures, so no `eval` and nothing the CSP refuses; they live
//! as long as the chart.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A closure the adapter calls with a number and gets text from.
type NumberToText = Closure<dyn Fn(JsValue) -> String>;

/// The formatters of one chart.
pub(crate) struct ChartLocale {
    /// The value's unit template, e.g. "{value} KB/s" (its unit can change
    /// between draws: the network chart picks one that fits).
    template: Rc<RefCell<String>>,
    tick: NumberToText,
    time: NumberToText,
    value: NumberToText,
}

impl ChartLocale {
    pub(crate) fn new() -> ChartLocale {
        let template = Rc::new(RefCell::new(String::from("{value}")));
        let unit = template.clone();
        let time_with = |write: fn(f64) -> String| {
            Closure::new(move |v: JsValue| v.as_f64().map(write).unwrap_or_default())
        };
        ChartLocale {
            template,
            tick: time_with(crate::browser::locale::axis_time),
            time: time_with(crate::browser::locale::date_time),
            value: Closure::new(move |v: JsValue| {
                v.as_f64()
                    .map(|v| crate::browser::locale::axis_value(&unit.borrow(), v))
                    .unwrap_or_else(|| dashboard_core::format::MISSING.into())
            }),
        }
    }

    /// The unit template of the spec about to be drawn.
    pub(crate) fn set_unit(&self, unit_template: &str) {
        unit_template.clone_into(&mut self.template.borrow_mut());
    }

    /// `{ tick, time, value }`, as the adapter takes them.
    pub(crate) fn formatters(&self) -> JsValue {
        let object = js_sys::Object::new();
        for (key, function) in [
            ("tick", &self.tick),
            ("time", &self.time),
            ("value", &self.value),
        ] {
            let _ = js_sys::Reflect::set(&object, &key.into(), function.as_ref());
        }
        object.into()
    }
}
