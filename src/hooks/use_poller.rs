//! `use_poller`: the browser side of `dashboard_core::poller::Poller`. One
//! timer, one visibility listener, both released when the owning component
//! unmounts (so nothing leaks and nothing fires afterwards).

use dashboard_core::poller::{PollEffect, Poller};
use futures::future::LocalBoxFuture;
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::{Rc, Weak};

/// What a view can see of, and do with, its poller.
#[derive(Clone, Copy)]
pub(crate) struct PollControl {
    glue: StoredValue<Rc<PollGlue>, LocalStorage>,
    /// When the next automatic fetch is due (browser clock, ms).
    pub next_at_ms: ReadSignal<Option<f64>>,
    pub in_flight: ReadSignal<bool>,
}

impl PollControl {
    /// Fetch now (no-op while a fetch is running).
    pub(crate) fn refresh_now(&self) {
        self.glue.with_value(|g| {
            let effects = g.core.borrow_mut().refresh_now(now());
            g.apply(effects);
        });
    }
}

struct PollGlue {
    core: RefCell<Poller>,
    timer: RefCell<Option<Timeout>>,
    fetch: Box<dyn Fn() -> LocalBoxFuture<'static, bool>>,
    alive: Cell<bool>,
    listener: RefCell<Option<EventListener>>,
    next_at: WriteSignal<Option<f64>>,
    in_flight: WriteSignal<bool>,
    this: RefCell<Weak<PollGlue>>,
}

use crate::browser::time::now_ms as now;
use crate::browser::visibility::{is_visible as page_visible, on_visibility_change};

/// Polls with `fetch` (resolving to whether it succeeded) every `interval_ms`
/// (`None` = paused) for as long as the calling component is mounted.
pub(crate) fn use_poller<F, Fut>(interval_ms: Signal<Option<f64>>, fetch: F) -> PollControl
where
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = bool> + 'static,
{
    let (next_at_ms, set_next_at) = signal(None);
    let (in_flight, set_in_flight) = signal(false);
    let seed = (js_sys::Math::random() * u64::MAX as f64) as u64;
    let glue = Rc::new(PollGlue {
        core: RefCell::new(Poller::new(
            interval_ms.get_untracked(),
            page_visible(),
            seed,
        )),
        timer: RefCell::new(None),
        fetch: Box::new(move || Box::pin(fetch())),
        alive: Cell::new(true),
        listener: RefCell::new(None),
        next_at: set_next_at,
        in_flight: set_in_flight,
        this: RefCell::new(Weak::new()),
    });
    *glue.this.borrow_mut() = Rc::downgrade(&glue);

    let weak = Rc::downgrade(&glue);
    *glue.listener.borrow_mut() = on_visibility_change(move |visible| {
        if let Some(g) = weak.upgrade() {
            let effects = g.core.borrow_mut().visibility_changed(visible, now());
            g.apply(effects);
        }
    });

    let effects = glue.core.borrow_mut().start(now());
    glue.apply(effects);

    // Interval changes (after the first run, which `start` covered).
    let weak = Rc::downgrade(&glue);
    Effect::new(move |previous: Option<Option<f64>>| {
        let interval = interval_ms.get();
        if previous.is_some() && previous != Some(interval) {
            if let Some(g) = weak.upgrade() {
                let effects = g.core.borrow_mut().set_interval(interval, now());
                g.apply(effects);
            }
        }
        interval
    });

    let stored = StoredValue::new_local(glue);
    // If the stored value is already gone, so is the glue (and with it the timer and listener).
    on_cleanup(move || {
        stored.try_with_value(|g| g.stop());
    });
    PollControl {
        glue: stored,
        next_at_ms,
        in_flight,
    }
}

impl PollGlue {
    fn apply(&self, effects: Vec<PollEffect>) {
        if !self.alive.get() {
            return;
        }
        for effect in effects {
            match effect {
                PollEffect::Fetch => self.spawn_fetch(),
                PollEffect::ScheduleTimer { at_ms } => {
                    let weak = self.this.borrow().clone();
                    let delay = (at_ms - now()).clamp(0.0, 2_147_483_647.0) as u32;
                    *self.timer.borrow_mut() = Some(Timeout::new(delay, move || {
                        if let Some(g) = weak.upgrade() {
                            let effects = g.core.borrow_mut().timer_fired(now());
                            g.apply(effects);
                        }
                    }));
                }
                PollEffect::CancelTimer => {
                    self.timer.borrow_mut().take();
                }
            }
        }
        let core = self.core.borrow();
        // The signals belong to the component; after unmount they are gone.
        let _ = self.next_at.try_set(core.next_at_ms());
        let _ = self.in_flight.try_set(core.is_in_flight());
    }

    fn spawn_fetch(&self) {
        let task = (self.fetch)();
        let weak = self.this.borrow().clone();
        wasm_bindgen_futures::spawn_local(async move {
            let ok = task.await;
            if let Some(g) = weak.upgrade() {
                let effects = g.core.borrow_mut().fetch_finished(ok, now());
                g.apply(effects);
            }
        });
    }

    fn stop(&self) {
        let _ = self.core.borrow_mut().stop();
        self.alive.set(false);
        self.timer.borrow_mut().take();
        self.listener.borrow_mut().take();
    }
}
