//! Settings (admins): the policy and remediation target, users, API tokens, the scan schedule.

/// Everything the settings page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsModel {
    pub policy: PolicyForm,
    /// The policy's rules in order (the last is the default, edited by the policy form).
    pub rules: RulesModel,
    pub users: Vec<UserRow>,
    pub new_user: NewUserForm,
    pub tokens: Vec<TokenRow>,
    pub new_token: NewTokenForm,
    /// A token just created: shown on this one response and never again.
    pub created_token: Option<CreatedToken>,
    pub schedule: ScheduleInfo,
}

/// The policy form, with the values shown and the messages next to its fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyForm {
    /// any, kms, kms-cmk or sm4.
    pub requirement: String,
    /// The allowed CMK ids, one per line.
    pub allowed_keys: String,
    /// AES256, SM4 or KMS.
    pub target_algorithm: String,
    /// The CMK remediation sets (KMS only); empty for the OSS-managed key.
    pub target_key: String,
    /// `SM4`, or empty.
    pub target_data_encryption: String,
    pub errors: PolicyErrors,
}

/// Messages next to the policy form's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyErrors {
    pub requirement: Option<String>,
    pub allowed_keys: Option<String>,
    /// The target as a whole (algorithm, or a combination the requirement refuses).
    pub target: Option<String>,
    pub target_key: Option<String>,
    pub target_data_encryption: Option<String>,
}

/// A user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserRow {
    pub name: String,
    /// The role on every account not listed in `grants`.
    pub role: String,
    /// Per-account roles as typed in the forms: `payments-prod=operator`.
    pub grants: Vec<String>,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339, when disabled.
    pub disabled_at: Option<String>,
    /// The signed-in admin (who cannot disable themselves).
    pub is_self: bool,
}

/// The add-user form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewUserForm {
    pub name: String,
    pub role: String,
    /// Per-account roles, `ACCOUNT=ROLE` separated by commas.
    pub accounts: String,
    pub name_error: Option<String>,
    pub role_error: Option<String>,
    pub accounts_error: Option<String>,
    pub password_error: Option<String>,
}

/// An API token (never the token itself).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    /// The role on every account not listed in `grants`.
    pub role: String,
    /// Per-account roles: `payments-prod=operator`.
    pub grants: Vec<String>,
    /// The first characters, to tell tokens apart.
    pub prefix: String,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    /// RFC 3339; when it stops working.
    pub expires_at: Option<String>,
    /// It has expired (and no longer works).
    pub expired: bool,
}

/// The create-token form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewTokenForm {
    pub name: String,
    pub role: String,
    /// Days until the token stops working, as typed.
    pub expires_in_days: String,
    /// Per-account roles, `ACCOUNT=ROLE` separated by commas.
    pub accounts: String,
    pub name_error: Option<String>,
    pub role_error: Option<String>,
    pub expires_error: Option<String>,
    pub accounts_error: Option<String>,
}

/// A token just created.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreatedToken {
    pub name: String,
    pub role: String,
    /// The token itself.
    pub token: String,
}

/// The scan schedule (configured by `OSS_AUDIT_SCAN_INTERVAL`, read-only here).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScheduleInfo {
    /// e.g. `1h`; `None` when scheduled scans are disabled.
    pub interval: Option<String>,
    /// When the next scheduled scan is due (RFC 3339); `None` when due now or disabled.
    pub next_due: Option<String>,
    /// When the last finished scan started (RFC 3339), which the schedule counts from.
    pub last_started: Option<String>,
}

/// The policy's rules: the table and the add-rule form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RulesModel {
    pub rows: Vec<RuleRow>,
    pub new_rule: NewRuleForm,
}

/// One rule as the table shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleRow {
    /// From 1; the last is the default.
    pub number: usize,
    /// e.g. `tag data-class=confidential`, or `every other bucket` for the default.
    pub scope: String,
    /// any, kms, kms-cmk or sm4, with the allowed keys.
    pub requirement: String,
    pub target: String,
    pub is_default: bool,
}

/// The add-rule form, with the values shown and its message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewRuleForm {
    pub account: String,
    pub region: String,
    pub bucket: String,
    pub resource_group: String,
    pub tag: String,
    pub requirement: String,
    /// One per line.
    pub allowed_keys: String,
    pub target_algorithm: String,
    pub target_key: String,
    pub target_data_encryption: String,
    pub error: Option<String>,
}
