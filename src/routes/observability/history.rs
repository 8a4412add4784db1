//! The charts' earlier points: the backend's stored history
//! (`…/infrastructure/series`) for the chosen range, and what this tab has
//! seen, kept in sessionStorage so a reload or a visit to another page and
//! back never starts empty, even on a backend without the series endpoint.

use super::LiveFeed;
use crate::browser::storage;
use crate::services::api::{ApiClient, ApiError};
use crate::services::session::use_session;
use dashboard_core::live::Point;
use dashboard_core::range::{TimeRange, MAX_SPAN_MS};
use dashboard_core::series::parse_series;
use gloo_events::EventListener;
use leptos::prelude::*;
use serde_json::Value;

pub(crate) const SERIES_PATH: &str = "/api/v1/observability/infrastructure/series";
/// Per user, under the `toolboxai.` prefix, so signing out clears it.
const SEEN_PREFIX: &str = "toolboxai.observability.seen.";
/// At most this many points are kept (a few hours of readings at 5 s).
const SEEN_MAX: usize = 3_000;

/// Where the charts' earlier points came from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum HistorySource {
    /// The backend's stored history.
    Backend,
    /// This backend keeps none (404): what this tab has seen.
    Session,
}

/// Fetches the stored history of `range` into the feed.
pub(crate) async fn load(
    api: &ApiClient,
    range: TimeRange,
    feed: LiveFeed,
) -> Result<HistorySource, ApiError> {
    let (start, end) = range.window(crate::browser::time::now_ms());
    // Whole seconds, written as integers (no float formatter in the page).
    let path = format!(
        "{SERIES_PATH}?start={}&end={}",
        (start / 1000.0).floor() as i64,
        (end / 1000.0).ceil() as i64
    );
    match api.get(&path).send::<Value>().await {
        Ok(body) => {
            let points = parse_series(&body)?;
            feed.seed(points);
            Ok(HistorySource::Backend)
        }
        Err(err) if matches!(err.status(), Some(404 | 405 | 501)) => Ok(HistorySource::Session),
        Err(err) => Err(err),
    }
}

/// Seeds the feed with what this tab saw before, and keeps what it sees when
/// the page goes away (navigation: unmount; reload or close: `pagehide`).
pub(crate) fn use_seen_readings(feed: LiveFeed) {
    let auth = use_session().view();
    // The signed-in user's key; none once signed out (nothing is kept then).
    let key = move || {
        auth.try_with_untracked(|v| v.page_user().map(|u| format!("{SEEN_PREFIX}{}", u.id)))
            .flatten()
    };
    if let Some(points) = key()
        .and_then(|key| storage::session_read(&key))
        .and_then(|text| serde_json::from_str::<Vec<Point>>(&text).ok())
    {
        feed.seed(points);
    }
    let save = move || {
        let Some(key) = key() else { return };
        let Some(text) = feed.metrics.try_with_untracked(|m| {
            let newest = m.history().last().map_or(0.0, |p| p.t_ms);
            // Everything the charts showed, stored buckets included: the page
            // then comes back exactly as it was left.
            let seen: Vec<&Point> = m
                .history()
                .points()
                .filter(|p| p.t_ms >= newest - MAX_SPAN_MS)
                .collect();
            let skip = seen.len().saturating_sub(SEEN_MAX);
            serde_json::to_string(&seen[skip..]).ok()
        }) else {
            return;
        };
        if let Some(text) = text {
            storage::session_write(&key, &text);
        }
    };
    let listener =
        web_sys::window().map(|window| EventListener::new(&window, "pagehide", move |_| save()));
    let listener = StoredValue::new_local(listener);
    on_cleanup(move || {
        save();
        listener.update_value(|l| drop(l.take()));
    });
}
