//! The alert log: every threshold crossing (realtime::alerts) stored in SQLite
//! with an id, served to administrators, and acknowledged by one of them
//! (who and when recorded, once). Both a new alert (`alert-new`) and an
//! acknowledgement (`alert.acknowledged`) are published on `private-admin`, so
//! every open dashboard sees them.

use crate::auth::AuthUser;
use crate::error::{ApiResult, AppError};
use crate::metrics::sampler::Sample;
use crate::observability::thresholds::Breach;
use crate::realtime::ADMIN_CHANNEL;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Value};

/// How many alerts are kept (the oldest go first).
pub const KEEP: i64 = 1_000;
/// What a list returns without `limit`, and the most it returns.
const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 500;

/// The alerts table (a migration in crate::db).
pub const ALERTS_SQL: &str = r#"
    CREATE TABLE alerts (
        id                 INTEGER PRIMARY KEY AUTOINCREMENT,
        t_ms               INTEGER NOT NULL,
        level              TEXT NOT NULL CHECK (level IN ('warning', 'critical')),
        metric             TEXT NOT NULL,
        value              REAL NOT NULL,
        threshold          REAL NOT NULL,
        message            TEXT NOT NULL,
        acknowledged_by    TEXT,
        acknowledged_at_ms INTEGER
    );
    CREATE INDEX alerts_by_time ON alerts(t_ms);
"#;

const COLUMNS: &str =
    "id, t_ms, level, metric, value, threshold, message, acknowledged_by, acknowledged_at_ms";

fn iso(ms: i64) -> String {
    crate::time::iso(chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

/// One stored alert as the API shows it.
fn row_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let acknowledged_at: Option<i64> = r.get(8)?;
    Ok(json!({
        "id": r.get::<_, i64>(0)?,
        "timestamp": iso(r.get(1)?),
        "level": r.get::<_, String>(2)?,
        "metric": r.get::<_, String>(3)?,
        "value": r.get::<_, f64>(4)?,
        "threshold": r.get::<_, f64>(5)?,
        "message": r.get::<_, String>(6)?,
        "acknowledged_by": r.get::<_, Option<String>>(7)?,
        "acknowledged_at": acknowledged_at.map(iso),
    }))
}

/// Stores `breach` as an alert at `t_ms` and keeps the log bounded; its JSON.
pub fn insert(conn: &Connection, breach: &Breach, t_ms: i64) -> rusqlite::Result<Value> {
    conn.execute(
        "INSERT INTO alerts (t_ms, level, metric, value, threshold, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            t_ms,
            match breach.level {
                crate::observability::thresholds::Level::Warning => "warning",
                crate::observability::thresholds::Level::Critical => "critical",
            },
            breach.metric,
            breach.value,
            breach.threshold,
            breach.message
        ],
    )?;
    let id = conn.last_insert_rowid();
    conn.execute(
        "DELETE FROM alerts WHERE id <= (SELECT MAX(id) FROM alerts) - ?1",
        params![KEEP],
    )?;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM alerts WHERE id = ?1"),
        params![id],
        row_json,
    )
}

/// The newest `limit` alerts, newest first.
pub fn recent(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<Value>> {
    let mut statement = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM alerts ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = statement.query_map(params![limit], row_json)?;
    rows.collect()
}

/// Records the acknowledgement unless one exists (the first one stands);
/// `None` when there is no such alert.
pub fn acknowledge(
    conn: &Connection,
    id: i64,
    by: &str,
    at_ms: i64,
) -> rusqlite::Result<Option<Value>> {
    conn.execute(
        "UPDATE alerts SET acknowledged_by = ?2, acknowledged_at_ms = ?3
         WHERE id = ?1 AND acknowledged_by IS NULL",
        params![id, by, at_ms],
    )?;
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM alerts WHERE id = ?1"),
        params![id],
        row_json,
    )
    .optional()
}

/// The sampler's hook: stores this sample's new threshold crossings and
/// publishes each (with its id) to administrators.
pub fn spawn_record(state: &AppState, sample: &Sample) {
    let breaches = state.alerts.crossings(&state.thresholds, sample);
    if breaches.is_empty() {
        return;
    }
    let t_ms = (sample.unix_time * 1000.0).round() as i64;
    let state = state.clone();
    tokio::spawn(async move {
        let stored = state
            .db
            .call(move |conn| {
                breaches
                    .iter()
                    .map(|b| insert(conn, b, t_ms))
                    .collect::<rusqlite::Result<Vec<Value>>>()
                    .map_err(Into::into)
            })
            .await;
        match stored {
            Ok(alerts) => {
                if let Some(publisher) = &state.publisher {
                    for alert in alerts {
                        publisher.spawn_trigger(vec![ADMIN_CHANNEL.into()], "alert-new", alert);
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not store an alert"),
        }
    });
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    limit: Option<String>,
}

/// `GET /api/v1/observability/alerts?limit=`.
pub(super) async fn list(
    State(state): State<AppState>,
    user: AuthUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    let limit = match q.limit.as_deref().map(str::parse::<i64>) {
        None => DEFAULT_LIMIT,
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => n,
        Some(_) => {
            return Err(AppError::Validation(vec![crate::error::FieldError::query(
                "limit",
                format!("must be a whole number from 1 to {MAX_LIMIT}"),
            )]))
        }
    };
    let alerts = state.db.call(move |conn| Ok(recent(conn, limit)?)).await?;
    Ok(Json(
        json!({ "status": "success", "data": { "alerts": alerts } }),
    ))
}

/// `POST /api/v1/observability/alerts/{id}/acknowledge`.
pub(super) async fn acknowledge_one(
    State(state): State<AppState>,
    user: AuthUser,
    Path(raw_id): Path<String>,
) -> ApiResult<Json<Value>> {
    user.require_admin()?;
    let not_found = || AppError::NotFound("No such alert".into());
    let id: i64 = raw_id.parse().map_err(|_| not_found())?;
    let by = user.username.clone();
    let now = chrono::Utc::now().timestamp_millis();
    let alert = state
        .db
        .call(move |conn| Ok(acknowledge(conn, id, &by, now)?))
        .await?
        .ok_or_else(not_found)?;
    if let Some(publisher) = &state.publisher {
        publisher.spawn_trigger(
            vec![ADMIN_CHANNEL.into()],
            "alert.acknowledged",
            json!({
                "id": alert["id"],
                "acknowledged_by": alert["acknowledged_by"],
                "acknowledged_at": alert["acknowledged_at"],
            }),
        );
    }
    Ok(Json(json!({ "status": "success", "data": alert })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observability::thresholds::Level;

    fn breach(level: Level) -> Breach {
        Breach {
            level,
            metric: "cpu",
            value: 95.5,
            threshold: 90.0,
            message: "CPU usage critical: 95.5%".into(),
        }
    }

    fn db() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(ALERTS_SQL).unwrap();
        conn
    }

    #[test]
    fn alerts_are_stored_listed_newest_first_and_bounded() {
        let conn = db();
        let first = insert(&conn, &breach(Level::Warning), 1_000).unwrap();
        assert_eq!(first["level"], "warning");
        assert_eq!(first["timestamp"], "1970-01-01T00:00:01.000+00:00");
        assert_eq!(first["acknowledged_by"], Value::Null);
        insert(&conn, &breach(Level::Critical), 2_000).unwrap();
        let list = recent(&conn, 10).unwrap();
        assert_eq!(list[0]["level"], "critical");
        assert_eq!(list[1]["id"], first["id"]);
        for i in 0..KEEP {
            insert(&conn, &breach(Level::Warning), 3_000 + i).unwrap();
        }
        let count: i64 = conn
            .query_row("SELECT COUNT(*) FROM alerts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, KEEP);
    }

    #[test]
    fn the_first_acknowledgement_stands() {
        let conn = db();
        let id = insert(&conn, &breach(Level::Critical), 1_000).unwrap()["id"]
            .as_i64()
            .unwrap();
        let acked = acknowledge(&conn, id, "ada", 5_000).unwrap().unwrap();
        assert_eq!(acked["acknowledged_by"], "ada");
        assert_eq!(acked["acknowledged_at"], "1970-01-01T00:00:05.000+00:00");
        let again = acknowledge(&conn, id, "bob", 9_000).unwrap().unwrap();
        assert_eq!(again["acknowledged_by"], "ada");
        assert!(acknowledge(&conn, id + 100, "ada", 1).unwrap().is_none());
    }
}
