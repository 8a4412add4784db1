//! Channels (pusher-js `core/channels`): subscribing and unsubscribing,
//! authorization results, routing frames to channels, and decrypting the events
//! of encrypted channels.

use super::*;

impl Client {
    /// Adds `name` to the table and subscribes now if connected (after a reconnect, again).
    pub fn subscribe(&mut self, name: &str, _now: f64) -> Result<Vec<Action>, SubscribeError> {
        if !is_valid_name(name) {
            return Err(SubscribeError::InvalidName);
        }
        let mut out = Vec::new();
        match self.channels.get_mut(name) {
            Some(existing) if existing.cancelled => existing.cancelled = false,
            Some(_) => return Ok(out),
            None => {
                self.channels.insert(Channel::new(name));
                if self.socket == Socket::Open {
                    self.start_subscription(name, &mut out);
                }
            }
        }
        Ok(out)
    }

    /// Leaves `name`; it is not resubscribed after a reconnect.
    pub fn unsubscribe(&mut self, name: &str, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        let Some(channel) = self.channels.get_mut(name) else {
            return out;
        };
        match channel.state {
            // The server may still confirm: unsubscribe then.
            SubscriptionState::Pending { auth_request: None } if self.socket == Socket::Open => {
                channel.cancelled = true;
            }
            SubscriptionState::Subscribed if self.socket == Socket::Open => {
                out.push(Action::Send(encode(
                    "pusher:unsubscribe",
                    &json!({ "channel": name }),
                    None,
                )));
                self.channels.remove(name);
            }
            _ => {
                self.channels.remove(name);
            }
        }
        out
    }

    pub(super) fn start_subscription(&mut self, name: &str, out: &mut Vec<Action>) {
        let Some(socket_id) = self.socket_id.clone() else {
            return;
        };
        let request = self.next_request + 1;
        let Some(channel) = self.channels.get_mut(name) else {
            return;
        };
        if channel.kind().needs_auth() {
            self.next_request = request;
            channel.state = SubscriptionState::Pending {
                auth_request: Some(request),
            };
            out.push(Action::Authorize {
                request,
                channel: name.to_string(),
                socket_id,
            });
        } else {
            channel.state = SubscriptionState::Pending { auth_request: None };
            let data = object(&[("auth", json!("")), ("channel", json!(name))]);
            out.push(Action::Send(encode_raw("pusher:subscribe", &data, None)));
        }
    }

    /// The authorizer's answer to `Action::Authorize { request, .. }`.
    pub fn auth_result(
        &mut self,
        request: u64,
        result: Result<AuthResponse, AuthFailure>,
        now: f64,
    ) -> Vec<Action> {
        let mut out = Vec::new();
        let socket_open = self.socket == Socket::Open;
        let Some(channel) = self.channels.by_auth_request(request) else {
            return out;
        };
        let name = channel.name.clone();
        if let Some(encryption) = channel
            .encryption_mut()
            .filter(|e| e.reauth_request == Some(request))
        {
            // A fresh key for an encrypted channel after a decryption failure.
            encryption.reauth_request = None;
            if let Ok(response) = &result {
                encryption.key = response
                    .shared_secret
                    .as_deref()
                    .and_then(crypto::parse_key);
            }
            let pending: Vec<(String, Value)> = std::mem::take(&mut encryption.undecrypted);
            for (event, data) in pending {
                self.decrypt_and_emit(&name, &event, data, None, now, &mut out);
            }
            return out;
        }
        if channel.cancelled {
            self.channels.remove(&name);
            return out;
        }
        let response = match result {
            Ok(response) => response,
            Err(failure) => {
                channel.state = SubscriptionState::Failed;
                self.subscription_error(&name, failure.status, failure.message, &mut out);
                return out;
            }
        };
        let mut fields = vec![("auth", json!(response.auth))];
        match &mut channel.kind_state {
            KindState::Presence(members) => {
                let Some(channel_data) = response.channel_data.clone() else {
                    channel.state = SubscriptionState::Failed;
                    self.subscription_error(
                        &name,
                        Some(200),
                        "Invalid auth response: no channel_data".into(),
                        &mut out,
                    );
                    return out;
                };
                let my_id = serde_json::from_str::<Value>(&channel_data)
                    .ok()
                    .and_then(|d| d.get("user_id").and_then(normalize_id));
                members.my_id = my_id;
                fields.push(("channel_data", json!(channel_data)));
            }
            KindState::Encrypted(encryption) => {
                let Some(key) = response
                    .shared_secret
                    .as_deref()
                    .and_then(crypto::parse_key)
                else {
                    channel.state = SubscriptionState::Failed;
                    self.subscription_error(
                        &name,
                        Some(200),
                        "Invalid auth response: no 32-byte shared_secret".into(),
                        &mut out,
                    );
                    return out;
                };
                encryption.key = Some(key);
            }
            KindState::Plain(_) => {}
        }
        if !socket_open {
            return out;
        }
        channel.state = SubscriptionState::Pending { auth_request: None };
        fields.push(("channel", json!(name)));
        out.push(Action::Send(encode_raw(
            "pusher:subscribe",
            &object(&fields),
            None,
        )));
        out
    }

    pub(super) fn subscription_error(
        &mut self,
        name: &str,
        status: Option<u16>,
        message: String,
        out: &mut Vec<Action>,
    ) {
        let mut data = json!({ "type": "AuthError", "error": message });
        if let Some(status) = status {
            data["status"] = json!(status);
        }
        out.push(emit_error(
            ErrorKind::AuthError,
            status.map(i64::from),
            format!("{name}: {message}"),
        ));
        out.push(emit_message(
            Some(name),
            "pusher:subscription_error",
            data,
            None,
        ));
    }

    pub(super) fn route(&mut self, frame: Frame, now: f64, out: &mut Vec<Action>) {
        let Frame {
            event,
            channel,
            data,
            user_id,
        } = frame;
        match event.as_str() {
            "pusher:ping" => out.push(Action::Send(encode("pusher:pong", &json!({}), None))),
            "pusher:pong" | "pusher:connection_established" => {}
            "pusher:error" => {
                let code = data.get("code").and_then(Value::as_i64);
                let message = data
                    .get("message")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string();
                out.push(emit_error(ErrorKind::PusherError, code, message));
            }
            "pusher:signin_success" => self.signed_in(&data, out),
            "pusher_internal:subscription_succeeded" => {
                if let Some(name) = channel {
                    self.subscription_succeeded(&name, data, out);
                }
            }
            "pusher_internal:subscription_count" => {
                if let Some(name) = channel {
                    let count = data.get("subscription_count").and_then(Value::as_u64);
                    if let Some(c) = self.channels.get_mut(&name) {
                        c.subscription_count = count;
                    }
                    out.push(emit_message(
                        Some(&name),
                        "pusher:subscription_count",
                        data,
                        None,
                    ));
                }
            }
            "pusher_internal:member_added" => {
                if let Some(name) = channel {
                    self.member_added(&name, data, out);
                }
            }
            "pusher_internal:member_removed" => {
                if let Some(name) = channel {
                    self.member_removed(&name, data, out);
                }
            }
            e if e.starts_with("pusher_internal:") => {}
            _ => match channel {
                Some(name) => self.channel_event(&name, &event, data, user_id, now, out),
                None => out.push(emit_message(None, &event, data, user_id)),
            },
        }
    }

    pub(super) fn channel_event(
        &mut self,
        name: &str,
        event: &str,
        data: Value,
        user_id: Option<String>,
        now: f64,
        out: &mut Vec<Action>,
    ) {
        let kind = self.channels.get(name).map(Channel::kind);
        if event == "pusher:subscription_error" {
            if let Some(c) = self.channels.get_mut(name) {
                c.state = SubscriptionState::Failed;
            }
        }
        match kind {
            Some(ChannelKind::ServerToUser) if !event.starts_with("pusher:") => {
                out.push(Action::Emit(Event::User(Message {
                    channel: None,
                    event: event.into(),
                    data,
                    user_id,
                })));
            }
            Some(ChannelKind::Encrypted) if !event.starts_with("pusher:") => {
                self.decrypt_and_emit(name, event, data, user_id, now, out);
            }
            _ => out.push(emit_message(Some(name), event, data, user_id)),
        }
    }

    pub(super) fn decrypt_and_emit(
        &mut self,
        name: &str,
        event: &str,
        data: Value,
        user_id: Option<String>,
        _now: f64,
        out: &mut Vec<Action>,
    ) {
        let Some(encryption) = self
            .channels
            .get_mut(name)
            .and_then(Channel::encryption_mut)
        else {
            return;
        };
        let Some(key) = encryption.key else {
            // Events before the key arrives cannot be read: dropped, as in pusher-js.
            return;
        };
        match crypto::decrypt(&key, &data) {
            Ok(plain) => out.push(emit_message(Some(name), event, plain, user_id)),
            Err(crypto::DecryptError::Failed) if !encryption.reauthorized => {
                // The key may have rotated: ask for a fresh one once, then retry.
                encryption.reauthorized = true;
                encryption.undecrypted.push((event.to_string(), data));
                if let Some(socket_id) = self.socket_id.clone() {
                    self.next_request += 1;
                    let request = self.next_request;
                    if let Some(encryption) = self
                        .channels
                        .get_mut(name)
                        .and_then(Channel::encryption_mut)
                    {
                        encryption.reauth_request = Some(request);
                    }
                    out.push(Action::Authorize {
                        request,
                        channel: name.to_string(),
                        socket_id,
                    });
                }
            }
            Err(e) => out.push(emit_error(
                ErrorKind::DecryptError,
                None,
                format!("{name}: could not decrypt {event} ({e:?}); dropped"),
            )),
        }
    }

    pub(super) fn subscription_succeeded(
        &mut self,
        name: &str,
        data: Value,
        out: &mut Vec<Action>,
    ) {
        let Some(channel) = self.channels.get_mut(name) else {
            return;
        };
        if channel.cancelled {
            out.push(Action::Send(encode(
                "pusher:unsubscribe",
                &json!({ "channel": name }),
                None,
            )));
            self.channels.remove(name);
            return;
        }
        channel.state = SubscriptionState::Subscribed;
        let emitted = if let KindState::Presence(members) = &mut channel.kind_state {
            let presence = data.get("presence").cloned().unwrap_or(Value::Null);
            let hash = presence
                .get("hash")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            members.members = hash.into_iter().collect();
            members.count = presence
                .get("count")
                .and_then(Value::as_u64)
                .unwrap_or(members.members.len() as u64);
            presence::members_json(members)
        } else {
            data
        };
        out.push(emit_message(
            Some(name),
            "pusher:subscription_succeeded",
            emitted,
            None,
        ));
    }
}
