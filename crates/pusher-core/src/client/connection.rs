//! The connection (pusher-js `core/connection`): connecting, the handshake, pings,
//! close codes and what each means, retries with backoff, online/offline and
//! visibility signals.

use super::*;

impl Client {
    /// Starts connecting (a no-op unless initialized, disconnected or failed).
    pub fn connect(&mut self, _now: f64) -> Vec<Action> {
        if !matches!(
            self.state,
            State::Initialized | State::Disconnected | State::Failed
        ) {
            return Vec::new();
        }
        let mut out = Vec::new();
        self.set_state(State::Connecting, &mut out);
        out.push(Action::SetTimer {
            timer: Timer::Unavailable,
            after_ms: self.options.unavailable_timeout_ms,
        });
        self.start_attempt(&mut out);
        out
    }

    /// Disconnects on purpose: no retries until `connect` again.
    pub fn disconnect(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.socket != Socket::None {
            out.push(Action::Close);
        }
        self.drop_socket();
        self.retry_pending = false;
        for timer in [
            Timer::Activity,
            Timer::Pong,
            Timer::Unavailable,
            Timer::Attempt,
            Timer::Retry,
        ] {
            out.push(Action::CancelTimer(timer));
        }
        self.channels.reset_all();
        self.user.id = None;
        self.user.request = None;
        self.set_state(State::Disconnected, &mut out);
        out
    }

    /// The socket of `generation` opened; the handshake follows.
    pub fn socket_opened(&mut self, generation: u64, _now: f64) -> Vec<Action> {
        if generation == self.generation && self.socket == Socket::Opening {
            self.socket = Socket::AwaitingHandshake;
        }
        Vec::new()
    }

    /// A text frame arrived on the socket of `generation`.
    pub fn socket_message(&mut self, generation: u64, text: &str, now: f64) -> Vec<Action> {
        if generation != self.generation || matches!(self.socket, Socket::None | Socket::Opening) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let frame = match decode(text) {
            Ok(frame) => frame,
            Err(e) => {
                // Not activity: the activity timer is not reset by garbage.
                out.push(emit_error(ErrorKind::MessageParseError, None, e.0));
                return out;
            }
        };
        if self.socket == Socket::AwaitingHandshake {
            self.handshake(frame, &mut out);
            return out;
        }
        out.push(Action::SetTimer {
            timer: Timer::Activity,
            after_ms: self.activity_timeout_ms,
        });
        if self.pong_pending {
            self.pong_pending = false;
            out.push(Action::CancelTimer(Timer::Pong));
        }
        self.route(frame, now, &mut out);
        out
    }

    /// The browser's `close` event (`code` 1006 when the connection just died).
    pub fn socket_closed(
        &mut self,
        generation: u64,
        code: u16,
        reason: &str,
        _now: f64,
    ) -> Vec<Action> {
        if generation != self.generation || self.socket == Socket::None {
            return Vec::new();
        }
        let previous = self.socket;
        self.drop_socket();
        let mut out = vec![
            Action::CancelTimer(Timer::Activity),
            Action::CancelTimer(Timer::Pong),
            Action::CancelTimer(Timer::Attempt),
        ];
        if self.state == State::Disconnected {
            return out;
        }
        let protocol_code = (4000..5000).contains(&code);
        if previous == Socket::Opening || (previous == Socket::AwaitingHandshake && !protocol_code)
        {
            self.attempt_failed(&mut out);
            return out;
        }
        self.apply_close(code, reason, &mut out);
        out
    }

    /// A timer armed by [`Action::SetTimer`] fired.
    pub fn timer_fired(&mut self, timer: Timer, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        match timer {
            Timer::Retry => {
                if self.retry_pending
                    && matches!(self.state, State::Connecting | State::Unavailable)
                {
                    self.retry_pending = false;
                    self.start_attempt(&mut out);
                }
            }
            Timer::Attempt => {
                if matches!(self.socket, Socket::Opening | Socket::AwaitingHandshake) {
                    // A hung attempt: give up on it and try again, allowing longer next time.
                    out.push(Action::Close);
                    self.drop_socket();
                    self.attempt_timeout_ms =
                        (self.attempt_timeout_ms * 2.0).min(MAX_ATTEMPT_TIMEOUT_MS);
                    self.attempt_failed(&mut out);
                }
            }
            Timer::Unavailable => {
                if self.state == State::Connecting {
                    self.set_state(State::Unavailable, &mut out);
                }
            }
            Timer::Activity => {
                if self.socket == Socket::Open && !self.pong_pending {
                    self.ping(self.options.pong_timeout_ms, &mut out);
                }
            }
            Timer::Pong => {
                if self.socket == Socket::Open && self.pong_pending {
                    out.push(emit_error(
                        ErrorKind::PusherError,
                        Some(4201),
                        "Pong reply not received in time".into(),
                    ));
                    out.push(Action::Close);
                    self.drop_socket();
                    self.enter_connecting(&mut out);
                    self.start_attempt(&mut out);
                }
            }
        }
        out
    }

    /// `window.online`: retry now if waiting to reconnect.
    pub fn online(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        self.retry_now(&mut out);
        out
    }

    /// `window.offline`: if connected, check at once whether we still are.
    pub fn offline(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.socket == Socket::Open && !self.pong_pending {
            self.ping(self.options.pong_timeout_ms, &mut out);
        }
        out
    }

    /// The tab became visible: background tabs miss closes and pings, so check
    /// liveness now (or reconnect now when waiting to).
    pub fn became_visible(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        if self.socket == Socket::Open && !self.pong_pending {
            self.ping(self.options.visibility_pong_timeout_ms, &mut out);
        } else {
            self.retry_now(&mut out);
        }
        out
    }

    pub(super) fn retry_now(&mut self, out: &mut Vec<Action>) {
        if self.retry_pending && matches!(self.state, State::Connecting | State::Unavailable) {
            self.retry_pending = false;
            out.push(Action::CancelTimer(Timer::Retry));
            self.start_attempt(out);
        }
    }

    pub(super) fn ping(&mut self, timeout_ms: f64, out: &mut Vec<Action>) {
        self.pong_pending = true;
        out.push(Action::Send(encode("pusher:ping", &json!({}), None)));
        out.push(Action::SetTimer {
            timer: Timer::Pong,
            after_ms: timeout_ms,
        });
    }

    pub(super) fn start_attempt(&mut self, out: &mut Vec<Action>) {
        self.generation += 1;
        self.socket = Socket::Opening;
        out.push(Action::Open {
            generation: self.generation,
            url: self.options.url(self.tls),
        });
        out.push(Action::SetTimer {
            timer: Timer::Attempt,
            after_ms: self.attempt_timeout_ms,
        });
    }

    pub(super) fn drop_socket(&mut self) {
        self.socket = Socket::None;
        self.socket_id = None;
        self.pong_pending = false;
        // Late events of the old socket are ignored.
        self.generation += 1;
    }

    pub(super) fn attempt_failed(&mut self, out: &mut Vec<Action>) {
        self.failed_attempts += 1;
        let exponent = ((self.failed_attempts - 1) / 2).min(8);
        let base = (RETRY_BASE_MS * f64::from(1u32 << exponent)).min(RETRY_CAP_MS);
        let jitter = 0.8 + 0.4 * self.rng.f64();
        self.schedule_retry(base * jitter, out);
    }

    pub(super) fn schedule_retry(&mut self, delay_ms: f64, out: &mut Vec<Action>) {
        if delay_ms <= 0.0 {
            self.start_attempt(out);
            return;
        }
        self.retry_pending = true;
        out.push(Action::SetTimer {
            timer: Timer::Retry,
            after_ms: delay_ms,
        });
        out.push(Action::Emit(Event::ConnectingIn {
            seconds: (delay_ms / 1000.0).round() as u64,
        }));
    }

    /// Leaving `connected`: every channel will be resubscribed with fresh auth.
    pub(super) fn enter_connecting(&mut self, out: &mut Vec<Action>) {
        self.channels.reset_all();
        self.user.id = None;
        self.user.request = None;
        if !matches!(self.state, State::Connecting | State::Unavailable) {
            self.set_state(State::Connecting, out);
            out.push(Action::SetTimer {
                timer: Timer::Unavailable,
                after_ms: self.options.unavailable_timeout_ms,
            });
        }
    }

    pub(super) fn apply_close(&mut self, code: u16, reason: &str, out: &mut Vec<Action>) {
        match close_action(code) {
            CloseAction::Reconnect { delay_ms, report } => {
                if report {
                    out.push(emit_error(
                        ErrorKind::WebSocketError,
                        Some(i64::from(code)),
                        close_message(code, reason),
                    ));
                }
                self.enter_connecting(out);
                self.schedule_retry(f64::from(delay_ms), out);
            }
            CloseAction::TlsOnly => {
                self.tls = true;
                self.enter_connecting(out);
                self.start_attempt(out);
            }
            CloseAction::Refused => {
                out.push(emit_error(
                    ErrorKind::PusherError,
                    Some(i64::from(code)),
                    close_message(code, reason),
                ));
                self.channels.reset_all();
                out.push(Action::CancelTimer(Timer::Unavailable));
                out.push(Action::CancelTimer(Timer::Retry));
                self.retry_pending = false;
                self.set_state(State::Disconnected, out);
            }
        }
    }

    pub(super) fn handshake(&mut self, frame: Frame, out: &mut Vec<Action>) {
        match frame.event.as_str() {
            "pusher:connection_established" => {
                let socket_id = frame
                    .data
                    .get("socket_id")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                let server_timeout = frame
                    .data
                    .get("activity_timeout")
                    .and_then(Value::as_f64)
                    .filter(|t| *t > 0.0);
                let (Some(socket_id), Some(server_timeout)) = (socket_id, server_timeout) else {
                    out.push(emit_error(
                        ErrorKind::HandshakeError,
                        None,
                        "Invalid handshake (no socket id or activity timeout)".into(),
                    ));
                    out.push(Action::Close);
                    self.drop_socket();
                    self.attempt_failed(out);
                    return;
                };
                self.socket = Socket::Open;
                self.socket_id = Some(socket_id);
                self.activity_timeout_ms = self
                    .options
                    .activity_timeout_ms
                    .min(server_timeout * 1000.0);
                self.failed_attempts = 0;
                self.attempt_timeout_ms = ATTEMPT_TIMEOUT_MS;
                self.retry_pending = false;
                out.push(Action::CancelTimer(Timer::Attempt));
                out.push(Action::CancelTimer(Timer::Unavailable));
                out.push(Action::CancelTimer(Timer::Retry));
                out.push(Action::SetTimer {
                    timer: Timer::Activity,
                    after_ms: self.activity_timeout_ms,
                });
                self.set_state(State::Connected, out);
                for name in self.channels.names() {
                    self.start_subscription(&name, out);
                }
                if self.user.wanted {
                    self.request_user_auth(out);
                }
            }
            "pusher:error" => {
                let code = frame.data.get("code").and_then(Value::as_u64).unwrap_or(0) as u16;
                let message = frame
                    .data
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                out.push(Action::Close);
                self.drop_socket();
                out.push(Action::CancelTimer(Timer::Attempt));
                if (4000..5000).contains(&code) {
                    self.apply_close(code, &message, out);
                } else {
                    out.push(emit_error(ErrorKind::PusherError, None, message));
                    self.attempt_failed(out);
                }
            }
            other => {
                // pusher-js stops here; retrying serves users better.
                out.push(emit_error(
                    ErrorKind::HandshakeError,
                    None,
                    format!("Unexpected first message {other}"),
                ));
                out.push(Action::Close);
                self.drop_socket();
                self.attempt_failed(out);
            }
        }
    }

    pub(super) fn set_state(&mut self, next: State, out: &mut Vec<Action>) {
        if self.state != next {
            let previous = std::mem::replace(&mut self.state, next);
            out.push(Action::Emit(Event::StateChange {
                previous,
                current: next,
            }));
        }
    }
}

/// What to do when the socket closes (pusher-js `getCloseAction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CloseAction {
    Reconnect { delay_ms: u32, report: bool },
    TlsOnly,
    Refused,
}

fn close_action(code: u16) -> CloseAction {
    match code {
        1000 | 1001 => CloseAction::Reconnect {
            delay_ms: 1000,
            report: false,
        },
        1002..=1004 => CloseAction::Reconnect {
            delay_ms: 1000,
            report: true,
        },
        4000 => CloseAction::TlsOnly,
        4001..=4099 => CloseAction::Refused,
        4100..=4199 => CloseAction::Reconnect {
            delay_ms: 1000,
            report: true,
        },
        4200..=4299 => CloseAction::Reconnect {
            delay_ms: 0,
            report: true,
        },
        4300.. => CloseAction::Refused,
        _ => CloseAction::Reconnect {
            delay_ms: 1000,
            report: true,
        },
    }
}

fn close_message(code: u16, reason: &str) -> String {
    if reason.is_empty() {
        format!("Connection closed (code {code})")
    } else {
        format!("Connection closed (code {code}): {reason}")
    }
}
