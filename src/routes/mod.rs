//! One module per screen (a folder when the screen has parts).

pub mod chat;
mod home;
mod login;
mod not_found;
pub mod observability;

pub(crate) use home::HomePage;
pub(crate) use login::LoginPage;
pub(crate) use not_found::NotFoundPage;
