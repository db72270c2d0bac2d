//! Settings › Accounts: every account of the estate with its role and how its last scan went, for
//! everyone signed in; admins also get the add, remove and discover forms (plain posts, so they
//! work with JavaScript off).

use leptos::prelude::*;

use super::settings_access::RowAction;
use crate::components::{Time, field_error};
use crate::model::{
    AccountRow, AccountScanRow, AccountsModel, Chrome, DiscoverForm, DiscoveryResult,
    NewAccountForm,
};

/// The accounts page.
#[component]
pub fn Accounts(model: AccountsModel, chrome: Chrome) -> impl IntoView {
    let admin = chrome.is_admin();
    let now = chrome.now.clone();
    let rows = model
        .accounts
        .iter()
        .map(|account| {
            view! { <AccountLine account=account.clone() chrome=chrome.clone() now=now.clone() /> }
        })
        .collect_view();
    let crumb = if admin {
        view! { <p class="muted"><a href="/settings">"Settings"</a>" › Accounts"</p> }.into_any()
    } else {
        ().into_any()
    };
    let discovered = model
        .discovered
        .clone()
        .map(|found| view! { <Discovered found /> });
    let forms = admin.then(|| {
        view! {
            <AddAccount form=model.form.clone() chrome=chrome.clone() />
            <Discover form=model.discover.clone() chrome=chrome.clone() />
        }
    });
    let action_header = admin.then(|| view! { <th scope="col">"Action"</th> });
    view! {
        {crumb}
        <h1>"Accounts"</h1>
        <p>"oss-audit audits the account its keys belong to (the hub) and every member account below, reached by assuming a RAM role from the hub. Only a role's ARN and ExternalId are stored; the temporary keys STS hands out stay in memory."</p>
        {discovered}
        <section id="accounts" aria-labelledby="accounts-title">
            <h2 id="accounts-title">"The estate"</h2>
            <table class="data accounts">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Account id"</th>
                        <th scope="col">"Reached through"</th>
                        <th scope="col">"ExternalId"</th>
                        <th scope="col">"Last scan"</th>
                        {action_header}
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
        {forms}
    }
}

#[component]
fn AccountLine(account: AccountRow, chrome: Chrome, now: String) -> impl IntoView {
    let reached = match (&account.role_arn, account.hub) {
        (_, true) => view! { <span class="muted">"its own keys (hub)"</span> }.into_any(),
        (Some(arn), false) => view! { <code>{arn.clone()}</code> }.into_any(),
        (None, false) => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let endpoint = account
        .endpoint
        .clone()
        .map(|e| view! { <br /><span class="muted">{format!("endpoint {e}")}</span> });
    let external_id = if account.external_id_set {
        "set"
    } else {
        "—"
    };
    let last_scan = match (&account.removed_at, &account.last_scan) {
        (Some(at), _) => view! {
            <span class="badge unknown"><span aria-hidden="true">"⊘"</span>" removed"</span>" "
            <Time at=at.clone() now=now.clone() />
            <br /><span class="muted">"no longer scanned; its history stays"</span>
        }
        .into_any(),
        (None, Some(part)) => view! { <LastScan part=part.clone() now=now.clone() /> }.into_any(),
        (None, None) => view! { <span class="muted">"not scanned yet"</span> }.into_any(),
    };
    let action = chrome.is_admin().then(|| {
        if account.hub || account.removed_at.is_some() {
            ().into_any()
        } else {
            view! {
                <RowAction action=format!("/settings/accounts/{}/remove", account.name) label="Remove"
                    class="danger" aria_label=format!("Remove {}", account.name)
                    csrf_token=chrome.csrf_token.clone() />
            }
            .into_any()
        }
    });
    let action = action.map(|a| view! { <td>{a}</td> });
    let added_by = account
        .created_by
        .clone()
        .map(|by| view! { <br /><span class="muted">{format!("added by {by}")}</span> });
    view! {
        <tr id=format!("account-{}", account.name)>
            <td>{account.name.clone()}{added_by}</td>
            <td><code>{account.uid.clone().unwrap_or_else(|| "—".to_owned())}</code></td>
            <td>{reached}{endpoint}</td>
            <td>{external_id}</td>
            <td>{last_scan}</td>
            {action}
        </tr>
    }
}

#[component]
fn LastScan(part: AccountScanRow, now: String) -> impl IntoView {
    let (icon, class) = match part.status.as_str() {
        "completed" => ("✓", "badge ok"),
        "running" => ("…", "badge unknown"),
        _ => ("✗", "badge bad"),
    };
    let refusal = part.error_code.clone().map(|code| {
        let request = part
            .request_id
            .clone()
            .map(|id| format!(", request id {id}"))
            .unwrap_or_default();
        view! { <br /><span class="error-text">{format!("{code}{request}")}</span> }
    });
    let why = part
        .error
        .clone()
        .map(|e| view! { <br /><span class="muted">{e}</span> });
    view! {
        <span class=class><span aria-hidden="true">{icon}</span>{format!(" {}", part.status)}</span>" "
        <a href=format!("/scans#scan-{}", part.scan_id)>{format!("#{}", part.scan_id)}</a>" "
        <Time at=part.started_at.clone() now=now />
        {refusal}
        {why}
    }
}

/// What the discover form just did.
#[component]
fn Discovered(found: DiscoveryResult) -> impl IntoView {
    let list = |items: Vec<String>| {
        if items.is_empty() {
            view! { <span class="muted">"none"</span> }.into_any()
        } else {
            items.join(", ").into_any()
        }
    };
    let added = found
        .added
        .iter()
        .map(|(name, arn)| format!("{name} ({arn})"))
        .collect();
    let inactive = found
        .inactive
        .iter()
        .map(|(uid, status)| format!("{uid} ({status})"))
        .collect();
    view! {
        <section id="discovered" class="token-once" role="status" aria-labelledby="discovered-title">
            <h2 id="discovered-title">"Resource Directory members"</h2>
            <dl>
                <dt>{format!("Added ({})", found.added.len())}</dt>
                <dd id="discovered-added">{list(added)}</dd>
                <dt>{format!("Already audited ({})", found.known.len())}</dt>
                <dd id="discovered-known">{list(found.known.clone())}</dd>
                <dt>{format!("Left the directory, still audited ({})", found.left.len())}</dt>
                <dd id="discovered-left">{list(found.left.clone())}</dd>
                <dt>{format!("Removed here, not brought back ({})", found.removed_here.len())}</dt>
                <dd id="discovered-removed">{list(found.removed_here.clone())}</dd>
                <dt>{format!("Not active yet ({})", found.inactive.len())}</dt>
                <dd id="discovered-inactive">{list(inactive)}</dd>
            </dl>
            <p class="hint">"The next scan covers the accounts added. A member that left is not removed: remove it below to stop auditing it."</p>
        </section>
    }
}

#[component]
fn AddAccount(form: NewAccountForm, chrome: Chrome) -> impl IntoView {
    view! {
        <section id="add-account" aria-labelledby="add-account-title">
            <h2 id="add-account-title">"Add an account"</h2>
            <p class="muted">"Adding the name of a removed account brings it back with its history."</p>
            <form method="post" action="/settings/accounts">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <div class="field">
                    <label for="account-name">"Name"</label>
                    <input id="account-name" name="name" type="text" value=form.name.clone() maxlength="64"
                        required=true autocomplete="off" aria-describedby="account-name-hint account-name-error" />
                    <p class="hint" id="account-name-hint">"Letters, digits, '-', '_' or '.', e.g. payments-prod."</p>
                    {field_error(form.name_error.clone(), "account-name-error")}
                </div>
                <div class="field">
                    <label for="account-role">"Role ARN"</label>
                    <input id="account-role" name="role_arn" type="text" value=form.role_arn.clone() maxlength="256"
                        size="50" required=true autocomplete="off" aria-describedby="account-role-hint account-role-error" />
                    <p class="hint" id="account-role-hint">"acs:ram::<account id>:role/<role name>: a role in the member account that trusts the hub."</p>
                    {field_error(form.role_arn_error.clone(), "account-role-error")}
                </div>
                <div class="field">
                    <label for="account-external-id">"ExternalId (optional)"</label>
                    <input id="account-external-id" name="external_id" type="text" value=form.external_id.clone()
                        maxlength="1224" autocomplete="off" aria-describedby="account-external-id-error" />
                    {field_error(form.external_id_error.clone(), "account-external-id-error")}
                </div>
                <div class="field">
                    <label for="account-endpoint">"OSS endpoint (optional)"</label>
                    <input id="account-endpoint" name="endpoint" type="text" value=form.endpoint.clone()
                        maxlength="256" autocomplete="off" aria-describedby="account-endpoint-hint account-endpoint-error" />
                    <p class="hint" id="account-endpoint-hint">"Where its buckets are listed, e.g. oss-ap-southeast-1.aliyuncs.com; empty for the hub's."</p>
                    {field_error(form.endpoint_error.clone(), "account-endpoint-error")}
                </div>
                <p><button type="submit" class="primary">"Add account"</button></p>
            </form>
        </section>
    }
}

#[component]
fn Discover(form: DiscoverForm, chrome: Chrome) -> impl IntoView {
    view! {
        <section id="discover" aria-labelledby="discover-title">
            <h2 id="discover-title">"Discover a Resource Directory's members"</h2>
            <p class="muted">"Lists the members of the hub's Resource Directory and adds each active one not audited yet, reached through the role of this name in it. Running it again adds only new members."</p>
            {field_error(form.error.clone(), "discover-error")}
            <form method="post" action="/settings/accounts/discover">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <div class="field">
                    <label for="discover-role">"Role name"</label>
                    <input id="discover-role" name="role_name" type="text" value=form.role_name.clone() maxlength="64"
                        required=true autocomplete="off" aria-describedby="discover-role-error" />
                    {field_error(form.role_name_error.clone(), "discover-role-error")}
                </div>
                <div class="field">
                    <label for="discover-external-id">"ExternalId (optional)"</label>
                    <input id="discover-external-id" name="external_id" type="text" value=form.external_id.clone()
                        maxlength="1224" autocomplete="off" aria-describedby="discover-external-id-error" />
                    {field_error(form.external_id_error.clone(), "discover-external-id-error")}
                </div>
                <p><button type="submit" class="primary">"Discover members"</button></p>
            </form>
        </section>
    }
}
