//! One module per routed page.

mod home;
mod login;
mod not_found;

pub(crate) use home::HomePage;
pub(crate) use login::LoginPage;
pub(crate) use not_found::NotFoundPage;
