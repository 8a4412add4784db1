//! The Todo chat backend: tasks, conversations and the chat agent, under
//! `/api/{user_id}/…` (the signed-in user's own id only, see `own_user`).

pub mod agent;
mod answers;
mod conversations;
pub mod limits;
mod own_user;
mod paging;
pub mod routes;
pub mod tasks;
