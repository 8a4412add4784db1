//! User sign-in (pusher-js `core/user`): `pusher:signin` and the
//! `#server-to-user-{id}` channel that follows.

use super::*;

impl Client {
    /// Signs the user in now (if connected) and after every reconnect.
    pub fn signin(&mut self, _now: f64) -> Vec<Action> {
        let mut out = Vec::new();
        self.user.wanted = true;
        if self.socket == Socket::Open && self.user.request.is_none() && self.user.id.is_none() {
            self.request_user_auth(&mut out);
        }
        out
    }

    pub(super) fn request_user_auth(&mut self, out: &mut Vec<Action>) {
        let Some(socket_id) = self.socket_id.clone() else {
            return;
        };
        self.next_request += 1;
        self.user.request = Some(self.next_request);
        out.push(Action::AuthenticateUser {
            request: self.next_request,
            socket_id,
        });
    }

    /// The answer to an [`Action::AuthenticateUser`] request.
    pub fn user_auth_result(
        &mut self,
        request: u64,
        result: Result<UserAuthResponse, AuthFailure>,
        _now: f64,
    ) -> Vec<Action> {
        let mut out = Vec::new();
        if self.user.request != Some(request) {
            return out;
        }
        self.user.request = None;
        match result {
            Ok(response) if self.socket == Socket::Open => {
                let data = object(&[
                    ("auth", json!(response.auth)),
                    ("user_data", json!(response.user_data)),
                ]);
                out.push(Action::Send(encode_raw("pusher:signin", &data, None)));
            }
            Ok(_) => {}
            Err(failure) => {
                out.push(emit_message(
                    None,
                    "pusher:signin_error",
                    json!({ "type": "AuthError", "error": failure.message, "status": failure.status }),
                    None,
                ));
            }
        }
        out
    }

    pub(super) fn signed_in(&mut self, data: &Value, out: &mut Vec<Action>) {
        let user_data = match data.get("user_data") {
            Some(Value::String(s)) => serde_json::from_str::<Value>(s).unwrap_or(Value::Null),
            Some(other) => other.clone(),
            None => Value::Null,
        };
        let Some(id) = user_data
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            out.push(emit_error(
                ErrorKind::AuthError,
                None,
                "Sign-in succeeded without a string user id".into(),
            ));
            return;
        };
        self.user.id = Some(id.to_string());
        let name = format!("#server-to-user-{id}");
        self.channels.insert(Channel::new(&name));
        self.start_subscription(&name, out);
    }
}
