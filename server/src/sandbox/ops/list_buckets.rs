//! ListBuckets (GetService): prefix, exclusive marker, max-keys paging and resource groups.

use std::ops::Bound;

use http::HeaderMap;

use super::{Reply, iso8601};
use crate::domain::AccountUid;
use crate::sandbox::error::OssError;
use crate::sandbox::routing::query_value;
use crate::sandbox::state::{
    DEFAULT_RESOURCE_GROUP_ALIAS, DEFAULT_RESOURCE_GROUP_ID, SandboxBucket, SandboxState,
};
use crate::sandbox::xml::XmlWriter;

const DEFAULT_MAX_KEYS: usize = 100;
const MAX_MAX_KEYS: usize = 1000;
const RESOURCE_GROUP_HEADER: &str = "x-oss-resource-group-id";

/// Which resource groups to list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum GroupFilter {
    All,
    /// The default group (`None` in [`SandboxBucket::resource_group_id`]).
    Default,
    Named(String),
}

impl GroupFilter {
    /// Header absent: all; empty or `rg-default-id` (or the default group's own id): the default
    /// group; anything else: that group.
    fn from_headers(headers: &HeaderMap) -> Self {
        match headers.get(RESOURCE_GROUP_HEADER) {
            None => Self::All,
            Some(value) => match String::from_utf8_lossy(value.as_bytes()).trim() {
                "" | DEFAULT_RESOURCE_GROUP_ALIAS | DEFAULT_RESOURCE_GROUP_ID => Self::Default,
                other => Self::Named(other.to_owned()),
            },
        }
    }

    fn matches(&self, bucket: &SandboxBucket) -> bool {
        match self {
            Self::All => true,
            Self::Default => bucket.resource_group_id.is_none(),
            Self::Named(group) => bucket.resource_group_id.as_deref() == Some(group.as_str()),
        }
    }
}

/// `tag-key` (and optionally `tag-value`): only buckets carrying that tag.
struct TagFilter<'a> {
    key: &'a str,
    value: Option<&'a str>,
}

impl TagFilter<'_> {
    fn matches(&self, bucket: &SandboxBucket) -> bool {
        bucket
            .tags
            .get(self.key)
            .is_some_and(|v| self.value.is_none_or(|want| want == v))
    }
}

fn tag_filter(query: &[(String, String)]) -> Result<Option<TagFilter<'_>>, OssError> {
    match (
        query_value(query, "tag-key"),
        query_value(query, "tag-value"),
    ) {
        (None | Some(""), None) => Ok(None),
        (Some(key), value) if !key.is_empty() => Ok(Some(TagFilter { key, value })),
        (_, value) => Err(OssError::invalid_argument(
            "The tag-value parameter requires the tag-key parameter.",
            "0017-00000102",
            "tag-value",
            value.unwrap_or_default(),
        )),
    }
}

fn max_keys(query: &[(String, String)]) -> Result<usize, OssError> {
    match query_value(query, "max-keys") {
        None | Some("") => Ok(DEFAULT_MAX_KEYS),
        Some(raw) => match raw.parse::<usize>() {
            Ok(n) if (1..=MAX_MAX_KEYS).contains(&n) => Ok(n),
            _ => Err(OssError::invalid_argument(
                "Argument max-keys must be an integer between 1 and 1000.",
                "0017-00000101",
                "max-keys",
                raw,
            )),
        },
    }
}

/// Answers one page of `caller`'s buckets (another account's never show). Paging elements appear
/// only when the page is truncated, as OSS documents.
pub(crate) fn list_buckets(
    state: &SandboxState,
    caller: &AccountUid,
    query: &[(String, String)],
    headers: &HeaderMap,
) -> Result<Reply, OssError> {
    let max_keys = max_keys(query)?;
    let prefix = query_value(query, "prefix").unwrap_or_default();
    let marker = query_value(query, "marker").unwrap_or_default();
    let groups = GroupFilter::from_headers(headers);
    let tag = tag_filter(query)?;
    if tag.is_some() {
        state.count_tag_listing();
    }

    // Start at whichever is later, the marker (exclusive) or the prefix (inclusive): names
    // before the prefix cannot match, which keeps paging cheap with 100,000 buckets.
    let start = if marker >= prefix {
        Bound::Excluded(marker)
    } else {
        Bound::Included(prefix)
    };
    let page: Vec<SandboxBucket> = {
        let buckets = state.read();
        buckets
            .range::<str, _>((start, Bound::Unbounded))
            .map(|(_, bucket)| bucket)
            .take_while(|bucket| bucket.name.as_str().starts_with(prefix))
            .filter(|bucket| &bucket.owner == caller && groups.matches(bucket))
            .filter(|bucket| tag.as_ref().is_none_or(|t| t.matches(bucket)))
            .take(max_keys + 1)
            .cloned()
            .collect()
    };
    let truncated = page.len() > max_keys;
    let page = &page[..page.len().min(max_keys)];

    let mut xml = XmlWriter::new("ListAllMyBucketsResult");
    if truncated {
        xml.leaf("Prefix", prefix)
            .leaf("Marker", marker)
            .leaf("MaxKeys", &max_keys.to_string())
            .leaf("IsTruncated", "true")
            .leaf(
                "NextMarker",
                page.last().map(|b| b.name.as_str()).unwrap_or_default(),
            );
    }
    xml.start("Owner")
        .leaf("ID", caller.as_str())
        .leaf("DisplayName", caller.as_str())
        .end();
    let forged = state.faults.forged.listed();
    xml.start("Buckets");
    for bucket in page {
        let forged = forged.get(bucket.name.as_str());
        xml.start("Bucket")
            .leaf("Comment", "")
            .leaf("CreationDate", &iso8601(bucket.creation_date))
            .leaf(
                "ExtranetEndpoint",
                forged.map_or(&bucket.region.extranet_endpoint(), |f| f),
            )
            .leaf(
                "IntranetEndpoint",
                forged.map_or(&bucket.region.intranet_endpoint(), |f| f),
            )
            .leaf("Location", &bucket.region.location())
            .leaf("Name", bucket.name.as_str())
            .leaf("Region", bucket.region.as_str())
            .leaf("ResourceGroupId", bucket.resource_group_shown())
            .leaf("StorageClass", bucket.storage_class.as_str())
            .end();
    }
    xml.end();
    Ok(Reply::xml(xml.finish()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::{BucketName, Region};
    use crate::sandbox::estate::hub_uid;
    use crate::sandbox::faults::Faults;
    use crate::sandbox::keys::KeyRing;
    use crate::sandbox::routing::decode_query;
    use crate::sandbox::state::SANDBOX_RESOURCE_GROUP_ID;

    fn state(names: &[&str]) -> SandboxState {
        let buckets = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut b = SandboxBucket::new(
                    BucketName::parse(name).unwrap(),
                    Region::parse("cn-beijing").unwrap(),
                );
                if i % 2 == 1 {
                    b.resource_group_id = Some(SANDBOX_RESOURCE_GROUP_ID.into());
                }
                b
            })
            .collect();
        let faults = Faults::new(0.0, 0.0);
        SandboxState::new(buckets, faults, Duration::ZERO, 0, KeyRing::for_tests())
    }

    fn names(xml: &str) -> Vec<&str> {
        xml.split("<Name>")
            .skip(1)
            .filter_map(|s| s.split("</Name>").next())
            .collect()
    }

    fn list(state: &SandboxState, query: &str, group: Option<&str>) -> Result<String, OssError> {
        let mut headers = HeaderMap::new();
        if let Some(group) = group {
            headers.insert(RESOURCE_GROUP_HEADER, group.parse().unwrap());
        }
        list_buckets(state, &hub_uid(), &decode_query(Some(query)), &headers)
            .map(|r| r.xml.unwrap())
    }

    #[test]
    fn pages_are_sorted_exclusive_and_marked_only_when_truncated() {
        let s = state(&["ccc", "aaa", "bbb", "ddd", "eee"]);
        let first = list(&s, "max-keys=2", None).unwrap();
        assert_eq!(names(&first), ["aaa", "bbb"]);
        assert!(first.contains("<IsTruncated>true</IsTruncated>"));
        assert!(first.contains("<NextMarker>bbb</NextMarker>"));
        let last = list(&s, "marker=ccc&max-keys=2", None).unwrap();
        assert_eq!(names(&last), ["ddd", "eee"]);
        assert!(!last.contains("IsTruncated") && !last.contains("NextMarker"));
        assert!(!last.contains("<Marker>") && !last.contains("<MaxKeys>"));
        let all = list(&s, "prefix=&marker=&max-keys=100", None).unwrap();
        assert_eq!(names(&all).len(), 5);
        assert!(all.contains("<Location>oss-cn-beijing</Location>"));
        assert!(all.contains("<Region>cn-beijing</Region>"));
        assert!(all.contains("<CreationDate>2020-01-01T00:00:00.000Z</CreationDate>"));
    }

    #[test]
    fn prefix_and_marker_combine() {
        let s = state(&["ab-1", "ab-2", "ab-3", "ac-1", "aa-1"]);
        assert_eq!(
            names(&list(&s, "prefix=ab", None).unwrap()),
            ["ab-1", "ab-2", "ab-3"]
        );
        assert_eq!(
            names(&list(&s, "prefix=ab&marker=ab-1", None).unwrap()),
            ["ab-2", "ab-3"]
        );
        assert_eq!(
            names(&list(&s, "prefix=ab&marker=aa", None).unwrap()),
            ["ab-1", "ab-2", "ab-3"]
        );
        assert!(names(&list(&s, "prefix=ab&marker=zz", None).unwrap()).is_empty());
        let page = list(&s, "prefix=ab&max-keys=2", None).unwrap();
        assert!(
            page.contains("<Prefix>ab</Prefix>") && page.contains("<NextMarker>ab-2</NextMarker>")
        );
    }

    #[test]
    fn the_resource_group_header_filters() {
        let s = state(&["a-0", "a-1", "a-2", "a-3"]);
        assert_eq!(names(&list(&s, "", None).unwrap()).len(), 4);
        assert_eq!(names(&list(&s, "", Some("")).unwrap()), ["a-0", "a-2"]);
        assert_eq!(
            names(&list(&s, "", Some("rg-default-id")).unwrap()),
            ["a-0", "a-2"]
        );
        let custom = list(&s, "", Some(SANDBOX_RESOURCE_GROUP_ID)).unwrap();
        assert_eq!(names(&custom), ["a-1", "a-3"]);
        assert!(custom.contains("<ResourceGroupId>rg-aek27tc0sandbox</ResourceGroupId>"));
        assert!(names(&list(&s, "", Some("rg-other")).unwrap()).is_empty());
    }

    #[test]
    fn each_account_lists_only_its_own_buckets() {
        let s = state(&["a-0", "a-1", "a-2"]);
        let member = AccountUid::parse("1763082937549132").unwrap();
        s.update("a-1", |b| b.owner = member.clone());
        assert_eq!(names(&list(&s, "", None).unwrap()), ["a-0", "a-2"]);
        let theirs = list_buckets(&s, &member, &[], &HeaderMap::new()).unwrap();
        let xml = theirs.xml.unwrap();
        assert_eq!(names(&xml), ["a-1"]);
        assert!(xml.contains("<ID>1763082937549132</ID>"));
    }

    #[test]
    fn max_keys_must_be_between_1_and_1000() {
        let s = state(&["aaa"]);
        for bad in ["0", "1001", "-1", "ten", "1.5"] {
            let err = list(&s, &format!("max-keys={bad}"), None).unwrap_err();
            assert_eq!(
                (err.status.as_u16(), err.code),
                (400, "InvalidArgument"),
                "{bad}"
            );
        }
        assert!(list(&s, "max-keys=1000", None).is_ok());
        assert!(list(&s, "max-keys=", None).is_ok());
    }
}
