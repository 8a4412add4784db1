//! What the chat keeps in localStorage, per user (all under `toolboxai.`, so
//! signing out clears it): the draft of each conversation, the last
//! conversation opened, and the messages not yet acknowledged (the outbox).

use crate::browser::storage;
use dashboard_core::chat::{Pending, Thread};

pub(crate) struct ChatStore {
    user_id: String,
}

impl ChatStore {
    pub(crate) fn new(user_id: &str) -> ChatStore {
        ChatStore {
            user_id: user_id.to_string(),
        }
    }

    fn draft_key(&self, conversation: Option<&str>) -> String {
        format!(
            "toolboxai.chat.draft.{}.{}",
            self.user_id,
            conversation.unwrap_or("new")
        )
    }

    pub(crate) fn draft(&self, conversation: Option<&str>) -> String {
        storage::read(&self.draft_key(conversation)).unwrap_or_default()
    }

    pub(crate) fn save_draft(&self, conversation: Option<&str>, text: &str) {
        let key = self.draft_key(conversation);
        if text.is_empty() {
            storage::remove(&key);
        } else {
            storage::write(&key, text);
        }
    }

    pub(crate) fn last_conversation(&self) -> Option<String> {
        storage::read(&format!("toolboxai.chat.last.{}", self.user_id)).filter(|s| !s.is_empty())
    }

    pub(crate) fn set_last_conversation(&self, id: Option<&str>) {
        let key = format!("toolboxai.chat.last.{}", self.user_id);
        match id {
            Some(id) => storage::write(&key, id),
            None => storage::remove(&key),
        }
    }

    fn outbox_key(&self) -> String {
        format!("toolboxai.chat.outbox.{}", self.user_id)
    }

    fn write_outbox(&self, outbox: &[Pending]) {
        if outbox.is_empty() {
            storage::remove(&self.outbox_key());
        } else if let Ok(text) = serde_json::to_string(outbox) {
            storage::write(&self.outbox_key(), &text);
        }
    }

    pub(crate) fn outbox(&self) -> Vec<Pending> {
        storage::read(&self.outbox_key())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Replaces this thread's part of the outbox with its current unacknowledged messages.
    pub(crate) fn save_outbox(&self, thread: &Thread) {
        let mine: Vec<&str> = thread
            .entries
            .iter()
            .filter_map(|e| e.client_message_id.as_deref())
            .collect();
        let mut outbox: Vec<Pending> = self
            .outbox()
            .into_iter()
            .filter(|p| !mine.contains(&p.client_message_id.as_str()))
            .collect();
        outbox.extend(thread.outbox());
        self.write_outbox(&outbox);
    }

    /// The server acknowledged this message (after its page was left).
    pub(crate) fn acknowledge(&self, client_message_id: &str) {
        let outbox: Vec<Pending> = self
            .outbox()
            .into_iter()
            .filter(|p| p.client_message_id != client_message_id)
            .collect();
        self.write_outbox(&outbox);
    }

    /// A deleted conversation leaves nothing behind: no draft, no unsent messages.
    pub(crate) fn forget_conversation(&self, conversation: &str) {
        self.save_draft(Some(conversation), "");
        let outbox: Vec<Pending> = self
            .outbox()
            .into_iter()
            .filter(|p| p.conversation_id.as_deref() != Some(conversation))
            .collect();
        self.write_outbox(&outbox);
        if self.last_conversation().as_deref() == Some(conversation) {
            self.set_last_conversation(None);
        }
    }
}

/// A fresh idempotency key for a message.
pub(crate) fn new_client_id() -> String {
    let part = || {
        format!(
            "{:013x}",
            (js_sys::Math::random() * 4_503_599_627_370_496.0) as u64
        )
    };
    format!("m-{}-{}", part(), part())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dashboard_core::chat::Thread;
    use wasm_bindgen_test::wasm_bindgen_test;

    fn store() -> ChatStore {
        ChatStore::new(&format!("t{}", new_client_id()))
    }

    #[wasm_bindgen_test]
    fn drafts_are_kept_per_conversation_and_cleared_when_empty() {
        let s = store();
        s.save_draft(None, "new one");
        s.save_draft(Some("42"), "line 1\nline 2");
        assert_eq!(s.draft(None), "new one");
        assert_eq!(s.draft(Some("42")), "line 1\nline 2");
        s.save_draft(Some("42"), "");
        assert_eq!(s.draft(Some("42")), "");
        assert!(storage::read(&s.draft_key(Some("42"))).is_none());
    }

    #[wasm_bindgen_test]
    fn unacknowledged_messages_survive_and_leave_when_acknowledged() {
        let s = store();
        let mut thread = Thread::new(Some("c1".into()));
        let key = thread.begin_send("add a task to buy milk", "m-1", 0.0);
        thread.begin_send("list my tasks", "m-2", 0.0);
        s.save_outbox(&thread);
        assert_eq!(s.outbox().len(), 2);

        // A reload: the same messages come back into the same conversation, with Retry.
        let reloaded = Thread::load(Some("c1".into()), Vec::new(), &s.outbox());
        assert_eq!(reloaded.entries.len(), 2);
        assert!(Thread::load(Some("other".into()), Vec::new(), &s.outbox())
            .entries
            .is_empty());

        thread.failed(&key, "offline".into(), false);
        s.save_outbox(&thread);
        assert_eq!(s.outbox()[0].error.as_deref(), Some("offline"));

        s.acknowledge("m-2");
        assert_eq!(s.outbox().len(), 1);
        s.forget_conversation("c1");
        assert!(s.outbox().is_empty());
    }

    #[wasm_bindgen_test]
    fn a_corrupt_outbox_reads_as_empty() {
        let s = store();
        storage::write(&s.outbox_key(), "{not json");
        assert!(s.outbox().is_empty());
    }

    #[wasm_bindgen_test]
    fn forgetting_the_last_conversation_clears_it() {
        let s = store();
        s.set_last_conversation(Some("c9"));
        assert_eq!(s.last_conversation().as_deref(), Some("c9"));
        s.forget_conversation("c9");
        assert_eq!(s.last_conversation(), None);
    }

    #[wasm_bindgen_test]
    fn client_ids_are_unique() {
        let a = new_client_id();
        assert_ne!(a, new_client_id());
        assert!(a.starts_with("m-") && a.len() > 20);
    }
}
