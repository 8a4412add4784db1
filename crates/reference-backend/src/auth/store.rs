//! Users, sessions and refresh tokens in SQLite. Plain functions on a
//! connection; callers run them through `Db::call`.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Admin,
    Teacher,
    Student,
    Parent,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Student => "student",
            Role::Parent => "parent",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "teacher" => Some(Role::Teacher),
            "student" => Some(Role::Student),
            "parent" => Some(Role::Parent),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: String,
    pub last_login: Option<String>,
    pub is_active: bool,
}

const USER_COLUMNS: &str =
    "id, username, email, display_name, role, password_hash, created_at, last_login, is_active";

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(4)?;
    Ok(User {
        id: row.get(0)?,
        username: row.get(1)?,
        email: row.get(2)?,
        display_name: row.get(3)?,
        role: Role::parse(&role).unwrap_or(Role::Student),
        password_hash: row.get(5)?,
        created_at: row.get(6)?,
        last_login: row.get(7)?,
        is_active: row.get::<_, i64>(8)? != 0,
    })
}

pub fn find_by_username(conn: &Connection, username: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE username = ?1"),
        [username],
        user_from_row,
    )
    .optional()
}

pub fn find_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"),
        [email],
        user_from_row,
    )
    .optional()
}

pub fn find_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<User>> {
    conn.query_row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?1"),
        [id],
        user_from_row,
    )
    .optional()
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
}

/// Inserts the user, or (for seeding) updates an existing one of that name.
pub fn upsert_user(conn: &Connection, user: &NewUser<'_>, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO users (username, email, display_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(username) DO UPDATE SET
             email = excluded.email, display_name = excluded.display_name,
             role = excluded.role, password_hash = excluded.password_hash, is_active = 1",
        params![
            user.username,
            user.email,
            user.display_name,
            user.role.as_str(),
            user.password_hash,
            now
        ],
    )?;
    conn.query_row(
        "SELECT id FROM users WHERE username = ?1",
        [user.username],
        |r| r.get(0),
    )
}

/// Inserts a new user; `None` when the username or email is taken.
pub fn insert_user(
    conn: &Connection,
    user: &NewUser<'_>,
    now: &str,
) -> rusqlite::Result<Option<i64>> {
    let taken: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1 OR email = ?2)",
        params![user.username, user.email],
        |r| r.get(0),
    )?;
    if taken {
        return Ok(None);
    }
    conn.execute(
        "INSERT INTO users (username, email, display_name, role, password_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            user.username,
            user.email,
            user.display_name,
            user.role.as_str(),
            user.password_hash,
            now
        ],
    )?;
    Ok(Some(conn.last_insert_rowid()))
}

pub fn touch_last_login(conn: &Connection, user_id: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET last_login = ?2 WHERE id = ?1",
        params![user_id, now],
    )?;
    Ok(())
}

pub fn create_session(
    conn: &Connection,
    id: &str,
    user_id: i64,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO sessions (id, user_id, created_at) VALUES (?1, ?2, ?3)",
        params![id, user_id, now],
    )?;
    Ok(())
}

/// The active user of an unrevoked session.
pub fn session_user(conn: &Connection, session_id: &str) -> rusqlite::Result<Option<User>> {
    conn.query_row(
        &format!(
            "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.id = ?1 AND s.revoked_at IS NULL AND u.is_active = 1",
            USER_COLUMNS
                .split(", ")
                .map(|c| format!("u.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        [session_id],
        user_from_row,
    )
    .optional()
}

pub fn revoke_session(
    conn: &Connection,
    session_id: &str,
    why: &str,
    now: &str,
) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE sessions SET revoked_at = ?2, revoked_why = ?3 WHERE id = ?1 AND revoked_at IS NULL",
        params![session_id, now, why],
    )?;
    Ok(changed > 0)
}

pub fn store_refresh_token(
    conn: &Connection,
    token_hash: &str,
    session_id: &str,
    issued_at: i64,
    expires_at: i64,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash, session_id, issued_at, expires_at],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshOutcome {
    /// The token was valid and is now spent.
    Rotated {
        session_id: String,
        user_id: i64,
    },
    /// The token had already been used: its session is now revoked.
    Reused {
        session_id: String,
    },
    Unknown,
    Expired,
    Revoked,
}

struct TokenRow {
    session_id: String,
    expires_at: i64,
    used_at: Option<i64>,
    session_revoked: bool,
    user_id: i64,
}

/// Spends a refresh token. Presenting a spent one revokes its whole session.
pub fn spend_refresh_token(
    conn: &mut Connection,
    token_hash: &str,
    now_unix: i64,
    now: &str,
) -> rusqlite::Result<RefreshOutcome> {
    let tx = conn.transaction()?;
    let row = tx
        .query_row(
            "SELECT t.session_id, t.expires_at, t.used_at, s.revoked_at IS NOT NULL, s.user_id
             FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
             WHERE t.token_hash = ?1",
            [token_hash],
            |r| {
                Ok(TokenRow {
                    session_id: r.get(0)?,
                    expires_at: r.get(1)?,
                    used_at: r.get(2)?,
                    session_revoked: r.get(3)?,
                    user_id: r.get(4)?,
                })
            },
        )
        .optional()?;
    let outcome = match row {
        None => RefreshOutcome::Unknown,
        Some(TokenRow {
            session_id,
            used_at: Some(_),
            ..
        }) => {
            revoke_session(&tx, &session_id, "refresh token reuse", now)?;
            RefreshOutcome::Reused { session_id }
        }
        Some(TokenRow {
            session_revoked: true,
            ..
        }) => RefreshOutcome::Revoked,
        Some(row) if row.expires_at <= now_unix => RefreshOutcome::Expired,
        Some(TokenRow {
            session_id,
            user_id,
            ..
        }) => {
            tx.execute(
                "UPDATE refresh_tokens SET used_at = ?2 WHERE token_hash = ?1",
                params![token_hash, now_unix],
            )?;
            RefreshOutcome::Rotated {
                session_id,
                user_id,
            }
        }
    };
    tx.commit()?;
    Ok(outcome)
}

/// The session a refresh token belongs to, used or not.
pub fn refresh_token_session(
    conn: &Connection,
    token_hash: &str,
) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT session_id FROM refresh_tokens WHERE token_hash = ?1",
        [token_hash],
        |r| r.get(0),
    )
    .optional()
}
