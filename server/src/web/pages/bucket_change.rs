//! The bucket page's forms: `POST /buckets/{name}/encryption` (set the default encryption) and
//! `GET`/`POST /buckets/{name}/remove` (confirm, then remove it). Operators on the bucket's
//! account only; every write goes through `actions::encryption`, which re-reads from OSS and
//! records who did it.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;

use app::model::{BucketRemoveModel, EncryptionForm, FormErrors};
use app::{FlashKind, Nav, Page};

use super::bucket_detail::{describe, load, page, path_name};
use super::bucket_form::{EncryptionInput, validate};
use super::{PageError, flash, not_found, show_page};
use crate::actions::ChangeError;
use crate::actions::encryption::{Change, change_encryption};
use crate::domain::{BucketName, Role};
use crate::store::{self, BucketRecord};
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser, NoFields};

/// `POST /buckets/{name}/encryption`: sets the default encryption, or shows the form again with
/// the messages (400, nothing sent to OSS).
pub async fn set_encryption(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, form }: CsrfForm<EncryptionInput>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require_somewhere(Role::Operator) {
        return Ok(refused.into_response());
    }
    let Some(name) = path_name(path) else {
        return Ok(not_found(Ok(user), jar).await);
    };
    if let Err(refused) = user
        .require_on_bucket(state.store(), &name, Role::Operator)
        .await
    {
        return Ok(refused.into_response());
    }
    let rule = match validate(&form) {
        Ok(rule) => rule,
        Err(errors) => return form_again(&state, &user, jar, &name, &form, errors).await,
    };
    let actor = user.principal.actor();
    let change = Change::Put {
        rule: rule.clone(),
        remediation: false,
    };
    match change_encryption(state.changer(&actor), &name, &change).await {
        Ok(record) => {
            let mut text = format!(
                "Encryption of {name} set to {rule}; OSS now reports {}.",
                describe(&record.state)
            );
            // A flash is a short sentence (the cookie refuses long ones); long key ids are on the page.
            if text.len() > 450 {
                text =
                    format!("Encryption of {name} changed; the page shows what OSS now reports.");
            }
            Ok(back(flash(jar, FlashKind::Success, &text), &name))
        }
        Err(err) => refused(&user, jar, &name, err).await,
    }
}

/// `GET /buckets/{name}/remove`: says what removing the encryption means, and asks to confirm.
pub async fn confirm_remove(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require_somewhere(Role::Operator) {
        return Ok(refused.into_response());
    }
    let Some(name) = path_name(path) else {
        return Ok(not_found(Ok(user), jar).await);
    };
    let Some(record) = present_bucket(&state, &name).await? else {
        return Ok(not_found(Ok(user), jar).await);
    };
    if let Err(refused) = user.require_on(record.account_id, &record.account, Role::Operator) {
        return Ok(refused.into_response());
    }
    let model = BucketRemoveModel {
        name: name.to_string(),
        current: describe(&record.state),
    };
    Ok(show_page(&user, &jar, Nav::Buckets, Page::BucketRemove(model)).await)
}

/// `POST /buckets/{name}/remove`: removes the default encryption (DeleteBucketEncryption).
pub async fn remove(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    if let Err(refused) = user.require_somewhere(Role::Operator) {
        return Ok(refused.into_response());
    }
    let Some(name) = path_name(path) else {
        return Ok(not_found(Ok(user), jar).await);
    };
    if let Err(refused) = user
        .require_on_bucket(state.store(), &name, Role::Operator)
        .await
    {
        return Ok(refused.into_response());
    }
    let actor = user.principal.actor();
    match change_encryption(state.changer(&actor), &name, &Change::Delete).await {
        Ok(record) => {
            let text = format!(
                "Default encryption of {name} removed; OSS now reports {}.",
                describe(&record.state)
            );
            Ok(back(flash(jar, FlashKind::Success, &text), &name))
        }
        Err(err) => refused(&user, jar, &name, err).await,
    }
}

/// 303 to the bucket page.
fn back(jar: CookieJar, name: &BucketName) -> Response {
    (jar, Redirect::to(&format!("/buckets/{name}"))).into_response()
}

async fn present_bucket(
    state: &AppState,
    name: &BucketName,
) -> Result<Option<BucketRecord>, store::StoreError> {
    Ok(store::find_bucket_by_name(state.store(), name)
        .await?
        .filter(|b| b.gone_at.is_none()))
}

/// The bucket page again with the submitted values and a message next to each wrong field.
async fn form_again(
    state: &AppState,
    user: &CurrentUser,
    jar: CookieJar,
    name: &BucketName,
    input: &EncryptionInput,
    errors: FormErrors,
) -> Result<Response, PageError> {
    match load(state, user.access(), name).await? {
        Some(mut model) => {
            model.form = EncryptionForm {
                sse_algorithm: input.sse_algorithm.trim().to_owned(),
                kms_master_key_id: input.kms_master_key_id.clone(),
                sm4: input
                    .kms_data_encryption
                    .as_deref()
                    .is_some_and(|d| !d.trim().is_empty()),
                errors,
            };
            Ok(page(user, &jar, model, StatusCode::BAD_REQUEST).await)
        }
        None => Ok(not_found(Ok(user.clone()), jar).await),
    }
}

/// The answer to a change that was not made: OSS's refusal as a flash on the bucket page (its
/// code and request id; the audit log has it too), 404 for a bucket not in the inventory.
async fn refused(
    user: &CurrentUser,
    jar: CookieJar,
    name: &BucketName,
    err: ChangeError,
) -> Result<Response, PageError> {
    let text = match err {
        ChangeError::NotInInventory(_) => return Ok(not_found(Ok(user.clone()), jar).await),
        ChangeError::Store(err) => return Err(err.into()),
        ChangeError::KeyNotUsable { .. } => {
            format!("Refused before calling OSS: {err}. The encryption of {name} was not changed.")
        }
        ChangeError::Oss(ref oss) => match oss.service() {
            Some(e) => format!(
                "OSS refused: {} (request id {}). The encryption of {name} was not changed.",
                e.code,
                e.request_id.as_deref().unwrap_or("none")
            ),
            None => format!(
                "Could not change the encryption of {name}: OSS did not answer usably ({}). \
                 The change may or may not have been made; the next scan will tell.",
                oss.kind_code()
            ),
        },
    };
    Ok(back(flash(jar, FlashKind::Error, &text), name))
}
