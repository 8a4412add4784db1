//! Tests of the chat parsers and the thread.

use super::*;
use crate::api::ApiError;
use serde_json::json;

#[test]
fn canonical_reply() {
    let body = json!({"conversation_id": "3f2c", "response": "I've added \"Buy milk\".",
        "tool_calls": [{"tool": "add_task", "parameters": {"title": "Buy milk"}, "result": {"task_id": 5, "status": "created", "title": "Buy milk"}}],
        "messages": []});
    let r = parse_reply(&body).unwrap();
    assert_eq!(r.conversation_id.as_deref(), Some("3f2c"));
    assert_eq!(
        task_card(&r.tool_calls[0]),
        Some(TaskCard::Created(CardTask {
            id: Some("5".into()),
            title: "Buy milk".into(),
            completed: false
        }))
    );
}

#[test]
fn reply_variants() {
    // [S]: integer conversation ids.
    let r =
        parse_reply(&json!({"conversation_id": 12, "response": "ok", "tool_calls": []})).unwrap();
    assert_eq!(r.conversation_id.as_deref(), Some("12"));
    // [T] spec: message.content, tools in tool_calls_executed with name/arguments.
    let r = parse_reply(&json!({"conversation_id": "u", "message": {"role": "assistant", "content": "Done."},
        "tool_calls_executed": [{"id": "c1", "name": "complete_task", "arguments": "{\"task_id\": \"t-9\"}", "result": {"task_id": "t-9", "title": "Read"}}]})).unwrap();
    assert_eq!(r.response, "Done.");
    assert_eq!(
        task_card(&r.tool_calls[0]),
        Some(TaskCard::Completed(CardTask {
            id: Some("t-9".into()),
            title: "Read".into(),
            completed: true
        }))
    );
    // [B]: `_tool` names and {"status","data"} results.
    let r = parse_reply(&json!({"response": "x", "tool_calls": [{"tool": "delete_task_tool", "parameters": {"task_id": "uuid-1"},
        "result": {"status": "success", "data": {"task_id": "uuid-1", "deleted": true}}}]})).unwrap();
    assert_eq!(
        task_card(&r.tool_calls[0]),
        Some(TaskCard::Deleted(CardTask {
            id: Some("uuid-1".into()),
            title: "Untitled task".into(),
            completed: false
        }))
    );
    // [T] error results; tests use tool_name.
    let r = parse_reply(
        &json!({"response": "x", "tool_calls": [{"tool_name": "add_task", "error": "db down"},
        {"tool": "update_task", "result": {"status": "error", "error": "not found"}}]}),
    )
    .unwrap();
    assert_eq!(
        task_card(&r.tool_calls[0]),
        Some(TaskCard::Failed {
            tool: "add_task".into(),
            message: "db down".into()
        })
    );
    assert_eq!(
        task_card(&r.tool_calls[1]),
        Some(TaskCard::Failed {
            tool: "update_task".into(),
            message: "not found".into()
        })
    );
    // Enveloped.
    assert_eq!(
        parse_reply(&json!({"status": "success", "data": {"response": "hi"}}))
            .unwrap()
            .response,
        "hi"
    );
    // [B] string message.
    assert_eq!(
        parse_reply(&json!({"message": "hello there"}))
            .unwrap()
            .response,
        "hello there"
    );
}

#[test]
fn unreadable_replies_are_errors() {
    for bad in [
        json!(null),
        json!([]),
        json!({}),
        json!({"tool_calls": []}),
        json!({"success": false, "error": "LLM timeout"}),
    ] {
        assert!(parse_reply(&bad).is_err(), "{bad}");
    }
    assert_eq!(
        parse_reply(&json!({"success": false, "error": "LLM timeout"})),
        Err(ApiError::Reported {
            message: "LLM timeout".into()
        })
    );
}

#[test]
fn list_cards() {
    let call = ToolCall::from_json(&json!({"tool": "list_tasks", "parameters": {"status": "pending"},
        "result": [{"id": 1, "title": "A", "completed": false}, {"id": "2", "title": "B", "completed": true}]})).unwrap();
    let TaskCard::List { filter, tasks } = task_card(&call).unwrap() else {
        panic!()
    };
    assert_eq!(filter, "pending");
    assert_eq!(tasks.len(), 2);
    assert!(tasks[1].completed);
    let wrapped = ToolCall::from_json(&json!({"tool": "list_tasks_tool", "result": {"status": "success", "data": {"tasks": [{"id": "x", "title": "C"}]}}})).unwrap();
    assert!(matches!(task_card(&wrapped), Some(TaskCard::List { tasks, .. }) if tasks.len() == 1));
    assert_eq!(
        task_card(&ToolCall::from_json(&json!({"tool": "weather"})).unwrap()),
        None
    );
    assert_eq!(ToolCall::from_json(&json!({"parameters": {}})), None);
}

#[test]
fn histories() {
    let body = json!({"messages": [
        {"id": 1, "role": "user", "content": "add milk", "tool_calls": null, "created_at": "2025-10-01T10:30:00Z"},
        {"id": 2, "role": "assistant", "content": "Added.", "tool_calls": [{"tool": "add_task", "result": {"task_id": 1, "title": "Milk"}}], "created_at": 1_759_314_601},
        {"role": "assistant", "content": "x", "tool_calls": "[{'tool': 'add_task'}]"},
        {"role": "system", "content": "ignored"},
        {"role": "user"}
    ]});
    let h = parse_history(&body).unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(h[1].tool_calls.len(), 1);
    assert!(h[2].tool_calls.is_empty(), "a Python repr is not JSON");
    assert_eq!(h[0].at_ms, Some(1_759_314_600_000.0));
    assert_eq!(
        h[1].at_ms,
        Some(1_759_314_601_000.0),
        "seconds since the epoch"
    );
    assert_eq!(h[2].at_ms, None);
    assert!(parse_history(&json!("nope")).is_err());
}

#[test]
fn tasks_and_events() {
    let mut tasks = parse_tasks(&json!({"tasks": [{"id": 2, "title": "B", "completed": false}, {"id": 10, "title": "J", "completed": 1}], "total": 2})).unwrap();
    assert!(tasks[1].completed);
    assert_eq!(
        parse_tasks(&json!([{"id": "t", "title": "T"}])).unwrap()[0].id,
        "t"
    );
    let created = parse_task_event(
        "task.created",
        &json!({"task": {"id": 3, "title": "C", "completed": false}}),
    )
    .unwrap();
    apply_task_event(&mut tasks, created);
    assert_eq!(
        tasks.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        vec!["2", "3", "10"]
    );
    apply_task_event(
        &mut tasks,
        parse_task_event(
            "task.updated",
            &json!({"task": {"id": "3", "title": "C2", "completed": true}}),
        )
        .unwrap(),
    );
    assert_eq!(tasks[1].title, "C2");
    apply_task_event(
        &mut tasks,
        parse_task_event("task.deleted", &json!({"task_id": 2})).unwrap(),
    );
    assert_eq!(tasks.len(), 2);
    assert_eq!(parse_task_event("task.deleted", &json!({})), None);
    assert_eq!(parse_task_event("other", &json!({})), None);
}

#[test]
fn conversations() {
    let c = parse_conversations(&json!({"conversations": [{"id": "a", "title": "Shopping", "updated_at": "t"}, {"id": 7, "title": ""}], "count": 2})).unwrap();
    assert_eq!(
        (c[0].title.as_str(), c[1].id.as_str(), c[1].title.as_str()),
        ("Shopping", "7", "New conversation")
    );
    assert!(parse_conversations(&json!({"items": []})).is_err());
}

#[test]
fn failures_by_status() {
    let http = |status| ApiError::Http {
        status,
        message: format!("HTTP {status} text"),
        retry_after_secs: Some(9),
    };
    assert!(send_failure(&ApiError::Network, false)
        .0
        .starts_with("You're offline"));
    assert!(send_failure(&ApiError::Network, true)
        .0
        .starts_with("Cannot reach the server"));
    assert!(send_failure(&ApiError::Timeout { after_ms: 60_000 }, true)
        .0
        .contains("60 s"));
    assert!(send_failure(&http(401), true).0.contains("Sign in again"));
    assert!(send_failure(&http(403), true).0.contains("can't post"));
    assert_eq!(
        send_failure(&http(404), true),
        ("This conversation no longer exists.".into(), true)
    );
    assert_eq!(send_failure(&http(429), true).0, "HTTP 429 text");
    assert!(send_failure(&http(503), true).0.contains("HTTP 503"));
    assert_eq!(send_failure(&http(418), true).0, "HTTP 418 text");
}

#[test]
fn a_failed_message_stays_and_is_retried_with_the_same_key() {
    let mut t = Thread::new(None);
    let key = t.begin_send("add milk", "m1", 1_000.0);
    assert!(t.is_sending());
    t.failed(&key, "The server hit an error.".into(), false);
    assert!(!t.is_sending());
    assert_eq!(
        t.outbox(),
        vec![Pending {
            conversation_id: None,
            content: "add milk".into(),
            client_message_id: "m1".into(),
            error: Some("The server hit an error.".into())
        }]
    );
    assert_eq!(t.retry(&key), Some(("add milk".into(), "m1".into())));
    assert_eq!(t.retry(&key), None, "already sending");
    t.succeeded(
        &key,
        ChatReply {
            conversation_id: Some("c9".into()),
            response: "Added.".into(),
            tool_calls: vec![],
        },
        2_000.0,
    );
    assert_eq!(t.conversation_id.as_deref(), Some("c9"));
    assert_eq!(t.entries[0].at_ms, Some(1_000.0), "written when sent");
    assert_eq!(t.entries[1].at_ms, Some(2_000.0), "the reply when it came");
    assert_eq!(t.entries.len(), 2);
    assert_eq!(t.entries[1].role, Role::Assistant);
    assert!(t.outbox().is_empty());
}

#[test]
fn the_outbox_comes_back_after_a_reload() {
    let outbox = vec![
        Pending {
            conversation_id: Some("c1".into()),
            content: "pending one".into(),
            client_message_id: "m2".into(),
            error: None,
        },
        Pending {
            conversation_id: Some("other".into()),
            content: "elsewhere".into(),
            client_message_id: "m3".into(),
            error: None,
        },
    ];
    let history = vec![HistoryMessage {
        id: Some("1".into()),
        role: Role::User,
        content: "hi".into(),
        tool_calls: vec![],
        at_ms: None,
    }];
    let t = Thread::load(Some("c1".into()), history, &outbox);
    assert_eq!(t.entries.len(), 2);
    assert!(
        matches!(&t.entries[1].status, Status::Failed { message, .. } if message.contains("not confirmed"))
    );
    assert_eq!(t.entries[1].client_message_id.as_deref(), Some("m2"));
}

fn page(ids: std::ops::RangeInclusive<u32>, has_more: bool) -> HistoryPage {
    HistoryPage {
        messages: ids
            .map(|id| HistoryMessage {
                id: Some(id.to_string()),
                role: if id % 2 == 1 {
                    Role::User
                } else {
                    Role::Assistant
                },
                content: format!("m{id}"),
                tool_calls: vec![],
                at_ms: None,
            })
            .collect(),
        has_more,
    }
}

#[test]
fn older_pages_go_in_front_until_none_remain() {
    let body = json!({"messages": [{"id": 5, "role": "user", "content": "x"}], "has_more": true});
    assert!(parse_history_page(&body).unwrap().has_more);
    assert!(!has_more(&json!({"messages": []})), "no flag: nothing more");
    assert!(has_more(
        &json!({"status": "success", "data": {"has_more": true}})
    ));

    let mut t = Thread::load_page(Some("c".into()), page(5..=8, true), &[]);
    assert_eq!(t.earlier.as_deref(), Some("5"));
    // An overlapping older page: message 5 is not shown twice.
    t.prepend(page(2..=5, true));
    let keys: Vec<&str> = t.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["s2", "s3", "s4", "s5", "s6", "s7", "s8"]);
    assert_eq!(t.earlier.as_deref(), Some("2"));
    t.prepend(page(1..=1, false));
    assert_eq!(t.entries.len(), 8);
    assert_eq!(t.earlier, None, "the first message is shown");
    let last = Thread::load_page(None, page(1..=2, false), &[]);
    assert_eq!(last.earlier, None);
}
