//! Property tests of the pages' parsers of outside input: the bucket list's URL query (also the
//! CSV export's), the encryption form, and the `next` path of the sign-in form. Whatever a client
//! sends, they never panic and never keep part of a value: what they return is complete, and
//! written back into a query or a form it parses to itself.

use proptest::prelude::*;

use super::bucket_form::{EncryptionInput, validate};
use super::buckets::{ListView, parse_view};
use crate::domain::{EncryptionRule, Region};
use crate::web::session::local_path;

/// Keys and values the list understands, and some it does not, for queries that get past the
/// first checks.
const KEYS: &[&str] = &[
    "status",
    "compliant",
    "region",
    "sse_algorithm",
    "q",
    "sort",
    "dir",
    "page",
    "x",
    "",
];
const VALUES: &[&str] = &[
    "encrypted",
    "unencrypted",
    "unknown",
    "true",
    "false",
    "cn-hangzhou",
    "oss-cn-beijing",
    "AES256",
    "KMS",
    "SM4",
    "kms",
    "name",
    "region",
    "scanned",
    "asc",
    "desc",
    "1",
    "2",
    "0",
    "-1",
    "99999999999999999999",
    " ",
    "%",
    "%zz",
    "%E2%80%9C",
    "+",
    "&",
    "=",
    "a b",
    "\u{202e}",
    "\0",
    "Bücket",
    "<script>",
];

/// A query string of known and unknown keys with known, odd and random values.
fn query() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        (0..VALUES.len()).prop_map(|i| VALUES[i].to_owned()),
        ".{0,120}",
    ];
    proptest::collection::vec(((0..KEYS.len()), value, any::<bool>()), 0..10).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(key, value, encode)| {
                let value = if encode {
                    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
                } else {
                    value
                };
                format!("{}={value}", KEYS[key])
            })
            .collect::<Vec<_>>()
            .join("&")
    })
}

/// One of `known`, or a string matching `random`.
fn known_or_random(
    known: &'static [&'static str],
    random: &'static str,
) -> impl Strategy<Value = String> {
    prop_oneof![
        (0..known.len()).prop_map(move |i| known[i].to_owned()),
        random,
    ]
}

/// The query string that asks for exactly `view`.
fn written(view: &ListView) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    let f = &view.filters;
    for (key, value) in [
        ("status", f.status.as_str()),
        ("compliant", f.compliant.as_str()),
        ("region", f.region.as_str()),
        ("sse_algorithm", f.sse_algorithm.as_str()),
        ("q", f.q.as_str()),
        ("sort", view.sort),
        ("dir", if view.query.descending { "desc" } else { "asc" }),
    ] {
        query.append_pair(key, value);
    }
    query.append_pair("page", &view.page.to_string());
    query.finish()
}

/// Every part of a parsed view is a whole, valid value, and the view survives a round trip.
fn check_view(raw: &str) {
    let view = parse_view(Some(raw));
    let f = &view.filters;
    assert!(["", "encrypted", "unencrypted", "unknown"].contains(&f.status.as_str()));
    assert!(["", "true", "false", "exempt"].contains(&f.compliant.as_str()));
    assert!(["", "AES256", "KMS", "SM4"].contains(&f.sse_algorithm.as_str()));
    assert!(f.region.is_empty() || Region::parse(&f.region).is_ok_and(|r| r.as_str() == f.region));
    assert!(f.q.chars().count() <= 100);
    assert!(view.page >= 1);
    let again = parse_view(Some(&written(&view)));
    assert_eq!(again.filters, view.filters, "{raw:?}");
    assert_eq!(again.query, view.query, "{raw:?}");
    assert_eq!((again.sort, again.page), (view.sort, view.page), "{raw:?}");
    assert!(again.notes.is_empty(), "{:?}", again.notes);
}

/// The form fields that ask for exactly `rule`.
fn form_of(rule: &EncryptionRule) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("sse_algorithm", rule.algorithm().as_str());
    form.append_pair(
        "kms_master_key_id",
        rule.kms_key_id().map_or("", |k| k.as_str()),
    );
    if let Some(data) = rule.kms_data_encryption() {
        form.append_pair("kms_data_encryption", data.as_str());
    }
    form.finish()
}

/// A submitted encryption form is refused, or read as a rule that its own form reads back.
fn check_form(body: &[u8]) {
    let Ok(input) = serde_urlencoded::from_bytes::<EncryptionInput>(body) else {
        return;
    };
    if let Ok(rule) = validate(&input) {
        let again: EncryptionInput =
            serde_urlencoded::from_bytes(form_of(&rule).as_bytes()).expect("our own form");
        assert_eq!(validate(&again).ok(), Some(rule));
    }
}

/// A `next` value is refused, or kept whole as a path on this site.
fn check_next(raw: &str) {
    if let Some(path) = local_path(Some(raw)) {
        assert_eq!(path, raw.trim());
        assert!(path.starts_with('/') && !path.starts_with("//"), "{path:?}");
        assert!(!path.contains('\\') && !path.chars().any(char::is_control));
        assert_eq!(local_path(Some(&path)), Some(path.clone()));
    }
}

#[test]
fn a_search_cut_at_its_limit_reads_back_the_same() {
    // The cut falls just before a space: the kept search must not end with it, or the next
    // page (which trims its values) would search for something else.
    let raw = format!("q={}+tail", "a".repeat(99));
    check_view(&raw);
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn list_queries_read_whole_or_not_at_all(raw in query()) {
        check_view(&raw);
    }

    #[test]
    fn arbitrary_list_queries_never_break_the_parser(raw in ".{0,300}") {
        check_view(&raw);
    }

    #[test]
    fn encryption_forms_are_refused_or_read_whole(
        algorithm in known_or_random(&["AES256", "KMS", "SM4", " KMS "], ".{0,12}"),
        key in known_or_random(&["", "alias/prod", "9468da86-3509-4f8d-a61e-6eab1eac0000"], ".{0,80}"),
        data in proptest::option::of(known_or_random(&["SM4", ""], ".{0,8}")),
    ) {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("sse_algorithm", &algorithm);
        form.append_pair("kms_master_key_id", &key);
        if let Some(data) = &data {
            form.append_pair("kms_data_encryption", data);
        }
        check_form(form.finish().as_bytes());
    }

    #[test]
    fn arbitrary_form_bodies_never_break_the_parser(body in proptest::collection::vec(any::<u8>(), 0..300)) {
        check_form(&body);
    }

    #[test]
    fn next_paths_stay_on_this_site(raw in prop_oneof![".{0,80}", "/[/\\\\a-z.:%@ \t]{0,20}"]) {
        check_next(&raw);
    }
}
