//! Tolerant readers of backend JSON, one of each, with names that say their
//! rules. Backends send ids as numbers or strings, numbers as strings, `null`
//! for missing parts: every reader takes what it can and says `None` otherwise.

use serde_json::{Map, Value};

/// A non-empty string (trimmed) or a number, as text: ids, names, labels.
pub(crate) fn scalar_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A string exactly as sent (message content keeps its spaces and lines).
pub(crate) fn exact_string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(str::to_string)
}

/// A finite number, or a string holding one.
pub(crate) fn number(v: Option<&Value>) -> Option<f64> {
    let n = match v? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => decimal(s)?,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

/// A finite number written as JSON writes one ("12.5", "-3", "1e3"), spaces
/// around it allowed. Read by serde_json's own number parser, which the app
/// carries anyway: `str::parse::<f64>` would add core's float parser and its
/// 10 KB table to every page for the same texts.
pub(crate) fn decimal(text: &str) -> Option<f64> {
    serde_json::from_str::<f64>(text)
        .ok()
        .filter(|n| n.is_finite())
}

/// A non-negative whole number (rounded), or a string holding one.
pub(crate) fn count(v: Option<&Value>) -> Option<u64> {
    number(v).filter(|n| *n >= 0.0).map(|n| n.round() as u64)
}

/// An object.
pub(crate) fn object(v: Option<&Value>) -> Option<&Map<String, Value>> {
    v?.as_object()
}

/// The first of `keys` present and not `null` (a field under any of its names).
pub(crate) fn first_present<'a>(map: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter()
        .find_map(|k| map.get(*k).filter(|v| !v.is_null()))
}

/// A list of texts: an array of scalars, or one non-empty string.
pub(crate) fn text_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items.iter().filter_map(|i| scalar_text(Some(i))).collect(),
        Some(Value::String(s)) if !s.trim().is_empty() => vec![s.trim().to_string()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_reader_says_its_rule() {
        assert_eq!(scalar_text(Some(&json!(" 7 "))), Some("7".into()));
        assert_eq!(scalar_text(Some(&json!(7))), Some("7".into()));
        assert_eq!(scalar_text(Some(&json!("  "))), None);
        assert_eq!(exact_string(Some(&json!(" a\nb "))), Some(" a\nb ".into()));
        assert_eq!(exact_string(Some(&json!(1))), None);
        assert_eq!(number(Some(&json!("12.5"))), Some(12.5));
        assert_eq!(number(Some(&json!(f64::MAX))), Some(f64::MAX));
        assert_eq!(number(Some(&json!("NaN"))), None);
        assert_eq!(number(Some(&json!(" -3 "))), Some(-3.0));
        assert_eq!(number(Some(&json!("1e3"))), Some(1000.0));
        assert_eq!(number(Some(&json!("0.1"))), Some(0.1));
        assert_eq!(number(Some(&json!("1e999"))), None);
        assert_eq!(number(Some(&json!("12 %"))), None);
        assert_eq!(number(Some(&json!("inf"))), None);
        assert_eq!(count(Some(&json!(-1))), None);
        assert_eq!(count(Some(&json!(2.6))), Some(3));
        let m = json!({"a": null, "b": 2});
        assert_eq!(
            first_present(m.as_object().unwrap(), &["a", "b"]),
            Some(&json!(2))
        );
        assert_eq!(text_list(Some(&json!(["x", 2, null]))), vec!["x", "2"]);
        assert_eq!(text_list(Some(&json!("one"))), vec!["one"]);
    }
}
