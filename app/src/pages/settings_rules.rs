//! The policy's rules on the settings page: a table in order (the first whose scope matches a
//! bucket decides, the default last), with forms to move a rule up or down, remove it, and add
//! one. Plain forms: it all works without JavaScript.

use leptos::prelude::*;

use crate::components::{Choice, field_error};
use crate::model::{Chrome, RuleRow, RulesModel};

/// The rules section.
#[component]
pub fn Rules(model: RulesModel, chrome: Chrome) -> impl IntoView {
    let scoped = model.rows.iter().filter(|r| !r.is_default).count();
    let rows = model
        .rows
        .iter()
        .cloned()
        .map(|row| view! { <Row row scoped csrf=chrome.csrf_token.clone() /> })
        .collect_view();
    let form = model.new_rule.clone();
    view! {
        <section id="rules" aria-labelledby="rules-title">
            <h2 id="rules-title">"Rules: requirements scoped to buckets"</h2>
            <p class="muted">"The first rule whose scope matches a bucket decides; the last rule, the default, decides every other bucket (it is the policy above). Every change judges all buckets again at once and is recorded in the audit log. Tags are read at the next scan."</p>
            <table class="data">
                <caption class="visually-hidden">"Policy rules in order"</caption>
                <thead><tr>
                    <th scope="col">"#"</th><th scope="col">"Scope"</th><th scope="col">"Requirement"</th>
                    <th scope="col">"Remediation target"</th><th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <form method="post" action="/settings/policy/rules">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <fieldset>
                    <legend>"Add a rule (before the default); give at least one scope condition"</legend>
                    {field_error(form.error.clone(), "rule-error")}
                    <div class="field">
                        <label for="rule_account">"Account"</label>
                        <input id="rule_account" name="rule_account" type="text" value=form.account.clone() maxlength="64" />
                    </div>
                    <div class="field">
                        <label for="rule_region">"Region"</label>
                        <input id="rule_region" name="rule_region" type="text" value=form.region.clone() maxlength="64"
                            placeholder="cn-shanghai" />
                    </div>
                    <div class="field">
                        <label for="rule_bucket">"Bucket name pattern"</label>
                        <input id="rule_bucket" name="rule_bucket" type="text" value=form.bucket.clone() maxlength="63"
                            placeholder="*-logs" aria-describedby="rule-bucket-hint" />
                        <p class="hint" id="rule-bucket-hint">"* stands for any run of characters."</p>
                    </div>
                    <div class="field">
                        <label for="rule_resource_group">"Resource group id"</label>
                        <input id="rule_resource_group" name="rule_resource_group" type="text"
                            value=form.resource_group.clone() maxlength="64" />
                    </div>
                    <div class="field">
                        <label for="rule_tag">"Bucket tag"</label>
                        <input id="rule_tag" name="rule_tag" type="text" value=form.tag.clone() maxlength="400"
                            placeholder="data-class=confidential" aria-describedby="rule-tag-hint" />
                        <p class="hint" id="rule-tag-hint">"key=value"</p>
                    </div>
                    <div class="field">
                        <label for="rule_requirement">"Requirement"</label>
                        <Choice id="rule_requirement" current=form.requirement.clone()
                            options=vec![("any", "any"), ("kms", "kms"), ("kms-cmk", "kms-cmk"), ("sm4", "sm4")] />
                    </div>
                    <div class="field">
                        <label for="rule_allowed_keys">"Allowed CMK ids (kms-cmk), one per line"</label>
                        <textarea id="rule_allowed_keys" name="rule_allowed_keys" rows="2" cols="50">{form.allowed_keys.clone()}</textarea>
                    </div>
                    <div class="field">
                        <label for="rule_target_algorithm">"Remediation algorithm"</label>
                        <Choice id="rule_target_algorithm" current=form.target_algorithm.clone()
                            options=vec![("AES256", "AES256"), ("SM4", "SM4"), ("KMS", "KMS")] />
                    </div>
                    <div class="field">
                        <label for="rule_target_key">"Remediation KMS key id (KMS only)"</label>
                        <input id="rule_target_key" name="rule_target_key" type="text" value=form.target_key.clone() maxlength="512" />
                    </div>
                    <div class="field">
                        <label for="rule_target_data_encryption">"Remediation KMS data encryption (KMS only)"</label>
                        <Choice id="rule_target_data_encryption" current=form.target_data_encryption.clone()
                            options=vec![("", "none (AES256)"), ("SM4", "SM4")] />
                    </div>
                    <p><button type="submit">"Add rule"</button></p>
                </fieldset>
            </form>
        </section>
    }
}

#[component]
fn Row(row: RuleRow, scoped: usize, csrf: String) -> impl IntoView {
    let number = row.number;
    let action = |what: &str| format!("/settings/policy/rules/{number}/{what}");
    let actions = (!row.is_default).then(|| {
        let up = (number > 1).then(|| {
            view! {
                <form method="post" action=action("move") class="inline">
                    <input type="hidden" name="csrf_token" value=csrf.clone() />
                    <input type="hidden" name="direction" value="up" />
                    <button type="submit" aria-label=format!("Move rule {number} up")>"Up"</button>
                </form>
            }
        });
        let down = (number < scoped).then(|| {
            view! {
                <form method="post" action=action("move") class="inline">
                    <input type="hidden" name="csrf_token" value=csrf.clone() />
                    <input type="hidden" name="direction" value="down" />
                    <button type="submit" aria-label=format!("Move rule {number} down")>"Down"</button>
                </form>
            }
        });
        view! {
            {up}
            {down}
            <form method="post" action=action("remove") class="inline">
                <input type="hidden" name="csrf_token" value=csrf.clone() />
                <button type="submit" aria-label=format!("Remove rule {number}")>"Remove"</button>
            </form>
        }
    });
    view! {
        <tr id=format!("rule-{number}")>
            <td>{number}</td>
            <td>{row.scope.clone()}</td>
            <td><code>{row.requirement.clone()}</code></td>
            <td>{row.target.clone()}</td>
            <td>{actions}</td>
        </tr>
    }
}
