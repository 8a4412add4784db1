//! ECharts, loaded on demand and driven by [`TimeChart`] options.
//!
//! The ECharts subset is a separate hashed file (see `tools/post-build.mjs`);
//! the sign-in and chat pages never download it. Each [`EChart`] initialises
//! one instance on its own element (a `NodeRef`, never an id lookup), updates it
//! in place with `setOption`, resizes it with its box, and disposes it on unmount.
//! Every call into ECharts is made through bindings that catch JS exceptions.

use super::chart_locale::ChartLocale;
use dashboard_core::chart::{ChartTheme, TimeChart};
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::html;
use leptos::prelude::*;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance.
    type EchartsInstance;

    #[wasm_bindgen(js_namespace = echarts, js_name = init, catch)]
    fn echarts_init(
        el: &web_sys::HtmlElement,
        theme: &JsValue,
        opts: &JsValue,
    ) -> Result<EchartsInstance, JsValue>;

    #[wasm_bindgen(method, js_name = setOption, catch)]
    fn set_option(this: &EchartsInstance, option: &JsValue, opts: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn resize(this: &EchartsInstance) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn dispose(this: &EchartsInstance) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = echarts, js_name = connect, catch)]
    fn echarts_connect(group: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method, js_name = dispatchAction, catch)]
    fn dispatch_action(this: &EchartsInstance, action: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, js_name = getOption, catch)]
    fn get_option(this: &EchartsInstance) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, js_name = getDataURL, catch)]
    fn get_data_url(this: &EchartsInstance, opts: &JsValue) -> Result<String, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn on(this: &EchartsInstance, event: &str, handler: &js_sys::Function) -> Result<(), JsValue>;
}

/// Charts drawn inside this context share one crosshair and tooltip (ECharts'
/// `connect`) and one zoom on the time axis.
#[derive(Clone, Copy)]
pub(crate) struct LinkedCharts {
    group: &'static str,
    /// The time window (ms) the charts are zoomed to, `None` when not zoomed.
    pub zoom: RwSignal<Option<(f64, f64)>>,
    members: StoredValue<Vec<ChartHandle>, LocalStorage>,
}

impl LinkedCharts {
    /// Provides a new group to the charts drawn below the calling component.
    pub(crate) fn provide(group: &'static str) -> LinkedCharts {
        let linked = LinkedCharts {
            group,
            zoom: RwSignal::new(None),
            members: StoredValue::new_local(Vec::new()),
        };
        provide_context(linked);
        linked
    }

    /// Back to the whole time axis, on every chart of the group.
    pub(crate) fn reset_zoom(&self) {
        for member in self.members.get_value() {
            member.with(|chart| {
                let _ = chart.dispatch_action(&json_value(
                    r#"{"type":"dataZoom","dataZoomIndex":0,"start":0,"end":100}"#,
                ));
            });
        }
        self.zoom.set(None);
    }
}

/// A drawn chart, for what the page asks of it (its zoom window, an image).
#[derive(Clone, Copy)]
pub(crate) struct ChartHandle(StoredValue<Option<JsValue>, LocalStorage>);

impl ChartHandle {
    pub(crate) fn new() -> ChartHandle {
        ChartHandle(StoredValue::new_local(None))
    }

    fn with<T>(&self, f: impl FnOnce(&EchartsInstance) -> T) -> Option<T> {
        let instance = self.0.try_get_value().flatten()?;
        Some(f(instance.unchecked_ref()))
    }

    /// The time window (ms) the chart is zoomed to, `None` when it shows its
    /// whole time axis (or is not drawn).
    pub(crate) fn zoom_window(&self) -> Option<(f64, f64)> {
        self.with(zoom_window).flatten()
    }

    /// The chart as a PNG `data:` URL, on a white background, at twice its
    /// on-screen resolution.
    pub(crate) fn png(&self) -> Option<String> {
        self.with(|chart| {
            chart
                .get_data_url(&json_value(
                    r##"{"type":"png","pixelRatio":2,"backgroundColor":"#ffffff"}"##,
                ))
                .ok()
        })
        .flatten()
    }
}

fn json_value(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::NULL)
}

fn number_at(object: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(object, &key.into()).ok()?.as_f64()
}

/// Read from the option ECharts holds: the first dataZoom's range, in percent
/// of the axis and in axis values (the linked ones agree).
fn zoom_window(chart: &EchartsInstance) -> Option<(f64, f64)> {
    let option = chart.get_option().ok()?;
    let zooms = js_sys::Reflect::get(&option, &"dataZoom".into()).ok()?;
    let first = js_sys::Reflect::get(&zooms, &0.into()).ok()?;
    let (start, end) = (number_at(&first, "start")?, number_at(&first, "end")?);
    if start <= 0.01 && end >= 99.99 {
        return None;
    }
    Some((
        number_at(&first, "startValue")?,
        number_at(&first, "endValue")?,
    ))
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ChartsState {
    Loading,
    Ready,
    Failed(String),
}

type SharedLoad = Shared<LocalBoxFuture<'static, Result<(), String>>>;
/// A size observer and the callback it calls (kept alive together).
type SizeWatch = (web_sys::ResizeObserver, Closure<dyn FnMut()>);
/// A viewport observer and the callback it calls (kept alive together).
type ViewWatch = (
    web_sys::IntersectionObserver,
    Closure<dyn FnMut(js_sys::Array)>,
);

thread_local! {
    static LOAD: RefCell<Option<SharedLoad>> = const { RefCell::new(None) };
}

fn echarts_present() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"echarts".into()).ok())
        .is_some_and(|v| v.is_object())
}

/// Loads the ECharts bundle once (later callers share the same load).
pub(crate) fn load_echarts() -> SharedLoad {
    LOAD.with(|slot| {
        if let Some(load) = slot.borrow().as_ref() {
            return load.clone();
        }
        let load = inject_script().boxed_local().shared();
        *slot.borrow_mut() = Some(load.clone());
        load
    })
}

async fn inject_script() -> Result<(), String> {
    if echarts_present() {
        return Ok(());
    }
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let src = document
        .query_selector("meta[name=echarts-bundle]")
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .filter(|s| s.starts_with('/') && !s.starts_with("//"))
        .ok_or("this build does not include the chart library")?;
    let script: web_sys::HtmlScriptElement = document
        .create_element("script")
        .map_err(|_| "cannot create a script element")?
        .unchecked_into();
    script.set_src(&src);
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        script.set_onload(Some(&resolve));
        script.set_onerror(Some(&reject));
    });
    document
        .head()
        .ok_or("no <head>")?
        .append_child(&script)
        .map_err(|_| "cannot add the chart library")?;
    let result = JsFuture::from(loaded).await;
    script.set_onload(None);
    script.set_onerror(None);
    match result {
        Ok(_) if echarts_present() => Ok(()),
        _ => {
            // Let a later visit try again.
            LOAD.with(|slot| slot.borrow_mut().take());
            Err("the chart library could not be loaded".into())
        }
    }
}

/// Whether the chart library is ready, loading it once `start` turns true.
///
/// A page passes "my first data is on screen": the library's half a megabyte of
/// script is then parsed after the figures are shown, not in their way.
///
/// ```ignore
/// let charts = use_charts(Signal::derive(move || has_data.get()));
/// view! { <EChart label="CPU" option charts /> }
/// ```
pub(crate) fn use_charts(start: Signal<bool>) -> ReadSignal<ChartsState> {
    let (state, set_state) = signal(if echarts_present() {
        ChartsState::Ready
    } else {
        ChartsState::Loading
    });
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) || state.get_untracked() == ChartsState::Ready {
            return true;
        }
        if !start.get() {
            return false;
        }
        let load = load_echarts();
        wasm_bindgen_futures::spawn_local(async move {
            let next = match load.await {
                Ok(()) => ChartsState::Ready,
                Err(e) => ChartsState::Failed(e),
            };
            let _ = set_state.try_set(next);
        });
        true
    });
    state
}

/// One chart. `option` changes are pushed with `setOption` into the same instance.
#[allow(unreachable_pub)]
#[component]
pub(crate) fn EChart(
    /// A short description for assistive technology (the data is also shown as text).
    #[prop(into)]
    label: Signal<String>,
    option: Signal<Option<TimeChart>>,
    charts: ReadSignal<ChartsState>,
    /// Filled with the drawn chart, for its zoom window and image.
    #[prop(optional)]
    handle: Option<ChartHandle>,
) -> impl IntoView {
    let handle = handle.unwrap_or_else(ChartHandle::new);
    let linked = use_context::<LinkedCharts>();
    let zoom_watch: StoredValue<Option<Closure<dyn FnMut()>>, LocalStorage> =
        StoredValue::new_local(None);
    let node = NodeRef::<html::Div>::new();
    let locale: StoredValue<Option<ChartLocale>, LocalStorage> = StoredValue::new_local(None);
    let look_drawn: StoredValue<Option<(ChartTheme, Vec<String>)>> = StoredValue::new(None);
    let instance: StoredValue<Option<EchartsInstance>, LocalStorage> = StoredValue::new_local(None);
    let observer: StoredValue<Option<SizeWatch>, LocalStorage> = StoredValue::new_local(None);
    // A chart scrolled out of view is not redrawn for each new point; it catches
    // up with the latest data when it comes back into view.
    let in_view = RwSignal::new(true);
    let view_watch: StoredValue<Option<ViewWatch>, LocalStorage> = StoredValue::new_local(None);

    Effect::new(move |_| {
        let Some(element) = node.get() else { return };
        if charts.get() != ChartsState::Ready {
            return;
        }
        let visible = in_view.get();
        let Some(chart) = option.get() else { return };
        let element: web_sys::HtmlElement = element.unchecked_into();
        instance.update_value(|slot| {
            let first = slot.is_none();
            if !first && !visible {
                return;
            }
            if first {
                view_watch.set_value(observe_view(&element, in_view));
                let opts = js_sys::Object::new();
                let _ = js_sys::Reflect::set(&opts, &"renderer".into(), &"canvas".into());
                *slot = echarts_init(&element, &JsValue::NULL, &opts).ok();
                if let Some(inst) = slot.as_ref() {
                    observer.set_value(observe_size(&element, inst));
                    handle.0.set_value(Some(AsRef::<JsValue>::as_ref(inst).clone()));
                    if let Some(linked) = linked {
                        zoom_watch.set_value(join(inst, handle, linked));
                    }
                }
            }
            if let Some(inst) = slot.as_ref() {
                // A new colour scheme, a line added or taken away: the whole
                // option again (into the same instance), its series replaced.
                let look = chart.look();
                let redraw = !first && look_drawn.with_value(|l| l.as_ref() != Some(&look));
                look_drawn.set_value(Some(look));
                let opts = if redraw {
                    json_value(r#"{"replaceMerge":["series"]}"#)
                } else {
                    JsValue::UNDEFINED
                };
                if let Ok(option) = js_sys::JSON::parse(&option_json(&chart, first || redraw)) {
                    if first || redraw {
                        locale.update_value(|l| {
                            l.get_or_insert_with(ChartLocale::new)
                                .apply(&option, &chart.unit_template);
                        });
                    }
                    if inst.set_option(&option, &opts).is_ok() {
                        crate::browser::perf::mark_once(crate::browser::perf::CHARTS_DRAWN);
                    }
                }
                if first {
                    // Dragging across the chart zooms (the toolbox's box-zoom, on for good).
                    let _ = inst.dispatch_action(&json_value(
                        r#"{"type":"takeGlobalCursor","key":"dataZoomSelect","dataZoomSelectActive":true}"#,
                    ));
                }
            }
        });
    });

    on_cleanup(move || {
        view_watch.update_value(|w| {
            if let Some((observer, _closure)) = w.take() {
                observer.disconnect();
            }
        });
        observer.update_value(|o| {
            if let Some((observer, _closure)) = o.take() {
                observer.disconnect();
            }
        });
        if let Some(linked) = linked {
            linked
                .members
                .try_update_value(|m| m.retain(|h| h.0 != handle.0));
        }
        handle.0.try_set_value(None);
        instance.update_value(|i| {
            if let Some(inst) = i.take() {
                let _ = inst.dispose();
            }
        });
        zoom_watch.try_set_value(None);
        // After the chart that calls them is gone.
        locale.try_set_value(None);
    });

    // ECharts owns the inner element; the loading/failure overlay is a sibling.
    view! {
        <div class="chart-box">
            <div class="chart" node_ref=node role="img" aria-label=label></div>
            {move || match charts.get() {
                ChartsState::Loading => Some(view! { <div class="skeleton chart-overlay" aria-hidden="true"></div> }.into_any()),
                ChartsState::Failed(message) => Some(view! {
                    <p class="chart-overlay chart-unavailable">
                        {format!("Chart unavailable: {message}. The values are in the data table.")}
                    </p>
                }.into_any()),
                ChartsState::Ready => None,
            }}
        </div>
    }
}

/// The full option for the first draw, then only what data changes.
fn option_json(chart: &TimeChart, first: bool) -> String {
    if first {
        chart.option()
    } else {
        chart.update()
    }
    .to_string()
}

/// Puts a chart in its group: a shared crosshair and tooltip, and its zoom
/// reported to the group (ECharts passes a zoom on to the other charts).
fn join(
    instance: &EchartsInstance,
    handle: ChartHandle,
    linked: LinkedCharts,
) -> Option<Closure<dyn FnMut()>> {
    let _ = js_sys::Reflect::set(instance, &"group".into(), &linked.group.into());
    let _ = echarts_connect(linked.group);
    linked.members.update_value(|m| m.push(handle));
    let on_zoom = Closure::<dyn FnMut()>::new(move || {
        let _ = linked.zoom.try_set(handle.zoom_window());
    });
    instance
        .on("datazoom", on_zoom.as_ref().unchecked_ref())
        .ok()?;
    Some(on_zoom)
}

/// Tells `in_view` whether the chart is on screen.
fn observe_view(element: &web_sys::HtmlElement, in_view: RwSignal<bool>) -> Option<ViewWatch> {
    let closure = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        let last = entries.iter().last();
        if let Some(entry) =
            last.and_then(|e| e.dyn_into::<web_sys::IntersectionObserverEntry>().ok())
        {
            let _ = in_view.try_set(entry.is_intersecting());
        }
    });
    let observer = web_sys::IntersectionObserver::new(closure.as_ref().unchecked_ref()).ok()?;
    observer.observe(element);
    Some((observer, closure))
}

/// Keeps the chart's size in step with its box (window resizes, layout changes).
fn observe_size(element: &web_sys::HtmlElement, instance: &EchartsInstance) -> Option<SizeWatch> {
    let inst: JsValue = AsRef::<JsValue>::as_ref(instance).clone();
    let closure = Closure::<dyn FnMut()>::new(move || {
        let inst: &EchartsInstance = inst.unchecked_ref();
        let _ = inst.resize();
    });
    let observer = web_sys::ResizeObserver::new(closure.as_ref().unchecked_ref()).ok()?;
    observer.observe(element);
    Some((observer, closure))
}
