//! The access sections of the settings page: users and roles, and API tokens (a new token is
//! shown once, on the answer to the form that created it), with the state badge and the one-button
//! row action that the notifications page's list uses too.

use leptos::prelude::*;

use crate::components::{Choice, Time, field_error};
use crate::model::{Chrome, CreatedToken, SettingsModel, TokenRow, UserRow};

/// How per-account roles are typed, in the user and token forms.
const ACCOUNTS_HINT: &str = "Optional. ACCOUNT=ROLE, separated by commas, e.g. payments-prod=operator: that role on those accounts instead of the one above. Viewer or operator; admin is for every account.";

/// `viewer`, or `viewer, operator on payments-prod`.
fn per_account(grants: &[String]) -> String {
    if grants.is_empty() {
        "—".to_owned()
    } else {
        grants.join(", ")
    }
}

const ROLES: [(&str, &str); 3] = [
    ("viewer", "viewer: reads, downloads reports"),
    (
        "operator",
        "operator: + scans, changes encryption, remediates",
    ),
    ("admin", "admin: + users, tokens, policy, settings"),
];

/// Users: the list with a disable button each, and the add-user form.
#[component]
pub fn Users(model: SettingsModel, chrome: Chrome) -> impl IntoView {
    let now = chrome.now.clone();
    let rows = model
        .users
        .iter()
        .map(|user| view! { <UserLine user=user.clone() chrome=chrome.clone() now=now.clone() /> })
        .collect_view();
    let form = model.new_user.clone();
    view! {
        <section id="users" aria-labelledby="users-title">
            <h2 id="users-title">"Users and roles"</h2>
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Per account"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Action"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h3>"Add a user"</h3>
            <form method="post" action="/settings/users" class="filters">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <div class="field">
                    <label for="user-name">"Name"</label>
                    <input id="user-name" name="name" type="text" value=form.name.clone() maxlength="64"
                        required=true autocomplete="off" aria-describedby="user-name-error" />
                    {field_error(form.name_error.clone(), "user-name-error")}
                </div>
                <div class="field">
                    <label for="role">"Role"</label>
                    <Choice id="role" current=form.role.clone() options=ROLES.to_vec() described_by="role-error" />
                    {field_error(form.role_error.clone(), "role-error")}
                </div>
                <div class="field">
                    <label for="user-accounts">"Per-account roles"</label>
                    <input id="user-accounts" name="accounts" type="text" value=form.accounts.clone() maxlength="2000"
                        autocomplete="off" aria-describedby="accounts-hint user-accounts-error" />
                    <p class="hint" id="accounts-hint">{ACCOUNTS_HINT}</p>
                    {field_error(form.accounts_error.clone(), "user-accounts-error")}
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" minlength="12" maxlength="1024"
                        required=true autocomplete="new-password" aria-describedby="password-hint password-error" />
                    <p class="hint" id="password-hint">"At least 12 characters. Hand it over in person; the user can sign in at once."</p>
                    {field_error(form.password_error.clone(), "password-error")}
                </div>
                <div class="field"><button type="submit" class="primary">"Add user"</button></div>
            </form>
        </section>
    }
}

#[component]
fn UserLine(user: UserRow, chrome: Chrome, now: String) -> impl IntoView {
    let status = match &user.disabled_at {
        Some(at) => view! { <StateBadge ok=false text="disabled" />" "<Time at=at.clone() now=now.clone() /> }
            .into_any(),
        None => view! { <StateBadge ok=true text="active" /> }.into_any(),
    };
    let action = if user.disabled_at.is_some() {
        ().into_any()
    } else if user.is_self {
        view! { <span class="muted">"(you)"</span> }.into_any()
    } else {
        let id = format!("roles-{}", user.name);
        let accounts_id = format!("roles-{}-accounts", user.name);
        view! {
            <details>
                <summary>"Change roles"</summary>
                <form method="post" action=format!("/settings/users/{}/role", user.name)>
                    <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                    <label for=id.clone()>"Role"</label>
                    <select id=id name="role">
                        {ROLES.iter().map(|(value, label)| {
                            let selected = *value == user.role;
                            view! { <option value=*value selected=selected>{*label}</option> }
                        }).collect_view()}
                    </select>
                    <label for=accounts_id.clone()>"Per-account roles"</label>
                    <input id=accounts_id name="accounts" type="text" value=user.grants.join(", ")
                        maxlength="2000" autocomplete="off" />
                    <button type="submit" aria-label=format!("Set the roles of {}", user.name)>"Set roles"</button>
                </form>
            </details>
            <RowAction action=format!("/settings/users/{}/disable", user.name) label="Disable"
                class="danger" aria_label=format!("Disable {}", user.name) csrf_token=chrome.csrf_token.clone() />
        }
        .into_any()
    };
    view! {
        <tr id=format!("user-{}", user.name)>
            <td>{user.name.clone()}</td>
            <td>{user.role.clone()}</td>
            <td>{per_account(&user.grants)}</td>
            <td><Time at=user.created_at.clone() now=now /></td>
            <td>{status}</td>
            <td>{action}</td>
        </tr>
    }
}

/// API tokens: the list with revoke buttons, and the create form.
#[component]
pub fn Tokens(model: SettingsModel, chrome: Chrome) -> impl IntoView {
    let now = chrome.now.clone();
    let rows = model
        .tokens
        .iter()
        .map(|token| view! { <TokenLine token=token.clone() chrome=chrome.clone() now=now.clone() /> })
        .collect_view();
    let list = if model.tokens.is_empty() {
        view! { <p class="muted">"No API tokens yet."</p> }.into_any()
    } else {
        view! {
            <table class="data">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Per account"</th>
                        <th scope="col">"Starts with"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Action"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let form = model.new_token.clone();
    view! {
        <section id="tokens" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"API tokens"</h2>
            {list}
            <h3>"Create a token"</h3>
            <form method="post" action="/settings/tokens" class="filters">
                <input type="hidden" name="csrf_token" value=chrome.csrf_token.clone() />
                <div class="field">
                    <label for="token-name">"What it is for"</label>
                    <input id="token-name" name="name" type="text" value=form.name.clone() maxlength="64"
                        required=true autocomplete="off" aria-describedby="token-name-error" />
                    {field_error(form.name_error.clone(), "token-name-error")}
                </div>
                <div class="field">
                    <label for="token-role">"Role"</label>
                    <select id="token-role" name="role" aria-describedby="token-role-error">
                        {ROLES.iter().map(|(value, label)| {
                            let selected = *value == form.role;
                            view! { <option value=*value selected=selected>{*label}</option> }
                        }).collect_view()}
                    </select>
                    {field_error(form.role_error.clone(), "token-role-error")}
                </div>
                <div class="field">
                    <label for="token-expires">"Expires in (days)"</label>
                    <input id="token-expires" name="expires_in_days" type="number" min="1" max="730"
                        value=form.expires_in_days.clone() required=true
                        aria-describedby="token-expires-error" />
                    {field_error(form.expires_error.clone(), "token-expires-error")}
                </div>
                <div class="field">
                    <label for="token-accounts">"Per-account roles"</label>
                    <input id="token-accounts" name="accounts" type="text" value=form.accounts.clone() maxlength="2000"
                        autocomplete="off" aria-describedby="token-accounts-hint token-accounts-error" />
                    <p class="hint" id="token-accounts-hint">{ACCOUNTS_HINT}</p>
                    {field_error(form.accounts_error.clone(), "token-accounts-error")}
                </div>
                <div class="field"><button type="submit" class="primary">"Create token"</button></div>
            </form>
        </section>
    }
}

/// A token just created, shown at the top of the page on the answer to the create form only.
#[component]
pub fn Created(token: CreatedToken) -> impl IntoView {
    view! {
        <div class="token-once" role="status">
            <p><strong>{format!("Token “{}” ({}) created.", token.name, token.role)}</strong>" Copy it now; it will not be shown again."</p>
            <label for="new-token">"The token"</label>
            <input id="new-token" type="text" readonly=true value=token.token.clone() size="60" class="mono" />
            <p class="hint">"Send it as Authorization: Bearer … to /api/v1."</p>
        </div>
    }
}

#[component]
fn TokenLine(token: TokenRow, chrome: Chrome, now: String) -> impl IntoView {
    let last_used = match &token.last_used_at {
        Some(at) => view! { <Time at=at.clone() now=now.clone() /> }.into_any(),
        None => view! { <span class="muted">"never"</span> }.into_any(),
    };
    let expires = match &token.expires_at {
        Some(at) => view! { <Time at=at.clone() now=now.clone() /> }.into_any(),
        None => view! { <span class="muted">"never"</span> }.into_any(),
    };
    let (status, action) = match &token.revoked_at {
        Some(at) => (
            view! { <StateBadge ok=false text="revoked" />" "<Time at=at.clone() now=now.clone() /> }
                .into_any(),
            ().into_any(),
        ),
        None if token.expired => (
            view! { <span class="badge bad"><span aria-hidden="true">"⊘"</span>" expired"</span> }.into_any(),
            ().into_any(),
        ),
        None => (
            view! { <StateBadge ok=true text="active" /> }.into_any(),
            view! {
                <RowAction action=format!("/settings/tokens/{}/revoke", token.id) label="Revoke"
                    class="danger" aria_label=format!("Revoke {}", token.name) csrf_token=chrome.csrf_token.clone() />
            }
            .into_any(),
        ),
    };
    view! {
        <tr id=format!("token-{}", token.id)>
            <td>{token.name.clone()}</td>
            <td>{token.role.clone()}</td>
            <td>{per_account(&token.grants)}</td>
            <td><code>{format!("{}…", token.prefix)}</code></td>
            <td><Time at=token.created_at.clone() now=now.clone() />{format!(" by {}", token.created_by)}</td>
            <td>{last_used}</td>
            <td>{expires}</td>
            <td>{status}</td>
            <td>{action}</td>
        </tr>
    }
}

/// A state told by icon and word, never by colour alone: `✓ active`, `⊘ disabled`, `⊘ revoked`.
#[component]
pub(super) fn StateBadge(ok: bool, text: &'static str) -> impl IntoView {
    let (class, icon) = if ok {
        ("badge ok", "✓")
    } else {
        ("badge bad", "⊘")
    };
    view! { <span class=class><span aria-hidden="true">{icon}</span>{format!(" {text}")}</span> }
}

/// A form of one button that posts to `action` with the session's CSRF token: each row action of
/// the settings lists (disable a user, revoke a token; test, enable, disable or delete a target).
#[component]
pub(super) fn RowAction(
    action: String,
    label: &'static str,
    class: &'static str,
    aria_label: String,
    csrf_token: String,
) -> impl IntoView {
    view! {
        <form method="post" action=action>
            <input type="hidden" name="csrf_token" value=csrf_token />
            <button type="submit" class=class aria-label=aria_label>{label}</button>
        </form>
    }
}
