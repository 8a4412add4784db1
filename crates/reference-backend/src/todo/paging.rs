//! Page parameters of the Todo lists (`limit`, `offset`, `before`, `status`),
//! read leniently and refused with a 422 that names the parameter.

use crate::error::{ApiResult, AppError, FieldError};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    #[serde(default)]
    pub(crate) limit: Option<String>,
    #[serde(default)]
    pub(crate) offset: Option<String>,
    /// Messages: only those older than this message id.
    #[serde(default)]
    pub(crate) before: Option<String>,
    #[serde(default)]
    pub(crate) status: Option<String>,
}

impl PageQuery {
    /// `limit` within `1..=max`, or `default`.
    pub(crate) fn limit(&self, (default, max): (i64, i64)) -> ApiResult<i64> {
        number(self.limit.as_deref(), "limit", default, 1..=max)
    }

    /// `offset`, 0 or more.
    pub(crate) fn offset(&self) -> ApiResult<i64> {
        number(self.offset.as_deref(), "offset", 0, 0..=i64::MAX)
    }

    /// `before`, a message id, if given.
    pub(crate) fn before(&self) -> ApiResult<Option<i64>> {
        match self.before.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => number(Some(raw), "before", 0, 1..=i64::MAX).map(Some),
        }
    }
}

/// A query number in `range`, or `default` when absent; a 422 naming `name` otherwise.
fn number(
    raw: Option<&str>,
    name: &str,
    default: i64,
    range: std::ops::RangeInclusive<i64>,
) -> ApiResult<i64> {
    let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(default);
    };
    raw.parse::<i64>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| {
            AppError::Validation(vec![FieldError {
                loc: vec!["query".into(), name.into()],
                msg: format!(
                    "ensure this value is between {} and {}",
                    range.start(),
                    range.end()
                ),
                kind: "value_error.number".into(),
            }])
        })
}
