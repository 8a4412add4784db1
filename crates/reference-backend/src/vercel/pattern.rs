//! A port of path-to-regexp 6.1.0 (the version `@vercel/routing-utils` uses to
//! turn `vercel.json` sources into route regexes), so our regex strings are the
//! same bytes Vercel produces. Only what routing-utils calls is ported: `parse`,
//! `tokensToRegexp` and `compile` with `validate: false`.

use std::collections::HashMap;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Text(String),
    Key(Key),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// A parameter name, or its position among unnamed groups.
    pub name: KeyName,
    pub prefix: String,
    pub suffix: String,
    pub pattern: String,
    pub modifier: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KeyName {
    Named(String),
    Index(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError(pub String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PatternError {}

#[derive(Debug, Clone, PartialEq, Eq)]
enum LexKind {
    Modifier,
    EscapedChar,
    Open,
    Close,
    Name,
    Pattern,
    Char,
    End,
}

#[derive(Debug, Clone)]
struct Lexeme {
    kind: LexKind,
    index: usize,
    value: String,
}

fn lexer(input: &str) -> Result<Vec<Lexeme>, PatternError> {
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let push = |tokens: &mut Vec<Lexeme>, kind, index, value: String| {
        tokens.push(Lexeme { kind, index, value })
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '*' | '+' | '?' => {
                push(&mut tokens, LexKind::Modifier, i, c.to_string());
                i += 1;
            }
            '\\' => {
                // JS reads past the end as `undefined`; treat a trailing `\` as an empty escape.
                let value = chars.get(i + 1).map(|c| c.to_string()).unwrap_or_default();
                push(&mut tokens, LexKind::EscapedChar, i, value);
                i += 2;
            }
            '{' => {
                push(&mut tokens, LexKind::Open, i, "{".into());
                i += 1;
            }
            '}' => {
                push(&mut tokens, LexKind::Close, i, "}".into());
                i += 1;
            }
            ':' => {
                let mut name = String::new();
                let mut j = i + 1;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    name.push(chars[j]);
                    j += 1;
                }
                if name.is_empty() {
                    return Err(PatternError(format!("Missing parameter name at {i}")));
                }
                push(&mut tokens, LexKind::Name, i, name);
                i = j;
            }
            '(' => {
                let mut count = 1;
                let mut pattern = String::new();
                let mut j = i + 1;
                if chars.get(j) == Some(&'?') {
                    return Err(PatternError(format!(
                        "Pattern cannot start with \"?\" at {j}"
                    )));
                }
                while j < chars.len() {
                    if chars[j] == '\\' {
                        pattern.push(chars[j]);
                        if let Some(next) = chars.get(j + 1) {
                            pattern.push(*next);
                        }
                        j += 2;
                        continue;
                    }
                    if chars[j] == ')' {
                        count -= 1;
                        if count == 0 {
                            j += 1;
                            break;
                        }
                    } else if chars[j] == '(' {
                        count += 1;
                        if chars.get(j + 1) != Some(&'?') {
                            return Err(PatternError(format!(
                                "Capturing groups are not allowed at {j}"
                            )));
                        }
                    }
                    pattern.push(chars[j]);
                    j += 1;
                }
                if count != 0 {
                    return Err(PatternError(format!("Unbalanced pattern at {i}")));
                }
                if pattern.is_empty() {
                    return Err(PatternError(format!("Missing pattern at {i}")));
                }
                push(&mut tokens, LexKind::Pattern, i, pattern);
                i = j;
            }
            _ => {
                push(&mut tokens, LexKind::Char, i, c.to_string());
                i += 1;
            }
        }
    }
    tokens.push(Lexeme {
        kind: LexKind::End,
        index: i,
        value: String::new(),
    });
    Ok(tokens)
}

/// Options of `parse`/`tokensToRegexp` that routing-utils sets.
#[derive(Debug, Clone)]
pub struct Options {
    pub delimiter: Option<String>,
    pub strict: bool,
}

impl Options {
    /// `sourceToRegex`: `{ strict: true, sensitive: true, delimiter: "/" }`.
    pub fn vercel_source() -> Self {
        Options {
            delimiter: Some("/".into()),
            strict: true,
        }
    }
    /// path-to-regexp's defaults (used when compiling destinations).
    pub fn defaults() -> Self {
        Options {
            delimiter: None,
            strict: false,
        }
    }
}

pub fn parse(input: &str, options: &Options) -> Result<Vec<Token>, PatternError> {
    let tokens = lexer(input)?;
    let prefixes = "./";
    let default_pattern = format!(
        "[^{}]+?",
        escape_string(options.delimiter.as_deref().unwrap_or("/#?"))
    );
    let mut result = Vec::new();
    let mut key = 0usize;
    let mut i = 0usize;
    let mut path = String::new();

    let try_consume = |i: &mut usize, kind: LexKind| -> Option<String> {
        if *i < tokens.len() && tokens[*i].kind == kind {
            *i += 1;
            Some(tokens[*i - 1].value.clone())
        } else {
            None
        }
    };
    // JS `||` on strings: an empty string counts as absent.
    let non_empty = |v: Option<String>| v.filter(|s| !s.is_empty());

    while i < tokens.len() {
        let char = non_empty(try_consume(&mut i, LexKind::Char));
        let name = non_empty(try_consume(&mut i, LexKind::Name));
        let pattern = non_empty(try_consume(&mut i, LexKind::Pattern));
        if name.is_some() || pattern.is_some() {
            let mut prefix = char.unwrap_or_default();
            if !prefix.is_empty() && !prefixes.contains(prefix.as_str()) {
                path.push_str(&prefix);
                prefix.clear();
            }
            if !path.is_empty() {
                result.push(Token::Text(std::mem::take(&mut path)));
            }
            let key_name = match name {
                Some(n) => KeyName::Named(n),
                None => {
                    key += 1;
                    KeyName::Index(key - 1)
                }
            };
            result.push(Token::Key(Key {
                name: key_name,
                prefix,
                suffix: String::new(),
                pattern: pattern.unwrap_or_else(|| default_pattern.clone()),
                modifier: try_consume(&mut i, LexKind::Modifier).unwrap_or_default(),
            }));
            continue;
        }
        let value = char.or_else(|| non_empty(try_consume(&mut i, LexKind::EscapedChar)));
        if let Some(value) = value {
            path.push_str(&value);
            continue;
        }
        if !path.is_empty() {
            result.push(Token::Text(std::mem::take(&mut path)));
        }
        if try_consume(&mut i, LexKind::Open).is_some() {
            let prefix = consume_text(&tokens, &mut i);
            let name = try_consume(&mut i, LexKind::Name).unwrap_or_default();
            let pattern = try_consume(&mut i, LexKind::Pattern).unwrap_or_default();
            let suffix = consume_text(&tokens, &mut i);
            must_consume(&tokens, &mut i, LexKind::Close)?;
            let key_name = if !name.is_empty() {
                KeyName::Named(name.clone())
            } else if !pattern.is_empty() {
                key += 1;
                KeyName::Index(key - 1)
            } else {
                KeyName::Named(String::new())
            };
            result.push(Token::Key(Key {
                name: key_name,
                pattern: if !name.is_empty() && pattern.is_empty() {
                    default_pattern.clone()
                } else {
                    pattern
                },
                prefix,
                suffix,
                modifier: try_consume(&mut i, LexKind::Modifier).unwrap_or_default(),
            }));
            continue;
        }
        must_consume(&tokens, &mut i, LexKind::End)?;
    }
    Ok(result)
}

fn consume_text(tokens: &[Lexeme], i: &mut usize) -> String {
    let mut result = String::new();
    while *i < tokens.len()
        && matches!(tokens[*i].kind, LexKind::Char | LexKind::EscapedChar)
        && !tokens[*i].value.is_empty()
    {
        result.push_str(&tokens[*i].value);
        *i += 1;
    }
    result
}

fn must_consume(tokens: &[Lexeme], i: &mut usize, kind: LexKind) -> Result<(), PatternError> {
    if *i < tokens.len() && tokens[*i].kind == kind {
        *i += 1;
        return Ok(());
    }
    let (next, index) = tokens
        .get(*i)
        .map(|t| (format!("{:?}", t.kind).to_uppercase(), t.index))
        .unwrap_or(("END".into(), 0));
    Err(PatternError(format!(
        "Unexpected {next} at {index}, expected {:?}",
        kind
    )))
}

/// JS `str.replace(/([.+*?=^!:${}()[\]|/\\])/g, "\\$1")`.
pub fn escape_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if ".+*?=^!:${}()[]|/\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `tokensToRegexp` with `end: true`, `start: true`, no `endsWith`, identity encode.
pub fn tokens_to_regexp(tokens: &[Token], options: &Options) -> String {
    let delimiter = format!(
        "[{}]",
        escape_string(options.delimiter.as_deref().unwrap_or("/#?"))
    );
    let mut route = String::from("^");
    for token in tokens {
        match token {
            Token::Text(text) => route.push_str(&escape_string(text)),
            Token::Key(key) => {
                let prefix = escape_string(&key.prefix);
                let suffix = escape_string(&key.suffix);
                if !key.pattern.is_empty() {
                    if !prefix.is_empty() || !suffix.is_empty() {
                        if key.modifier == "+" || key.modifier == "*" {
                            let m = if key.modifier == "*" { "?" } else { "" };
                            route.push_str(&format!(
                                "(?:{prefix}((?:{p})(?:{suffix}{prefix}(?:{p}))*){suffix}){m}",
                                p = key.pattern
                            ));
                        } else {
                            route.push_str(&format!(
                                "(?:{prefix}({}){suffix}){}",
                                key.pattern, key.modifier
                            ));
                        }
                    } else {
                        route.push_str(&format!("({}){}", key.pattern, key.modifier));
                    }
                } else {
                    route.push_str(&format!("(?:{prefix}{suffix}){}", key.modifier));
                }
            }
        }
    }
    if !options.strict {
        route.push_str(&delimiter);
        route.push('?');
    }
    route.push('$');
    js_regexp_source(&route)
}

/// What JS's `new RegExp(p).source` returns: `/` escaped outside character
/// classes (routing-utils reports `.source`, so this is part of the output).
fn js_regexp_source(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut chars = pattern.chars();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '[' => {
                in_class = true;
                out.push(c);
            }
            ']' => {
                in_class = false;
                out.push(c);
            }
            '/' if !in_class => out.push_str("\\/"),
            _ => out.push(c),
        }
    }
    out
}

/// The keys that become capture groups, in order (what `keys` collects).
pub fn capture_keys(tokens: &[Token]) -> Vec<&Key> {
    tokens
        .iter()
        .filter_map(|t| match t {
            Token::Key(k) if !k.pattern.is_empty() => Some(k),
            _ => None,
        })
        .collect()
}

/// `compile(str, { validate: false })(data)` where every value is a string.
/// A missing optional value is skipped; a missing required one is an error.
pub fn compile(
    template: &str,
    data: &HashMap<String, String>,
    options: &Options,
) -> Result<String, PatternError> {
    let tokens = parse(template, options)?;
    let mut path = String::new();
    for token in tokens {
        match token {
            Token::Text(text) => path.push_str(&text),
            Token::Key(key) => {
                let name = match &key.name {
                    KeyName::Named(n) => n.clone(),
                    KeyName::Index(i) => i.to_string(),
                };
                match data.get(&name) {
                    Some(value) => {
                        path.push_str(&key.prefix);
                        path.push_str(value);
                        path.push_str(&key.suffix);
                    }
                    None if key.modifier == "?" || key.modifier == "*" => {}
                    None => {
                        let kind = if key.modifier == "+" {
                            "an array"
                        } else {
                            "a string"
                        };
                        return Err(PatternError(format!("Expected \"{name}\" to be {kind}")));
                    }
                }
            }
        }
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(source: &str) -> String {
        tokens_to_regexp(
            &parse(source, &Options::vercel_source()).unwrap(),
            &Options::vercel_source(),
        )
    }

    // Expected strings produced by @vercel/routing-utils 6.6.0 `sourceToRegex`
    // (path-to-regexp 6.1.0) under node.
    #[test]
    fn sources_match_routing_utils_byte_for_byte() {
        let cases = [
            ("/(.*)", "^(?:\\/(.*))$"),
            (
                "/api/:path*",
                "^\\/api(?:\\/((?:[^\\/]+?)(?:\\/(?:[^\\/]+?))*))?$",
            ),
            ("/manifest.json", "^\\/manifest\\.json$"),
            ("/assets/(.*)", "^\\/assets(?:\\/(.*))$"),
            ("/:path((?!api/).*)", "^(?:\\/((?!api\\/).*))$"),
            ("/user/:id", "^\\/user(?:\\/([^\\/]+?))$"),
            ("/user/:id?", "^\\/user(?:\\/([^\\/]+?))?$"),
            (
                "/files/:rest+",
                "^\\/files(?:\\/((?:[^\\/]+?)(?:\\/(?:[^\\/]+?))*))$",
            ),
            ("/", "^\\/$"),
        ];
        for (source, want) in cases {
            assert_eq!(src(source), want, "{source}");
        }
    }

    #[test]
    fn keys_are_named_or_numbered() {
        let tokens = parse("/a/:x/(.*)", &Options::vercel_source()).unwrap();
        let names: Vec<KeyName> = capture_keys(&tokens)
            .iter()
            .map(|k| k.name.clone())
            .collect();
        assert_eq!(names, vec![KeyName::Named("x".into()), KeyName::Index(0)]);
    }

    #[test]
    fn bad_patterns_are_errors() {
        for bad in ["/:", "/(a", "/(?x)", "/((a))", "/()", "/{a"] {
            assert!(parse(bad, &Options::vercel_source()).is_err(), "{bad}");
        }
    }

    #[test]
    fn compile_fills_parameters() {
        let data: HashMap<String, String> = [("path".to_string(), "$1".to_string())]
            .into_iter()
            .collect();
        assert_eq!(
            compile("/api/:path*", &data, &Options::defaults()).unwrap(),
            "/api/$1"
        );
        assert_eq!(
            compile("/api/:other*", &data, &Options::defaults()).unwrap(),
            "/api"
        );
        assert!(compile("/x/:missing", &data, &Options::defaults()).is_err());
    }
}
