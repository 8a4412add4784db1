//! The API's response conventions, independent of any HTTP library: both
//! envelope shapes, and the mapping of error responses to user-facing messages
//! (docs/contracts/variants.md, Envelopes and errors: `message` → `detail` → 422 list → `error` → per-status text).

use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

/// Longest server-provided text we show; anything longer is cut (a proxy can
/// answer with a whole HTML page).
const MAX_SERVER_TEXT: usize = 300;

/// An API call that did not yield what was asked for, in every way one can fail.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The request never got an HTTP answer (offline, DNS, CORS, connection refused).
    Network,
    /// No answer within the client's time limit; the request was aborted.
    Timeout {
        /// The limit that passed, in milliseconds.
        after_ms: u32,
    },
    /// The server answered with a non-success status.
    Http {
        /// The HTTP status code.
        status: u16,
        /// The sentence for the user: the server's own text when it gave one, else one chosen by status.
        message: String,
        /// `Retry-After` in seconds, when the server said (429, 503).
        retry_after_secs: Option<u64>,
    },
    /// A success status with a body we cannot use.
    Decode {
        /// What was wrong with the body, for the log (never shown as is).
        detail: String,
    },
    /// A success status whose envelope said the request failed
    /// (`{"status": "error", ...}`, or a report with `data.status: "error"`).
    Reported {
        /// The envelope's own message, or a sentence chosen for it.
        message: String,
    },
}

impl ApiError {
    /// The HTTP status, when the server answered with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server does not accept the access token (401).
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// The sentence shown to the user.
    pub fn user_message(&self) -> String {
        match self {
            ApiError::Network => {
                "Cannot reach the server. Check your connection and try again.".to_string()
            }
            ApiError::Timeout { after_ms } => format!(
                "The server did not answer within {} s. Try again.",
                after_ms.div_ceil(1000)
            ),
            ApiError::Http { message, .. } => message.clone(),
            ApiError::Decode { .. } => "The server sent a response this page cannot read.".into(),
            ApiError::Reported { message } => message.clone(),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

impl std::error::Error for ApiError {}

/// A success body that is not what was asked for, saying what is wrong with it.
pub(crate) fn undecodable(detail: impl Into<String>) -> ApiError {
    ApiError::Decode {
        detail: detail.into(),
    }
}

static NULL: Value = Value::Null;

/// The object of a `{"status": "...", "data": ...}` envelope, when `body` is one.
fn envelope(body: &Value) -> Option<&serde_json::Map<String, Value>> {
    body.as_object()
        .filter(|o| o.contains_key("data") && o.get("status").is_some_and(Value::is_string))
}

/// What an envelope whose status is "error" says.
fn envelope_error(map: &serde_json::Map<String, Value>) -> Option<ApiError> {
    (map.get("status").and_then(Value::as_str) == Some("error")).then(|| {
        let message = text_field(map, "message")
            .or_else(|| text_field(map, "error"))
            .or_else(|| detail_text(map.get("detail")))
            .unwrap_or_else(|| "The server reported an error.".to_string());
        ApiError::Reported { message }
    })
}

/// The payload of `body`, borrowed: the envelope's `data` when present, else the
/// bare body. An envelope whose status is "error" becomes an error.
pub(crate) fn envelope_data(body: &Value) -> Result<&Value, ApiError> {
    let Some(map) = envelope(body) else {
        return Ok(body);
    };
    match envelope_error(map) {
        Some(error) => Err(error),
        None => Ok(map.get("data").unwrap_or(&NULL)),
    }
}

/// The envelope's payload (bare or `{status, data}`) for an owned body, without copying the payload.
pub fn unwrap_envelope(body: Value) -> Result<Value, ApiError> {
    let Some(map) = envelope(&body) else {
        return Ok(body);
    };
    if let Some(error) = envelope_error(map) {
        return Err(error);
    }
    match body {
        Value::Object(mut map) => Ok(map.remove("data").unwrap_or(Value::Null)),
        other => Ok(other),
    }
}

/// The items of a list answer: a bare array, or the array under `key` in an
/// (enveloped) object; an error naming what is missing otherwise.
pub(crate) fn list_items<'a>(body: &'a Value, key: &str) -> Result<&'a [Value], ApiError> {
    match envelope_data(body)? {
        Value::Array(items) => Ok(items),
        Value::Object(o) => o
            .get(key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .ok_or_else(|| undecodable(format!("the answer has no {key}"))),
        _ => Err(undecodable(format!("the answer is not a list of {key}"))),
    }
}

/// Parses a success body (empty means `null`), unwraps the envelope and
/// deserializes it into `T`.
pub fn decode_success<T: DeserializeOwned>(body: &str) -> Result<T, ApiError> {
    let value = if body.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(body).map_err(|e| ApiError::Decode {
            detail: format!("not JSON: {e}"),
        })?
    };
    let data = unwrap_envelope(value)?;
    serde_json::from_value(data).map_err(|e| ApiError::Decode {
        detail: e.to_string(),
    })
}

/// Maps an error response to an [`ApiError::Http`] with the user-facing message.
/// `retry_after` is the raw `Retry-After` header; `now_unix` resolves its date form.
pub fn error_from_response(
    status: u16,
    body: &str,
    retry_after: Option<&str>,
    now_unix: u64,
) -> ApiError {
    let retry_after_secs = retry_after.and_then(|v| parse_retry_after(v, now_unix));
    let json: Option<Value> = serde_json::from_str(body).ok();
    let server_text = json.as_ref().and_then(|v| v.as_object()).and_then(|map| {
        text_field(map, "message")
            .or_else(|| detail_text(map.get("detail")))
            .or_else(|| text_field(map, "error"))
    });
    let message = server_text.unwrap_or_else(|| status_text(status, retry_after_secs));
    ApiError::Http {
        status,
        message,
        retry_after_secs,
    }
}

/// Fixed text per status, used when the body carries no message.
pub(crate) fn status_text(status: u16, retry_after_secs: Option<u64>) -> String {
    match status {
        400 => "The request was not accepted. Check the form and try again.".into(),
        401 => "Your session has ended. Please sign in again.".into(),
        403 => "You don't have permission to do that.".into(),
        404 => "Not found.".into(),
        408 => "The server timed out waiting for the request. Try again.".into(),
        409 => "That conflicts with a change made elsewhere. Reload and try again.".into(),
        413 => "That is too large for the server to accept.".into(),
        422 => "Some fields are not valid.".into(),
        429 => match retry_after_secs {
            Some(s) => format!("Too many requests. Try again in {s} s."),
            None => "Too many requests. Wait a moment and try again.".into(),
        },
        500 => "The server hit an error. Try again shortly.".into(),
        502 => "The server is unreachable right now (bad gateway). Try again shortly.".into(),
        503 => "The service is temporarily unavailable. Try again shortly.".into(),
        504 => "The server took too long to answer. Try again.".into(),
        s => format!("The request failed (HTTP {s})."),
    }
}

/// `Retry-After` is either delta-seconds or an IMF-fixdate.
pub(crate) fn parse_retry_after(value: &str, now_unix: u64) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    parse_imf_fixdate(value).map(|at| at.saturating_sub(now_unix))
}

/// "Sun, 06 Nov 1994 08:49:37 GMT" → unix seconds.
fn parse_imf_fixdate(value: &str) -> Option<u64> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let day: u64 = day.parse().ok()?;
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| m == month)? as u64
        + 1;
    let year: u64 = year.parse().ok()?;
    let hms: Vec<u64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || year < 1970 || *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    let days = crate::time::days_from_civil(year as i64, month as u32, day as u32);
    u64::try_from(days)
        .ok()
        .map(|d| d * 86_400 + h * 3600 + m * 60 + s)
}

fn text_field(map: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    map.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(clip)
}

/// FastAPI's `detail`: a string, a 422 list of `{loc, msg}`, or an object with a message.
fn detail_text(detail: Option<&Value>) -> Option<String> {
    match detail? {
        Value::String(s) if !s.trim().is_empty() => Some(clip(s.trim())),
        Value::Array(items) => {
            let lines: Vec<String> = items.iter().filter_map(validation_line).collect();
            (!lines.is_empty()).then(|| clip(&lines.join("; ")))
        }
        Value::Object(map) => text_field(map, "message").or_else(|| text_field(map, "msg")),
        _ => None,
    }
}

/// One 422 entry as "field: msg"; the field is the last non-"body" part of `loc`.
fn validation_line(item: &Value) -> Option<String> {
    let msg = item.get("msg").and_then(Value::as_str)?.trim();
    if msg.is_empty() {
        return None;
    }
    let field = item.get("loc").and_then(Value::as_array).and_then(|loc| {
        loc.iter().rev().find_map(|part| match part {
            Value::String(s) if s != "body" && s != "query" && s != "path" => Some(s.clone()),
            _ => None,
        })
    });
    Some(match field {
        Some(field) => format!("{field}: {msg}"),
        None => msg.to_string(),
    })
}

fn clip(s: &str) -> String {
    if s.chars().count() <= MAX_SERVER_TEXT {
        return s.to_string();
    }
    let mut out: String = s.chars().take(MAX_SERVER_TEXT).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Profile {
        id: u64,
        username: String,
    }

    #[test]
    fn bare_and_enveloped_bodies_decode_alike() {
        let bare = r#"{"id":1,"username":"admin"}"#;
        let wrapped = r#"{"status":"success","data":{"id":1,"username":"admin"},"message":"ok"}"#;
        let want = Profile {
            id: 1,
            username: "admin".into(),
        };
        assert_eq!(decode_success::<Profile>(bare).unwrap(), want);
        assert_eq!(decode_success::<Profile>(wrapped).unwrap(), want);
    }

    #[test]
    fn objects_with_a_status_but_no_data_are_bare() {
        let health = json!({"status":"healthy","version":"1"});
        assert_eq!(unwrap_envelope(health.clone()).unwrap(), health);
        // "data" present but status not a string: not our envelope either.
        let odd = json!({"status":200,"data":[1]});
        assert_eq!(unwrap_envelope(odd.clone()).unwrap(), odd);
    }

    #[test]
    fn error_envelope_becomes_an_error() {
        let err = unwrap_envelope(json!({"status":"error","data":null,"message":"Metrics down"}))
            .unwrap_err();
        assert_eq!(err.user_message(), "Metrics down");
        let err = unwrap_envelope(json!({"status":"error","data":{}})).unwrap_err();
        assert_eq!(err.user_message(), "The server reported an error.");
    }

    #[test]
    fn empty_success_body_is_null() {
        assert_eq!(decode_success::<Option<Profile>>("").unwrap(), None);
        assert_eq!(decode_success::<()>(" ").unwrap(), ());
    }

    #[test]
    fn undecodable_success_bodies_are_decode_errors() {
        for body in [
            "<html>",
            "{\"id\":\"x\"}",
            "[1,2]",
            "{\"status\":\"success\",\"data\":5}",
        ] {
            let err = decode_success::<Profile>(body).unwrap_err();
            assert!(matches!(err, ApiError::Decode { .. }), "{body}: {err:?}");
            assert_eq!(
                err.user_message(),
                "The server sent a response this page cannot read."
            );
        }
    }

    fn msg(status: u16, body: &str) -> String {
        error_from_response(status, body, None, 0).user_message()
    }

    #[test]
    fn message_wins_over_detail_and_error() {
        let body =
            r#"{"error":true,"message":"Database unavailable","detail":"x","status_code":500}"#;
        assert_eq!(msg(500, body), "Database unavailable");
    }

    #[test]
    fn detail_string_is_used() {
        assert_eq!(
            msg(401, r#"{"detail":"Incorrect username or password"}"#),
            "Incorrect username or password"
        );
    }

    #[test]
    fn validation_list_is_formatted_per_field() {
        let body = r#"{"detail":[
            {"loc":["body","email"],"msg":"field required","type":"value_error.missing"},
            {"loc":["body","password"],"msg":"too short","type":"value_error"},
            {"loc":[],"msg":"bad","type":"x"},
            {"loc":["body"],"msg":"","type":"x"}]}"#;
        assert_eq!(
            msg(422, body),
            "email: field required; password: too short; bad"
        );
    }

    #[test]
    fn validation_list_with_numeric_location_keeps_the_field_name() {
        let body = r#"{"detail":[{"loc":["body","items",0],"msg":"invalid","type":"x"}]}"#;
        assert_eq!(msg(422, body), "items: invalid");
    }

    #[test]
    fn detail_object_with_message() {
        assert_eq!(
            msg(503, r#"{"detail":{"message":"Pusher down"}}"#),
            "Pusher down"
        );
    }

    #[test]
    fn error_string_is_the_last_server_text() {
        assert_eq!(msg(400, r#"{"error":"Bad channel"}"#), "Bad channel");
        // `error: true` (the middleware's flag) is not a message.
        assert_eq!(
            msg(500, r#"{"error":true}"#),
            "The server hit an error. Try again shortly."
        );
    }

    #[test]
    fn blank_or_non_json_bodies_use_the_status_text() {
        assert_eq!(msg(404, ""), "Not found.");
        assert_eq!(
            msg(502, "<html><body>Bad Gateway</body></html>"),
            "The server is unreachable right now (bad gateway). Try again shortly."
        );
        assert_eq!(
            msg(403, r#"{"detail":"  "}"#),
            "You don't have permission to do that."
        );
        assert_eq!(msg(418, "{}"), "The request failed (HTTP 418).");
    }

    #[test]
    fn every_documented_status_has_its_own_text() {
        for status in [400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504] {
            assert!(!status_text(status, None).contains("HTTP"), "{status}");
        }
    }

    #[test]
    fn too_many_requests_carries_retry_after() {
        let err = error_from_response(429, "", Some("17"), 0);
        assert_eq!(err.user_message(), "Too many requests. Try again in 17 s.");
        assert_eq!(
            err,
            ApiError::Http {
                status: 429,
                message: "Too many requests. Try again in 17 s.".into(),
                retry_after_secs: Some(17)
            }
        );
        let with_detail = error_from_response(429, r#"{"detail":"Slow down"}"#, Some("5"), 0);
        assert_eq!(with_detail.user_message(), "Slow down");
    }

    #[test]
    fn retry_after_http_date_is_relative_to_now() {
        // 1994-11-06T08:49:37Z = 784111777
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_770),
            Some(7)
        );
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_800),
            Some(0)
        );
        assert_eq!(parse_retry_after("soon", 0), None);
        assert_eq!(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", 0), None);
        assert_eq!(parse_retry_after("-3", 0), None);
    }

    #[test]
    fn long_server_text_is_clipped() {
        let long = "x".repeat(1000);
        let m = msg(400, &format!(r#"{{"detail":"{long}"}}"#));
        assert_eq!(m.chars().count(), MAX_SERVER_TEXT + 1);
        assert!(m.ends_with('…'));
    }

    #[test]
    fn network_and_timeout_messages() {
        assert!(ApiError::Network
            .user_message()
            .contains("Cannot reach the server"));
        assert_eq!(
            ApiError::Timeout { after_ms: 15_000 }.user_message(),
            "The server did not answer within 15 s. Try again."
        );
        assert!(error_from_response(401, "", None, 0).is_unauthorized());
    }
}
