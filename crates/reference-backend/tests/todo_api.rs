//! The Todo chat API: chat with the agent, conversations, tasks, isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)] // a test that cannot unwrap has failed

mod support;

use axum::http::{Method, StatusCode};
use serde_json::{json, Value};
use support::Backend;

struct User {
    id: i64,
    token: String,
}

async fn register(b: &Backend, name: &str) -> User {
    let reply = b
        .post(
            "/api/v1/auth/register",
            None,
            json!({"username": name, "email": format!("{name}@example.com"), "password": "password-123"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    User {
        id: reply.body["user"]["id"].as_i64().unwrap(),
        token: reply.body["access_token"].as_str().unwrap().into(),
    }
}

async fn chat(b: &Backend, u: &User, body: Value) -> support::Reply {
    b.post(&format!("/api/{}/chat", u.id), Some(&u.token), body)
        .await
}

#[tokio::test]
async fn chatting_adds_and_completes_tasks_with_history() {
    let b = Backend::start().await;
    let u = register(&b, "ada").await;
    let first = chat(&b, &u, json!({"message": "add a task to buy milk"})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let conversation = first.body["conversation_id"].as_str().unwrap().to_string();
    assert_eq!(conversation.len(), 36, "a UUID");
    assert_eq!(
        first.body["response"],
        "I've added \"Buy milk\" to your tasks (task #1)."
    );
    assert_eq!(first.body["tool_calls"][0]["tool"], "add_task");
    assert_eq!(
        first.body["tool_calls"][0]["parameters"],
        json!({"title": "Buy milk"})
    );
    let messages = first.body["messages"].as_array().unwrap();
    assert_eq!(
        messages
            .iter()
            .map(|m| m["role"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["user", "assistant"]
    );
    assert!(messages[0]["id"].is_number() && messages[0]["created_at"].is_string());

    let second = chat(
        &b,
        &u,
        json!({"message": "mark it as done", "conversation_id": conversation}),
    )
    .await;
    assert_eq!(
        second.body["response"],
        "Marked \"Buy milk\" (task #1) as done."
    );
    // A reply carries only what is new: this message and its answer.
    let new = second.body["messages"].as_array().unwrap();
    assert_eq!(new.len(), 2);
    assert_eq!(new[0]["content"], "mark it as done");
    assert_eq!(new[1]["role"], "assistant");

    let tasks = b
        .get(
            &format!("/api/{}/tasks?status=completed", u.id),
            Some(&u.token),
        )
        .await;
    assert_eq!(tasks.body["total"], 1);
    assert_eq!(tasks.body["tasks"][0]["title"], "Buy milk");
    assert_eq!(tasks.body["tasks"][0]["completed"], true);

    let history = b
        .get(
            &format!("/api/{}/conversations/{conversation}/messages", u.id),
            Some(&u.token),
        )
        .await;
    let history = history.body["messages"].as_array().unwrap().clone();
    assert_eq!(history.len(), 4);
    assert_eq!(history[1]["tool_calls"][0]["result"]["status"], "created");
    assert_eq!(history[0]["tool_calls"], Value::Null);
}

#[tokio::test]
async fn lists_are_paged() {
    let b = Backend::start().await;
    let u = register(&b, "pager").await;
    let first = chat(&b, &u, json!({"message": "add a task to one"})).await;
    let conversation = first.body["conversation_id"].as_str().unwrap().to_string();
    for n in 2..=5 {
        let r = chat(
            &b,
            &u,
            json!({"message": format!("add a task to task {n}"), "conversation_id": conversation}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // Ten messages: the newest four, then the four before them, then the rest.
    let base = format!("/api/{}/conversations/{conversation}/messages", u.id);
    let page = b.get(&format!("{base}?limit=4"), Some(&u.token)).await;
    let newest = page.body["messages"].as_array().unwrap().clone();
    assert_eq!(newest.len(), 4);
    assert_eq!(page.body["has_more"], true);
    assert_eq!(newest[3]["role"], "assistant", "oldest first within a page");
    let before = newest[0]["id"].as_i64().unwrap();
    let older = b
        .get(&format!("{base}?limit=4&before={before}"), Some(&u.token))
        .await;
    assert_eq!(older.body["messages"].as_array().unwrap().len(), 4);
    let oldest_id = older.body["messages"][0]["id"].as_i64().unwrap();
    let rest = b
        .get(
            &format!("{base}?limit=4&before={oldest_id}"),
            Some(&u.token),
        )
        .await;
    assert_eq!(rest.body["messages"].as_array().unwrap().len(), 2);
    assert_eq!(rest.body["has_more"], false);
    assert_eq!(rest.body["messages"][0]["content"], "add a task to one");

    let tasks = b
        .get(
            &format!("/api/{}/tasks?limit=2&offset=2", u.id),
            Some(&u.token),
        )
        .await;
    assert_eq!(tasks.body["total"], 5);
    assert_eq!(tasks.body["has_more"], true);
    let titles: Vec<&str> = tasks.body["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["Task 3", "Task 4"]);
    for bad in ["limit=0", "limit=501", "offset=-1", "limit=x"] {
        let r = b
            .get(&format!("/api/{}/tasks?{bad}", u.id), Some(&u.token))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let list = b
        .get(
            &format!("/api/{}/conversations?limit=1", u.id),
            Some(&u.token),
        )
        .await;
    assert_eq!(
        (
            list.body["count"].clone(),
            list.body["total"].clone(),
            list.body["has_more"].clone()
        ),
        (json!(1), json!(1), json!(false))
    );
}

#[tokio::test]
async fn quotas_answer_409_with_a_sentence() {
    use reference_backend::todo::limits::MAX_TASKS_PER_USER;
    let b = Backend::start().await;
    let u = register(&b, "hoarder").await;
    // Fill the quota directly in the database: 10,000 requests would only be slow.
    let uid = u.id;
    b.state
        .db
        .call(move |conn| {
            let tx = conn.transaction()?;
            for n in 0..MAX_TASKS_PER_USER {
                tx.execute(
                    "INSERT INTO tasks (user_id, title, completed, created_at, updated_at) VALUES (?1, ?2, 0, 't', 't')",
                    rusqlite::params![uid, format!("task {n}")],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await
        .unwrap();
    let r = b
        .post(
            &format!("/api/{}/tasks", u.id),
            Some(&u.token),
            json!({"title": "one more"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body["detail"].as_str().unwrap().contains("10,000 tasks"));
    // Through the assistant, the same limit is a plain answer.
    let said = chat(&b, &u, json!({"message": "add a task to one more"})).await;
    assert_eq!(said.status, StatusCode::OK);
    assert!(said.body["response"]
        .as_str()
        .unwrap()
        .contains("10,000 tasks"));
    // A listing names the count and shows a bounded part.
    let listed = chat(&b, &u, json!({"message": "show my tasks"})).await;
    assert!(listed.body["response"]
        .as_str()
        .unwrap()
        .starts_with("You have 10000 tasks"));
    assert_eq!(
        listed.body["tool_calls"][0]["result"]
            .as_array()
            .unwrap()
            .len(),
        50
    );
    let page = b.get(&format!("/api/{}/tasks", u.id), Some(&u.token)).await;
    assert_eq!(page.body["tasks"].as_array().unwrap().len(), 500);
    assert_eq!(page.body["total"], 10_000);
}

#[tokio::test]
async fn users_only_see_their_own_things() {
    let b = Backend::start().await;
    let (a, c) = (register(&b, "alice").await, register(&b, "carol").await);
    let conversation = chat(&b, &a, json!({"message": "add a task to secret plan"}))
        .await
        .body["conversation_id"]
        .as_str()
        .unwrap()
        .to_string();

    // Carol's token on Alice's path: 403.
    for (method, uri) in [
        (Method::POST, format!("/api/{}/chat", a.id)),
        (Method::GET, format!("/api/{}/tasks", a.id)),
        (Method::GET, format!("/api/{}/conversations", a.id)),
        (Method::GET, "/api/abc/tasks".to_string()),
    ] {
        let body = (method == Method::POST).then(|| json!({"message": "hi"}));
        let reply = b.request(method.clone(), &uri, Some(&c.token), body).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {uri}");
    }
    // Alice's conversation through Carol's own path: 404, as if it did not exist.
    assert_eq!(
        b.get(
            &format!("/api/{}/conversations/{conversation}/messages", c.id),
            Some(&c.token)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        chat(
            &b,
            &c,
            json!({"message": "hi", "conversation_id": conversation})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.request(
            Method::DELETE,
            &format!("/api/{}/conversations/{conversation}", c.id),
            Some(&c.token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // Alice's task through Carol's path: 404.
    let reply = b
        .request(
            Method::PATCH,
            &format!("/api/{}/tasks/1", c.id),
            Some(&c.token),
            Some(json!({"completed": true})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // Carol's agent cannot see Alice's task either.
    assert_eq!(
        chat(&b, &c, json!({"message": "complete task 1"}))
            .await
            .body["response"],
        "You have no task #1. Say \"show my tasks\" to see them."
    );
    assert_eq!(
        b.get(&format!("/api/{}/tasks", c.id), Some(&c.token))
            .await
            .body["total"],
        0
    );
    // Without a token: 401.
    assert_eq!(
        b.get(&format!("/api/{}/tasks", a.id), None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn messages_are_validated_and_stored_as_text() {
    let b = Backend::start().await;
    let u = register(&b, "dan").await;
    for body in [
        json!({}),
        json!({"message": ""}),
        json!({"message": "   \u{0}  "}),
        json!({"message": 5}),
        json!({"message": "x".repeat(4097)}),
    ] {
        let reply = chat(&b, &u, body.clone()).await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(reply.body["detail"][0]["loc"][1], "message");
    }
    assert_eq!(
        chat(&b, &u, json!({"message": "x".repeat(4096)}))
            .await
            .status,
        StatusCode::OK
    );
    let script = "<script>alert('x')</script>\u{7}";
    let reply = chat(&b, &u, json!({"message": format!("add {script}")})).await;
    assert_eq!(
        reply.body["messages"][0]["content"],
        "add <script>alert('x')</script>"
    );
    assert_eq!(
        reply.body["tool_calls"][0]["result"]["title"],
        "<script>alert('x')</script>"
    );
    assert_eq!(
        chat(
            &b,
            &u,
            json!({"message": "hi", "conversation_id": "no-such"})
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_resent_message_is_answered_once() {
    let b = Backend::start().await;
    let u = register(&b, "eve").await;
    let body = json!({"message": "add a task to call Bob", "client_message_id": "m-1"});
    let first = chat(&b, &u, body.clone()).await;
    let again = chat(&b, &u, body).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["conversation_id"], first.body["conversation_id"]);
    assert_eq!(again.body["response"], first.body["response"]);
    assert_eq!(again.body["tool_calls"], first.body["tool_calls"]);
    assert_eq!(again.body["messages"].as_array().unwrap().len(), 2);
    assert_eq!(
        b.get(&format!("/api/{}/tasks", u.id), Some(&u.token))
            .await
            .body["total"],
        1
    );
    let bad = chat(
        &b,
        &u,
        json!({"message": "x", "client_message_id": "not ok!"}),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn conversations_newest_first_titled_by_their_first_message() {
    let b = Backend::start().await;
    let u = register(&b, "fay").await;
    let older = chat(
        &b,
        &u,
        json!({"message": "add a task to water plants\nplease"}),
    )
    .await
    .body["conversation_id"]
        .clone();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let newer =
        chat(&b, &u, json!({"message": "show my tasks"})).await.body["conversation_id"].clone();
    let list = b
        .get(&format!("/api/{}/conversations", u.id), Some(&u.token))
        .await;
    assert_eq!(list.body["count"], 2);
    let items = list.body["conversations"].as_array().unwrap();
    assert_eq!(
        (items[0]["id"].clone(), items[1]["id"].clone()),
        (newer.clone(), older.clone())
    );
    assert_eq!(items[1]["title"], "add a task to water plants");
    assert_eq!(items[0]["title"], "show my tasks");
    assert_eq!(
        b.get(
            &format!("/api/{}/conversations?limit=1", u.id),
            Some(&u.token)
        )
        .await
        .body["count"],
        1
    );
    assert_eq!(
        b.get(
            &format!("/api/{}/conversations?limit=0", u.id),
            Some(&u.token)
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let uri = format!("/api/{}/conversations/{}", u.id, older.as_str().unwrap());
    assert_eq!(
        b.request(Method::DELETE, &uri, Some(&u.token), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        b.request(Method::DELETE, &uri, Some(&u.token), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.get(&format!("/api/{}/conversations", u.id), Some(&u.token))
            .await
            .body["count"],
        1
    );
}

#[tokio::test]
async fn task_rest_routes() {
    let b = Backend::start().await;
    let u = register(&b, "gus").await;
    let base = format!("/api/{}/tasks", u.id);
    let created = b
        .post(
            &base,
            Some(&u.token),
            json!({"title": "  Read a book ", "description": "fiction"}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(
        (
            created.body["title"].as_str(),
            created.body["completed"].as_bool()
        ),
        (Some("Read a book"), Some(false))
    );
    let id = created.body["id"].as_i64().unwrap();
    for bad in [
        json!({}),
        json!({"title": ""}),
        json!({"title": "x".repeat(201)}),
        json!({"title": "ok", "description": "d".repeat(1001)}),
    ] {
        assert_eq!(
            b.post(&base, Some(&u.token), bad.clone()).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}"
        );
    }
    let patched = b
        .request(
            Method::PATCH,
            &format!("{base}/{id}"),
            Some(&u.token),
            Some(json!({"completed": true, "description": null})),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.body["completed"], true);
    assert_eq!(patched.body["description"], Value::Null);
    assert_eq!(patched.body["title"], "Read a book");
    assert_eq!(
        b.get(&format!("{base}?status=pending"), Some(&u.token))
            .await
            .body["total"],
        0
    );
    assert_eq!(
        b.get(&format!("{base}?status=completed"), Some(&u.token))
            .await
            .body["total"],
        1
    );
    assert_eq!(
        b.get(&format!("{base}?status=bogus"), Some(&u.token))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        b.request(
            Method::DELETE,
            &format!("{base}/{id}"),
            Some(&u.token),
            None
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        b.request(
            Method::DELETE,
            &format!("{base}/{id}"),
            Some(&u.token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        b.request(Method::DELETE, &format!("{base}/abc"), Some(&u.token), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
