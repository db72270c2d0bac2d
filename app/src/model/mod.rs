//! View models: the plain data each page (and the printable report) renders, built by the server.

mod accounts;
mod audit_log;
mod bucket_detail;
mod buckets;
mod controls;
mod exemptions;
mod keys;
mod notifications;
mod overview;
mod permissions;
mod printable_report;
mod remediate;
mod reports;
mod revert;
mod scans;
mod settings;

pub use accounts::{
    AccountRow, AccountScanRow, AccountsModel, DiscoverForm, DiscoveryResult, NewAccountForm,
};
pub use audit_log::{AuditFilter, AuditFilterErrors, AuditLogModel, AuditLogRow};
pub use bucket_detail::{
    AuditRow, BucketDetailModel, BucketRemoveModel, CurrentEncryption, EncryptionForm, FormErrors,
    HistoryRow,
};
pub use buckets::{BucketFilters, BucketRow, BucketsModel, encode, query_string};
pub use controls::{ControlRow, ControlsModel};
pub use exemptions::{ExemptionForm, ExemptionRow, ExemptionsModel};
pub use keys::{KeyDetailModel, KeyFindingRow, KeyHistoryRow, KeyRow, KeysModel};
pub use notifications::{
    NewTargetForm, NotificationTargetRow, NotificationsModel, TargetFormErrors,
};
pub use overview::{
    AlgorithmCount, ChangeRow, EstateRow, LastScanPart, OverviewModel, RegionCount, TrendPoint,
};
pub use permissions::{CheckRow, PermissionResults, PermissionsModel};
pub use printable_report::{
    PrintableReport, ReportAction, ReportBucket, ReportLastChange, ReportPolicy, ReportRule,
    ReportScan, ReportState, ReportStateChange, ReportTotals,
};
pub use remediate::{
    FailureRow, PreviewRow, RemediatePreviewModel, RemediateResultModel, UntouchedRow,
};
pub use reports::{ReportRow, ReportsModel};
pub use revert::{RevertPreviewModel, RevertResultModel, RevertRow};
pub use scans::{RunningScan, ScanPartRow, ScanRow, ScansModel};
pub use settings::{
    CreatedToken, NewRuleForm, NewTokenForm, NewUserForm, PolicyErrors, PolicyForm, RuleRow,
    RulesModel, ScheduleInfo, SettingsModel, TokenRow, UserRow,
};

/// What every page shows around its content: who is signed in, the navigation, a flash message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Chrome {
    /// The signed-in user's name.
    pub user: String,
    /// `viewer`, `operator` or `admin`: the role on every account.
    pub role: String,
    /// Per-account roles that differ from `role`, e.g. `operator on payments-prod`.
    pub grants: Vec<String>,
    /// Whether the user is operator on at least one account (picks buckets to remediate).
    pub operates_somewhere: bool,
    /// The CSRF token every form of this session must carry.
    pub csrf_token: String,
    /// The cache-busting path of the stylesheet, e.g. `/style-1a2b3c4d.css`.
    pub stylesheet: String,
    /// Which navigation entry is current.
    pub active: Nav,
    /// A message left by the previous action (POST-redirect-GET).
    pub flash: Option<Flash>,
    /// When the page was rendered (RFC 3339), the reference for relative ages ("3 h ago").
    pub now: String,
}

impl Chrome {
    /// Whether the user is operator on every account: starts scans of the estate, makes
    /// reports, remediates every non-compliant bucket.
    pub fn can_operate(&self) -> bool {
        matches!(self.role.as_str(), "operator" | "admin")
    }

    /// Whether the user may manage users, tokens, policy and settings.
    pub fn is_admin(&self) -> bool {
        self.role == "admin"
    }
}

/// The navigation entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Nav {
    #[default]
    Overview,
    Buckets,
    /// One-click remediation (operators and admins).
    Remediate,
    Scans,
    Keys,
    Controls,
    Reports,
    AuditLog,
    Exemptions,
    Settings,
    None,
}

/// A one-time message shown after an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub kind: FlashKind,
    pub text: String,
}

/// Whether the action went well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Error,
}

/// The page to render, with its model.
#[derive(Debug, Clone, PartialEq)]
pub enum Page {
    Overview(OverviewModel),
    Buckets(BucketsModel),
    BucketDetail(BucketDetailModel),
    /// The confirmation before removing a bucket's default encryption.
    BucketRemove(BucketRemoveModel),
    /// The preview of one-click remediation, with its confirming form.
    Remediate(RemediatePreviewModel),
    /// The outcome of a confirmed remediation.
    RemediateResult(RemediateResultModel),
    /// The preview of a revert, with its confirming form.
    Revert(RevertPreviewModel),
    /// The outcome of a confirmed revert.
    RevertResult(RevertResultModel),
    Scans(ScansModel),
    /// The customer keys behind SSE-KMS buckets.
    Keys(KeysModel),
    KeyDetail(KeyDetailModel),
    /// Per control auditors name: buckets passing, failing, exempt, unknown.
    Controls(ControlsModel),
    /// The stored audit reports, their digests and downloads.
    Reports(ReportsModel),
    AuditLog(AuditLogModel),
    /// Exemptions: every one, and the request form.
    Exemptions(ExemptionsModel),
    Settings(SettingsModel),
    /// Settings › Notifications: targets and the add form.
    Notifications(NotificationsModel),
    /// Settings › Accounts: the estate's accounts, and the forms that change them (admins).
    Accounts(AccountsModel),
    /// Settings › Permissions: the permission checks and the RAM policies.
    Permissions(PermissionsModel),
    /// 404: nothing at this address.
    NotFound,
    /// Something failed; the text never shows internals.
    Error {
        title: String,
        text: String,
    },
}

impl Page {
    /// The document title.
    pub fn title(&self) -> String {
        let page = match self {
            Self::Overview(_) => "Overview",
            Self::Buckets(_) => "Buckets",
            Self::BucketDetail(model) => model.name.as_str(),
            Self::BucketRemove(_) => "Remove encryption",
            Self::Remediate(_) => "Remediate",
            Self::RemediateResult(_) => "Remediation results",
            Self::Revert(_) => "Revert",
            Self::RevertResult(_) => "Revert results",
            Self::Scans(_) => "Scans",
            Self::Keys(_) => "Keys",
            Self::KeyDetail(model) => model.key.key_id.as_str(),
            Self::Controls(_) => "Controls",
            Self::Reports(_) => "Reports",
            Self::AuditLog(_) => "Audit log",
            Self::Exemptions(_) => "Exemptions",
            Self::Settings(_) => "Settings",
            Self::Notifications(_) => "Notifications",
            Self::Accounts(_) => "Accounts",
            Self::Permissions(_) => "Permissions",
            Self::NotFound => "Not found",
            Self::Error { title, .. } => title.as_str(),
        };
        format!("{page} · oss-audit")
    }
}
