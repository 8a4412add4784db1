//! The Todo chat backend: tasks, conversations and the chat agent, under
//! `/api/{user_id}/…` (the signed-in user's own id only).

pub mod agent;
pub mod limits;
pub mod routes;
pub mod tasks;
