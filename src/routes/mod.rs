//! One module per screen (a folder when the screen has parts).

pub(crate) mod chat;
mod home;
mod lazy;
mod login;
mod not_found;
pub(crate) mod observability;

pub(crate) use login::LoginPage;
pub(crate) use not_found::NotFoundPage;

pub use chat::ChatPage;
pub use home::HomePage;
pub(crate) use lazy::LazyPage;
pub use lazy::{ChunkFuture, PageUnavailable, Pages, SplitPage};
pub use observability::ObservabilityPage;
