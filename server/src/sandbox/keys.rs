//! The keys the sandbox accepts. Kept apart from `auth` so that the state can hold them without
//! depending on request authentication (which depends on routing, which depends on the state).

use crate::oss::Credentials;

/// The access keys the sandbox accepts: one permanent pair and one STS triple.
#[derive(Debug, Clone)]
pub(crate) struct KeyRing {
    pub(crate) access: Credentials,
    /// Its `access_key_id` starts with `STS.` and `security_token` is always set.
    pub(crate) sts: Credentials,
}

impl KeyRing {
    #[cfg(test)]
    pub(crate) fn for_tests() -> Self {
        use crate::oss::Secret;
        Self {
            access: Credentials {
                access_key_id: "LTAI5tTestKeyId".into(),
                access_key_secret: Secret::new("test-secret"),
                security_token: None,
            },
            sts: Credentials {
                access_key_id: "STS.TestKeyId".into(),
                access_key_secret: Secret::new("sts-secret"),
                security_token: Some(Secret::new("sts-token")),
            },
        }
    }
}
