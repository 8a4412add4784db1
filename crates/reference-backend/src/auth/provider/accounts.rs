//! Provider users' records: one `users` row per (issuer, subject), created the
//! first time a valid token arrives, so chats, tasks and channel authorization
//! work exactly as for password users. A provider user never signs in with a
//! password here (their hash is not a hash), and never takes over a password
//! user's record: a name already taken gets a suffix.

use super::ProviderIdentity;
use crate::auth::store::{self, NewUser, User};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

pub const PROVIDER_IDENTITIES_SQL: &str = r#"
    CREATE TABLE provider_identities (
        issuer     TEXT NOT NULL,
        subject    TEXT NOT NULL,
        user_id    INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        PRIMARY KEY (issuer, subject)
    );
"#;

/// What a provider user's `password_hash` holds: no password verifies against it.
const NO_PASSWORD: &str = "!provider";

/// The user `identity` speaks for, created on first sight; the name and role
/// follow the provider's latest token.
pub fn user_for(
    conn: &Connection,
    identity: &ProviderIdentity,
    now: &str,
) -> rusqlite::Result<User> {
    let known: Option<i64> = conn
        .query_row(
            "SELECT user_id FROM provider_identities WHERE issuer = ?1 AND subject = ?2",
            params![identity.issuer, identity.subject],
            |r| r.get(0),
        )
        .optional()?;
    let id = match known {
        Some(id) => {
            // Every request carries a token: write only when something changed.
            conn.execute(
                "UPDATE users SET display_name = ?2, role = ?3
                 WHERE id = ?1 AND (display_name IS NOT ?2 OR role IS NOT ?3)",
                params![id, identity.display_name, identity.role.as_str()],
            )?;
            id
        }
        None => create(conn, identity, now)?,
    };
    store::find_by_id(conn, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
}

/// The provider's subject of a user, `None` for password users.
pub fn subject_of(conn: &Connection, user_id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT subject FROM provider_identities WHERE user_id = ?1",
        [user_id],
        |r| r.get(0),
    )
    .optional()
}

fn create(conn: &Connection, identity: &ProviderIdentity, now: &str) -> rusqlite::Result<i64> {
    let tx = conn.unchecked_transaction()?;
    // A short, stable tag of (issuer, subject) for names that must be unique.
    let tag: String =
        Sha256::digest(format!("{}|{}", identity.issuer, identity.subject).as_bytes())
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect();
    let free_name = (1..=9)
        .map(|n| match n {
            1 => identity.username.clone(),
            n => format!("{}-{n}", identity.username),
        })
        .chain([format!("user-{tag}")])
        .find(|name| store::find_by_username(&tx, name).is_ok_and(|u| u.is_none()))
        .unwrap_or_else(|| format!("user-{tag}-{}", uuid::Uuid::new_v4().simple()));
    let email = identity
        .email
        .clone()
        .filter(|e| store::find_by_email(&tx, e).is_ok_and(|u| u.is_none()))
        .unwrap_or_else(|| format!("{free_name}@provider.invalid"));
    let id = store::insert_user(
        &tx,
        &NewUser {
            username: &free_name,
            email: &email,
            display_name: &identity.display_name,
            role: identity.role,
            password_hash: NO_PASSWORD,
        },
        now,
    )?
    .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    tx.execute(
        "INSERT INTO provider_identities (issuer, subject, user_id, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![identity.issuer, identity.subject, id, now],
    )?;
    tx.commit()?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;
    use crate::db::Db;

    fn identity(subject: &str, username: &str, role: Role) -> ProviderIdentity {
        ProviderIdentity {
            issuer: "http://idp.test".into(),
            subject: subject.into(),
            username: username.into(),
            email: Some(format!("{username}@example.com")),
            display_name: username.to_uppercase(),
            role,
        }
    }

    #[tokio::test]
    async fn first_sight_creates_later_tokens_update_and_names_never_collide() {
        let db = Db::open_in_memory().unwrap();
        db.call(|conn| {
            // A password user already named "admin".
            store::insert_user(
                conn,
                &NewUser {
                    username: "admin",
                    email: "admin@example.com",
                    display_name: "Local admin",
                    role: Role::Admin,
                    password_hash: "x",
                },
                "now",
            )?;
            let first = user_for(conn, &identity("sub-1", "admin", Role::Teacher), "now")?;
            assert_eq!(
                first.username, "admin-2",
                "the password user's name is not taken over"
            );
            assert_eq!(first.email, "admin-2@provider.invalid", "nor their email");
            assert_eq!(first.role, Role::Teacher);
            assert!(!crate::auth::passwords::verify("", &first.password_hash));

            let again = user_for(conn, &identity("sub-1", "admin", Role::Admin), "later")?;
            assert_eq!(again.id, first.id, "the same subject is the same user");
            assert_eq!(again.role, Role::Admin, "the role follows the latest token");
            assert_eq!(subject_of(conn, first.id)?.as_deref(), Some("sub-1"));

            let other = user_for(conn, &identity("sub-2", "admin", Role::Student), "now")?;
            assert_ne!(other.id, first.id);
            assert_eq!(other.username, "admin-3");
            Ok(())
        })
        .await
        .unwrap();
    }
}
