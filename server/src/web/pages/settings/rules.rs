//! `POST /settings/policy/rules` (add), `/settings/policy/rules/{n}/remove` and
//! `/settings/policy/rules/{n}/move` (admins): each replaces the list of rules through
//! `actions::policy::set_rules`, as the API and the CLI do. A rule that cannot be used comes back
//! in the form with its message (400) and nothing changed.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::FlashKind;
use app::model::NewRuleForm;

use super::page::page;
use crate::actions;
use crate::domain::{Role, Rule, Rules};
use crate::store;
use crate::view::{RuleView, ScopeView, TargetView};
use crate::web::AppState;
use crate::web::pages::{PageError, flash};
use crate::web::session::{CsrfForm, CurrentUser, NoFields};

/// The add-rule form's fields.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RuleInput {
    #[serde(default)]
    rule_account: String,
    #[serde(default)]
    rule_region: String,
    #[serde(default)]
    rule_bucket: String,
    #[serde(default)]
    rule_resource_group: String,
    #[serde(default)]
    rule_tag: String,
    #[serde(default)]
    rule_requirement: String,
    #[serde(default)]
    rule_allowed_keys: String,
    #[serde(default)]
    rule_target_algorithm: String,
    #[serde(default)]
    rule_target_key: String,
    #[serde(default)]
    rule_target_data_encryption: String,
}

/// The move form: `up` or `down`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MoveInput {
    #[serde(default)]
    direction: String,
}

fn given(value: &str) -> Option<String> {
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

impl RuleInput {
    fn rule(&self, number: usize) -> Result<Rule, String> {
        RuleView {
            scope: ScopeView {
                account: given(&self.rule_account),
                region: given(&self.rule_region),
                bucket: given(&self.rule_bucket),
                resource_group: given(&self.rule_resource_group),
                tag: given(&self.rule_tag),
            },
            requirement: self.rule_requirement.trim().to_owned(),
            allowed_kms_keys: self.rule_allowed_keys.lines().filter_map(given).collect(),
            remediation_target: TargetView {
                sse_algorithm: self.rule_target_algorithm.trim().to_owned(),
                kms_master_key_id: given(&self.rule_target_key),
                kms_data_encryption: given(&self.rule_target_data_encryption),
            },
        }
        .to_rule(number)
        .map_err(|e| e.to_string())
    }

    fn shown(&self, error: String) -> NewRuleForm {
        NewRuleForm {
            account: self.rule_account.trim().to_owned(),
            region: self.rule_region.trim().to_owned(),
            bucket: self.rule_bucket.trim().to_owned(),
            resource_group: self.rule_resource_group.trim().to_owned(),
            tag: self.rule_tag.trim().to_owned(),
            requirement: self.rule_requirement.trim().to_owned(),
            allowed_keys: self.rule_allowed_keys.clone(),
            target_algorithm: self.rule_target_algorithm.trim().to_owned(),
            target_key: self.rule_target_key.trim().to_owned(),
            target_data_encryption: self.rule_target_data_encryption.trim().to_owned(),
            error: Some(error),
        }
    }
}

/// `POST /settings/policy/rules`: adds a rule before the default.
pub async fn add(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, form }: CsrfForm<RuleInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let current = store::current_rules(state.store(), state.account()).await?;
    let mut scoped = current.scoped().to_vec();
    let added = form.rule(scoped.len() + 1).and_then(|rule| {
        scoped.push(rule);
        Rules::new(scoped, current.default_policy().clone()).map_err(|e| e.to_string())
    });
    let rules = match added {
        Ok(rules) => rules,
        Err(error) => {
            let shown = form.shown(error);
            return page(&state, &user, &jar, StatusCode::BAD_REQUEST, |m| {
                m.rules.new_rule = shown;
            })
            .await;
        }
    };
    save(&state, jar, &user, &rules, "Rule added").await
}

/// `POST /settings/policy/rules/{n}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<usize>, PathRejection>,
    CsrfForm { user, form: _ }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let current = store::current_rules(state.store(), state.account()).await?;
    let mut scoped = current.scoped().to_vec();
    let Some(number) = path
        .ok()
        .map(|Path(n)| n)
        .filter(|n| (1..=scoped.len()).contains(n))
    else {
        return Ok(no_such_rule(jar));
    };
    scoped.remove(number - 1);
    let rules = Rules::new(scoped, current.default_policy().clone())?;
    save(
        &state,
        jar,
        &user,
        &rules,
        &format!("Rule {number} removed"),
    )
    .await
}

/// `POST /settings/policy/rules/{n}/move` with `direction` `up` or `down`.
pub async fn move_rule(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<usize>, PathRejection>,
    CsrfForm { user, form }: CsrfForm<MoveInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require(Role::Admin) {
        return Ok(refused.into_response());
    }
    let current = store::current_rules(state.store(), state.account()).await?;
    let mut scoped = current.scoped().to_vec();
    let Some(number) = path
        .ok()
        .map(|Path(n)| n)
        .filter(|n| (1..=scoped.len()).contains(n))
    else {
        return Ok(no_such_rule(jar));
    };
    let to = match form.direction.as_str() {
        "up" if number > 1 => number - 1,
        "down" if number < scoped.len() => number + 1,
        _ => {
            let text = "A rule moves up or down, within the rules before the default.";
            return Ok((
                flash(jar, FlashKind::Error, text),
                Redirect::to("/settings#rules"),
            )
                .into_response());
        }
    };
    scoped.swap(number - 1, to - 1);
    let rules = Rules::new(scoped, current.default_policy().clone())?;
    save(
        &state,
        jar,
        &user,
        &rules,
        &format!("Rule {number} moved to {to}"),
    )
    .await
}

fn no_such_rule(jar: CookieJar) -> Response {
    let text = "There is no such rule (the default is changed with the policy form).";
    (
        flash(jar, FlashKind::Error, text),
        Redirect::to("/settings#rules"),
    )
        .into_response()
}

async fn save(
    state: &AppState,
    jar: CookieJar,
    user: &CurrentUser,
    rules: &Rules,
    done: &str,
) -> Result<Response, PageError> {
    let actor = user.principal.actor();
    let judged = actions::policy::set_rules(state.store(), state.account(), rules, &actor).await?;
    let text = format!("{done}; {judged} buckets judged again.");
    Ok((
        flash(jar, FlashKind::Success, &text),
        Redirect::to("/settings#rules"),
    )
        .into_response())
}
