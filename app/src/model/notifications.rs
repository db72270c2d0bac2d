//! Notifications (admins): the targets with how their deliveries are doing, and the add form.
//! Target URLs and secrets never reach this model: only a masked URL does.

/// Everything the notifications page shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationsModel {
    pub targets: Vec<NotificationTargetRow>,
    pub form: NewTargetForm,
}

/// A target, with its deliveries' state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationTargetRow {
    pub id: i64,
    /// `webhook`, `dingtalk` or `slack`.
    pub kind: String,
    pub name: String,
    /// Scheme and host only, e.g. `https://hooks.slack.com/…`.
    pub masked_url: String,
    pub enabled: bool,
    /// RFC 3339.
    pub created_at: String,
    pub created_by: String,
    /// Deliveries waiting or being retried.
    pub pending: i64,
    /// Deliveries that gave up.
    pub failed: i64,
    /// RFC 3339, the last successful delivery.
    pub last_delivered_at: Option<String>,
    /// The last failed attempt's reason (HTTP status and a short excerpt) and when (RFC 3339).
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

/// The add-target form: what is shown again after a refusal. The URL and the secret are never
/// shown again, not even after a refusal: the admin types them anew.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewTargetForm {
    pub kind: String,
    pub name: String,
    pub errors: TargetFormErrors,
}

/// Messages next to the add-target form's fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFormErrors {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub url: Option<String>,
    pub secret: Option<String>,
}
