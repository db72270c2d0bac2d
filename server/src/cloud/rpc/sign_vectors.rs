//! The published RPC signature vector (GET and POST) and the encoding rules around it.

use super::*;

/// The vector's parameters (reference: alibaba-rpc.md, checked there with an independent
/// implementation).
const VECTOR: [(&str, &str); 8] = [
    ("AccessKeyId", "testid"),
    ("Action", "DescribeRegions"),
    ("Format", "XML"),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"),
    ("SignatureVersion", "1.0"),
    ("Timestamp", "2016-02-23T12:46:24Z"),
    ("Version", "2014-05-26"),
];

#[test]
fn the_published_vector_signs_get_and_post() {
    let canonical = canonical_query(VECTOR);
    let get = string_to_sign("GET", &canonical);
    assert_eq!(
        get,
        "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26"
    );
    assert_eq!(
        signature("testsecret", &get),
        "OLeaidS1JvxuMvnyHOwuJ+uX5qY="
    );
    let post = string_to_sign("POST", &canonical);
    assert_eq!(
        signature("testsecret", &post),
        "MxbnVAM4w6sft9xjVpe/GCKueuk="
    );
}

#[test]
fn order_of_parameters_and_a_present_signature_do_not_change_the_result() {
    let mut shuffled: Vec<(&str, &str)> = VECTOR.iter().rev().copied().collect();
    shuffled.push(("Signature", "ignored"));
    assert_eq!(canonical_query(shuffled), canonical_query(VECTOR));
}

#[test]
fn the_misspelt_timestamp_of_the_overview_page_is_not_our_vector() {
    // The documentation overview's `CT9X0...` belongs to a `TimeStamp` parameter; signing it
    // must give that value, and the real `Timestamp` must not.
    let misspelt: Vec<(&str, &str)> = VECTOR
        .iter()
        .map(|&(n, v)| (if n == "Timestamp" { "TimeStamp" } else { n }, v))
        .collect();
    let get = string_to_sign("GET", &canonical_query(misspelt));
    assert_eq!(
        signature("testsecret", &get),
        "CT9X0VtwR86fNWSnsc6v8YGOjuE="
    );
}

#[test]
fn encoding_follows_rfc_3986() {
    assert_eq!(percent_encode("a b*c~d"), "a%20b%2Ac~d");
    assert_eq!(
        percent_encode("acs:ram::1:role/x"),
        "acs%3Aram%3A%3A1%3Arole%2Fx"
    );
    assert_eq!(percent_encode("A-Z_a.z~0"), "A-Z_a.z~0");
    assert_eq!(percent_encode("+=&"), "%2B%3D%26");
    assert_eq!(percent_encode("生"), "%E7%94%9F");
    // Names sort by their encoded form, byte-wise: uppercase before lowercase.
    assert_eq!(
        canonical_query([("b", "1"), ("B", "2"), ("a", "3")]),
        "B=2&a=3&b=1"
    );
}

#[test]
fn nonces_are_unique_version_4_uuids() {
    let nonces: std::collections::HashSet<String> = (0..1000).map(|_| nonce()).collect();
    assert_eq!(nonces.len(), 1000);
    for n in nonces.iter().take(50) {
        let groups: Vec<&str> = n.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(
            groups[2].starts_with('4') && "89ab".contains(&groups[3][..1]),
            "{n}"
        );
    }
}

#[test]
fn timestamps_are_utc_whole_seconds() {
    let t = DateTime::parse_from_rfc3339("2016-02-23T12:46:24.731+00:00")
        .unwrap()
        .to_utc();
    assert_eq!(timestamp(t), "2016-02-23T12:46:24Z");
}
