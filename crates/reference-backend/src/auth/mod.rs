//! Password sign-in with JWT access tokens and rotating refresh tokens, and
//! access tokens from an OpenID provider (`provider`).

pub mod extract;
pub mod handlers;
pub mod passwords;
pub mod provider;
pub mod register_limit;
pub mod store;
pub mod throttle;
pub mod tokens;

pub use extract::AuthUser;
pub use store::Role;

use crate::db::Db;
use crate::settings::Credentials;
use crate::time::now_iso;

/// Creates or updates a seeded account so its password is the configured one.
pub async fn seed_user(db: &Db, credentials: &Credentials, role: Role) -> anyhow::Result<()> {
    let username = credentials.username.clone();
    let password = credentials.password.clone();
    let existing = db
        .call({
            let username = username.clone();
            move |conn| Ok(store::find_by_username(conn, &username)?)
        })
        .await?;
    let unchanged = existing.as_ref().is_some_and(|u| {
        u.role == role && u.is_active && passwords::verify(&password, &u.password_hash)
    });
    if unchanged {
        return Ok(());
    }
    let hash = tokio::task::spawn_blocking(move || passwords::hash(&password)).await??;
    db.call(move |conn| {
        let email = format!("{username}@toolboxai.local");
        let display = match role {
            Role::Admin => "Administrator".to_string(),
            _ => capitalize(&username),
        };
        store::upsert_user(
            conn,
            &store::NewUser {
                username: &username,
                email: &email,
                display_name: &display,
                role,
                password_hash: &hash,
            },
            &now_iso(),
        )?;
        Ok(())
    })
    .await
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
