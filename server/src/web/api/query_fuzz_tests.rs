//! Property tests of the API's query-string parser: whatever the query, `Params` never panics,
//! and each typed read is refused or returns a whole value within its bounds that reads back the
//! same from a query written from it.

use proptest::prelude::*;

use super::query::Params;

const NAMES: &[&str] = &["limit", "status", "compliant", "since", "cursor", ""];
const VALUES: &[&str] = &[
    "1",
    "1000",
    "1001",
    "0",
    "-5",
    "+7",
    "007",
    "9223372036854775808",
    "true",
    "false",
    "TRUE",
    "encrypted",
    "unknown",
    "2026-11-01T00:00:00Z",
    "2026-11-01T08:00:00+08:00",
    "2026-13-01T00:00:00Z",
    "%",
    "%zz",
    "&",
    "=",
    " ",
    "\u{0}",
];

fn query() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        (0..VALUES.len()).prop_map(|i| VALUES[i].to_owned()),
        ".{0,40}",
    ];
    proptest::collection::vec((0..NAMES.len(), value, any::<bool>()), 0..8).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(name, value, encode)| {
                let value = if encode {
                    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
                } else {
                    value
                };
                format!("{}={value}", NAMES[name])
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// `name=value`, written as a client would.
fn written(name: &str, value: &str) -> Params {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair(name, value);
    Params::parse(Some(&query.finish()))
}

fn check(raw: &str) {
    let params = Params::parse(Some(raw));
    if let Ok(limit) = params.integer("limit", 1..=1000, 100) {
        assert!((1..=1000).contains(&limit), "{raw:?}");
        if params.get("limit").is_some() {
            assert_eq!(
                written("limit", &limit.to_string())
                    .integer("limit", 1..=1000, 100)
                    .ok(),
                Some(limit)
            );
        }
    }
    let allowed = ["encrypted", "unencrypted", "unknown"];
    if let Ok(Some(status)) = params.one_of("status", &allowed) {
        assert!(allowed.contains(&status.as_str()), "{raw:?}");
    }
    if let Ok(Some(compliant)) = params.boolean("compliant") {
        assert_eq!(
            written("compliant", &compliant.to_string())
                .boolean("compliant")
                .ok(),
            Some(Some(compliant))
        );
    }
    if let Ok(Some(since)) = params.time("since") {
        assert_eq!(
            written("since", &since.to_rfc3339()).time("since").ok(),
            Some(Some(since))
        );
    }
    if let Some(cursor) = params.get("cursor") {
        assert!(!cursor.is_empty());
        assert_eq!(written("cursor", cursor).get("cursor"), Some(cursor));
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn api_queries_read_whole_or_not_at_all(raw in query()) {
        check(&raw);
    }

    #[test]
    fn arbitrary_api_queries_never_break_the_parser(raw in ".{0,200}") {
        check(&raw);
    }
}
