//! User-controlled strings in log lines: escaped (no forged lines, no terminal
//! control sequences) and cut to a bounded length.

use std::fmt;

/// Characters of a user string kept in a log line.
const MAX_LOGGED_CHARS: usize = 64;

/// Displays a user string escaped and truncated, e.g. `tracing::info!(login = %LogText(&s))`.
pub struct LogText<'a>(pub &'a str);

impl fmt::Display for LogText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(MAX_LOGGED_CHARS) {
            write!(f, "{}", c.escape_debug())?;
        }
        let rest = chars.count();
        if rest > 0 {
            write!(f, "…(+{rest} chars)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_truncates() {
        assert_eq!(LogText("teacher").to_string(), "teacher");
        assert_eq!(
            LogText("x\n2026-01-01 INFO forged\u{1b}[2J").to_string(),
            "x\\n2026-01-01 INFO forged\\u{1b}[2J"
        );
        let long = "a".repeat(10_000);
        let logged = LogText(&long).to_string();
        assert!(logged.starts_with(&"a".repeat(64)));
        assert!(logged.ends_with("…(+9936 chars)"));
    }
}
