//! The Todo chat API (`/api/{user_id}/…` on the chat base URL).

use crate::services::api::{ApiClient, ApiError};
use dashboard_core::chat::{
    has_more, parse_conversations, parse_history_page, parse_reply, parse_tasks, ChatReply,
    ConversationSummary, HistoryPage, Task, SEND_TIMEOUT_MS,
};
use serde_json::{json, Value};

/// Conversations asked for at a time.
pub(crate) const CONVERSATION_PAGE: usize = 50;
/// Tasks asked for at a time (the reference backend's largest page).
pub(crate) const TASK_PAGE: usize = 500;

#[derive(Clone)]
pub(crate) struct ChatApi {
    api: ApiClient,
    base: String,
}

fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

impl ChatApi {
    pub(crate) fn new(api: ApiClient, user_id: &str) -> ChatApi {
        ChatApi {
            api,
            base: format!("/api/{}", encode(user_id)),
        }
    }

    pub(crate) async fn send(
        &self,
        message: &str,
        conversation: Option<&str>,
        client_id: &str,
    ) -> Result<ChatReply, ApiError> {
        let mut body = json!({ "message": message, "client_message_id": client_id });
        if let Some(id) = conversation {
            body["conversation_id"] = json!(id);
        }
        let answer: Value = self
            .api
            .post(&format!("{}/chat", self.base))
            .json(&body)
            .timeout_ms(SEND_TIMEOUT_MS)
            .send()
            .await?;
        parse_reply(&answer)
    }

    /// The newest page of a conversation's history, or the page before message `before`.
    pub(crate) async fn history(
        &self,
        conversation: &str,
        before: Option<&str>,
    ) -> Result<HistoryPage, ApiError> {
        let mut url = format!(
            "{}/conversations/{}/messages",
            self.base,
            encode(conversation)
        );
        if let Some(before) = before {
            url.push_str(&format!("?before={}", encode(before)));
        }
        let answer: Value = self.api.get(&url).send().await?;
        parse_history_page(&answer)
    }

    /// One page of conversations, newest first, from `offset`; and whether more remain.
    pub(crate) async fn conversations(
        &self,
        offset: usize,
    ) -> Result<(Vec<ConversationSummary>, bool), ApiError> {
        let answer: Value = self
            .api
            .get(&format!(
                "{}/conversations?limit={CONVERSATION_PAGE}&offset={offset}",
                self.base
            ))
            .send()
            .await?;
        Ok((parse_conversations(&answer)?, has_more(&answer)))
    }

    pub(crate) async fn delete_conversation(&self, conversation: &str) -> Result<(), ApiError> {
        self.api
            .delete(&format!(
                "{}/conversations/{}",
                self.base,
                encode(conversation)
            ))
            .send_text()
            .await
            .map(|_| ())
    }

    /// The first `pages` pages of the user's tasks, and how many there are in all
    /// (`None` from a backend that does not say).
    pub(crate) async fn tasks(&self, pages: usize) -> Result<(Vec<Task>, Option<u64>), ApiError> {
        let mut tasks = Vec::new();
        let mut total = None;
        for page in 0..pages.max(1) {
            let answer: Value = self
                .api
                .get(&format!(
                    "{}/tasks?status=all&limit={TASK_PAGE}&offset={}",
                    self.base,
                    page * TASK_PAGE
                ))
                .send()
                .await?;
            tasks.extend(parse_tasks(&answer)?);
            total = answer.get("total").and_then(Value::as_u64);
            if !has_more(&answer) {
                break;
            }
        }
        Ok((tasks, total))
    }

    pub(crate) async fn set_completed(&self, task: &str, completed: bool) -> Result<(), ApiError> {
        self.api
            .patch(&format!("{}/tasks/{}", self.base, encode(task)))
            .json(&json!({ "completed": completed }))
            .send_text()
            .await
            .map(|_| ())
    }
}
