//! How notifications are delivered (retries, timeouts, the dashboard's public address) and the
//! targets configured by environment variables.

use std::net::SocketAddr;
use std::time::Duration;

use url::Url;

use super::guard::ReceiverPolicy;
use crate::domain::{NewTarget, Secret, TargetInput, TargetKind};

/// What the delivery worker needs besides the store.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// The dashboard's address, for links in messages (`<base>/reports/7`).
    pub public_url: Url,
    pub timing: DeliveryTiming,
    /// Which addresses receivers may have.
    pub receivers: ReceiverPolicy,
}

impl DeliveryConfig {
    /// The defaults of `serve`, linking to `public_url`.
    pub fn new(public_url: Url) -> Self {
        Self {
            public_url,
            timing: DeliveryTiming::default(),
            receivers: ReceiverPolicy::default(),
        }
    }
}

/// Retries, timeouts and polling of deliveries.
#[derive(Debug, Clone, Copy)]
pub struct DeliveryTiming {
    /// The wait after the first failed attempt; it doubles with each further failure.
    pub retry_base: Duration,
    /// The longest wait between two attempts.
    pub retry_max: Duration,
    /// Attempts per delivery, the first included; after the last one it is `failed`.
    pub max_attempts: u32,
    /// The timeout of one whole request to a receiver.
    pub request_timeout: Duration,
    /// How often the worker looks for due deliveries when nothing woke it.
    pub poll_interval: Duration,
}

impl Default for DeliveryTiming {
    fn default() -> Self {
        Self {
            retry_base: Duration::from_secs(30),
            retry_max: Duration::from_secs(3600),
            max_attempts: 10,
            request_timeout: Duration::from_secs(10),
            poll_interval: Duration::from_secs(5),
        }
    }
}

/// Notification settings of the long-running process.
#[derive(Debug, Clone, Default)]
pub struct NotifyConfig {
    /// The dashboard's public address; `None`: `http://<listen address>`.
    pub public_url: Option<Url>,
    pub timing: DeliveryTiming,
    /// Targets from `OSS_AUDIT_WEBHOOK_URL` and friends, stored (named `env-…`) at start.
    pub env_targets: Vec<NewTarget>,
    /// Which addresses receivers may have (`OSS_AUDIT_NOTIFY_ALLOW_PRIVATE`).
    pub receivers: ReceiverPolicy,
}

impl NotifyConfig {
    /// The delivery settings of a process listening on `listen`.
    pub fn delivery(&self, listen: SocketAddr) -> DeliveryConfig {
        DeliveryConfig {
            public_url: self.public_url.clone().unwrap_or_else(|| local_url(listen)),
            timing: self.timing,
            receivers: self.receivers,
        }
    }
}

/// `http://<listen address>`, with an unspecified address reached through loopback.
fn local_url(mut listen: SocketAddr) -> Url {
    if listen.ip().is_unspecified() {
        listen.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    Url::parse(&format!("http://{listen}/"))
        .unwrap_or_else(|_| unreachable!("a socket address makes a valid URL"))
}

/// Targets configured by environment variables (or flags), stored at `serve` start as
/// `env-webhook`, `env-dingtalk` and `env-slack`. Values are credentials.
#[derive(Clone, Default)]
pub struct EnvTargets {
    /// A generic webhook receiving signed JSON (`OSS_AUDIT_WEBHOOK_URL`).
    pub webhook_url: Option<Secret>,
    /// The HMAC-SHA256 key of the webhook's `X-OSS-Audit-Signature` (`OSS_AUDIT_WEBHOOK_SECRET`).
    pub webhook_secret: Option<Secret>,
    /// A DingTalk custom robot URL, with its access_token (`OSS_AUDIT_DINGTALK_URL`).
    pub dingtalk_url: Option<Secret>,
    /// The robot's signing secret, SEC… (`OSS_AUDIT_DINGTALK_SECRET`).
    pub dingtalk_secret: Option<Secret>,
    /// A Slack incoming webhook URL (`OSS_AUDIT_SLACK_WEBHOOK_URL`).
    pub slack_webhook_url: Option<Secret>,
}

impl std::fmt::Debug for EnvTargets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The values are credentials: say only which are set.
        f.debug_struct("EnvTargets")
            .field("webhook", &self.webhook_url.is_some())
            .field("dingtalk", &self.dingtalk_url.is_some())
            .field("slack", &self.slack_webhook_url.is_some())
            .finish()
    }
}

impl EnvTargets {
    /// The configured targets, or what is wrong with them (naming variables, never values).
    pub fn check(&self) -> Result<Vec<NewTarget>, String> {
        let configured = [
            (
                TargetKind::Webhook,
                "OSS_AUDIT_WEBHOOK_URL",
                &self.webhook_url,
                ("OSS_AUDIT_WEBHOOK_SECRET", &self.webhook_secret),
            ),
            (
                TargetKind::DingTalk,
                "OSS_AUDIT_DINGTALK_URL",
                &self.dingtalk_url,
                ("OSS_AUDIT_DINGTALK_SECRET", &self.dingtalk_secret),
            ),
            (
                TargetKind::Slack,
                "OSS_AUDIT_SLACK_WEBHOOK_URL",
                &self.slack_webhook_url,
                ("", &None),
            ),
        ];
        let mut targets = Vec::new();
        for (kind, url_variable, url, (secret_variable, secret)) in configured {
            let Some(url) = url else {
                if secret.is_some() {
                    return Err(format!("{secret_variable} is set without {url_variable}"));
                }
                continue;
            };
            let name = format!("env-{kind}");
            let input = TargetInput {
                kind: kind.as_str(),
                name: &name,
                url: url.expose(),
                secret: secret.as_ref().map_or("", Secret::expose),
            };
            let target = NewTarget::parse(&input).map_err(|errors| {
                let mut problems = Vec::new();
                if let Some(e) = errors.url {
                    problems.push(format!("{url_variable}: {e}"));
                }
                if let Some(e) = errors.secret {
                    problems.push(format!("{secret_variable}: {e}"));
                }
                problems.join("; ")
            })?;
            targets.push(target);
        }
        Ok(targets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_url_defaults_to_the_listen_address() {
        let config = NotifyConfig::default();
        let listen = SocketAddr::from(([0, 0, 0, 0], 8080));
        assert_eq!(
            config.delivery(listen).public_url.as_str(),
            "http://127.0.0.1:8080/"
        );
    }

    #[test]
    fn env_targets_need_their_secrets_and_never_echo_values() {
        let args = EnvTargets {
            webhook_url: Some(Secret::new("https://hooks.example/in?key=s3cr3t")),
            webhook_secret: None,
            dingtalk_url: None,
            dingtalk_secret: Some(Secret::new("SECabc")),
            slack_webhook_url: None,
        };
        let error = args.check().unwrap_err();
        assert!(error.contains("OSS_AUDIT_WEBHOOK_SECRET"), "{error}");
        assert!(!error.contains("s3cr3t"));
        assert!(!format!("{args:?}").contains("s3cr3t"));
        let fixed = EnvTargets {
            webhook_secret: Some(Secret::new("k")),
            dingtalk_secret: None,
            slack_webhook_url: Some(Secret::new("https://hooks.slack.com/services/T/B/X")),
            ..args
        };
        let names: Vec<String> = fixed
            .check()
            .unwrap()
            .iter()
            .map(|t| t.name.to_string())
            .collect();
        assert_eq!(names, ["env-webhook", "env-slack"]);
    }
}
