//! Typed ids of stored records, so a scan id can never be passed where a bucket id is expected.

use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, sqlx::Type)]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(i64);

        impl $name {
            /// Wraps a raw database id.
            pub fn new(raw: i64) -> Self {
                Self(raw)
            }

            /// The raw database id.
            pub fn get(self) -> i64 {
                self.0
            }

            /// Parses an id from a URL path segment or a command-line argument.
            pub fn parse(raw: &str) -> Option<Self> {
                raw.trim().parse::<i64>().ok().filter(|id| *id > 0).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// An OSS account being audited.
    AccountId
);
id_type!(
    /// One scan: every account of the estate (or the one `scan --account` names), one part each.
    ScanId
);
id_type!(
    /// One account's part of a scan.
    AccountScanId
);
id_type!(
    /// A bucket in the inventory.
    BucketId
);
id_type!(
    /// One recorded encryption state of a bucket.
    StateId
);
id_type!(
    /// A dashboard user.
    UserId
);
id_type!(
    /// An API token.
    TokenId
);
id_type!(
    /// An entry of the audit log of changes.
    ChangeId
);
id_type!(
    /// A run: one remediation or revert, which changes many buckets in one request.
    RunId
);
id_type!(
    /// A stored audit report.
    ReportId
);
id_type!(
    /// A notification target (webhook, DingTalk robot, Slack webhook).
    TargetId
);
id_type!(
    /// One queued delivery of an event to a notification target.
    DeliveryId
);
id_type!(
    /// An exemption: buckets that may stay as they are, for a reason, until a date.
    ExemptionId
);
