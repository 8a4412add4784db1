//! The browser transport of `pusher_core::Client`: a `web_sys::WebSocket`,
//! gloo timers, `online`/`offline`/`visibilitychange` listeners, and channel
//! authorization through the app's API client (so every request carries the
//! current Bearer token and a 401 refreshes it first).

use crate::services::api::ApiClient;
use dashboard_core::config::PusherConfig;
use futures::channel::oneshot;
use futures::future::{self, FutureExt, LocalBoxFuture, Shared};
use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use pusher_core::{
    Action, AuthFailure, AuthResponse, BindingId, Bindings, Client, ErrorKind, Event, Filter,
    Message, Options, State, Timer, UserAuthResponse,
};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub(crate) type Handler = Rc<dyn Fn(&Message)>;
/// Receives a sentence about a realtime problem worth telling the user.
pub(crate) type ErrorHandler = Rc<dyn Fn(&str)>;

/// What the header shows about the connection.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RealtimeStatus {
    pub state: State,
    pub socket_id: Option<String>,
    /// When the next reconnection attempt is due (browser clock, ms).
    pub retry_at_ms: Option<f64>,
    pub online: bool,
    pub last_error: Option<String>,
    /// Channels the server confirmed: their events are arriving.
    pub subscribed: Vec<String>,
}

impl RealtimeStatus {
    pub(crate) fn is_subscribed(&self, channel: &str) -> bool {
        self.subscribed.iter().any(|c| c == channel)
    }
}

struct Socket {
    ws: web_sys::WebSocket,
    _handlers: [Closure<dyn FnMut(JsValue)>; 4],
}

impl Socket {
    fn detach(&self) {
        self.ws.set_onopen(None);
        self.ws.set_onmessage(None);
        self.ws.set_onclose(None);
        self.ws.set_onerror(None);
    }
}

/// A closing socket, its close handler, and a future that resolves on close.
struct Closing {
    _ws: web_sys::WebSocket,
    _on_close: Closure<dyn FnMut(JsValue)>,
    done: Shared<LocalBoxFuture<'static, ()>>,
}

struct Inner {
    client: RefCell<Client>,
    socket: RefCell<Option<Socket>>,
    /// A socket asked to close, until its close event: the handshake, and what
    /// waits for it (`closed`).
    closing: RefCell<Option<Closing>>,
    timers: RefCell<HashMap<Timer, Timeout>>,
    bindings: RefCell<Bindings<Handler>>,
    error_handlers: RefCell<Vec<ErrorHandler>>,
    channel_refs: RefCell<HashMap<String, usize>>,
    listeners: RefCell<Vec<EventListener>>,
    api: ApiClient,
    auth_endpoint: String,
    status: RwSignal<RealtimeStatus>,
    this: RefCell<Weak<Inner>>,
}

/// The app's realtime connection. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Realtime {
    inner: Rc<Inner>,
}

use crate::browser::online::is_online as browser_online;
use crate::browser::time::now_ms as now;
use crate::browser::visibility::on_visibility_change;

pub(crate) fn options_from(config: &PusherConfig) -> Options {
    let mut options = Options::new(config.key.clone(), config.cluster.clone());
    options.ws_host = config.ws_host.clone();
    if let Some(port) = config.ws_port {
        options.ws_port = port;
    }
    if let Some(port) = config.wss_port {
        options.wss_port = port;
    }
    options.ws_path = config.ws_path.clone();
    options.force_tls = config.force_tls;
    options.page_is_https = web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:");
    options
}

impl Realtime {
    pub(crate) fn new(config: &PusherConfig, api: ApiClient) -> Realtime {
        let seed = (js_sys::Math::random() * u64::MAX as f64) as u64;
        let client = Client::new(options_from(config), seed);
        let inner = Rc::new(Inner {
            status: RwSignal::new(RealtimeStatus {
                state: client.state(),
                socket_id: None,
                retry_at_ms: None,
                online: browser_online(),
                last_error: None,
                subscribed: Vec::new(),
            }),
            client: RefCell::new(client),
            socket: RefCell::new(None),
            closing: RefCell::new(None),
            timers: RefCell::new(HashMap::new()),
            bindings: RefCell::new(Bindings::default()),
            error_handlers: RefCell::new(Vec::new()),
            channel_refs: RefCell::new(HashMap::new()),
            listeners: RefCell::new(Vec::new()),
            api,
            auth_endpoint: config.auth_endpoint.clone(),
            this: RefCell::new(Weak::new()),
        });
        *inner.this.borrow_mut() = Rc::downgrade(&inner);
        Realtime { inner }
    }

    pub(crate) fn status(&self) -> ReadSignal<RealtimeStatus> {
        self.inner.status.read_only()
    }

    /// Connects (signed in) and listens to the network and the tab's visibility.
    pub(crate) fn connect(&self) {
        if self.inner.listeners.borrow().is_empty() {
            self.listen();
        }
        let actions = self.inner.client.borrow_mut().connect(now());
        self.inner.apply(actions);
    }

    /// Resolves once the socket last asked to close has closed (at once when none
    /// is closing): a page load before that would cut the handshake short.
    pub(crate) fn closed(&self) -> LocalBoxFuture<'static, ()> {
        match self.inner.closing.borrow().as_ref() {
            Some(closing) => closing.done.clone().boxed_local(),
            None => future::ready(()).boxed_local(),
        }
    }

    /// Disconnects (signed out): closes the socket, stops every timer and listener.
    pub(crate) fn disconnect(&self) {
        let actions = self.inner.client.borrow_mut().disconnect(now());
        self.inner.apply(actions);
        self.inner.listeners.borrow_mut().clear();
        self.inner.timers.borrow_mut().clear();
    }

    /// Reference-counted: the channel stays subscribed while anyone needs it.
    pub(crate) fn subscribe(&self, channel: &str) {
        let first = {
            let mut refs = self.inner.channel_refs.borrow_mut();
            let count = refs.entry(channel.to_string()).or_insert(0);
            *count += 1;
            *count == 1
        };
        if first {
            let result = self.inner.client.borrow_mut().subscribe(channel, now());
            match result {
                Ok(actions) => self.inner.apply(actions),
                Err(_) => self.inner.report(&format!(
                    "Cannot subscribe to {channel}: invalid channel name"
                )),
            }
        }
    }

    pub(crate) fn unsubscribe(&self, channel: &str) {
        let last = {
            let mut refs = self.inner.channel_refs.borrow_mut();
            match refs.get_mut(channel) {
                Some(count) if *count > 1 => {
                    *count -= 1;
                    false
                }
                Some(_) => {
                    refs.remove(channel);
                    true
                }
                None => false,
            }
        };
        if last {
            let actions = self.inner.client.borrow_mut().unsubscribe(channel, now());
            self.inner.apply(actions);
        }
    }

    pub(crate) fn bind(&self, filter: Filter, handler: Handler) -> BindingId {
        self.inner.bindings.borrow_mut().bind(filter, handler)
    }

    pub(crate) fn unbind(&self, id: BindingId) {
        self.inner.bindings.borrow_mut().unbind(id);
    }

    /// Called with a sentence for every realtime problem worth telling the user.
    pub(crate) fn on_error(&self, handler: ErrorHandler) {
        self.inner.error_handlers.borrow_mut().push(handler);
    }

    fn listen(&self) {
        let Some(window) = web_sys::window() else {
            return;
        };
        let mut listeners = self.inner.listeners.borrow_mut();
        let weak = Rc::downgrade(&self.inner);
        let on = |name: &'static str, weak: Weak<Inner>, f: fn(&mut Client, f64) -> Vec<Action>| {
            EventListener::new(&window, name, move |_| {
                if let Some(inner) = weak.upgrade() {
                    inner.status.update(|s| s.online = browser_online());
                    let actions = f(&mut inner.client.borrow_mut(), now());
                    inner.apply(actions);
                }
            })
        };
        listeners.push(on("online", weak.clone(), Client::online));
        listeners.push(on("offline", weak.clone(), Client::offline));
        listeners.extend(on_visibility_change(move |visible| {
            if let Some(inner) = weak.upgrade().filter(|_| visible) {
                let actions = inner.client.borrow_mut().became_visible(now());
                inner.apply(actions);
            }
        }));
    }
}

impl Inner {
    /// Keeps `ws` until its close event, for [`Realtime::closed`].
    fn watch_close(&self, ws: web_sys::WebSocket) {
        let (tx, rx) = oneshot::channel::<()>();
        let mut tx = Some(tx);
        let weak = self.weak();
        let on_close = Closure::<dyn FnMut(JsValue)>::new(move |_| {
            if let Some(tx) = tx.take() {
                let _ = tx.send(());
            }
            if let Some(inner) = weak.upgrade() {
                inner.closing.borrow_mut().take();
            }
        });
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let done = rx.map(|_| ()).boxed_local().shared();
        *self.closing.borrow_mut() = Some(Closing {
            _ws: ws,
            _on_close: on_close,
            done,
        });
    }

    fn weak(&self) -> Weak<Inner> {
        self.this.borrow().clone()
    }

    fn apply(&self, actions: Vec<Action>) {
        for action in actions {
            match action {
                Action::Open { generation, url } => self.open(generation, &url),
                Action::Send(text) => {
                    if let Some(socket) = self.socket.borrow().as_ref() {
                        let _ = socket.ws.send_with_str(&text);
                    }
                }
                Action::Close => {
                    if let Some(socket) = self.socket.borrow_mut().take() {
                        socket.detach();
                        self.watch_close(socket.ws.clone());
                        let _ = socket.ws.close();
                    }
                }
                Action::SetTimer { timer, after_ms } => {
                    let weak = self.weak();
                    let delay = after_ms.clamp(0.0, 2_147_483_647.0) as u32;
                    let timeout = Timeout::new(delay, move || {
                        if let Some(inner) = weak.upgrade() {
                            inner.timers.borrow_mut().remove(&timer);
                            let actions = inner.client.borrow_mut().timer_fired(timer, now());
                            inner.apply(actions);
                        }
                    });
                    self.timers.borrow_mut().insert(timer, timeout);
                }
                Action::CancelTimer(timer) => {
                    self.timers.borrow_mut().remove(&timer);
                }
                Action::Authorize {
                    request,
                    channel,
                    socket_id,
                } => self.authorize(request, channel, socket_id),
                Action::AuthenticateUser { request, .. } => {
                    // This app does not use Pusher user sign-in; answer at once.
                    let failure = AuthFailure {
                        status: None,
                        message: "user authentication is not configured".into(),
                    };
                    let actions = self.client.borrow_mut().user_auth_result(
                        request,
                        Err::<UserAuthResponse, _>(failure),
                        now(),
                    );
                    self.apply(actions);
                }
                Action::Emit(event) => self.emit(event),
            }
        }
        // Runs for every frame: compare without allocating, copy only on change.
        let client = self.client.borrow();
        let changed = self
            .status
            .try_with_untracked(|s| {
                !s.subscribed
                    .iter()
                    .map(String::as_str)
                    .eq(client.subscribed_channels())
            })
            .unwrap_or(false);
        if changed {
            let subscribed = client.subscribed_channels().map(str::to_string).collect();
            drop(client);
            self.status.update(|s| s.subscribed = subscribed);
        }
    }

    fn open(&self, generation: u64, url: &str) {
        if let Some(old) = self.socket.borrow_mut().take() {
            old.detach();
            let _ = old.ws.close();
        }
        let ws = match web_sys::WebSocket::new(url) {
            Ok(ws) => ws,
            Err(_) => {
                // Blocked by CSP or a malformed URL: a failed attempt like any other.
                let actions = self
                    .client
                    .borrow_mut()
                    .socket_closed(generation, 1006, "", now());
                self.apply(actions);
                return;
            }
        };
        let handler = |f: fn(&Inner, u64, JsValue)| {
            let weak = self.weak();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                if let Some(inner) = weak.upgrade() {
                    f(&inner, generation, event);
                }
            })
        };
        let on_open = handler(|inner, gen, _| {
            let actions = inner.client.borrow_mut().socket_opened(gen, now());
            inner.apply(actions);
        });
        let on_message = handler(|inner, gen, event| {
            let Some(text) = event
                .dyn_ref::<web_sys::MessageEvent>()
                .and_then(|e| e.data().as_string())
            else {
                return;
            };
            let actions = inner.client.borrow_mut().socket_message(gen, &text, now());
            inner.apply(actions);
        });
        let on_close = handler(|inner, gen, event| {
            let (code, reason) = event
                .dyn_ref::<web_sys::CloseEvent>()
                .map(|e| (e.code(), e.reason()))
                .unwrap_or((1006, String::new()));
            let actions = inner
                .client
                .borrow_mut()
                .socket_closed(gen, code, &reason, now());
            inner.apply(actions);
        });
        let on_error = handler(|_, _, _| {
            // A `close` event always follows; that is where the client reacts.
        });
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        ws.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.socket.borrow_mut() = Some(Socket {
            ws,
            _handlers: [on_open, on_message, on_close, on_error],
        });
    }

    fn authorize(&self, request: u64, channel: String, socket_id: String) {
        let weak = self.weak();
        let call = self.api.post(&self.auth_endpoint).form(&[
            ("socket_id", socket_id.as_str()),
            ("channel_name", channel.as_str()),
        ]);
        wasm_bindgen_futures::spawn_local(async move {
            let result = match call.send::<Value>().await {
                Ok(body) => match body.get("auth").and_then(Value::as_str) {
                    Some(auth) => Ok(AuthResponse {
                        auth: auth.to_string(),
                        channel_data: body
                            .get("channel_data")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                        shared_secret: body
                            .get("shared_secret")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    }),
                    None => Err(AuthFailure {
                        status: Some(200),
                        message: "The authorization answer has no auth".into(),
                    }),
                },
                Err(e) => Err(AuthFailure {
                    status: e.status(),
                    message: e.user_message(),
                }),
            };
            if let Some(inner) = weak.upgrade() {
                let actions = inner
                    .client
                    .borrow_mut()
                    .auth_result(request, result, now());
                inner.apply(actions);
            }
        });
    }

    fn emit(&self, event: Event) {
        match event {
            Event::StateChange { current, .. } => {
                let socket_id = self.client.borrow().socket_id().map(str::to_string);
                self.status.update(|s| {
                    s.state = current;
                    s.socket_id = socket_id;
                    if current == State::Connected {
                        s.retry_at_ms = None;
                        s.last_error = None;
                    }
                });
            }
            Event::ConnectingIn { seconds } => {
                self.status
                    .update(|s| s.retry_at_ms = Some(now() + seconds as f64 * 1000.0));
            }
            Event::Error(error) => {
                web_sys::console::warn_1(&format!("realtime: {error:?}").into());
                let sentence = match error.kind {
                    ErrorKind::AuthError => {
                        Some(format!("Live updates were refused: {}", error.message))
                    }
                    ErrorKind::DecryptError => Some(format!(
                        "A live update could not be read: {}",
                        error.message
                    )),
                    _ => None,
                };
                self.status
                    .update(|s| s.last_error = Some(error.message.clone()));
                if let Some(sentence) = sentence {
                    self.report(&sentence);
                }
            }
            Event::Message(message) | Event::User(message) => self.dispatch(&message),
        }
    }

    fn report(&self, sentence: &str) {
        let handlers: Vec<ErrorHandler> = self.error_handlers.borrow().clone();
        for handler in handlers {
            handler(sentence);
        }
    }

    /// Handlers may subscribe or bind: collect them first, then call.
    fn dispatch(&self, message: &Message) {
        let handlers: Vec<Handler> = self
            .bindings
            .borrow_mut()
            .matching(message)
            .map(|h| h.clone())
            .collect();
        for handler in handlers {
            handler(message);
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(socket) = self.socket.borrow_mut().take() {
            socket.detach();
            let _ = socket.ws.close();
        }
    }
}
