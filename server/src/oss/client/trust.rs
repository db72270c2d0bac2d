//! Which hosts a signed request may go to. A bucket's endpoint comes from OSS's own answers (the
//! `ExtranetEndpoint` and `IntranetEndpoint` of ListBuckets, the `Endpoint` of a wrong-region
//! 403), so a tampered or forged answer could otherwise send signed requests, and the STS token
//! with them, to any host it names.

use std::net::IpAddr;

use url::Url;

use crate::domain::Region;
use crate::oss::OssError;

/// The public domain of every OSS endpoint.
const OSS_DOMAIN: &str = "aliyuncs.com";

/// The longest endpoint an error message repeats (the value comes from outside).
const SHOWN_CHARS: usize = 120;

/// Accepts `endpoint` (a host, optionally `:port`, as OSS names endpoints) when it is an OSS
/// endpoint, `oss-<region>.aliyuncs.com` or `oss-<region>-internal.aliyuncs.com`, or a host
/// under the domain of the configured service endpoint (a private deployment, or the sandbox),
/// on the configured endpoint's port. Anything else is refused before any request is made.
pub(super) fn check_endpoint(
    operation: &'static str,
    endpoint: &str,
    configured: &Url,
) -> Result<(), OssError> {
    if is_trusted(endpoint, configured) {
        Ok(())
    } else {
        Err(OssError::UntrustedEndpoint {
            operation,
            endpoint: endpoint.chars().take(SHOWN_CHARS).collect(),
        })
    }
}

fn is_trusted(endpoint: &str, configured: &Url) -> bool {
    let (host, port) = match endpoint.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (endpoint, None),
    };
    // Only the configured port: an answer must not steer requests to another service.
    let port_ok = match port {
        None => true,
        Some(port) => configured.port().is_some_and(|p| p.to_string() == port),
    };
    if !port_ok || !is_dns_name(host) {
        return false;
    }
    let host = host.to_ascii_lowercase();
    is_oss_endpoint(&host) || is_under_configured_domain(&host, configured)
}

/// Letters, digits and hyphens in dot-separated labels: nothing that could change the meaning of
/// the URL it is put in (`@`, `/`, `?`, `#`, spaces, brackets).
fn is_dns_name(host: &str) -> bool {
    (1..=253).contains(&host.len())
        && host.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// `oss-<region>.aliyuncs.com` or `oss-<region>-internal.aliyuncs.com`.
fn is_oss_endpoint(host: &str) -> bool {
    let Some(label) = host
        .strip_suffix(OSS_DOMAIN)
        .and_then(|rest| rest.strip_suffix('.'))
    else {
        return false;
    };
    let Some(region) = label.strip_prefix("oss-") else {
        return false;
    };
    let region = region.strip_suffix("-internal").unwrap_or(region);
    !label.contains('.') && Region::parse(region).is_ok()
}

/// The configured endpoint's host itself, or a host under its parent domain (`oss.corp.example`
/// trusts `*.corp.example`); an IP address trusts only itself, and a two-label host only itself
/// and its subdomains, so that no public suffix is ever trusted whole.
fn is_under_configured_domain(host: &str, configured: &Url) -> bool {
    let Some(own) = configured.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    if host == own {
        return true;
    }
    if own.parse::<IpAddr>().is_ok() || own.starts_with('[') {
        return false;
    }
    let domain = match own.split_once('.') {
        Some((_, parent)) if parent.contains('.') => parent,
        _ => own.as_str(),
    };
    host.strip_suffix(domain)
        .is_some_and(|rest| rest.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trusted(endpoint: &str, configured: &str) -> bool {
        is_trusted(endpoint, &Url::parse(configured).unwrap())
    }

    #[test]
    fn oss_endpoints_of_any_region_are_trusted() {
        for endpoint in [
            "oss-cn-beijing.aliyuncs.com",
            "oss-eu-central-1-internal.aliyuncs.com",
            "OSS-CN-HANGZHOU.ALIYUNCS.COM",
        ] {
            assert!(trusted(endpoint, "https://oss.corp.example"), "{endpoint}");
        }
    }

    #[test]
    fn hosts_under_the_configured_domain_are_trusted() {
        let configured = "https://oss-cn-hangzhou.aliyuncs.com";
        assert!(trusted("oss-accelerate.aliyuncs.com", configured));
        assert!(trusted("cn-hangzhou.oss.aliyuncs.com", configured));
        let private = "http://oss-a.ops.corp.example:8080";
        assert!(trusted("oss-a.ops.corp.example:8080", private));
        assert!(trusted("oss-b.ops.corp.example", private));
        assert!(!trusted("oss-b.ops.corp.example:9090", private));
        assert!(!trusted("corp.example", private));
        assert!(trusted("127.0.0.1:9444", "http://127.0.0.1:9444"));
        assert!(!trusted("127.0.0.2:9444", "http://127.0.0.1:9444"));
        assert!(trusted("a.example.com", "https://example.com"));
        assert!(!trusted("evil.com", "https://example.com"));
    }

    #[test]
    fn other_hosts_and_malformed_endpoints_are_refused() {
        let configured = "https://oss-cn-hangzhou.aliyuncs.com";
        for endpoint in [
            "attacker.example.net",
            "oss-cn-beijing.aliyuncs.com.attacker.example.net",
            "aliyuncs.com.attacker.example.net",
            "oss-cn-beijing.aliyuncs.com:8080",
            "oss-cn-beijing.aliyuncs.com@attacker.example.net",
            "attacker.example.net/oss-cn-beijing.aliyuncs.com",
            "attacker.example.net#.aliyuncs.com",
            "127.0.0.1",
            "169.254.100.200",
            "[::1]",
            "",
            "-x.aliyuncs.com.evil",
            "a..aliyuncs.com",
            "evilaliyuncs.com",
        ] {
            assert!(!trusted(endpoint, configured), "{endpoint:?}");
        }
        // The OSS shape is trusted whatever the configured endpoint.
        assert!(trusted(
            "oss-cn-beijing.aliyuncs.com",
            "http://127.0.0.1:9444"
        ));
    }

    #[test]
    fn a_refused_endpoint_is_named_shortly_in_the_error() {
        let long = format!("{}.example.net", "a".repeat(5000));
        let err = check_endpoint(
            "GetBucketInfo",
            &long,
            &Url::parse("https://oss-cn-hangzhou.aliyuncs.com").unwrap(),
        )
        .unwrap_err();
        assert_eq!(err.kind_code(), "UntrustedEndpoint");
        assert!(err.to_string().len() < 400, "{err}");
    }
}
