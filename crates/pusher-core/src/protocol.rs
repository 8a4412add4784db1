//! The wire format, decoded and encoded exactly as pusher-js does
//! (`protocol/protocol.ts`, `connection.ts send_event`).

use serde_json::Value;

/// A decoded server frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    /// The event name.
    pub event: String,
    /// The channel, for channel events.
    pub channel: Option<String>,
    /// `data` parsed: a JSON string holding JSON is decoded once more (servers
    /// double-encode); a string that is not JSON stays a string; absent is `Null`.
    pub data: Value,
    /// The sender of a client event on a presence channel.
    pub user_id: Option<String>,
}

/// A frame that is not a Pusher message, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

/// Parses one text frame. Anything that is not a JSON object with a string
/// `event` is a `MessageParseError`.
pub fn decode(text: &str) -> Result<Frame, ParseError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| ParseError(format!("invalid JSON: {e}")))?;
    let Value::Object(mut map) = value else {
        return Err(ParseError("the frame is not a JSON object".into()));
    };
    let event = match map.remove("event") {
        Some(Value::String(e)) if !e.is_empty() => e,
        _ => return Err(ParseError("the frame has no event name".into())),
    };
    let channel = match map.remove("channel") {
        Some(Value::String(c)) if !c.is_empty() => Some(c),
        _ => None,
    };
    let data = match map.remove("data") {
        Some(Value::String(s)) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
        Some(other) => other,
        None => Value::Null,
    };
    // Copied only when truthy, like pusher-js; numbers become strings.
    let user_id = match map.remove("user_id") {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        Some(Value::Number(n)) if n.as_f64() != Some(0.0) => Some(n.to_string()),
        _ => None,
    };
    Ok(Frame {
        event,
        channel,
        data,
        user_id,
    })
}

/// `{"event":…,"data":…,"channel":…}` in this key order; no channel key when `None`.
pub fn encode(event: &str, data: &Value, channel: Option<&str>) -> String {
    encode_raw(event, &data.to_string(), channel)
}

/// [`encode`] with `data` given as JSON text (to keep an object's key order).
pub fn encode_raw(event: &str, data_json: &str, channel: Option<&str>) -> String {
    let event = Value::String(event.to_string());
    match channel {
        Some(c) => format!(
            "{{\"event\":{event},\"data\":{data_json},\"channel\":{}}}",
            Value::String(c.into())
        ),
        None => format!("{{\"event\":{event},\"data\":{data_json}}}"),
    }
}

/// A JSON object with its keys in the given order (serde_json sorts them).
pub fn object(pairs: &[(&str, Value)]) -> String {
    let fields: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}:{v}", Value::String((*k).to_string())))
        .collect();
    format!("{{{}}}", fields.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn double_encoded_data_is_decoded_once_more() {
        let f = decode(r#"{"event":"pusher:connection_established","data":"{\"socket_id\":\"123.456\",\"activity_timeout\":120}"}"#).unwrap();
        assert_eq!(f.event, "pusher:connection_established");
        assert_eq!(
            f.data,
            json!({"socket_id": "123.456", "activity_timeout": 120})
        );
        assert_eq!(f.channel, None);
    }

    #[test]
    fn quirks_of_string_data() {
        // "42" arrives as the number 42, "\"hi\"" as "hi", non-JSON stays raw.
        assert_eq!(
            decode(r#"{"event":"e","data":"42"}"#).unwrap().data,
            json!(42)
        );
        assert_eq!(
            decode(r#"{"event":"e","data":"\"hi\""}"#).unwrap().data,
            json!("hi")
        );
        assert_eq!(
            decode(r#"{"event":"e","data":"not json"}"#).unwrap().data,
            json!("not json")
        );
        assert_eq!(
            decode(r#"{"event":"e","data":""}"#).unwrap().data,
            json!("")
        );
    }

    #[test]
    fn object_data_and_absent_data() {
        assert_eq!(
            decode(r#"{"event":"pusher:error","data":{"code":4201,"message":"x"}}"#)
                .unwrap()
                .data["code"],
            4201
        );
        assert_eq!(
            decode(r#"{"event":"pusher:ping"}"#).unwrap().data,
            Value::Null
        );
    }

    #[test]
    fn user_id_only_when_truthy() {
        let f = decode(r#"{"event":"client-x","channel":"presence-a","data":"{}","user_id":"11"}"#)
            .unwrap();
        assert_eq!(
            (f.channel.as_deref(), f.user_id.as_deref()),
            (Some("presence-a"), Some("11"))
        );
        assert_eq!(
            decode(r#"{"event":"e","user_id":""}"#).unwrap().user_id,
            None
        );
        assert_eq!(
            decode(r#"{"event":"e","user_id":7}"#)
                .unwrap()
                .user_id
                .as_deref(),
            Some("7")
        );
        assert_eq!(
            decode(r#"{"event":"e","user_id":0}"#).unwrap().user_id,
            None
        );
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "",
            "nope",
            "[]",
            "42",
            r#"{"data":"{}"}"#,
            r#"{"event":5}"#,
            r#"{"event":""}"#,
        ] {
            assert!(decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn encoding_keeps_pusher_js_key_order() {
        assert_eq!(
            encode_raw(
                "pusher:subscribe",
                &object(&[("auth", json!("")), ("channel", json!("my-channel"))]),
                None
            ),
            r#"{"event":"pusher:subscribe","data":{"auth":"","channel":"my-channel"}}"#
        );
        assert_eq!(
            object(&[
                ("auth", json!("k:s")),
                ("channel_data", json!("{\"user_id\":10}")),
                ("channel", json!("presence-x"))
            ]),
            r#"{"auth":"k:s","channel_data":"{\"user_id\":10}","channel":"presence-x"}"#
        );
        assert_eq!(
            encode("client-typing", &json!({"x": 1}), Some("private-chat")),
            r#"{"event":"client-typing","data":{"x":1},"channel":"private-chat"}"#
        );
        assert_eq!(
            encode("pusher:pong", &json!({}), None),
            r#"{"event":"pusher:pong","data":{}}"#
        );
    }
}
