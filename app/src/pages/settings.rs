//! Settings (admins only): the policy and remediation target, users and roles, API tokens, and
//! the scan schedule. Every form posts and is answered by a redirect, or by this page again with
//! the messages next to the fields.

use leptos::prelude::*;

use super::settings_access::{Created, Tokens, Users};
use super::settings_rules::Rules;
use crate::components::{Choice, Time, field_error};
use crate::model::{Chrome, PolicyForm, ScheduleInfo, SettingsModel};

/// The settings page.
#[component]
pub fn Settings(model: SettingsModel, chrome: Chrome) -> impl IntoView {
    let created = model
        .created_token
        .clone()
        .map(|token| view! { <Created token /> });
    view! {
        <h1>"Settings"</h1>
        {created}
        <nav class="pager" aria-label="Sections">
            <a href="#policy">"Policy"</a>
            <a href="#rules">"Rules"</a>
            <a href="#users">"Users"</a>
            <a href="#tokens">"API tokens"</a>
            <a href="#schedule">"Scan schedule"</a>
            <a href="/settings/accounts">"Accounts"</a>
            <a href="/settings/notifications">"Notifications"</a>
            <a href="/settings/permissions">"Permissions"</a>
        </nav>
        <Policy form=model.policy.clone() chrome=chrome.clone() />
        <Rules model=model.rules.clone() chrome=chrome.clone() />
        <Users model=model.clone() chrome=chrome.clone() />
        <Tokens model=model.clone() chrome=chrome.clone() />
        <Schedule schedule=model.schedule.clone() now=chrome.now.clone() />
    }
}

#[component]
fn Policy(form: PolicyForm, chrome: Chrome) -> impl IntoView {
    let errors = form.errors.clone();
    view! {
        <section id="policy" aria-labelledby="policy-title">
            <h2 id="policy-title">"Policy and remediation target"</h2>
            <p class="muted">"Changing the policy judges every bucket again at once; the change is recorded in the audit log."</p>
            <form method="post" action="/settings/policy">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <div class="field">
                    <label for="requirement">"A bucket is compliant when it has"</label>
                    <Choice id="requirement" current=form.requirement.clone() described_by="requirement-error"
                        options=vec![
                            ("any", "any default encryption (any)"),
                            ("kms", "SSE-KMS with any key (kms)"),
                            ("kms-cmk", "SSE-KMS with a customer CMK (kms-cmk)"),
                            ("sm4", "SM4: SSE-OSS SM4, or KMS with SM4 data encryption (sm4)"),
                        ] />
                    {field_error(errors.requirement.clone(), "requirement-error")}
                </div>
                <div class="field">
                    <label for="allowed_keys">"Allowed CMK ids (kms-cmk)"</label>
                    <textarea id="allowed_keys" name="allowed_keys" rows="3" cols="50"
                        aria-describedby="allowed-keys-hint allowed-keys-error">{form.allowed_keys.clone()}</textarea>
                    <p class="hint" id="allowed-keys-hint">"One per line; leave empty to accept any customer CMK."</p>
                    {field_error(errors.allowed_keys.clone(), "allowed-keys-error")}
                </div>
                <fieldset>
                    <legend>"Remediation target: what one-click remediation sets"</legend>
                    <div class="field">
                        <label for="target_algorithm">"Algorithm"</label>
                        <Choice id="target_algorithm" current=form.target_algorithm.clone() described_by="target-error"
                            options=vec![("AES256", "AES256 (SSE-OSS)"), ("SM4", "SM4 (SSE-OSS)"), ("KMS", "KMS (SSE-KMS)")] />
                        {field_error(errors.target.clone(), "target-error")}
                    </div>
                    <div class="field">
                        <label for="target_key">"KMS key id (KMS only)"</label>
                        <input id="target_key" name="target_key" type="text" value=form.target_key.clone()
                            maxlength="512" aria-describedby="target-key-hint target-key-error" />
                        <p class="hint" id="target-key-hint">"A CMK id, alias or ARN; empty for the OSS-managed key."</p>
                        {field_error(errors.target_key.clone(), "target-key-error")}
                    </div>
                    <div class="field">
                        <label for="target_data_encryption">"KMS data encryption (KMS only)"</label>
                        <Choice id="target_data_encryption" current=form.target_data_encryption.clone()
                            described_by="target-data-error" options=vec![("", "none (AES256)"), ("SM4", "SM4")] />
                        {field_error(errors.target_data_encryption.clone(), "target-data-error")}
                    </div>
                </fieldset>
                <p><button type="submit" class="primary">"Save policy"</button></p>
            </form>
        </section>
    }
}

#[component]
fn Schedule(schedule: ScheduleInfo, now: String) -> impl IntoView {
    let body = match (&schedule.interval, &schedule.next_due) {
        (None, _) => view! {
            <p>"Scheduled scans are disabled (OSS_AUDIT_SCAN_INTERVAL=0). Scans run only when started."</p>
        }
        .into_any(),
        (Some(interval), Some(due)) => view! {
            <p>{format!("A scan runs every {interval}. ")}"Next scan due "<Time at=due.clone() now=now.clone() />"."</p>
        }
        .into_any(),
        (Some(interval), None) => view! {
            <p>{format!("A scan runs every {interval}. The next scan is due now (the scheduler checks at least every minute).")}</p>
        }
        .into_any(),
    };
    let last = schedule.last_started.clone().map(|at| {
        view! { <p class="muted">"Counted from the start of the last finished scan, "<Time at=at now=now.clone() />"."</p> }
    });
    view! {
        <section id="schedule" aria-labelledby="schedule-title">
            <h2 id="schedule-title">"Scan schedule"</h2>
            {body}
            {last}
            <p class="muted">"The interval is set when the server starts, with OSS_AUDIT_SCAN_INTERVAL (e.g. 1h, 30m; 0 disables it)."</p>
        </section>
    }
}
