//! `GET /controls`: per control auditors name, the present buckets of the estate passing,
//! failing, exempt and unknown, each count linking to the bucket list filtered so.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum_extra::extract::CookieJar;

use app::model::{ControlRow, ControlsModel};
use app::{Nav, Page};

use super::{PageError, show_page};
use crate::domain::count_controls;
use crate::store::{self, StoreError};
use crate::web::AppState;
use crate::web::session::CurrentUser;

/// `/controls`.
pub fn routes() -> Router<AppState> {
    Router::new().route("/controls", axum::routing::get(show))
}

/// `GET /controls`.
pub async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let model = load(&state).await?;
    Ok(show_page(&user, &jar, Nav::Controls, Page::Controls(model)).await)
}

async fn load(state: &AppState) -> Result<ControlsModel, StoreError> {
    let inventory = store::load_inventory(state.store(), None, None).await?;
    // Present buckets of the estate that a scan has read, as the bucket list counts them.
    let present: Vec<_> = inventory
        .buckets
        .iter()
        .filter(|b| !b.gone && !inventory.accounts[b.account].removed && b.state.is_some())
        .collect();
    // An exempt bucket counts as exempt against every control, as in reports.
    let counted = count_controls(present.iter().map(|b| (b.state.as_ref(), b.exempt)));
    Ok(ControlsModel {
        buckets: present.len() as u64,
        rows: counted
            .into_iter()
            .map(|(control, counts)| ControlRow {
                id: control.id.to_owned(),
                framework: control.framework.to_owned(),
                reference: control.reference.to_owned(),
                title: control.title.to_owned(),
                requirement: control.requirement.as_str().to_owned(),
                passing: counts.passing,
                failing: counts.failing,
                exempt: counts.exempt,
                unknown: counts.unknown,
            })
            .collect(),
    })
}
