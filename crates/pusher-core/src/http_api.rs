//! Signing requests to the Pusher HTTP API (rest-api.md), for servers that
//! publish events: `POST /apps/{app_id}/events` with `auth_key`,
//! `auth_timestamp`, `auth_version`, `body_md5` and `auth_signature`.

use crate::signature::hmac_hex;
use md5::{Digest, Md5};
use serde_json::Value;
use std::collections::BTreeMap;

/// The signed query string for `method path` with `body` (empty for GET).
pub fn signed_query(
    method: &str,
    path: &str,
    key: &str,
    secret: &str,
    timestamp: u64,
    body: &str,
    extra: &[(&str, &str)],
) -> String {
    let mut params: BTreeMap<String, String> = extra
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), (*v).to_string()))
        .collect();
    params.insert("auth_key".into(), key.into());
    params.insert("auth_timestamp".into(), timestamp.to_string());
    params.insert("auth_version".into(), "1.0".into());
    if !body.is_empty() {
        params.insert("body_md5".into(), hex::encode(Md5::digest(body.as_bytes())));
    }
    let query: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let query = query.join("&");
    let signature = hmac_hex(secret, &format!("{method}\n{path}\n{query}"));
    format!("{query}&auth_signature={signature}")
}

/// The body of `POST /apps/{app_id}/events`: `data` is sent as a JSON string.
pub fn event_body(channels: &[&str], name: &str, data: &Value, socket_id: Option<&str>) -> String {
    let mut body = serde_json::json!({
        "name": name,
        "data": data.to_string(),
        "channels": channels,
    });
    if let Some(socket_id) = socket_id {
        body["socket_id"] = Value::String(socket_id.into());
    }
    body.to_string()
}

/// Path and query of a signed trigger for `app_id`.
pub fn events_request(app_id: &str, key: &str, secret: &str, timestamp: u64, body: &str) -> String {
    let path = format!("/apps/{app_id}/events");
    let query = signed_query("POST", &path, key, secret, timestamp, body, &[]);
    format!("{path}?{query}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_vector() {
        let body = r#"{"name":"foo","channels":["project-3"],"data":"{\"some\":\"data\"}"}"#;
        let query = signed_query(
            "POST",
            "/apps/3/events",
            "278d425bdf160c739803",
            "7ad3773142a6692b25b8",
            1353088179,
            body,
            &[],
        );
        assert_eq!(
            query,
            "auth_key=278d425bdf160c739803&auth_timestamp=1353088179&auth_version=1.0\
             &body_md5=ec365a775a4cd0599faeb73354201b6f\
             &auth_signature=da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
        );
    }

    #[test]
    fn event_bodies_carry_data_as_a_string() {
        let body: Value = serde_json::from_str(&event_body(
            &["a", "b"],
            "metrics.updated",
            &serde_json::json!({"x": 1}),
            None,
        ))
        .unwrap();
        assert_eq!(body["data"], "{\"x\":1}");
        assert_eq!(body["channels"], serde_json::json!(["a", "b"]));
        assert!(body.get("socket_id").is_none());
    }

    #[test]
    fn get_requests_have_no_body_md5() {
        let q = signed_query(
            "GET",
            "/apps/1/channels",
            "k",
            "s",
            1,
            "",
            &[("filter_by_prefix", "presence-")],
        );
        assert!(!q.contains("body_md5"));
        assert!(q.starts_with("auth_key=k&auth_timestamp=1&auth_version=1.0&filter_by_prefix=presence-&auth_signature="));
    }
}
