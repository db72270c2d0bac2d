//! The guard in front of every notification request: a receiver's host must be, or resolve to,
//! public addresses only ([`address::refusal`]). It is checked when a target is saved and again
//! before every request, and the delivery client resolves names through [`PublicResolver`], which
//! drops internal addresses, so the address connected to is one that was checked: a DNS answer
//! that changes after the check (rebinding) cannot point a request inward.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use super::address::refusal;
use crate::domain::NewTarget;

/// The variable that lets notifications reach internal addresses (for tests and labs).
pub const ALLOW_PRIVATE_VAR: &str = "OSS_AUDIT_NOTIFY_ALLOW_PRIVATE";

/// Where receivers may be: public addresses only, unless `allow_private` (local test receivers).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReceiverPolicy {
    /// Allow loopback, private and every other internal address (off by default).
    pub allow_private: bool,
}

/// Why a receiver's address is refused. Names the host, never the URL's path or query (where
/// webhook credentials live).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// The URL names an internal address itself.
    #[error("{host} is {why}; notifications are sent to public addresses only")]
    Internal { host: String, why: &'static str },
    /// The host name resolves to an internal address.
    #[error("{host} resolves to {address}, {why}; notifications are sent to public addresses only")]
    ResolvesInternal {
        host: String,
        address: IpAddr,
        why: &'static str,
    },
    /// The host name does not resolve.
    #[error("the host {host} could not be resolved")]
    Unresolved { host: String },
    /// The URL has no host.
    #[error("the URL has no host")]
    NoHost,
}

impl AddressError {
    /// Whether the refusal stays whatever DNS answers later (an address in the URL itself).
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Internal { .. } | Self::NoHost)
    }
}

/// A target whose receiver passed the guard when it was saved: the only kind the actions store.
#[derive(Debug, Clone)]
pub struct AdmittedTarget(NewTarget);

impl AdmittedTarget {
    /// The target.
    pub fn target(&self) -> &NewTarget {
        &self.0
    }
}

impl ReceiverPolicy {
    /// Admits `target` when its URL passes [`check`](Self::check).
    pub async fn admit(&self, target: NewTarget) -> Result<AdmittedTarget, AddressError> {
        self.check(target.url.expose()).await?;
        Ok(AdmittedTarget(target))
    }

    /// Checks that `url`'s host is a public address, or a name whose every address is public.
    pub async fn check(&self, url: &Url) -> Result<(), AddressError> {
        if self.allow_private {
            return Ok(());
        }
        let ip = match url.host() {
            None => return Err(AddressError::NoHost),
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(Host::Domain(name)) => return check_name(name).await,
        };
        match refusal(ip) {
            Some(why) => Err(AddressError::Internal {
                host: ip.to_string(),
                why,
            }),
            None => Ok(()),
        }
    }

    /// The resolver of the delivery client: names resolve to their public addresses only. The
    /// hosts of the proxies in the environment are exempt: an operator chose them.
    pub fn resolver(&self) -> Arc<PublicResolver> {
        Arc::new(PublicResolver {
            allow_private: self.allow_private,
            exempt: proxy_hosts(),
        })
    }
}

async fn lookup(name: &str) -> Result<Vec<SocketAddr>, AddressError> {
    let unresolved = || AddressError::Unresolved {
        host: name.to_owned(),
    };
    let found: Vec<SocketAddr> = tokio::net::lookup_host((name, 0))
        .await
        .map_err(|_| unresolved())?
        .collect();
    if found.is_empty() {
        return Err(unresolved());
    }
    Ok(found)
}

/// Every address of `name` must be public: a name that also points inward is refused when saved.
async fn check_name(name: &str) -> Result<(), AddressError> {
    for found in lookup(name).await? {
        if let Some(why) = refusal(found.ip()) {
            return Err(AddressError::ResolvesInternal {
                host: name.to_owned(),
                address: found.ip(),
                why,
            });
        }
    }
    Ok(())
}

/// The hosts of `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` (either case), which the delivery
/// client connects to instead of receivers when they are set.
fn proxy_hosts() -> Vec<String> {
    ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"]
        .iter()
        .flat_map(|name| [name.to_string(), name.to_ascii_lowercase()])
        .filter_map(|name| std::env::var(name).ok())
        .filter_map(|raw| Url::parse(raw.trim()).ok())
        .filter_map(|url| url.host_str().map(str::to_ascii_lowercase))
        .collect()
}

/// A DNS resolver that answers only with public addresses (see the module documentation).
#[derive(Debug)]
pub struct PublicResolver {
    allow_private: bool,
    /// Host names resolved without filtering (the configured proxies).
    exempt: Vec<String>,
}

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let filter =
            !self.allow_private && !self.exempt.iter().any(|e| e.eq_ignore_ascii_case(&host));
        Box::pin(async move {
            let found = lookup(&host).await?;
            if !filter {
                return Ok(Box::new(found.into_iter()) as Addrs);
            }
            let (public, internal): (Vec<SocketAddr>, Vec<SocketAddr>) = found
                .into_iter()
                .partition(|address| refusal(address.ip()).is_none());
            match (public.is_empty(), internal.first()) {
                (false, _) => Ok(Box::new(public.into_iter()) as Addrs),
                (true, Some(first)) => Err(Box::new(AddressError::ResolvesInternal {
                    host,
                    address: first.ip(),
                    why: refusal(first.ip()).unwrap_or("internal"),
                })
                    as Box<dyn std::error::Error + Send + Sync>),
                (true, None) => Err(Box::new(AddressError::Unresolved { host })
                    as Box<dyn std::error::Error + Send + Sync>),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(raw: &str) -> Url {
        Url::parse(raw).unwrap()
    }

    #[tokio::test]
    async fn urls_naming_internal_addresses_are_refused_unless_allowed() {
        let guard = ReceiverPolicy::default();
        for raw in [
            "http://127.0.0.1:9/x",
            "http://100.100.100.200/latest/meta-data/",
            "http://[::1]/",
            "http://[::ffff:10.0.0.1]/",
            "http://2130706433/",
            "http://0x7f.1/",
        ] {
            let refused = guard.check(&url(raw)).await.unwrap_err();
            assert!(refused.is_permanent(), "{raw}: {refused}");
        }
        let allowed = ReceiverPolicy {
            allow_private: true,
        };
        assert_eq!(allowed.check(&url("http://127.0.0.1:9/x")).await, Ok(()));
        assert_eq!(guard.check(&url("https://8.8.8.8/hook")).await, Ok(()));
    }

    #[tokio::test]
    async fn a_name_for_loopback_is_refused_when_saved_and_when_resolved() {
        let guard = ReceiverPolicy::default();
        let refused = guard
            .check(&url("http://localhost:8080/hook"))
            .await
            .unwrap_err();
        assert!(
            matches!(refused, AddressError::ResolvesInternal { ref host, why: "a loopback address", .. } if host == "localhost"),
            "{refused}"
        );
        assert!(!refused.is_permanent());
        let resolver = guard.resolver();
        let name: Name = "localhost".parse().unwrap();
        let answer = resolver.resolve(name).await;
        let error = answer.err().expect("no address is given out").to_string();
        assert!(error.contains("localhost resolves to"), "{error}");
    }

    #[test]
    fn the_metadata_service_is_named_in_the_refusal() {
        let message = AddressError::Internal {
            host: "100.100.100.200".into(),
            why: "the instance metadata service",
        }
        .to_string();
        assert_eq!(
            message,
            "100.100.100.200 is the instance metadata service; notifications are sent to public addresses only"
        );
    }
}
