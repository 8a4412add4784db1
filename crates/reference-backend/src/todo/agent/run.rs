//! Carrying out a parsed command against the user's tasks.

use super::parse::{Intent, Target};
use crate::todo::limits;
use crate::todo::tasks::{self, Changes, Filter, Task};
use rusqlite::Connection;
use serde_json::{json, Value};

/// A change to a task, published as a `task.*` realtime event.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskChange {
    Created(Task),
    Updated(Task),
    Deleted(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct AgentReply {
    pub response: String,
    /// `{"tool","parameters","result"}` for each task function called.
    pub tool_calls: Vec<Value>,
    pub changes: Vec<TaskChange>,
    /// The task "it" refers to next; `None`: unchanged, `Some(None)`: forget it.
    pub last_task: Option<Option<i64>>,
}

impl AgentReply {
    fn say(response: impl Into<String>) -> AgentReply {
        AgentReply {
            response: response.into(),
            tool_calls: Vec::new(),
            changes: Vec::new(),
            last_task: None,
        }
    }
}

pub(crate) const HELP: &str = "I can keep your task list. Try: \"add a task to buy milk\", \"show my tasks\", \
\"what's pending?\", \"mark task 3 as done\", \"delete the meeting task\" or \"rename task 1 to Call mom\".";

fn call(tool: &str, parameters: Value, result: Value) -> Value {
    json!({ "tool": tool, "parameters": parameters, "result": result })
}

fn normalize(s: &str) -> String {
    let lowered: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<&str> = lowered
        .split_whitespace()
        .filter(|w| !matches!(*w, "the" | "my" | "a" | "an"))
        .collect();
    words.join(" ")
}

enum Resolved {
    One(Task),
    None(String),
}

/// Finds the task a target names. Exact title matches win over partial ones;
/// several candidates make the agent ask which one.
fn resolve(
    conn: &Connection,
    user_id: i64,
    last: Option<i64>,
    target: &Target,
    prefer_pending: bool,
) -> rusqlite::Result<Resolved> {
    match target {
        Target::Id(id) => Ok(match tasks::get(conn, user_id, *id)? {
            Some(t) => Resolved::One(t),
            None => Resolved::None(format!(
                "You have no task #{id}. Say \"show my tasks\" to see them."
            )),
        }),
        Target::Last => Ok(
            match last
                .map(|id| tasks::get(conn, user_id, id))
                .transpose()?
                .flatten()
            {
                Some(t) => Resolved::One(t),
                None => Resolved::None(
                    "Which task do you mean? Name it or give its number, for example \"task 3\"."
                        .into(),
                ),
            },
        ),
        Target::Title(words) => {
            let wanted = normalize(words);
            let all = tasks::list(conn, user_id, Filter::All)?;
            let exact: Vec<&Task> = all
                .iter()
                .filter(|t| normalize(&t.title) == wanted)
                .collect();
            let partial: Vec<&Task> = all
                .iter()
                .filter(|t| {
                    let title = normalize(&t.title);
                    !wanted.is_empty() && (title.contains(&wanted) || wanted.contains(&title))
                })
                .collect();
            let mut candidates = if exact.is_empty() { partial } else { exact };
            if prefer_pending && candidates.len() > 1 && candidates.iter().any(|t| !t.completed) {
                candidates.retain(|t| !t.completed);
            }
            Ok(match candidates.as_slice() {
                [] => Resolved::None(format!("I couldn't find a task matching \"{words}\". Say \"show my tasks\" to see them.")),
                [one] => Resolved::One((*one).clone()),
                many => {
                    let options: Vec<String> = many.iter().map(|t| format!("#{} {}", t.id, t.title)).collect();
                    Resolved::None(format!(
                        "Several tasks match \"{words}\": {}. Which one? For example: \"task {}\".",
                        options.join(", "),
                        many[0].id
                    ))
                }
            })
        }
    }
}

fn describe_list(filter: Filter, list: &[Task], total: i64) -> String {
    let kind = match filter {
        Filter::All => "",
        Filter::Pending => "pending ",
        Filter::Completed => "completed ",
    };
    if list.is_empty() {
        return format!("You have no {kind}tasks.");
    }
    let lines: Vec<String> = list
        .iter()
        .map(|t| {
            format!(
                "#{} {}{}",
                t.id,
                t.title,
                if t.completed { " (done)" } else { "" }
            )
        })
        .collect();
    let noun = if total == 1 { "task" } else { "tasks" };
    let more = total - list.len() as i64;
    let rest = if more > 0 {
        format!("\n…and {more} more: the task panel shows them all.")
    } else {
        String::new()
    };
    format!("You have {total} {kind}{noun}:\n{}{rest}", lines.join("\n"))
}

pub fn run(
    conn: &Connection,
    user_id: i64,
    last: Option<i64>,
    intent: Intent,
    now: &str,
) -> rusqlite::Result<AgentReply> {
    let reply = match intent {
        Intent::Help => AgentReply::say(HELP),
        Intent::Add { title, description } => {
            if title.chars().count() > tasks::MAX_TITLE {
                return Ok(AgentReply::say(format!(
                    "That title is too long: keep it under {} characters.",
                    tasks::MAX_TITLE
                )));
            }
            let task = match tasks::create(conn, user_id, &title, description.as_deref(), now)? {
                Ok(task) => task,
                Err(full) => return Ok(AgentReply::say(full.0)),
            };
            let mut parameters = json!({ "title": task.title });
            if let Some(d) = &task.description {
                parameters["description"] = json!(d);
            }
            AgentReply {
                response: format!(
                    "I've added \"{}\" to your tasks (task #{}).",
                    task.title, task.id
                ),
                tool_calls: vec![call(
                    "add_task",
                    parameters,
                    json!({ "task_id": task.id, "status": "created", "title": task.title }),
                )],
                last_task: Some(Some(task.id)),
                changes: vec![TaskChange::Created(task)],
            }
        }
        Intent::List(filter) => {
            let (list, total) =
                tasks::page(conn, user_id, filter, limits::TASKS_IN_A_REPLY as i64, 0)?;
            let result: Vec<Value> = list
                .iter()
                .map(|t| json!({ "id": t.id, "title": t.title, "completed": t.completed }))
                .collect();
            AgentReply {
                response: describe_list(filter, &list, total),
                tool_calls: vec![call(
                    "list_tasks",
                    json!({ "status": filter.as_str() }),
                    Value::Array(result),
                )],
                changes: Vec::new(),
                last_task: (list.len() == 1).then(|| Some(list[0].id)),
            }
        }
        Intent::Complete(target) => set_completed(conn, user_id, last, &target, true, now)?,
        Intent::Reopen(target) => set_completed(conn, user_id, last, &target, false, now)?,
        Intent::Delete(target) => match resolve(conn, user_id, last, &target, false)? {
            Resolved::None(why) => AgentReply::say(why),
            Resolved::One(task) => {
                tasks::delete(conn, user_id, task.id)?;
                AgentReply {
                    response: format!("Deleted \"{}\" (task #{}).", task.title, task.id),
                    tool_calls: vec![call(
                        "delete_task",
                        json!({ "task_id": task.id }),
                        json!({ "task_id": task.id, "status": "deleted", "title": task.title }),
                    )],
                    changes: vec![TaskChange::Deleted(task.id)],
                    last_task: Some(None),
                }
            }
        },
        Intent::Rename { target, title } => {
            let changes = Changes {
                title: Some(title),
                ..Changes::default()
            };
            change(conn, user_id, last, &target, changes, now, |t| {
                format!("Renamed task #{} to \"{}\".", t.id, t.title)
            })?
        }
        Intent::Describe {
            target,
            description,
        } => {
            let changes = Changes {
                description: Some(Some(description).filter(|d| !d.is_empty())),
                ..Changes::default()
            };
            change(conn, user_id, last, &target, changes, now, |t| {
                format!("Updated the description of \"{}\".", t.title)
            })?
        }
    };
    Ok(reply)
}

fn set_completed(
    conn: &Connection,
    user_id: i64,
    last: Option<i64>,
    target: &Target,
    done: bool,
    now: &str,
) -> rusqlite::Result<AgentReply> {
    let task = match resolve(conn, user_id, last, target, done)? {
        Resolved::None(why) => return Ok(AgentReply::say(why)),
        Resolved::One(task) => task,
    };
    if task.completed == done {
        let state = if done { "already done" } else { "not done yet" };
        let mut reply = AgentReply::say(format!(
            "\"{}\" (task #{}) is {state}.",
            task.title, task.id
        ));
        reply.last_task = Some(Some(task.id));
        return Ok(reply);
    }
    let changes = Changes {
        completed: Some(done),
        ..Changes::default()
    };
    let Some(updated) = tasks::update(conn, user_id, task.id, &changes, now)? else {
        return Ok(AgentReply::say("That task no longer exists."));
    };
    let (tool, status, response) = if done {
        (
            "complete_task",
            "completed",
            format!(
                "Marked \"{}\" (task #{}) as done.",
                updated.title, updated.id
            ),
        )
    } else {
        (
            "update_task",
            "updated",
            format!(
                "Marked \"{}\" (task #{}) as not done.",
                updated.title, updated.id
            ),
        )
    };
    let mut parameters = json!({ "task_id": updated.id });
    if !done {
        parameters["completed"] = json!(false);
    }
    Ok(AgentReply {
        response,
        tool_calls: vec![call(
            tool,
            parameters,
            json!({ "task_id": updated.id, "status": status, "title": updated.title }),
        )],
        last_task: Some(Some(updated.id)),
        changes: vec![TaskChange::Updated(updated)],
    })
}

fn change(
    conn: &Connection,
    user_id: i64,
    last: Option<i64>,
    target: &Target,
    changes: Changes,
    now: &str,
    say: impl Fn(&Task) -> String,
) -> rusqlite::Result<AgentReply> {
    let task = match resolve(conn, user_id, last, target, false)? {
        Resolved::None(why) => return Ok(AgentReply::say(why)),
        Resolved::One(task) => task,
    };
    if changes
        .title
        .as_ref()
        .is_some_and(|t| t.chars().count() > tasks::MAX_TITLE)
    {
        return Ok(AgentReply::say(format!(
            "That title is too long: keep it under {} characters.",
            tasks::MAX_TITLE
        )));
    }
    let Some(updated) = tasks::update(conn, user_id, task.id, &changes, now)? else {
        return Ok(AgentReply::say("That task no longer exists."));
    };
    let mut parameters = json!({ "task_id": updated.id });
    if let Some(t) = &changes.title {
        parameters["title"] = json!(t);
    }
    if let Some(d) = &changes.description {
        parameters["description"] = json!(d);
    }
    Ok(AgentReply {
        response: say(&updated),
        tool_calls: vec![call(
            "update_task",
            parameters,
            json!({ "task_id": updated.id, "status": "updated", "title": updated.title }),
        )],
        last_task: Some(Some(updated.id)),
        changes: vec![TaskChange::Updated(updated)],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::todo::agent::parse;

    fn setup() -> (Db, i64) {
        let db = Db::open_in_memory().unwrap();
        let uid = tokio_test_block(db.call(|c| {
            c.execute(
                "INSERT INTO users (username, email, display_name, role, password_hash, created_at) VALUES ('u','u@x','U','student','h','t')",
                [],
            )?;
            Ok(c.last_insert_rowid())
        }));
        (db, uid)
    }

    fn tokio_test_block<T>(f: impl std::future::Future<Output = anyhow::Result<T>>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f)
            .unwrap()
    }

    struct Conversation {
        db: Db,
        uid: i64,
        last: Option<i64>,
    }

    impl Conversation {
        fn say(&mut self, message: &str) -> AgentReply {
            let (uid, last, message) = (self.uid, self.last, message.to_string());
            let reply = tokio_test_block(
                self.db
                    .call(move |c| Ok(run(c, uid, last, parse(&message), "t")?)),
            );
            if let Some(l) = reply.last_task {
                self.last = l;
            }
            reply
        }
    }

    fn conversation() -> Conversation {
        let (db, uid) = setup();
        Conversation {
            db,
            uid,
            last: None,
        }
    }

    #[test]
    fn add_list_complete_delete() {
        let mut c = conversation();
        let r = c.say("add a task to buy milk");
        assert_eq!(
            r.response,
            "I've added \"Buy milk\" to your tasks (task #1)."
        );
        assert_eq!(r.tool_calls[0]["tool"], "add_task");
        assert_eq!(
            r.tool_calls[0]["result"],
            json!({"task_id": 1, "status": "created", "title": "Buy milk"})
        );
        assert!(matches!(r.changes[0], TaskChange::Created(ref t) if t.title == "Buy milk"));
        c.say("add a task to call mom");
        let r = c.say("what's pending?");
        assert_eq!(
            r.response,
            "You have 2 pending tasks:\n#1 Buy milk\n#2 Call mom"
        );
        assert_eq!(r.tool_calls[0]["result"].as_array().unwrap().len(), 2);
        let r = c.say("mark it as done");
        assert_eq!(r.response, "Marked \"Call mom\" (task #2) as done.");
        let r = c.say("what have I completed?");
        assert_eq!(r.response, "You have 1 completed task:\n#2 Call mom (done)");
        let r = c.say("delete buy milk");
        assert_eq!(r.tool_calls[0]["result"]["status"], "deleted");
        assert_eq!(r.changes, vec![TaskChange::Deleted(1)]);
        assert_eq!(
            c.say("show my tasks").response,
            "You have 1 task:\n#2 Call mom (done)"
        );
    }

    #[test]
    fn it_refers_to_the_last_mentioned_task() {
        let mut c = conversation();
        c.say("add a task to water the plants");
        c.say("add a task to pay rent");
        let r = c.say("mark it as done");
        assert_eq!(r.response, "Marked \"Pay rent\" (task #2) as done.");
        let r = c.say("change it to pay rent and bills");
        assert_eq!(r.response, "Renamed task #2 to \"Pay rent and bills\".");
        c.say("delete it");
        assert_eq!(
            c.say("delete it").response,
            "Which task do you mean? Name it or give its number, for example \"task 3\"."
        );
    }

    #[test]
    fn ambiguous_titles_ask_which() {
        let mut c = conversation();
        c.say("add a task to buy milk");
        c.say("add a task to buy eggs");
        let r = c.say("complete buy");
        assert_eq!(r.response, "Several tasks match \"buy\": #1 Buy milk, #2 Buy eggs. Which one? For example: \"task 1\".");
        assert!(r.tool_calls.is_empty());
        // An exact title wins over partial matches.
        c.say("add a task to buy");
        assert_eq!(
            c.say("complete buy").response,
            "Marked \"Buy\" (task #3) as done."
        );
    }

    #[test]
    fn unknown_tasks_and_repeated_completion() {
        let mut c = conversation();
        assert_eq!(
            c.say("complete task 9").response,
            "You have no task #9. Say \"show my tasks\" to see them."
        );
        assert!(c
            .say("delete the laundry")
            .response
            .starts_with("I couldn't find a task matching \"laundry\""));
        c.say("add a task to read");
        c.say("complete task 1");
        assert_eq!(
            c.say("complete task 1").response,
            "\"Read\" (task #1) is already done."
        );
        assert_eq!(
            c.say("reopen task 1").response,
            "Marked \"Read\" (task #1) as not done."
        );
        assert_eq!(c.say("hello").response, HELP);
    }

    #[test]
    fn descriptions() {
        let mut c = conversation();
        c.say("add a task to buy bread with description whole wheat");
        let r = c.say("update task 1 description to rye");
        assert_eq!(r.response, "Updated the description of \"Buy bread\".");
        assert!(
            matches!(&r.changes[0], TaskChange::Updated(t) if t.description.as_deref() == Some("rye"))
        );
    }
}
