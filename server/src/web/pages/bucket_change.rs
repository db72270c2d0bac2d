//! The bucket page's forms: `POST /buckets/{name}/encryption` (set the default encryption) and
//! `GET`/`POST /buckets/{name}/remove` (confirm, then remove it). Operators only; every write goes
//! through `changes::change_encryption`, which re-reads from OSS and records who did it.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use app::model::{BucketRemoveModel, EncryptionForm, FormErrors};
use app::{FlashKind, Nav, Page};

use super::bucket_detail::{describe, load, page, path_name};
use super::bucket_form::{EncryptionInput, validate};
use super::{chrome, error_page, flash, not_found, render};
use crate::auth::Role;
use crate::changes::{Change, ChangeError, Changer, change_encryption};
use crate::domain::BucketName;
use crate::store::{self, BucketRecord};
use crate::web::AppState;
use crate::web::session::{CsrfForm, CurrentUser};

/// A form with no fields besides its CSRF token.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NoFields {}

/// `POST /buckets/{name}/encryption`: sets the default encryption, or shows the form again with
/// the messages (400, nothing sent to OSS).
pub async fn set_encryption(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, form }: CsrfForm<EncryptionInput>,
) -> Response {
    if let Err(refused) = user.require(Role::Operator) {
        return refused.into_response();
    }
    let Some(name) = path_name(path) else {
        return not_found(Ok(user), jar).await;
    };
    let rule = match validate(&form) {
        Ok(rule) => rule,
        Err(errors) => return form_again(&state, &user, jar, &name, &form, errors).await,
    };
    let actor = user.principal.actor();
    let change = Change::Put {
        rule: rule.clone(),
        remediation: false,
    };
    match change_encryption(changer(&state, &actor), &name, &change).await {
        Ok(record) => {
            let mut text = format!(
                "Encryption of {name} set to {rule}; OSS now reports {}.",
                reported(&record)
            );
            // A flash is a short sentence (the cookie refuses long ones); long key ids are on the page.
            if text.len() > 450 {
                text =
                    format!("Encryption of {name} changed; the page shows what OSS now reports.");
            }
            back(flash(jar, FlashKind::Success, &text), &name)
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
) -> Response {
    if let Err(refused) = user.require(Role::Operator) {
        return refused.into_response();
    }
    let Some(name) = path_name(path) else {
        return not_found(Ok(user), jar).await;
    };
    let record = match present_bucket(&state, &name).await {
        Ok(Some(record)) => record,
        Ok(None) => return not_found(Ok(user), jar).await,
        Err(err) => {
            tracing::error!(error = %err, bucket.name = %name, "could not load the bucket");
            return error_page(&user, &jar).await;
        }
    };
    let model = BucketRemoveModel {
        name: name.to_string(),
        current: reported(&record),
    };
    render(
        chrome(&user, Nav::Buckets, &jar),
        Page::BucketRemove(model),
        StatusCode::OK,
    )
    .await
}

/// `POST /buckets/{name}/remove`: removes the default encryption (DeleteBucketEncryption).
pub async fn remove(
    State(state): State<AppState>,
    jar: CookieJar,
    path: Result<Path<String>, PathRejection>,
    CsrfForm { user, .. }: CsrfForm<NoFields>,
) -> Response {
    if let Err(refused) = user.require(Role::Operator) {
        return refused.into_response();
    }
    let Some(name) = path_name(path) else {
        return not_found(Ok(user), jar).await;
    };
    let actor = user.principal.actor();
    match change_encryption(changer(&state, &actor), &name, &Change::Delete).await {
        Ok(record) => {
            let text = format!(
                "Default encryption of {name} removed; OSS now reports {}.",
                reported(&record)
            );
            back(flash(jar, FlashKind::Success, &text), &name)
        }
        Err(err) => refused(&user, jar, &name, err).await,
    }
}

fn changer<'a>(state: &'a AppState, actor: &'a str) -> Changer<'a> {
    Changer {
        store: state.store(),
        client: state.client(),
        account: state.account(),
        actor,
    }
}

/// 303 to the bucket page.
fn back(jar: CookieJar, name: &BucketName) -> Response {
    (jar, Redirect::to(&format!("/buckets/{name}"))).into_response()
}

/// What the stored state of `record` says, in a few words.
fn reported(record: &BucketRecord) -> String {
    match record.state() {
        Ok(Some(state)) => describe(&state),
        _ => "nothing yet".to_owned(),
    }
}

async fn present_bucket(
    state: &AppState,
    name: &BucketName,
) -> Result<Option<BucketRecord>, store::StoreError> {
    let mut conn = state.store().pool().acquire().await?;
    Ok(store::find_bucket_by_name(&mut conn, state.account(), name)
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
) -> Response {
    match load(state, name).await {
        Ok(Some(mut model)) => {
            model.form = EncryptionForm {
                sse_algorithm: input.sse_algorithm.trim().to_owned(),
                kms_master_key_id: input.kms_master_key_id.clone(),
                sm4: input
                    .kms_data_encryption
                    .as_deref()
                    .is_some_and(|d| !d.trim().is_empty()),
                errors,
            };
            page(user, &jar, model, StatusCode::BAD_REQUEST).await
        }
        Ok(None) => not_found(Ok(user.clone()), jar).await,
        Err(err) => {
            tracing::error!(error = %err, bucket.name = %name, "could not load the bucket page");
            error_page(user, &jar).await
        }
    }
}

/// The answer to a change that was not made: OSS's refusal as a flash on the bucket page (its
/// code and request id; the audit log has it too), 404 for a bucket not in the inventory.
async fn refused(
    user: &CurrentUser,
    jar: CookieJar,
    name: &BucketName,
    err: ChangeError,
) -> Response {
    let text = match &err {
        ChangeError::NotInInventory(_) => return not_found(Ok(user.clone()), jar).await,
        ChangeError::Store(store_err) => {
            tracing::error!(error = %store_err, bucket.name = %name, "could not record the change");
            return error_page(user, &jar).await;
        }
        ChangeError::Oss(oss) => match oss.service() {
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
    back(flash(jar, FlashKind::Error, &text), name)
}
