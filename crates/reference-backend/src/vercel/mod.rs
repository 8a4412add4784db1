//! Serving `dist/` by applying `vercel.json`, so the local stack and the E2E
//! suite exercise the deployment's real routing rules. Rewrites to another
//! origin (the production API host written in vercel.json) are answered by the
//! reference API in-process.

pub mod csp;
pub mod routes;
pub mod site;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use site::{Decision, Site};
use std::sync::Arc;
use tower::ServiceExt;
use tower_http::services::ServeFile;

/// Vercel's default for static files without a Cache-Control rule.
const DEFAULT_CACHE_CONTROL: &str = "public, max-age=0, must-revalidate";

#[derive(Clone)]
pub struct SiteState {
    pub site: Arc<Site>,
    /// The reference API, with its state applied.
    pub api: Router,
}

pub async fn handle(State(state): State<SiteState>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let routed = state.site.route(&path, query.as_deref());
    let is_file = matches!(routed.decision, Decision::File(_));

    let mut response = match routed.decision {
        Decision::Redirect { status, location } => redirect(status, &location),
        Decision::File(file) => serve_file(file, request).await,
        Decision::External {
            origin,
            path_and_query,
        } => {
            tracing::debug!(%origin, %path_and_query, "rewrite to external origin answered in-process");
            dispatch_to_api(state.api, request, &path_and_query).await
        }
        Decision::NotFound => not_found(&state.site, request).await,
    };

    let headers = response.headers_mut();
    for (key, mut value) in routed.headers {
        if let Some(extra) = &state.site.extra_connect_src {
            if key.eq_ignore_ascii_case("content-security-policy") {
                value = csp::extend_connect_src(&value, extra);
            }
        }
        if let (Ok(name), Ok(value)) = (HeaderName::try_from(key), HeaderValue::try_from(value)) {
            headers.insert(name, value);
        }
    }
    if is_file && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(DEFAULT_CACHE_CONTROL),
        );
    }
    response
}

fn redirect(status: u16, location: &str) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::PERMANENT_REDIRECT);
    match HeaderValue::try_from(location) {
        Ok(value) => (status, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

async fn serve_file(file: std::path::PathBuf, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "Method not allowed",
        )
            .into_response();
    }
    // The build wrote `<file>.br` and `<file>.gz` (tools/post-build.mjs): sent
    // as they are, never compressed per request.
    let service = ServeFile::new(file).precompressed_br().precompressed_gzip();
    match service.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(err) => {
            tracing::error!(error = %err, "serving a file failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn dispatch_to_api(api: Router, mut request: Request, path_and_query: &str) -> Response {
    match path_and_query.parse::<Uri>() {
        Ok(uri) => {
            *request.uri_mut() = uri;
            match api.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            }
        }
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// Vercel serves `404.html` when the deployment has one.
async fn not_found(site: &Site, request: Request) -> Response {
    let page = site.dist().join("404.html");
    if page.is_file() {
        let mut response = serve_file(page, request).await;
        *response.status_mut() = StatusCode::NOT_FOUND;
        return response;
    }
    (StatusCode::NOT_FOUND, "Not found").into_response()
}
