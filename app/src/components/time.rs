//! Times in ISO form with their relative age ("2026-11-26 10:04 UTC · 3 h ago").

use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// The age of `at` relative to `now` (both RFC 3339), e.g. `3 h ago`, or for a time still to come
/// `in 58 min`; empty when unparsable. Less than a minute either way (a clock slightly ahead of
/// the server's, say) is `just now`.
pub fn age(at: &str, now: &str) -> String {
    let (Ok(at), Ok(now)) = (
        DateTime::parse_from_rfc3339(at),
        DateTime::parse_from_rfc3339(now),
    ) else {
        return String::new();
    };
    let seconds = (now - at).num_seconds();
    if seconds.abs() < 60 {
        return "just now".to_owned();
    }
    let span = span(seconds.unsigned_abs());
    if seconds < 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// `45 min`, `3 h`, `6 d`: the largest whole unit of at least a minute.
fn span(seconds: u64) -> String {
    match seconds {
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    }
}

/// A `<time>` element: ISO form (UTC, to the minute) and its age.
#[component]
pub fn Time(at: String, now: String) -> impl IntoView {
    let shown = DateTime::parse_from_rfc3339(&at)
        .map(|t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| at.clone());
    let ago = age(&at, &now);
    view! {
        <time datetime=at.clone()>{shown}</time>
        <span class="age">" · " {ago}</span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_a_person_would_say_them() {
        let now = "2026-11-26T12:00:00Z";
        assert_eq!(age("2026-11-26T11:59:30Z", now), "just now");
        assert_eq!(age("2026-11-26T11:15:00Z", now), "45 min ago");
        assert_eq!(age("2026-11-26T09:00:00Z", now), "3 h ago");
        assert_eq!(age("2026-11-20T12:00:00Z", now), "6 d ago");
        assert_eq!(age("garbage", now), "");
    }

    #[test]
    fn times_to_come_say_how_far_ahead_they_are() {
        let now = "2026-11-26T12:00:00Z";
        assert_eq!(age("2026-11-26T12:58:00Z", now), "in 58 min");
        assert_eq!(age("2026-11-26T15:00:00Z", now), "in 3 h");
        assert_eq!(age("2026-11-28T12:00:00Z", now), "in 2 d");
        // A few seconds ahead is a clock a little fast, not the future.
        assert_eq!(age("2026-11-26T12:00:20Z", now), "just now");
        assert!(!age("2026-11-26T12:58:00Z", now).contains("future"));
    }
}
