//! Understanding a chat message: the commands of the Todo chat (docs/contracts/api.md),
//! phrased the ways people phrase them. Deterministic (no LLM is reachable).

use crate::todo::tasks::Filter;

/// Which task a command is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Id(i64),
    /// Words to match against task titles.
    Title(String),
    /// "it", "that": the task mentioned last in this conversation.
    Last,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Intent {
    Add {
        title: String,
        description: Option<String>,
    },
    List(Filter),
    Complete(Target),
    Reopen(Target),
    Delete(Target),
    Rename {
        target: Target,
        title: String,
    },
    Describe {
        target: Target,
        description: String,
    },
    Help,
}

const POLITE: [&str; 9] = [
    "please ",
    "can you ",
    "could you ",
    "would you ",
    "will you ",
    "hey, ",
    "hey ",
    "ok ",
    "okay ",
];

/// Trims whitespace, trailing punctuation and leading politeness; `lower` is
/// the ASCII-lowercased twin (same byte offsets) used for matching.
fn clean(message: &str) -> (String, String) {
    let mut text = message
        .trim()
        .trim_end_matches(['.', '!', '?', ' '])
        .trim()
        .to_string();
    loop {
        let lower = text.to_ascii_lowercase();
        match POLITE.iter().find(|p| lower.starts_with(**p)) {
            Some(p) => text = text[p.len()..].trim_start().to_string(),
            None => break,
        }
    }
    let text = text
        .trim_end_matches(" please")
        .trim_end_matches(", please")
        .to_string();
    let lower = text.to_ascii_lowercase();
    (text, lower)
}

/// The text after the first of `prefixes` that `lower` starts with.
fn after<'a>(text: &'a str, lower: &str, prefixes: &[&str]) -> Option<&'a str> {
    prefixes
        .iter()
        .find(|p| lower.starts_with(**p))
        .map(|p| text[p.len()..].trim())
}

fn strip_quotes(s: &str) -> &str {
    let s = s.trim();
    for (open, close) in [('\'', '\''), ('"', '"'), ('“', '”'), ('‘', '’')] {
        if let Some(inner) = s.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            return inner.trim();
        }
    }
    s
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "task 3", "#3", "number 3", "3" → an id; "it", "that" → the last task; else title words.
fn target(raw: &str) -> Option<Target> {
    let t = strip_quotes(raw.trim().trim_end_matches(['.', '!', '?']));
    let lower = t.to_ascii_lowercase();
    let lower = lower.trim();
    if lower.is_empty() {
        return None;
    }
    if matches!(
        lower,
        "it" | "that"
            | "this"
            | "that one"
            | "this one"
            | "the last one"
            | "the last task"
            | "that task"
            | "this task"
    ) {
        return Some(Target::Last);
    }
    let numbered = [
        "task number ",
        "task no. ",
        "task #",
        "task ",
        "number ",
        "no. ",
        "#",
    ]
    .iter()
    .find_map(|p| lower.strip_prefix(p))
    .unwrap_or(lower);
    if let Ok(id) = numbered.trim().parse::<i64>() {
        return Some(Target::Id(id));
    }
    let mut words = t.to_string();
    for article in ["the ", "my ", "a "] {
        if words.to_ascii_lowercase().starts_with(article) {
            words = words[article.len()..].to_string();
        }
    }
    for suffix in [" task", " item", " todo"] {
        if words.to_ascii_lowercase().ends_with(suffix) && words.len() > suffix.len() {
            words.truncate(words.len() - suffix.len());
        }
    }
    let words = strip_quotes(words.trim()).to_string();
    (!words.is_empty()).then_some(Target::Title(words))
}

fn list_filter(lower: &str) -> Option<Filter> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w);
    let asks = [
        "show", "list", "what", "what's", "whats", "which", "display", "view", "see", "get",
        "tell", "do", "how",
    ]
    .iter()
    .any(|w| words.first() == Some(w));
    let about_tasks = has("task")
        || has("tasks")
        || has("todo")
        || has("todos")
        || lower.contains("to do")
        || lower.contains("to-do");
    let completed = has("completed") || has("done") || has("finished") || has("complete");
    let pending = has("pending")
        || has("open")
        || has("remaining")
        || has("left")
        || has("outstanding")
        || has("incomplete")
        || lower.contains("not done")
        || lower.contains("still")
        || lower.contains("to do");
    let bare = matches!(
        lower,
        "tasks"
            | "my tasks"
            | "pending"
            | "todo"
            | "todos"
            | "to do"
            | "to-do list"
            | "todo list"
            | "list"
    );
    if !(bare || (asks && (about_tasks || completed || pending))) {
        return None;
    }
    Some(
        if pending && !lower.contains("have i completed") && !lower.contains("did i complete") {
            Filter::Pending
        } else if completed {
            Filter::Completed
        } else {
            Filter::All
        },
    )
}

fn add(text: &str, lower: &str) -> Option<Intent> {
    let rest = after(
        text,
        lower,
        &[
            "i need to remember to ",
            "i have to remember to ",
            "remember to ",
            "remind me to ",
            "don't let me forget to ",
            "dont let me forget to ",
            "i need to ",
            "i have to ",
            "add a new task ",
            "add a task ",
            "add task ",
            "add a todo ",
            "add todo ",
            "add ",
            "create a new task ",
            "create a task ",
            "create task ",
            "create ",
            "new task ",
            "make a task ",
            "put ",
        ],
    )?;
    let mut title = rest.to_string();
    for lead in [
        "task: ",
        "task:",
        "a task to ",
        "a task ",
        "to ",
        "called ",
        "named ",
        "titled ",
        "for ",
        ": ",
        ":",
    ] {
        if title.to_ascii_lowercase().starts_with(lead) {
            title = title[lead.len()..].trim().to_string();
        }
    }
    for tail in [
        " to my list",
        " to the list",
        " to my tasks",
        " to my task list",
        " to my todo list",
        " to my to-do list",
        " on my list",
        " to the task list",
    ] {
        if title.to_ascii_lowercase().ends_with(tail) {
            title.truncate(title.len() - tail.len());
        }
    }
    let mut description = None;
    for sep in [
        " with description ",
        " with the description ",
        " description: ",
        " - ",
    ] {
        if let Some(i) = title.to_ascii_lowercase().find(sep) {
            description =
                Some(strip_quotes(&title[i + sep.len()..]).to_string()).filter(|d| !d.is_empty());
            title.truncate(i);
            break;
        }
    }
    let title = strip_quotes(&title).to_string();
    (!title.is_empty()).then(|| Intent::Add {
        title: capitalize(&title),
        description,
    })
}

fn complete_or_reopen(text: &str, lower: &str) -> Option<Intent> {
    // "mark X as done" / "mark X as not done"
    if let Some(rest) = after(text, lower, &["mark ", "set ", "flag "]) {
        let rest_lower = rest.to_ascii_lowercase();
        for (suffix, reopen) in [
            (" as not done", true),
            (" as undone", true),
            (" as incomplete", true),
            (" as pending", true),
            (" as not complete", true),
            (" not done", true),
            (" as open", true),
            (" as done", false),
            (" as complete", false),
            (" as completed", false),
            (" as finished", false),
            (" done", false),
            (" complete", false),
            (" completed", false),
            (" finished", false),
        ] {
            if let Some(i) = rest_lower
                .rfind(suffix)
                .filter(|i| i + suffix.len() == rest_lower.len())
            {
                let t = target(&rest[..i])?;
                return Some(if reopen {
                    Intent::Reopen(t)
                } else {
                    Intent::Complete(t)
                });
            }
        }
    }
    if let Some(rest) = after(
        text,
        lower,
        &["reopen ", "re-open ", "uncomplete ", "unmark ", "undo "],
    ) {
        return target(rest).map(Intent::Reopen);
    }
    if let Some(rest) = after(
        text,
        lower,
        &[
            "complete ",
            "finish ",
            "check off ",
            "tick off ",
            "cross off ",
            "i finished ",
            "i completed ",
            "i did ",
            "i've finished ",
            "ive finished ",
            "i have finished ",
            "done with ",
            "i'm done with ",
            "im done with ",
        ],
    ) {
        return target(rest).map(Intent::Complete);
    }
    // "X is done"
    for suffix in [" is done", " is finished", " is complete", " is completed"] {
        if let Some(subject) = lower.strip_suffix(suffix) {
            return target(&text[..subject.len()]).map(Intent::Complete);
        }
    }
    None
}

fn delete(text: &str, lower: &str) -> Option<Intent> {
    let rest = after(
        text,
        lower,
        &[
            "delete ",
            "remove ",
            "drop ",
            "get rid of ",
            "erase ",
            "cancel ",
            "forget about ",
            "forget ",
        ],
    )?;
    let rest = rest
        .strip_suffix(" from my list")
        .or_else(|| rest.strip_suffix(" from the list"))
        .or_else(|| rest.strip_suffix(" from my tasks"))
        .unwrap_or(rest);
    target(rest).map(Intent::Delete)
}

fn update(text: &str, lower: &str) -> Option<Intent> {
    // "update task 2 description to …", "set the description of X to …"
    if let Some(rest) = after(
        text,
        lower,
        &[
            "set the description of ",
            "change the description of ",
            "update the description of ",
        ],
    ) {
        let i = rest.to_ascii_lowercase().rfind(" to ")?;
        let description = strip_quotes(&rest[i + 4..]).to_string();
        return Some(Intent::Describe {
            target: target(&rest[..i])?,
            description,
        });
    }
    let rest = after(
        text,
        lower,
        &["change ", "rename ", "update ", "edit ", "retitle "],
    )?;
    let rest_lower = rest.to_ascii_lowercase();
    let i = rest_lower
        .rfind(" to ")
        .or_else(|| rest_lower.rfind(" into "))?;
    let sep = if rest_lower[i..].starts_with(" to ") {
        4
    } else {
        6
    };
    let (subject, value) = (&rest[..i], strip_quotes(&rest[i + sep..]));
    let subject_lower = subject.to_ascii_lowercase();
    for marker in [" description", "'s description"] {
        if let Some(s) = subject_lower.strip_suffix(marker) {
            let s = s.trim_end_matches("'s");
            return Some(Intent::Describe {
                target: target(&subject[..s.len()])?,
                description: value.to_string(),
            });
        }
    }
    let title = value.trim();
    if title.is_empty() {
        return None;
    }
    Some(Intent::Rename {
        target: target(subject)?,
        title: capitalize(title),
    })
}

pub fn parse(message: &str) -> Intent {
    let (text, lower) = clean(message);
    if lower.is_empty() {
        return Intent::Help;
    }
    if let Some(filter) = list_filter(&lower) {
        return Intent::List(filter);
    }
    complete_or_reopen(&text, &lower)
        .or_else(|| delete(&text, &lower))
        .or_else(|| update(&text, &lower))
        .or_else(|| add(&text, &lower))
        .unwrap_or(Intent::Help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Intent::*;
    use Target::*;

    fn add(title: &str) -> Intent {
        Add {
            title: title.into(),
            description: None,
        }
    }

    fn title(t: &str) -> Target {
        Title(t.into())
    }

    #[test]
    fn phrasings() {
        let cases: Vec<(&str, Intent)> = vec![
            // add
            ("add a task to buy milk", add("Buy milk")),
            ("Add a task to buy groceries", add("Buy groceries")),
            ("add task: call the plumber", add("Call the plumber")),
            (
                "create a task called water the plants",
                add("Water the plants"),
            ),
            ("new task pay rent", add("Pay rent")),
            ("I need to remember to pay bills", add("Pay bills")),
            ("remind me to call mom.", add("Call mom")),
            (
                "add 'finish the report' to my list",
                add("Finish the report"),
            ),
            ("please add buy eggs", add("Buy eggs")),
            (
                "Add a task to buy bread with description whole wheat",
                Add {
                    title: "Buy bread".into(),
                    description: Some("whole wheat".into()),
                },
            ),
            (
                "add call Anna - about the party",
                Add {
                    title: "Call Anna".into(),
                    description: Some("about the party".into()),
                },
            ),
            (
                "Could you add a task to renew my passport?",
                add("Renew my passport"),
            ),
            // list
            ("Show me all my tasks", List(Filter::All)),
            ("list my tasks", List(Filter::All)),
            ("tasks", List(Filter::All)),
            ("What are my tasks?", List(Filter::All)),
            ("What's pending?", List(Filter::Pending)),
            ("what do I still have to do", List(Filter::Pending)),
            ("show pending tasks", List(Filter::Pending)),
            ("What have I completed?", List(Filter::Completed)),
            ("show completed tasks", List(Filter::Completed)),
            ("which tasks are done", List(Filter::Completed)),
            // complete
            ("Mark task 3 as complete", Complete(Id(3))),
            ("complete task 2", Complete(Id(2))),
            ("mark #4 done", Complete(Id(4))),
            ("I finished buy milk", Complete(title("buy milk"))),
            ("done with the report", Complete(title("report"))),
            ("Mark it as done", Complete(Last)),
            ("check off task 4", Complete(Id(4))),
            ("mark buy milk as done", Complete(title("buy milk"))),
            ("the meeting task is done", Complete(title("meeting"))),
            // reopen
            ("mark task 3 as not done", Reopen(Id(3))),
            ("reopen buy milk", Reopen(title("buy milk"))),
            // delete
            ("Delete the meeting task", Delete(title("meeting"))),
            ("remove task 2", Delete(Id(2))),
            ("delete buy milk from my list", Delete(title("buy milk"))),
            ("delete it", Delete(Last)),
            // update
            (
                "Change task 1 to 'Call mom tonight'",
                Rename {
                    target: Id(1),
                    title: "Call mom tonight".into(),
                },
            ),
            (
                "rename buy milk to buy oat milk",
                Rename {
                    target: title("buy milk"),
                    title: "Buy oat milk".into(),
                },
            ),
            (
                "change it to call dad",
                Rename {
                    target: Last,
                    title: "Call dad".into(),
                },
            ),
            (
                "update task 2 description to whole wheat only",
                Describe {
                    target: Id(2),
                    description: "whole wheat only".into(),
                },
            ),
            (
                "set the description of task 5 to \"after lunch\"",
                Describe {
                    target: Id(5),
                    description: "after lunch".into(),
                },
            ),
            // anything else
            ("hello", Help),
            ("what can you do?", Help),
            ("", Help),
            ("   ", Help),
        ];
        assert!(cases.len() >= 30);
        for (message, expected) in cases {
            assert_eq!(parse(message), expected, "{message:?}");
        }
    }

    #[test]
    fn titles_keep_their_case_and_unicode() {
        assert_eq!(
            parse("add a task to call Zoë about Köln"),
            add("Call Zoë about Köln")
        );
        assert_eq!(parse("add <b>bold</b>"), add("<b>bold</b>"));
    }

    #[test]
    fn targets() {
        assert_eq!(target("task number 12"), Some(Id(12)));
        assert_eq!(target("#7"), Some(Id(7)));
        assert_eq!(target("\"the laundry\""), Some(title("laundry")));
        assert_eq!(target("that one"), Some(Last));
        assert_eq!(target(""), None);
    }
}
