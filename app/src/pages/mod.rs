//! One module per page; `render` picks the page the server chose.

mod audit_log;
mod bucket_detail;
mod buckets;
mod controls;
mod errors;
mod exemptions;
mod keys;
mod overview;
mod overview_estate;
mod remediate;
mod reports;
mod revert;
mod scans;
mod settings;
mod settings_access;
mod settings_accounts;
mod settings_notifications;
mod settings_permissions;
mod settings_rules;

use leptos::prelude::*;

use crate::model::{Chrome, Page};

/// The content of `page`.
pub fn render(page: Page, chrome: Chrome) -> AnyView {
    match page {
        Page::Overview(model) => {
            overview::Overview(overview::OverviewProps { model, chrome }).into_any()
        }
        Page::Buckets(model) => {
            buckets::Buckets(buckets::BucketsProps { model, chrome }).into_any()
        }
        Page::BucketDetail(model) => {
            bucket_detail::BucketDetail(bucket_detail::BucketDetailProps { model, chrome })
                .into_any()
        }
        Page::BucketRemove(model) => {
            bucket_detail::BucketRemove(bucket_detail::BucketRemoveProps { model, chrome })
                .into_any()
        }
        Page::Remediate(model) => {
            remediate::RemediatePreview(remediate::RemediatePreviewProps { model, chrome })
                .into_any()
        }
        Page::RemediateResult(model) => {
            remediate::RemediateResult(remediate::RemediateResultProps { model }).into_any()
        }
        Page::Revert(model) => {
            revert::RevertPreview(revert::RevertPreviewProps { model, chrome }).into_any()
        }
        Page::RevertResult(model) => {
            revert::RevertResult(revert::RevertResultProps { model }).into_any()
        }
        Page::Scans(model) => scans::Scans(scans::ScansProps { model, chrome }).into_any(),
        Page::Keys(model) => keys::Keys(keys::KeysProps { model, chrome }).into_any(),
        Page::KeyDetail(model) => {
            keys::KeyDetail(keys::KeyDetailProps { model, chrome }).into_any()
        }
        Page::Controls(model) => {
            controls::Controls(controls::ControlsProps { model, chrome }).into_any()
        }
        Page::Reports(model) => {
            reports::Reports(reports::ReportsProps { model, chrome }).into_any()
        }
        Page::AuditLog(model) => {
            audit_log::AuditLog(audit_log::AuditLogProps { model, chrome }).into_any()
        }
        Page::Exemptions(model) => {
            exemptions::Exemptions(exemptions::ExemptionsProps { model, chrome }).into_any()
        }
        Page::Settings(model) => {
            settings::Settings(settings::SettingsProps { model, chrome }).into_any()
        }
        Page::Notifications(model) => {
            settings_notifications::Notifications(settings_notifications::NotificationsProps {
                model,
                chrome,
            })
            .into_any()
        }
        Page::Accounts(model) => {
            settings_accounts::Accounts(settings_accounts::AccountsProps { model, chrome })
                .into_any()
        }
        Page::Permissions(model) => {
            settings_permissions::Permissions(settings_permissions::PermissionsProps {
                model,
                chrome,
            })
            .into_any()
        }
        Page::NotFound => errors::NotFound().into_any(),
        Page::Error { title, text } => {
            errors::ErrorPage(errors::ErrorPageProps { title, text }).into_any()
        }
    }
}
