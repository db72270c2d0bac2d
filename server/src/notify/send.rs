//! Sending one claimed delivery: the request each kind of receiver expects (signed webhook JSON,
//! signed DingTalk markdown, Slack mrkdwn), and what its answer means. A failure is kept as a
//! status code and a short reason of our own words: never the receiver's body, which would let
//! whoever adds a target read what an internal service answers.

use chrono::Utc;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use serde_json::{Value, json};

use super::config::DeliveryConfig;
use super::message::{Summary, summarise};
use super::sign::{dingtalk_sign, webhook_signature};
use crate::domain::{Event, TargetKind};
use crate::store::ClaimedDelivery;

/// How much of a DingTalk answer is read (to find its `errcode`).
const ANSWER_LIMIT: usize = 4096;

/// Why a delivery attempt failed, in words safe to store and show (no URL, no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    pub message: String,
    /// Retrying cannot help (the receiver refused the request itself, e.g. 404 or 403).
    pub permanent: bool,
}

impl SendFailure {
    fn retry(message: String) -> Self {
        Self {
            message,
            permanent: false,
        }
    }
}

/// Sends `delivery` once.
pub async fn send(
    http: &reqwest::Client,
    config: &DeliveryConfig,
    delivery: &ClaimedDelivery,
) -> Result<(), SendFailure> {
    let result = attempt(http, config, delivery).await;
    result.map_err(|failure| SendFailure {
        message: scrub(&failure.message, delivery),
        ..failure
    })
}

async fn attempt(
    http: &reqwest::Client,
    config: &DeliveryConfig,
    delivery: &ClaimedDelivery,
) -> Result<(), SendFailure> {
    let unreadable = |_| SendFailure {
        message: "the queued event could not be read (written by another version?)".to_owned(),
        permanent: true,
    };
    let event: Event = serde_json::from_str(&delivery.event).map_err(unreadable)?;
    let raw_event: Value = serde_json::from_str(&delivery.event).map_err(unreadable)?;
    let summary = summarise(&event, &delivery.account_name, &config.public_url);
    let target = &delivery.target;
    // Checked again at every attempt: the name may resolve elsewhere since the target was saved.
    // The client's resolver pins the connection to checked addresses; this check also covers
    // URLs naming an address, which are never resolved, and gives the refusal its words.
    config
        .receivers
        .check(target.url.expose())
        .await
        .map_err(|refused| SendFailure {
            message: format!("not sent: {refused}"),
            permanent: refused.is_permanent(),
        })?;
    let secret = target.secret.as_ref().map_or("", |s| s.expose());
    let mut url = target.url.expose().clone();
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(
        USER_AGENT,
        HeaderValue::from_static(concat!("oss-audit/", env!("CARGO_PKG_VERSION"))),
    );
    let body = match target.kind {
        TargetKind::Webhook => {
            let now = Utc::now();
            let body = json!({
                "id": delivery.id,
                "event": raw_event,
                // The account the event is about; the hub's for what concerns the whole estate.
                "account": event.account().unwrap_or(&delivery.account_name),
                "sent_at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "summary": summary.title,
                "link": summary.link.as_str(),
            })
            .to_string();
            let timestamp = now.timestamp();
            let signature = webhook_signature(secret, timestamp, body.as_bytes());
            for (name, value) in [
                ("x-oss-audit-event", event.kind().to_owned()),
                ("x-oss-audit-delivery", delivery.id.to_string()),
                ("x-oss-audit-timestamp", timestamp.to_string()),
                ("x-oss-audit-signature", signature),
            ] {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.insert(name, value);
                }
            }
            body
        }
        TargetKind::DingTalk => {
            let timestamp_ms = Utc::now().timestamp_millis();
            url.query_pairs_mut()
                .append_pair("timestamp", &timestamp_ms.to_string())
                .append_pair("sign", &dingtalk_sign(secret, timestamp_ms));
            dingtalk_body(&summary)
        }
        TargetKind::Slack => json!({ "text": summary.slack() }).to_string(),
    };
    let response = http
        .post(url)
        .headers(headers)
        .body(body)
        .timeout(config.timing.request_timeout)
        .send()
        .await
        .map_err(|e| transport(&e, config))?;
    let status = response.status();
    if !status.is_success() {
        let code = status.as_u16();
        return Err(SendFailure {
            message: status_failure(status),
            // The receiver refused the request itself; only a change of the target can help.
            permanent: status.is_client_error() && !matches!(code, 408 | 425 | 429),
        });
    }
    if target.kind == TargetKind::DingTalk {
        let answer = read_answer(response)
            .await
            .map_err(|e| transport(&e, config))?;
        dingtalk_outcome(&answer)?;
    }
    Ok(())
}

/// `HTTP 503 Service Unavailable`: the status and its standard reason, nothing the receiver wrote.
fn status_failure(status: reqwest::StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

fn dingtalk_body(summary: &Summary) -> String {
    json!({
        "msgtype": "markdown",
        "markdown": { "title": format!("oss-audit: {}", summary.title), "text": summary.dingtalk() },
    })
    .to_string()
}

/// DingTalk answers 200 even when it refuses: success is `errcode` 0. A refusal keeps the code
/// and our reason for the codes DingTalk documents; its `errmsg` is the receiver's text.
fn dingtalk_outcome(answer: &str) -> Result<(), SendFailure> {
    let parsed: Value = serde_json::from_str(answer).unwrap_or(Value::Null);
    match parsed.get("errcode").and_then(Value::as_i64) {
        Some(0) => Ok(()),
        Some(code) => {
            let reason = match code {
                300_001 => ": the robot's access_token is invalid",
                310_000 => ": the signature, a keyword or the IP allow-list was refused",
                130_101 => ": too many messages; DingTalk takes 20 a minute",
                _ => "",
            };
            Err(SendFailure::retry(format!(
                "DingTalk errcode {code}{reason}"
            )))
        }
        None => Err(SendFailure::retry(
            "DingTalk answered without an errcode".to_owned(),
        )),
    }
}

/// Reads at most [`ANSWER_LIMIT`] bytes of the answer (a receiver may answer with anything).
async fn read_answer(mut response: reqwest::Response) -> Result<String, reqwest::Error> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        let room = ANSWER_LIMIT.saturating_sub(bytes.len());
        bytes.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if bytes.len() >= ANSWER_LIMIT {
            break;
        }
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Describes a failure to get an answer, without the URL reqwest would otherwise include.
fn transport(err: &reqwest::Error, config: &DeliveryConfig) -> SendFailure {
    if err.is_timeout() {
        return SendFailure::retry(format!(
            "no answer within {}",
            humantime::format_duration(config.timing.request_timeout)
        ));
    }
    let mut message = if err.is_connect() {
        "could not connect".to_owned()
    } else {
        "the request failed".to_owned()
    };
    // The causes only: reqwest's own message names the URL.
    if let Some(cause) = std::error::Error::source(err) {
        message.push_str(": ");
        message.push_str(&crate::oss::error_chain(cause));
    }
    SendFailure::retry(message)
}

/// Removes the target's URL and secret from a message, should a cause or an answer repeat them.
fn scrub(message: &str, delivery: &ClaimedDelivery) -> String {
    let target = &delivery.target;
    let mut clean = message.replace(target.url.expose().as_str(), &target.url.masked());
    for (_, value) in target.url.expose().query_pairs() {
        if value.len() >= 8 {
            clean = clean.replace(value.as_ref(), "***");
        }
    }
    if let Some(secret) = target.secret.as_ref().map(|s| s.expose())
        && !secret.is_empty()
    {
        clean = clean.replace(secret, "***");
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_statuses_are_described_by_their_standard_reason() {
        assert_eq!(
            status_failure(reqwest::StatusCode::SERVICE_UNAVAILABLE),
            "HTTP 503 Service Unavailable"
        );
        let unusual = reqwest::StatusCode::from_u16(599).unwrap();
        assert_eq!(status_failure(unusual), "HTTP 599");
    }

    #[test]
    fn dingtalk_refusals_carry_errcode_never_errmsg() {
        assert!(dingtalk_outcome(r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        let refused =
            dingtalk_outcome(r#"{"errcode":310000,"errmsg":"sign not match, internal-detail"}"#)
                .unwrap_err();
        assert_eq!(
            refused.message,
            "DingTalk errcode 310000: the signature, a keyword or the IP allow-list was refused"
        );
        let unlisted = dingtalk_outcome(r#"{"errcode":7,"errmsg":"x-secret"}"#).unwrap_err();
        assert_eq!(unlisted.message, "DingTalk errcode 7");
        let html = dingtalk_outcome("<html>internal page</html>").unwrap_err();
        assert_eq!(html.message, "DingTalk answered without an errcode");
    }
}
