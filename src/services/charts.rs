//! The charts, loaded on demand and drawn from [`TimeChart`] specs.
//!
//! The chart library (uPlot with a small adapter, `tools/charts/`) is a
//! separate hashed script and stylesheet (see `tools/post-build.mjs`); the
//! sign-in and chat pages never download them. Each [`Chart`] draws into its
//! own element (a `NodeRef`, never an id lookup), hands the adapter each new
//! spec (the adapter keeps the canvas, zoom and crosshair), and is destroyed on
//! unmount. Every call into the adapter is made through bindings that catch
//! JS exceptions.

use super::chart_locale::ChartLocale;
use dashboard_core::chart::TimeChart;
use futures::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::html;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    /// A chart drawn by the adapter (`tools/charts/entry.js`).
    type DrawnChart;

    #[wasm_bindgen(js_namespace = dashboardCharts, js_name = create, catch)]
    fn create_chart(
        el: &web_sys::HtmlElement,
        format: &JsValue,
        group: &str,
        on_zoom: &js_sys::Function,
    ) -> Result<DrawnChart, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn set(this: &DrawnChart, spec: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn png(this: &DrawnChart) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn destroy(this: &DrawnChart) -> Result<(), JsValue>;

    #[wasm_bindgen(js_namespace = dashboardCharts, js_name = resetZoom, catch)]
    fn reset_group_zoom(group: &str) -> Result<(), JsValue>;
}

/// Charts drawn inside this context share one crosshair and one zoom on the
/// time axis.
#[derive(Clone, Copy)]
pub(crate) struct LinkedCharts {
    group: &'static str,
    /// The time window (ms) the charts are zoomed to, `None` when not zoomed.
    pub zoom: RwSignal<Option<(f64, f64)>>,
}

impl LinkedCharts {
    /// Provides a new group to the charts drawn below the calling component.
    pub(crate) fn provide(group: &'static str) -> LinkedCharts {
        let linked = LinkedCharts {
            group,
            zoom: RwSignal::new(None),
        };
        provide_context(linked);
        linked
    }

    /// Back to the whole time axis, on every chart of the group.
    pub(crate) fn reset_zoom(&self) {
        if charts_present() {
            let _ = reset_group_zoom(self.group);
        }
        self.zoom.set(None);
    }
}

/// A drawn chart, for what the page asks of it (an image; its zoom is the
/// group's, in [`LinkedCharts::zoom`]).
#[derive(Clone, Copy)]
pub(crate) struct ChartHandle(StoredValue<Option<JsValue>, LocalStorage>);

impl ChartHandle {
    pub(crate) fn new() -> ChartHandle {
        ChartHandle(StoredValue::new_local(None))
    }

    fn with<T>(&self, f: impl FnOnce(&DrawnChart) -> T) -> Option<T> {
        let chart = self.0.try_get_value().flatten()?;
        Some(f(chart.unchecked_ref()))
    }

    /// The chart as a PNG `data:` URL, on a white background, with a key of
    /// its lines.
    pub(crate) fn png(&self) -> Option<String> {
        self.with(DrawnChart::png)?.ok()?.as_string()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ChartsState {
    Loading,
    Ready,
    Failed(String),
}

type SharedLoad = Shared<LocalBoxFuture<'static, Result<(), String>>>;
/// A viewport observer and the callback it calls (kept alive together).
type ViewWatch = (
    web_sys::IntersectionObserver,
    Closure<dyn FnMut(js_sys::Array)>,
);

thread_local! {
    static LOAD: RefCell<Option<SharedLoad>> = const { RefCell::new(None) };
    /// Names a group for a chart drawn outside [`LinkedCharts`].
    static LONE_CHARTS: Cell<u32> = const { Cell::new(0) };
}

fn charts_present() -> bool {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"dashboardCharts".into()).ok())
        .is_some_and(|v| v.is_object())
}

/// Loads the chart library once (later callers share the same load).
pub(crate) fn load_charts() -> SharedLoad {
    LOAD.with(|slot| {
        if let Some(load) = slot.borrow().as_ref() {
            return load.clone();
        }
        let load = inject_library().boxed_local().shared();
        *slot.borrow_mut() = Some(load.clone());
        load
    })
}

/// The URL of this build's file named in `<meta name=…>`: a same-origin path.
fn bundled(document: &web_sys::Document, meta: &str) -> Result<String, String> {
    document
        .query_selector(&format!("meta[name={meta}]"))
        .ok()
        .flatten()
        .and_then(|m| m.get_attribute("content"))
        .filter(|s| s.starts_with('/') && !s.starts_with("//"))
        .ok_or_else(|| "this build does not include the chart library".to_string())
}

/// Adds `element` to `<head>` and waits for its `load` (or `error`).
async fn attach(document: &web_sys::Document, element: web_sys::HtmlElement) -> Result<(), String> {
    let loaded = js_sys::Promise::new(&mut |resolve, reject| {
        element.set_onload(Some(&resolve));
        element.set_onerror(Some(&reject));
    });
    document
        .head()
        .ok_or("no <head>")?
        .append_child(&element)
        .map_err(|_| "cannot add the chart library")?;
    let result = JsFuture::from(loaded).await;
    element.set_onload(None);
    element.set_onerror(None);
    result
        .map(|_| ())
        .map_err(|_| "the chart library could not be loaded".to_string())
}

/// The adapter's script and stylesheet, fetched side by side.
async fn inject_library() -> Result<(), String> {
    if charts_present() {
        return Ok(());
    }
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let make = |tag: &str| {
        document
            .create_element(tag)
            .map_err(|_| format!("cannot create a {tag} element"))
    };
    let script = make("script")?;
    script
        .set_attribute("src", &bundled(&document, "charts-bundle")?)
        .ok();
    let style = make("link")?;
    style.set_attribute("rel", "stylesheet").ok();
    style
        .set_attribute("href", &bundled(&document, "charts-style")?)
        .ok();
    let (script_loaded, style_loaded) = futures::join!(
        attach(&document, script.unchecked_into()),
        attach(&document, style.unchecked_into())
    );
    match script_loaded.and(style_loaded) {
        Ok(()) if charts_present() => Ok(()),
        failed => {
            // Let a later visit try again.
            LOAD.with(|slot| slot.borrow_mut().take());
            failed.and(Err("the chart library could not be loaded".into()))
        }
    }
}

/// Whether the chart library is ready, loading it once `start` turns true.
///
/// A page passes "my first data is on screen": the library is then fetched
/// and parsed after the figures are shown, not in their way.
///
/// ```ignore
/// let charts = use_charts(Signal::derive(move || has_data.get()));
/// view! { <Chart label="CPU" option charts /> }
/// ```
pub(crate) fn use_charts(start: Signal<bool>) -> ReadSignal<ChartsState> {
    let (state, set_state) = signal(if charts_present() {
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
        let load = load_charts();
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

/// What a drawn chart keeps alive: the adapter's chart, the closures it
/// calls, and what tells the page whether it is on screen.
struct Drawn {
    chart: DrawnChart,
    locale: ChartLocale,
    _on_zoom: Closure<dyn FnMut(JsValue, JsValue)>,
    view_watch: Option<ViewWatch>,
}

/// One chart. Each new `option` is handed to the same drawn chart.
#[allow(unreachable_pub)]
#[component]
pub(crate) fn Chart(
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
    let node = NodeRef::<html::Div>::new();
    let drawn: StoredValue<Option<Drawn>, LocalStorage> = StoredValue::new_local(None);
    // A chart scrolled out of view is not redrawn for each new point; it catches
    // up with the latest data when it comes back into view.
    let in_view = RwSignal::new(true);

    Effect::new(move |_| {
        let Some(element) = node.get() else { return };
        if charts.get() != ChartsState::Ready {
            return;
        }
        let visible = in_view.get();
        let Some(chart) = option.get() else { return };
        let element: web_sys::HtmlElement = element.unchecked_into();
        drawn.update_value(|slot| {
            if slot.is_some() && !visible {
                return;
            }
            if slot.is_none() {
                *slot = draw(&element, linked, in_view);
                if let Some(d) = slot.as_ref() {
                    handle
                        .0
                        .set_value(Some(AsRef::<JsValue>::as_ref(&d.chart).clone()));
                }
            }
            if let Some(d) = slot.as_ref() {
                d.locale.set_unit(&chart.unit_template);
                if d.chart.set(&chart.spec().to_string()).is_ok() {
                    crate::browser::perf::mark_once(crate::browser::perf::CHARTS_DRAWN);
                }
            }
        });
    });

    on_cleanup(move || {
        handle.0.try_set_value(None);
        drawn.try_update_value(|d| {
            if let Some(d) = d.take() {
                if let Some((observer, _closure)) = d.view_watch {
                    observer.disconnect();
                }
                let _ = d.chart.destroy();
            }
        });
    });

    // The adapter owns the inner element; the loading/failure overlay is a sibling.
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

/// A new chart in `element`, in the linked group (its zoom reported to the
/// group's signal) or in a group of its own.
fn draw(
    element: &web_sys::HtmlElement,
    linked: Option<LinkedCharts>,
    in_view: RwSignal<bool>,
) -> Option<Drawn> {
    let group = match linked {
        Some(linked) => linked.group.to_string(),
        None => LONE_CHARTS.with(|n| {
            n.set(n.get() + 1);
            format!("chart-{}", n.get())
        }),
    };
    let on_zoom =
        Closure::<dyn FnMut(JsValue, JsValue)>::new(move |start: JsValue, end: JsValue| {
            if let Some(linked) = linked {
                let _ = linked.zoom.try_set(start.as_f64().zip(end.as_f64()));
            }
        });
    let locale = ChartLocale::new();
    let chart = create_chart(
        element,
        &locale.formatters(),
        &group,
        on_zoom.as_ref().unchecked_ref(),
    )
    .ok()?;
    Some(Drawn {
        chart,
        locale,
        _on_zoom: on_zoom,
        view_watch: observe_view(element, in_view),
    })
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
