//! Request extractors whose rejections use the API's error shapes.

use crate::error::{AppError, FieldError};
use crate::state::AppState;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// JSON body; malformed or mistyped bodies become a 422 `detail` list.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    let msg = match &rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Expected a JSON body (Content-Type: application/json)".to_string()
        }
        JsonRejection::JsonSyntaxError(_) => "The body is not valid JSON".to_string(),
        JsonRejection::JsonDataError(e) => e.body_text().replace(
            "Failed to deserialize the JSON body into the target type: ",
            "",
        ),
        other => other.body_text(),
    };
    AppError::Validation(vec![FieldError {
        loc: vec!["body".into()],
        msg,
        kind: "value_error.jsondecode".into(),
    }])
}

/// A body that may be JSON or `application/x-www-form-urlencoded` (Pusher auth).
pub struct JsonOrForm<T>(pub T);

impl<S, T> FromRequest<S> for JsonOrForm<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if is_json {
            return JsonBody::<T>::from_request(req, state)
                .await
                .map(|JsonBody(v)| JsonOrForm(v));
        }
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(value)) => Ok(JsonOrForm(value)),
            Err(rejection) => Err(form_rejection(rejection)),
        }
    }
}

fn form_rejection(rejection: FormRejection) -> AppError {
    if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return too_large();
    }
    AppError::Validation(vec![FieldError {
        loc: vec!["body".into()],
        msg: rejection.body_text(),
        kind: "value_error".into(),
    }])
}

/// The client's address: the TCP peer, or, behind `TRUSTED_PROXY_HOPS` proxies,
/// the address they forwarded ([`client_address`]). Unknown (`::`) when the
/// router is called in-process without a peer (tests that do not set it).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED), |c| c.0.ip());
        let forwarded: Vec<&str> = parts
            .headers
            .get_all(FORWARDED_FOR)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        Ok(ClientIp(client_address(
            peer,
            &forwarded,
            state.settings.trusted_proxy_hops,
        )))
    }
}

const FORWARDED_FOR: &str = "x-forwarded-for";

/// Who sent the request, behind `hops` trusted proxies: the chain is every
/// `X-Forwarded-For` entry (in header order) followed by the TCP peer, and each
/// trusted proxy appended the address it saw, so the client is `hops` places
/// left of the peer. A chain too short for that (the request came around the
/// proxies) or with an entry that is not an address gives the peer itself: an
/// unreadable claim is never believed.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], hops: u8) -> IpAddr {
    if hops == 0 {
        return peer;
    }
    let mut chain: Vec<IpAddr> = Vec::new();
    for entry in forwarded_for.iter().flat_map(|v| v.split(',')) {
        match entry.trim().parse::<IpAddr>() {
            Ok(ip) => chain.push(ip),
            Err(_) => return peer,
        }
    }
    chain.push(peer);
    chain
        .len()
        .checked_sub(1 + usize::from(hops))
        .and_then(|i| chain.get(i).copied())
        .unwrap_or(peer)
}

fn too_large() -> AppError {
    AppError::TooLarge(format!(
        "The request body is larger than {} KB",
        crate::MAX_REQUEST_BODY_BYTES / 1024
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        assert_eq!(
            client_address(ip("10.0.0.1"), &["203.0.113.9"], 0),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn behind_one_proxy_the_client_is_the_address_it_appended() {
        let proxy = ip("10.0.0.1");
        assert_eq!(
            client_address(proxy, &["203.0.113.9"], 1),
            ip("203.0.113.9")
        );
        // A client's own forged entries come before the proxy's and are ignored.
        assert_eq!(
            client_address(proxy, &["198.51.100.1, 203.0.113.9"], 1),
            ip("203.0.113.9")
        );
        // Several headers are one list, in order; IPv6 too.
        assert_eq!(
            client_address(proxy, &["198.51.100.1", "2001:db8::7"], 1),
            ip("2001:db8::7")
        );
    }

    #[test]
    fn behind_two_proxies_the_client_is_two_places_left_of_the_peer() {
        assert_eq!(
            client_address(ip("10.0.0.2"), &["1.2.3.4, 203.0.113.9, 10.0.0.1"], 2),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_short_or_unreadable_chain_is_not_believed() {
        let peer = ip("192.0.2.50");
        assert_eq!(client_address(peer, &[], 1), peer);
        assert_eq!(client_address(peer, &["203.0.113.9"], 2), peer);
        assert_eq!(client_address(peer, &["203.0.113.9, unknown"], 1), peer);
        assert_eq!(client_address(peer, &["203.0.113.9:443"], 1), peer);
    }
}
