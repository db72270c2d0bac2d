//! `POST /settings/policy` (admins): sets the policy and remediation target through
//! `actions::policy::set`, as the API and the CLI do; a form that cannot be used comes back with a
//! message next to the field (400) and nothing changed.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::FlashKind;
use app::model::{PolicyErrors, PolicyForm};

use super::page::page;
use crate::actions;
use crate::domain::{
    EncryptionRule, KmsDataEncryption, KmsKeyId, Policy, PolicyError, Requirement, Role,
    SseAlgorithm,
};
use crate::web::AppState;
use crate::web::pages::{PageError, flash};
use crate::web::session::CsrfForm;

/// The policy form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PolicyInput {
    #[serde(default)]
    requirement: String,
    /// One CMK id per line.
    #[serde(default)]
    allowed_keys: String,
    #[serde(default)]
    target_algorithm: String,
    #[serde(default)]
    target_key: String,
    #[serde(default)]
    target_data_encryption: String,
}

/// `POST /settings/policy`.
pub async fn submit(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<PolicyInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let policy = match validate(&form) {
        Ok(policy) => policy,
        Err(errors) => {
            let shown = PolicyForm {
                requirement: form.requirement.trim().to_owned(),
                allowed_keys: form.allowed_keys.clone(),
                target_algorithm: form.target_algorithm.trim().to_owned(),
                target_key: form.target_key.trim().to_owned(),
                target_data_encryption: form.target_data_encryption.trim().to_owned(),
                errors,
            };
            return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
                m.policy = shown;
            })
            .await;
        }
    };
    let actor = user.principal.actor();
    let judged = actions::policy::set(state.store(), state.account(), &policy, &actor).await?;
    let text = format!(
        "Policy saved: {} (target {}); {judged} buckets judged again.",
        policy.requirement.as_str(),
        policy.remediation_target
    );
    Ok((
        flash(jar, FlashKind::Success, &text),
        Redirect::to("/settings#policy"),
    )
        .into_response())
}

/// The policy the form describes, or a message per field.
fn validate(form: &PolicyInput) -> Result<Policy, PolicyErrors> {
    let mut errors = PolicyErrors::default();
    let mut allowed = Vec::new();
    for (line, raw) in form.allowed_keys.lines().enumerate() {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        match KmsKeyId::parse(raw) {
            Ok(key) => allowed.push(key),
            Err(err) => {
                errors.allowed_keys = Some(format!("Line {}: {err}.", line + 1));
                break;
            }
        }
    }
    let requirement = match Requirement::parse(form.requirement.trim(), allowed.clone()) {
        Ok(requirement) => Some(requirement),
        Err(_) => {
            errors.requirement = Some("Choose any, kms, kms-cmk or sm4.".to_owned());
            None
        }
    };
    if !allowed.is_empty() && !matches!(requirement, Some(Requirement::KmsCmk { .. })) {
        errors.allowed_keys = Some(
            "Allowed CMK ids are only used by kms-cmk: clear them, or choose kms-cmk.".to_owned(),
        );
    }
    let target = target(form, &mut errors);
    match (requirement, target) {
        (Some(requirement), Some(target)) if errors == PolicyErrors::default() => {
            Policy::new(requirement, target).map_err(|err| match err {
                PolicyError::TargetNotCompliant { target, requirement } => PolicyErrors {
                    target: Some(format!(
                        "{target} does not satisfy {requirement}: remediated buckets would still be non-compliant. Choose a target the policy accepts."
                    )),
                    ..PolicyErrors::default()
                },
                other => PolicyErrors {
                    requirement: Some(other.to_string()),
                    ..PolicyErrors::default()
                },
            })
        }
        _ => Err(errors),
    }
}

/// The remediation target of the form, leaving messages in `errors`.
fn target(form: &PolicyInput, errors: &mut PolicyErrors) -> Option<EncryptionRule> {
    let Ok(algorithm) = SseAlgorithm::parse(form.target_algorithm.trim()) else {
        errors.target = Some("Choose AES256, SM4 or KMS.".to_owned());
        return None;
    };
    let kms = algorithm == SseAlgorithm::Kms;
    let raw_key = form.target_key.trim();
    let key = match (raw_key.is_empty(), kms) {
        (true, _) => None,
        (false, false) => {
            errors.target_key = Some(format!(
                "A KMS key id is only used with KMS, not {algorithm}: clear it or choose KMS."
            ));
            None
        }
        (false, true) => match KmsKeyId::parse(raw_key) {
            Ok(key) => Some(key),
            Err(err) => {
                errors.target_key = Some(format!("Not a CMK id: {err}."));
                None
            }
        },
    };
    let raw_data = form.target_data_encryption.trim();
    let data = match (raw_data.is_empty(), kms) {
        (true, _) => None,
        (false, false) => {
            errors.target_data_encryption = Some(format!(
                "KMS data encryption is only used with KMS, not {algorithm}: choose none or KMS."
            ));
            None
        }
        (false, true) => match KmsDataEncryption::parse(raw_data) {
            Ok(data) => Some(data),
            Err(_) => {
                errors.target_data_encryption = Some("It can only be SM4.".to_owned());
                None
            }
        },
    };
    EncryptionRule::from_parts(algorithm, key, data).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(requirement: &str, keys: &str, algorithm: &str, key: &str) -> PolicyInput {
        PolicyInput {
            requirement: requirement.into(),
            allowed_keys: keys.into(),
            target_algorithm: algorithm.into(),
            target_key: key.into(),
            target_data_encryption: String::new(),
        }
    }

    #[test]
    fn a_target_the_requirement_refuses_is_reported_next_to_the_target() {
        let errors = validate(&input("kms", "", "AES256", "")).unwrap_err();
        assert!(errors.target.unwrap().contains("does not satisfy kms"));
        let policy = validate(&input("kms-cmk", "alias/a\n\nalias/b\n", "KMS", "alias/a")).unwrap();
        assert_eq!(policy.requirement.allowed_keys().len(), 2);
    }

    #[test]
    fn fields_that_do_not_belong_together_are_refused() {
        let errors = validate(&input("any", "alias/a", "AES256", "alias/a")).unwrap_err();
        assert!(errors.allowed_keys.is_some());
        assert!(errors.target_key.is_some());
        let errors = validate(&input("bogus", "", "DES", "")).unwrap_err();
        assert!(errors.requirement.is_some() && errors.target.is_some());
    }
}
