//! Access keys: read from the environment, held in types that never print their secrets, and
//! handed to the client by a provider so that they can change while the client runs.

use std::fmt;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::domain::Secret;

/// An access key pair, optionally with an STS security token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// The AccessKeyId; not secret, it appears in every `Authorization` header.
    pub access_key_id: String,
    /// The AccessKeySecret.
    pub access_key_secret: Secret,
    /// The STS token, sent as `x-oss-security-token`.
    pub security_token: Option<Secret>,
}

/// A missing or partial credential set, naming the variables to set; or a provider that could not
/// produce credentials.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CredentialsError {
    #[error(
        "no OSS credentials: set OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET (optionally OSS_SESSION_TOKEN), \
         or ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (optionally ALIBABA_CLOUD_SECURITY_TOKEN)"
    )]
    Missing,
    #[error("incomplete OSS credentials: {present} is set but {missing} is not")]
    Partial {
        present: &'static str,
        missing: &'static str,
    },
    /// The provider could not get credentials, e.g. STS refused AssumeRole. `cause` says why in
    /// full (its text carries the service's code and request id); `code` and `request_id` are
    /// copied out so callers can record them without knowing the provider's error type.
    #[error("could not obtain credentials: {cause}")]
    Unavailable {
        code: Option<String>,
        request_id: Option<String>,
        cause: Arc<dyn std::error::Error + Send + Sync>,
    },
}

impl CredentialsError {
    /// The service's error code, when a provider's service refused.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Unavailable { code, .. } => code.as_deref(),
            _ => None,
        }
    }

    /// The service's request id, when a provider's service answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Unavailable { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }
}

/// Where the client gets the credentials it signs each request with. Asked before every attempt,
/// so credentials that are refreshed while a long scan runs are picked up by its next request.
pub trait CredentialsProvider: fmt::Debug + Send + Sync {
    /// The credentials to sign the next request with.
    fn credentials(&self) -> BoxFuture<'_, Result<Arc<Credentials>, CredentialsError>>;

    /// OSS refused `used` as expired although the provider still held them (clocks disagree):
    /// forget them so the next call fetches new ones. Returns whether that can help, i.e.
    /// whether a retry may succeed.
    fn invalidate(&self, used: &Credentials) -> bool {
        let _ = used;
        false
    }
}

/// The same credentials for every request: the keys from the environment.
#[derive(Debug, Clone)]
pub struct StaticCredentials(Arc<Credentials>);

impl StaticCredentials {
    /// Always hands out `credentials`.
    pub fn new(credentials: Credentials) -> Self {
        Self(Arc::new(credentials))
    }
}

impl CredentialsProvider for StaticCredentials {
    fn credentials(&self) -> BoxFuture<'_, Result<Arc<Credentials>, CredentialsError>> {
        let credentials = Arc::clone(&self.0);
        Box::pin(async move { Ok(credentials) })
    }
}

/// One family of credential variable names.
struct VarNames {
    id: &'static str,
    secret: &'static str,
    token: &'static str,
}

const OSS_VARS: VarNames = VarNames {
    id: "OSS_ACCESS_KEY_ID",
    secret: "OSS_ACCESS_KEY_SECRET",
    token: "OSS_SESSION_TOKEN",
};
const ALIBABA_CLOUD_VARS: VarNames = VarNames {
    id: "ALIBABA_CLOUD_ACCESS_KEY_ID",
    secret: "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    token: "ALIBABA_CLOUD_SECURITY_TOKEN",
};

impl Credentials {
    /// Reads credentials from the process environment: the `OSS_*` names first, then the
    /// `ALIBABA_CLOUD_*` names.
    pub fn from_env() -> Result<Self, CredentialsError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads credentials through `lookup` (the environment in production, a map in tests).
    /// Empty values count as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, CredentialsError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        for names in [&OSS_VARS, &ALIBABA_CLOUD_VARS] {
            match (get(names.id), get(names.secret)) {
                (Some(id), Some(secret)) => {
                    return Ok(Self {
                        access_key_id: id,
                        access_key_secret: Secret::new(secret),
                        security_token: get(names.token).map(Secret::new),
                    });
                }
                (Some(_), None) => {
                    return Err(CredentialsError::Partial {
                        present: names.id,
                        missing: names.secret,
                    });
                }
                (None, Some(_)) => {
                    return Err(CredentialsError::Partial {
                        present: names.secret,
                        missing: names.id,
                    });
                }
                (None, None) => {}
            }
        }
        Err(CredentialsError::Missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn secrets_never_print() {
        let creds = Credentials {
            access_key_id: "LTAI".into(),
            access_key_secret: Secret::new("very-secret"),
            security_token: Some(Secret::new("sts-secret")),
        };
        let shown = format!("{creds:?} {}", creds.access_key_secret);
        assert!(
            !shown.contains("very-secret") && !shown.contains("sts-secret"),
            "{shown}"
        );
    }

    #[test]
    fn oss_names_win_over_alibaba_cloud_names() {
        let creds = Credentials::from_lookup(lookup(&[
            ("OSS_ACCESS_KEY_ID", "oss-id"),
            ("OSS_ACCESS_KEY_SECRET", "oss-secret"),
            ("OSS_SESSION_TOKEN", "token"),
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ali-id"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ali-secret"),
        ]))
        .unwrap();
        assert_eq!(creds.access_key_id, "oss-id");
        assert_eq!(creds.security_token.unwrap().expose(), "token");
    }

    #[test]
    fn falls_back_to_alibaba_cloud_names() {
        let creds = Credentials::from_lookup(lookup(&[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ali-id"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ali-secret"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "ali-token"),
        ]))
        .unwrap();
        assert_eq!(creds.access_key_id, "ali-id");
        assert_eq!(creds.access_key_secret.expose(), "ali-secret");
        assert_eq!(creds.security_token.unwrap().expose(), "ali-token");
    }

    #[test]
    fn missing_and_partial_sets_name_the_variables() {
        assert!(matches!(
            Credentials::from_lookup(lookup(&[])),
            Err(CredentialsError::Missing)
        ));
        let err = Credentials::from_lookup(lookup(&[("OSS_ACCESS_KEY_ID", "id")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "incomplete OSS credentials: OSS_ACCESS_KEY_ID is set but OSS_ACCESS_KEY_SECRET is not"
        );
        assert!(
            CredentialsError::Missing
                .to_string()
                .contains("ALIBABA_CLOUD_ACCESS_KEY_ID")
        );
    }
}
