//! `Region`: a plain OSS region id such as `cn-hangzhou` (the V4 signing region).

use std::fmt;

/// A plain region id (`cn-hangzhou`), never the `oss-` prefixed location (`oss-cn-hangzhou`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Region(String);

/// Why a string is not a region id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{0:?} is not a region id (expected lowercase letters, digits and hyphens, e.g. cn-hangzhou)"
)]
pub struct RegionError(String);

impl Region {
    /// Parses a region id; an `oss-` prefixed location (`oss-cn-hangzhou`) is accepted and stripped.
    pub fn parse(raw: &str) -> Result<Self, RegionError> {
        let plain = raw.strip_prefix("oss-").unwrap_or(raw);
        let valid = (2..=64).contains(&plain.len())
            && plain
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !plain.starts_with('-')
            && !plain.ends_with('-');
        if valid {
            Ok(Self(plain.to_owned()))
        } else {
            Err(RegionError(raw.to_owned()))
        }
    }

    /// The plain region id, e.g. `cn-hangzhou`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The OSS location id, e.g. `oss-cn-hangzhou`.
    pub fn location(&self) -> String {
        format!("oss-{}", self.0)
    }

    /// The public endpoint host of this region, e.g. `oss-cn-hangzhou.aliyuncs.com`.
    pub fn extranet_endpoint(&self) -> String {
        format!("oss-{}.aliyuncs.com", self.0)
    }

    /// The internal (VPC) endpoint host of this region, e.g. `oss-cn-hangzhou-internal.aliyuncs.com`.
    pub fn intranet_endpoint(&self) -> String {
        format!("oss-{}-internal.aliyuncs.com", self.0)
    }

    /// Derives the region from an endpoint host such as `oss-cn-beijing.aliyuncs.com` or
    /// `bucket.oss-cn-beijing-internal.aliyuncs.com`; `None` for hosts that do not name a region.
    pub fn from_endpoint_host(host: &str) -> Option<Self> {
        let host = host.split(':').next().unwrap_or(host);
        let label = host
            .split('.')
            .find(|label| label.starts_with("oss-") && *label != "oss-accelerate")?;
        let plain = label.strip_prefix("oss-")?;
        let plain = plain.strip_suffix("-internal").unwrap_or(plain);
        Self::parse(plain).ok()
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Region {
    type Err = RegionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_the_oss_prefix() {
        assert_eq!(
            Region::parse("oss-cn-hangzhou").unwrap().as_str(),
            "cn-hangzhou"
        );
        assert_eq!(
            Region::parse("cn-hangzhou").unwrap().location(),
            "oss-cn-hangzhou"
        );
    }

    #[test]
    fn refuses_garbage() {
        assert!(Region::parse("CN_Hangzhou").is_err());
        assert!(Region::parse("").is_err());
        assert!(Region::parse("cn-hangzhou.evil").is_err());
    }

    #[test]
    fn reads_the_region_from_endpoint_hosts() {
        let region = |h| Region::from_endpoint_host(h).map(|r| r.as_str().to_owned());
        assert_eq!(
            region("oss-cn-beijing.aliyuncs.com").as_deref(),
            Some("cn-beijing")
        );
        assert_eq!(
            region("b1.oss-cn-beijing-internal.aliyuncs.com").as_deref(),
            Some("cn-beijing")
        );
        assert_eq!(
            region("oss-ap-southeast-1.aliyuncs.com:443").as_deref(),
            Some("ap-southeast-1")
        );
        assert_eq!(region("127.0.0.1:9000"), None);
        assert_eq!(region("oss-accelerate.aliyuncs.com"), None);
    }
}
