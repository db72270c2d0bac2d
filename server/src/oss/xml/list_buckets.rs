//! `ListAllMyBucketsResult`: one page of ListBuckets.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::{XmlError, deserialize, present};
use crate::domain::{BucketName, Region};

const ROOT: &str = "ListAllMyBucketsResult";

/// One bucket as ListBuckets describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSummary {
    pub name: BucketName,
    /// The plain region id (from `Region`, or `Location` without `oss-` in older responses).
    pub region: Region,
    /// The public endpoint host, e.g. `oss-cn-hangzhou.aliyuncs.com`.
    pub extranet_endpoint: String,
    /// The internal endpoint host, e.g. `oss-cn-hangzhou-internal.aliyuncs.com`.
    pub intranet_endpoint: String,
    pub creation_date: Option<DateTime<Utc>>,
    pub storage_class: Option<String>,
    pub resource_group_id: Option<String>,
}

/// One page of ListBuckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListBucketsPage {
    pub buckets: Vec<BucketSummary>,
    /// Where the next page starts; `None` on the last page.
    pub next_marker: Option<String>,
    /// `Owner/ID`: the uid of the account whose buckets these are.
    pub owner_id: Option<String>,
}

#[derive(Deserialize)]
struct RawPage {
    #[serde(rename = "IsTruncated")]
    is_truncated: Option<String>,
    #[serde(rename = "NextMarker")]
    next_marker: Option<String>,
    #[serde(rename = "Buckets")]
    buckets: Option<RawBuckets>,
    #[serde(rename = "Owner")]
    owner: Option<RawOwner>,
}

#[derive(Deserialize)]
struct RawOwner {
    #[serde(rename = "ID")]
    id: Option<String>,
}

#[derive(Deserialize)]
struct RawBuckets {
    #[serde(rename = "Bucket", default)]
    bucket: Vec<RawBucket>,
}

#[derive(Deserialize)]
struct RawBucket {
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "Location")]
    location: Option<String>,
    #[serde(rename = "Region")]
    region: Option<String>,
    #[serde(rename = "CreationDate")]
    creation_date: Option<String>,
    #[serde(rename = "ExtranetEndpoint")]
    extranet_endpoint: Option<String>,
    #[serde(rename = "IntranetEndpoint")]
    intranet_endpoint: Option<String>,
    #[serde(rename = "StorageClass")]
    storage_class: Option<String>,
    #[serde(rename = "ResourceGroupId")]
    resource_group_id: Option<String>,
}

/// Parses a ListBuckets response. A missing `IsTruncated` means the last page; a truncated page
/// without a `NextMarker` is refused, since following it would loop or stop early.
pub fn parse_list_buckets(body: &[u8]) -> Result<ListBucketsPage, XmlError> {
    let raw: RawPage = deserialize(body, ROOT)?;
    let truncated = match present(raw.is_truncated).as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(XmlError::Value {
                element: "IsTruncated",
                detail: format!("{other:?} is not true or false"),
            });
        }
    };
    let next_marker = if truncated {
        Some(present(raw.next_marker).ok_or(XmlError::Value {
            element: "NextMarker",
            detail: "missing on a truncated page".into(),
        })?)
    } else {
        None
    };
    let buckets = raw
        .buckets
        .map(|b| b.bucket)
        .unwrap_or_default()
        .into_iter()
        .map(bucket_summary)
        .collect::<Result<_, _>>()?;
    Ok(ListBucketsPage {
        buckets,
        next_marker,
        owner_id: raw.owner.and_then(|o| present(o.id)),
    })
}

fn bucket_summary(raw: RawBucket) -> Result<BucketSummary, XmlError> {
    let value = |element: &'static str| move |detail: String| XmlError::Value { element, detail };
    let name = present(raw.name).ok_or_else(|| value("Name")("missing".into()))?;
    let name = BucketName::parse(&name).map_err(|e| value("Name")(e.to_string()))?;
    let region = present(raw.region)
        .or(present(raw.location))
        .ok_or_else(|| value("Region")(format!("missing for bucket {name}")))?;
    let region = Region::parse(&region).map_err(|e| value("Region")(e.to_string()))?;
    let creation_date = present(raw.creation_date)
        .map(|d| DateTime::parse_from_rfc3339(&d).map(|d| d.with_timezone(&Utc)))
        .transpose()
        .map_err(|e| value("CreationDate")(e.to_string()))?;
    Ok(BucketSummary {
        extranet_endpoint: present(raw.extranet_endpoint)
            .unwrap_or_else(|| region.extranet_endpoint()),
        intranet_endpoint: present(raw.intranet_endpoint)
            .unwrap_or_else(|| region.intranet_endpoint()),
        name,
        region,
        creation_date,
        storage_class: present(raw.storage_class),
        resource_group_id: present(raw.resource_group_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAST_PAGE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult>
  <Owner><ID>512**</ID><DisplayName>51264</DisplayName></Owner>
  <Buckets>
    <Bucket>
      <CreationDate>2014-02-17T18:12:43.000Z</CreationDate>
      <ExtranetEndpoint>oss-cn-shanghai.aliyuncs.com</ExtranetEndpoint>
      <IntranetEndpoint>oss-cn-shanghai-internal.aliyuncs.com</IntranetEndpoint>
      <Location>oss-cn-shanghai</Location>
      <Name>app-base-oss</Name>
      <Region>cn-shanghai</Region>
      <StorageClass>Standard</StorageClass>
      <ResourceGroupId>rg-aek27tc****</ResourceGroupId>
    </Bucket>
    <Bucket>
      <CreationDate>2014-02-25T11:21:04.000Z</CreationDate>
      <Location>oss-cn-hangzhou</Location>
      <Name>mybucket</Name>
      <StorageClass>IA</StorageClass>
    </Bucket>
  </Buckets>
</ListAllMyBucketsResult>"#;

    #[test]
    fn parses_a_last_page_without_paging_elements() {
        let page = parse_list_buckets(LAST_PAGE.as_bytes()).unwrap();
        assert_eq!(page.next_marker, None);
        assert_eq!(page.owner_id.as_deref(), Some("512**"));
        assert_eq!(page.buckets.len(), 2);
        let first = &page.buckets[0];
        assert_eq!(first.name.as_str(), "app-base-oss");
        assert_eq!(first.region.as_str(), "cn-shanghai");
        assert_eq!(first.resource_group_id.as_deref(), Some("rg-aek27tc****"));
        assert_eq!(
            first.creation_date.unwrap().to_rfc3339(),
            "2014-02-17T18:12:43+00:00"
        );
        // Older responses have only Location; endpoints are derived from the region then.
        let second = &page.buckets[1];
        assert_eq!(second.region.as_str(), "cn-hangzhou");
        assert_eq!(second.extranet_endpoint, "oss-cn-hangzhou.aliyuncs.com");
        assert_eq!(
            second.intranet_endpoint,
            "oss-cn-hangzhou-internal.aliyuncs.com"
        );
    }

    #[test]
    fn parses_a_truncated_page_and_its_marker() {
        let xml = r#"<ListAllMyBucketsResult><Prefix>my</Prefix><Marker>mb</Marker><MaxKeys>1</MaxKeys>
            <IsTruncated>true</IsTruncated><NextMarker>mybucket10</NextMarker>
            <Buckets><Bucket><Name>mybucket10</Name><Region>cn-beijing</Region></Bucket></Buckets>
            </ListAllMyBucketsResult>"#;
        let page = parse_list_buckets(xml.as_bytes()).unwrap();
        assert_eq!(page.next_marker.as_deref(), Some("mybucket10"));
        assert_eq!(page.buckets.len(), 1);
    }

    #[test]
    fn parses_an_account_without_buckets() {
        for xml in [
            "<ListAllMyBucketsResult><Owner><ID>1</ID></Owner><Buckets/></ListAllMyBucketsResult>",
            "<ListAllMyBucketsResult><Owner><ID>1</ID></Owner></ListAllMyBucketsResult>",
        ] {
            assert_eq!(parse_list_buckets(xml.as_bytes()).unwrap().buckets, vec![]);
        }
    }

    #[test]
    fn refuses_a_truncated_page_without_next_marker() {
        let xml = "<ListAllMyBucketsResult><IsTruncated>true</IsTruncated><Buckets/></ListAllMyBucketsResult>";
        assert!(matches!(
            parse_list_buckets(xml.as_bytes()),
            Err(XmlError::Value {
                element: "NextMarker",
                ..
            })
        ));
    }

    #[test]
    fn refuses_malformed_pages() {
        let cut = &LAST_PAGE[..LAST_PAGE.len() - 40];
        assert_eq!(parse_list_buckets(cut.as_bytes()), Err(XmlError::Truncated));
        let bad_name = LAST_PAGE.replace("mybucket", "My_Bucket");
        assert!(matches!(
            parse_list_buckets(bad_name.as_bytes()),
            Err(XmlError::Value {
                element: "Name",
                ..
            })
        ));
        let no_region = "<ListAllMyBucketsResult><Buckets><Bucket><Name>abc</Name></Bucket></Buckets></ListAllMyBucketsResult>";
        assert!(matches!(
            parse_list_buckets(no_region.as_bytes()),
            Err(XmlError::Value {
                element: "Region",
                ..
            })
        ));
        assert!(parse_list_buckets(b"<Error><Code>x</Code></Error>").is_err());
    }
}
