//! The sans-IO client driven over real sockets against a real sockudo
//! (started through scripts/sockudo.sh on a free port): connect, subscribe
//! public/private/presence channels, receive events published through the
//! signed HTTP API, survive a server crash with reconnect + resubscribe.
//!
//! sockudo is installed by scripts/bootstrap.sh; without it this test fails
//! (set SKIP_SOCKUDO_TESTS=1 to skip it deliberately).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

use futures_util::{SinkExt, StreamExt};
use pusher_core::signature::{channel_auth, presence_auth};
use pusher_core::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};
use tokio_tungstenite::tungstenite::Message as WsMessage;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

const APP_ID: &str = "app-id";
const KEY: &str = "app-key";
const SECRET: &str = "app-secret";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

struct Sockudo {
    port: u16,
    child: Option<Child>,
    dir: PathBuf,
}

impl Sockudo {
    async fn start(port: u16) -> Sockudo {
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/sockudo.sh");
        let dir = std::env::temp_dir().join(format!("pusher-core-test-{port}"));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new(script)
            .env("PUSHER_PORT", port.to_string())
            .env("SOCKUDO_WORKDIR", &dir)
            // The product's server runs without client events; this suite tests the protocol's.
            .env("SOCKUDO_CLIENT_EVENTS", "true")
            .kill_on_drop(true)
            .spawn()
            .expect("scripts/sockudo.sh runs");
        let mut s = Sockudo {
            port,
            child: Some(child),
            dir,
        };
        s.wait_up().await;
        s
    }

    async fn wait_up(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok((200, _)) = http(self.port, "GET", &format!("/up/{APP_ID}"), "").await {
                return;
            }
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("sockudo exited during start-up: {status}");
                }
            }
            assert!(Instant::now() < deadline, "sockudo did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGKILL: the server dies without closing its sockets cleanly.
    async fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.unwrap();
        }
    }

    async fn publish(&self, channel: &str, event: &str, data: Value) {
        let body = pusher_core::http_api::event_body(&[channel], event, &data, None);
        let timestamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let path = pusher_core::http_api::events_request(APP_ID, KEY, SECRET, timestamp, &body);
        let (status, text) = http(self.port, "POST", &path, &body)
            .await
            .expect("publish");
        assert_eq!(status, 200, "publish failed: {text}");
    }
}

impl Drop for Sockudo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

async fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let text = response.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    Ok((status, text))
}

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Carries out the client's actions with tokio: sockets, timers, authorization.
struct Driver {
    client: Client,
    ws: Option<Ws>,
    generation: u64,
    timers: HashMap<Timer, Instant>,
    events: Vec<Event>,
    start: Instant,
    user_id: &'static str,
}

impl Driver {
    fn new(port: u16, user_id: &'static str) -> Driver {
        let mut options = Options::new(KEY, "mt1");
        options.ws_host = Some("127.0.0.1".into());
        options.ws_port = port;
        options.force_tls = Some(false);
        Driver {
            client: Client::new(options, 1),
            ws: None,
            generation: 0,
            timers: HashMap::new(),
            events: Vec::new(),
            start: Instant::now(),
            user_id,
        }
    }

    fn now(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1000.0
    }

    async fn apply(&mut self, actions: Vec<Action>) {
        let mut queue: std::collections::VecDeque<Action> = actions.into();
        while let Some(action) = queue.pop_front() {
            match action {
                Action::Open { generation, url } => {
                    self.generation = generation;
                    let next = match connect_async(url.as_str()).await {
                        Ok((ws, _)) => {
                            self.ws = Some(ws);
                            self.client.socket_opened(generation, self.now())
                        }
                        Err(_) => self.client.socket_closed(generation, 1006, "", self.now()),
                    };
                    queue.extend(next);
                }
                Action::Send(text) => {
                    if let Some(ws) = self.ws.as_mut() {
                        let _ = ws.send(WsMessage::Text(text.into())).await;
                    }
                }
                Action::Close => {
                    if let Some(mut ws) = self.ws.take() {
                        let _ = ws.close(None).await;
                    }
                }
                Action::SetTimer { timer, after_ms } => {
                    self.timers.insert(
                        timer,
                        Instant::now() + Duration::from_secs_f64(after_ms / 1000.0),
                    );
                }
                Action::CancelTimer(timer) => {
                    self.timers.remove(&timer);
                }
                Action::Authorize {
                    request,
                    channel,
                    socket_id,
                } => {
                    let response = if channel.starts_with("presence-") {
                        let channel_data = json!({"user_id": self.user_id, "user_info": {"name": format!("user {}", self.user_id)}}).to_string();
                        AuthResponse {
                            auth: presence_auth(KEY, SECRET, &socket_id, &channel, &channel_data),
                            channel_data: Some(channel_data),
                            shared_secret: None,
                        }
                    } else {
                        AuthResponse {
                            auth: channel_auth(KEY, SECRET, &socket_id, &channel),
                            ..Default::default()
                        }
                    };
                    queue.extend(self.client.auth_result(request, Ok(response), self.now()));
                }
                Action::AuthenticateUser { .. } => {}
                Action::Emit(event) => self.events.push(event),
            }
        }
    }

    /// Processes socket frames and timers until `pred` matches an emitted event.
    async fn wait_for(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&Event) -> bool,
    ) -> Event {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(i) = self.events.iter().position(&pred) {
                return self.events.remove(i);
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; events: {:?}",
                self.events
            );
            let next_timer = self
                .timers
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(t, at)| (*t, *at));
            let wake = next_timer
                .map(|(_, at)| at.min(deadline))
                .unwrap_or(deadline);
            let generation = self.generation;
            let frame = match self.ws.as_mut() {
                Some(ws) => tokio::select! {
                    frame = ws.next() => Some(frame),
                    _ = tokio::time::sleep_until(wake.into()) => None,
                },
                None => {
                    tokio::time::sleep_until(wake.into()).await;
                    None
                }
            };
            let actions = match frame {
                Some(Some(Ok(WsMessage::Text(text)))) => {
                    self.client.socket_message(generation, &text, self.now())
                }
                Some(Some(Ok(WsMessage::Close(close)))) => {
                    self.ws = None;
                    let code = close.map(|c| u16::from(c.code)).unwrap_or(1005);
                    self.client.socket_closed(generation, code, "", self.now())
                }
                Some(Some(Ok(_))) => Vec::new(),
                Some(Some(Err(_))) | Some(None) => {
                    self.ws = None;
                    self.client.socket_closed(generation, 1006, "", self.now())
                }
                None => match next_timer {
                    Some((timer, at)) if at <= Instant::now() => {
                        self.timers.remove(&timer);
                        self.client.timer_fired(timer, self.now())
                    }
                    _ => Vec::new(),
                },
            };
            self.apply(actions).await;
        }
    }
}

fn is_message(channel: &'static str, event: &'static str) -> impl Fn(&Event) -> bool {
    move |e| matches!(e, Event::Message(m) if m.channel.as_deref() == Some(channel) && m.event == event)
}

fn is_state(state: State) -> impl Fn(&Event) -> bool {
    move |e| matches!(e, Event::StateChange { current, .. } if *current == state)
}

#[tokio::test(flavor = "current_thread")]
async fn against_a_real_sockudo() {
    if std::env::var_os("SKIP_SOCKUDO_TESTS").is_some() {
        eprintln!("SKIP_SOCKUDO_TESTS is set: skipped");
        return;
    }
    let port = free_port();
    let mut server = Sockudo::start(port).await;
    let second = Duration::from_secs(2);

    let mut a = Driver::new(port, "1");
    let actions = a.client.connect(a.now());
    a.apply(actions).await;
    a.wait_for(
        "connected",
        Duration::from_secs(5),
        is_state(State::Connected),
    )
    .await;
    let first_socket = a.client.socket_id().unwrap().to_string();

    for channel in [
        "observability-metrics",
        "private-user-1",
        "presence-dashboard",
    ] {
        let actions = a.client.subscribe(channel, a.now()).unwrap();
        a.apply(actions).await;
    }
    a.wait_for(
        "public subscribed",
        second,
        is_message("observability-metrics", "pusher:subscription_succeeded"),
    )
    .await;
    a.wait_for(
        "private subscribed",
        second,
        is_message("private-user-1", "pusher:subscription_succeeded"),
    )
    .await;
    let joined = a
        .wait_for(
            "presence subscribed",
            second,
            is_message("presence-dashboard", "pusher:subscription_succeeded"),
        )
        .await;
    let Event::Message(joined) = joined else {
        unreachable!()
    };
    assert_eq!(joined.data["me"]["id"], "1");
    assert_eq!(a.client.members("presence-dashboard").unwrap().count, 1);

    // Server → client within a second, data double-decoded.
    server
        .publish(
            "observability-metrics",
            "metrics.updated",
            json!({"cpu_percent": 12.5}),
        )
        .await;
    let got = a
        .wait_for(
            "metrics.updated",
            Duration::from_secs(1),
            is_message("observability-metrics", "metrics.updated"),
        )
        .await;
    assert!(matches!(got, Event::Message(m) if m.data == json!({"cpu_percent": 12.5})));
    server
        .publish("private-user-1", "task.created", json!({"task": {"id": 1}}))
        .await;
    a.wait_for(
        "task.created",
        Duration::from_secs(1),
        is_message("private-user-1", "task.created"),
    )
    .await;

    // A second user: presence sees them arrive; client events flow between them.
    let mut b = Driver::new(port, "2");
    let actions = b.client.connect(b.now());
    b.apply(actions).await;
    b.wait_for(
        "b connected",
        Duration::from_secs(5),
        is_state(State::Connected),
    )
    .await;
    for channel in ["presence-dashboard"] {
        let actions = b.client.subscribe(channel, b.now()).unwrap();
        b.apply(actions).await;
    }
    b.wait_for(
        "b subscribed",
        second,
        is_message("presence-dashboard", "pusher:subscription_succeeded"),
    )
    .await;
    let added = a
        .wait_for(
            "member added",
            second,
            is_message("presence-dashboard", "pusher:member_added"),
        )
        .await;
    assert!(matches!(added, Event::Message(m) if m.data["id"] == "2"));
    assert_eq!(a.client.members("presence-dashboard").unwrap().count, 2);
    let actions = b
        .client
        .trigger(
            "presence-dashboard",
            "client-wave",
            &json!({"hello": "a"}),
            b.now(),
        )
        .unwrap();
    b.apply(actions).await;
    let wave = a
        .wait_for(
            "client event",
            second,
            is_message("presence-dashboard", "client-wave"),
        )
        .await;
    assert!(matches!(wave, Event::Message(m) if m.data == json!({"hello": "a"})));

    // The server dies: the client leaves `connected` at once and keeps retrying.
    server.kill().await;
    a.wait_for(
        "connecting",
        Duration::from_secs(5),
        is_state(State::Connecting),
    )
    .await;
    let restarted = Instant::now();
    let mut server = Sockudo::start(port).await;
    a.wait_for(
        "reconnected",
        Duration::from_secs(5),
        is_state(State::Connected),
    )
    .await;
    assert!(
        restarted.elapsed() < Duration::from_secs(3),
        "reconnected {:?} after the restart",
        restarted.elapsed()
    );
    assert_ne!(a.client.socket_id().unwrap(), first_socket);
    a.wait_for(
        "resubscribed",
        second,
        is_message("observability-metrics", "pusher:subscription_succeeded"),
    )
    .await;
    a.wait_for(
        "private resubscribed",
        second,
        is_message("private-user-1", "pusher:subscription_succeeded"),
    )
    .await;
    server
        .publish(
            "observability-metrics",
            "metrics.updated",
            json!({"cpu_percent": 50}),
        )
        .await;
    a.wait_for(
        "after reconnect",
        Duration::from_secs(1),
        is_message("observability-metrics", "metrics.updated"),
    )
    .await;

    // A wrong signature is refused by the server and reported, never a crash.
    let actions = a.client.subscribe("private-user-2", a.now()).unwrap();
    let bad: Vec<Action> = actions
        .into_iter()
        .flat_map(|action| match action {
            Action::Authorize { request, .. } => a.client.auth_result(
                request,
                Ok(AuthResponse {
                    auth: format!("{KEY}:bad"),
                    ..Default::default()
                }),
                0.0,
            ),
            other => vec![other],
        })
        .collect();
    a.apply(bad).await;
    a.wait_for(
        "refused",
        Duration::from_secs(2),
        |e| matches!(e, Event::Error(err) if err.kind == ErrorKind::PusherError),
    )
    .await;
    server.kill().await;
}
