//! `ProxyUrl`: an HTTP proxy's address, which may carry a user name and password
//! (`http://user:password@proxy:3128`). It prints with the password masked, so a configuration
//! dump, an error or a log line never shows it.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// What a masked password is shown as.
const MASK: &str = "***";

/// A proxy URL that never prints its password.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl(Url);

impl ProxyUrl {
    /// Wraps a parsed URL.
    pub fn new(url: Url) -> Self {
        Self(url)
    }

    /// The URL with its password, for the HTTP client that authenticates to the proxy. Call sites
    /// of this are the only places the password is read.
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }
}

impl FromStr for ProxyUrl {
    type Err = url::ParseError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Url::parse(raw).map(Self)
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&masked(&self.0))
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ProxyUrl({})", masked(&self.0))
    }
}

/// `url` with its password replaced by `***` (the user name stays: it helps to tell proxies
/// apart and opens nothing alone).
pub fn masked(url: &Url) -> String {
    if url.password().is_none() {
        return url.to_string();
    }
    let mut shown = url.clone();
    // Only URLs that cannot have a password (`data:`, `mailto:`) refuse one; this one has one.
    let _ = shown.set_password(Some(MASK));
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_prints() {
        let proxy: ProxyUrl = "http://corp-user:S3cret-pw@proxy.corp.example:3128"
            .parse()
            .unwrap();
        for shown in [
            proxy.to_string(),
            format!("{proxy:?}"),
            format!("{proxy:#?}"),
        ] {
            assert!(!shown.contains("S3cret-pw"), "{shown}");
            assert!(
                shown.contains("corp-user:***@proxy.corp.example:3128"),
                "{shown}"
            );
        }
        assert_eq!(
            proxy.expose(),
            "http://corp-user:S3cret-pw@proxy.corp.example:3128/"
        );
        let plain: ProxyUrl = "http://127.0.0.1:9444".parse().unwrap();
        assert_eq!(plain.to_string(), "http://127.0.0.1:9444/");
    }
}
