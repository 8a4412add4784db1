//! The Todo chat API (`/api/{user_id}/…` on the chat base URL).

use crate::api::{ApiClient, ApiError};
use dashboard_core::chat::{
    parse_conversations, parse_history, parse_reply, parse_tasks, ChatReply, ConversationSummary,
    HistoryMessage, Task, SEND_TIMEOUT_MS,
};
use serde_json::{json, Value};

#[derive(Clone)]
pub struct ChatApi {
    api: ApiClient,
    base: String,
}

fn decode<T>(result: Result<T, String>) -> Result<T, ApiError> {
    result.map_err(|detail| ApiError::Decode { detail })
}

fn encode(segment: &str) -> String {
    String::from(js_sys::encode_uri_component(segment))
}

impl ChatApi {
    pub fn new(api: ApiClient, user_id: &str) -> ChatApi {
        ChatApi {
            api,
            base: format!("/api/{}", encode(user_id)),
        }
    }

    pub async fn send(
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
        decode(parse_reply(&answer))
    }

    pub async fn history(&self, conversation: &str) -> Result<Vec<HistoryMessage>, ApiError> {
        let answer: Value = self
            .api
            .get(&format!(
                "{}/conversations/{}/messages",
                self.base,
                encode(conversation)
            ))
            .send()
            .await?;
        decode(parse_history(&answer))
    }

    pub async fn conversations(&self) -> Result<Vec<ConversationSummary>, ApiError> {
        let answer: Value = self
            .api
            .get(&format!("{}/conversations?limit=50", self.base))
            .send()
            .await?;
        decode(parse_conversations(&answer))
    }

    pub async fn delete_conversation(&self, conversation: &str) -> Result<(), ApiError> {
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

    pub async fn tasks(&self) -> Result<Vec<Task>, ApiError> {
        let answer: Value = self
            .api
            .get(&format!("{}/tasks?status=all", self.base))
            .send()
            .await?;
        decode(parse_tasks(&answer))
    }

    pub async fn set_completed(&self, task: &str, completed: bool) -> Result<(), ApiError> {
        self.api
            .patch(&format!("{}/tasks/{}", self.base, encode(task)))
            .json(&json!({ "completed": completed }))
            .send_text()
            .await
            .map(|_| ())
    }
}
