//! A chart's axis labels and tooltip in the browser's locale.
//!
//! The option JSON (`dashboard_core::chart`) carries ECharts templates
//! ("{value} %"), which write numbers and times the English way. Each drawn
//! chart gets formatter functions instead: wasm closures, so no `eval` and
//! nothing the CSP refuses. They live as long as the chart.

use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// A closure ECharts calls with a number and gets text from.
type NumberToText = Closure<dyn Fn(JsValue) -> String>;

/// The formatters of one chart.
pub(crate) struct ChartLocale {
    /// The value axis's unit template, e.g. "{value} KB/s" (its unit can
    /// change between draws: the network chart picks one that fits).
    template: Rc<RefCell<String>>,
    time_tick: NumberToText,
    pointer_time: NumberToText,
    value: NumberToText,
}

impl ChartLocale {
    pub(crate) fn new() -> ChartLocale {
        let template = Rc::new(RefCell::new(String::from("{value}")));
        let unit = template.clone();
        ChartLocale {
            template,
            time_tick: Closure::new(|v: JsValue| {
                v.as_f64()
                    .map(crate::browser::locale::axis_time)
                    .unwrap_or_default()
            }),
            // The axis pointer's label is also the tooltip's heading.
            pointer_time: Closure::new(|params: JsValue| {
                js_sys::Reflect::get(&params, &"value".into())
                    .ok()
                    .and_then(|v| v.as_f64())
                    .map(crate::browser::locale::date_time)
                    .unwrap_or_default()
            }),
            value: Closure::new(move |v: JsValue| {
                v.as_f64()
                    .map(|v| crate::browser::locale::axis_value(&unit.borrow(), v))
                    .unwrap_or_else(|| dashboard_core::format::MISSING.into())
            }),
        }
    }

    /// Puts the formatters into a full `option` about to be drawn.
    pub(crate) fn apply(&self, option: &JsValue, unit_template: &str) {
        unit_template.clone_into(&mut self.template.borrow_mut());
        let x_axis = child(option, "xAxis");
        set(&child(&x_axis, "axisLabel"), "formatter", &self.time_tick);
        let pointer_label = child(&child(&x_axis, "axisPointer"), "label");
        set(&pointer_label, "formatter", &self.pointer_time);
        set(
            &child(&child(option, "yAxis"), "axisLabel"),
            "formatter",
            &self.value,
        );
        set(&child(option, "tooltip"), "valueFormatter", &self.value);
    }
}

/// `object[key]`, made an empty object when missing.
fn child(object: &JsValue, key: &str) -> JsValue {
    match js_sys::Reflect::get(object, &key.into()) {
        Ok(value) if value.is_object() => value,
        _ => {
            let made: JsValue = js_sys::Object::new().into();
            let _ = js_sys::Reflect::set(object, &key.into(), &made);
            made
        }
    }
}

fn set(object: &JsValue, key: &str, function: &NumberToText) {
    let _ = js_sys::Reflect::set(object, &key.into(), function.as_ref());
}
