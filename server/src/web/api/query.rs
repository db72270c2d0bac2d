//! Query-string parsing that never rejects the whole request: unknown parameters are ignored, bad
//! values are named in a 400.

use std::collections::HashMap;

use super::ApiError;

/// The decoded query parameters of a request (the last value wins).
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl Params {
    /// Decodes a raw query string.
    pub fn parse(raw: Option<&str>) -> Self {
        Self(
            url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// A non-empty parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A parameter that must be one of `allowed`.
    pub fn one_of(&self, name: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
        match self.get(name) {
            None => Ok(None),
            Some(value) if allowed.contains(&value) => Ok(Some(value.to_owned())),
            Some(value) => Err(ApiError::invalid(format!(
                "{name}={value:?} is not one of {}",
                allowed.join(", ")
            ))),
        }
    }

    /// A boolean parameter (`true` or `false`).
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, ApiError> {
        Ok(self.one_of(name, &["true", "false"])?.map(|v| v == "true"))
    }

    /// An integer parameter within `range`, or `default`.
    pub fn integer(
        &self,
        name: &str,
        range: std::ops::RangeInclusive<i64>,
        default: i64,
    ) -> Result<i64, ApiError> {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => match raw.parse::<i64>() {
                Ok(n) if range.contains(&n) => Ok(n),
                _ => Err(ApiError::invalid(format!(
                    "{name}={raw:?} must be a whole number from {} to {}",
                    range.start(),
                    range.end()
                ))),
            },
        }
    }

    /// An RFC 3339 time parameter.
    pub fn time(&self, name: &str) -> Result<Option<chrono::DateTime<chrono::Utc>>, ApiError> {
        self.get(name)
            .map(|raw| {
                chrono::DateTime::parse_from_rfc3339(raw)
                    .map(|t| t.with_timezone(&chrono::Utc))
                    .map_err(|_| {
                        ApiError::invalid(format!("{name}={raw:?} is not an RFC 3339 time"))
                    })
            })
            .transpose()
    }
}
