//! The bucket list: its filters, its order, and one page of rows.

/// The filters of the list as the URL query carries them; an empty string means "no filter".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketFilters {
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    /// `true` (compliant), `false` (non-compliant) or `exempt`.
    pub compliant: String,
    pub region: String,
    /// `AES256`, `KMS` or `SM4`.
    pub sse_algorithm: String,
    /// A part of the name.
    pub q: String,
    /// An account's name.
    pub account: String,
    /// A control id (`cis-5.8`, …) with `result`: only buckets standing so against it.
    pub control: String,
    /// `passing`, `failing`, `exempt` or `unknown` (with `control`).
    pub result: String,
}

/// One bucket of the list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketRow {
    pub name: String,
    /// The account it belongs to.
    pub account: String,
    /// `encrypted`, `unencrypted` or `unknown`.
    pub status: String,
    pub sse_algorithm: Option<String>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_encryption: Option<String>,
    pub region: String,
    /// `None` when the state is unknown (not judged).
    pub compliant: Option<bool>,
    /// An approved exemption covers the bucket.
    pub exempt: bool,
    /// Why the state is unknown: the OSS error code.
    pub error_code: Option<String>,
    /// When the state was last confirmed (RFC 3339).
    pub scanned_at: Option<String>,
}

/// Everything the bucket list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketsModel {
    pub filters: BucketFilters,
    /// `name`, `region`, `status`, `algorithm`, `compliance` or `scanned`.
    pub sort: String,
    pub descending: bool,
    /// 1-based.
    pub page: i64,
    pub page_size: i64,
    /// Buckets matching the filters, over all pages.
    pub total: i64,
    /// The regions the inventory knows, for the region filter.
    pub regions: Vec<String>,
    /// The estate's accounts, for the account filter.
    pub accounts: Vec<String>,
    pub rows: Vec<BucketRow>,
    /// Query values that were not understood and were ignored, said plainly.
    pub notes: Vec<String>,
}

impl BucketsModel {
    /// The number of the last page (1 when nothing matches).
    pub fn last_page(&self) -> i64 {
        if self.page_size <= 0 {
            return 1;
        }
        ((self.total + self.page_size - 1) / self.page_size).max(1)
    }

    /// `Showing 51–100 of 3,210`, or `No buckets match` when empty.
    pub fn showing(&self) -> String {
        if self.rows.is_empty() {
            return if self.total == 0 {
                "No buckets match these filters.".to_owned()
            } else {
                format!("No buckets on this page; {} match.", thousands(self.total))
            };
        }
        let first = (self.page - 1) * self.page_size + 1;
        let last = first + self.rows.len() as i64 - 1;
        format!(
            "Showing {}–{} of {}",
            thousands(first),
            thousands(last),
            thousands(self.total)
        )
    }

    /// The query string of the filters alone (no order, no page), e.g. `status=encrypted&q=log`.
    pub fn filter_query(&self) -> String {
        let f = &self.filters;
        query_string(&[
            ("q", &f.q),
            ("account", &f.account),
            ("status", &f.status),
            ("compliant", &f.compliant),
            ("region", &f.region),
            ("sse_algorithm", &f.sse_algorithm),
            ("control", &f.control),
            ("result", &f.result),
        ])
    }

    /// The query string of this view with another order and page; defaults are left out so the
    /// address stays short.
    pub fn query_with(&self, sort: &str, descending: bool, page: i64) -> String {
        let sort = if sort == "name" { "" } else { sort };
        let dir = if descending { "desc" } else { "" };
        let page = if page > 1 {
            page.to_string()
        } else {
            String::new()
        };
        let order = query_string(&[("sort", sort), ("dir", dir), ("page", &page)]);
        join_queries(&self.filter_query(), &order)
    }

    /// The query of this view (filters and order) on `page`.
    pub fn page_query(&self, page: i64) -> String {
        self.query_with(&self.sort, self.descending, page)
    }

    /// The query of the CSV export of this view: the filters and the order, every page.
    pub fn export_query(&self) -> String {
        self.query_with(&self.sort, self.descending, 1)
    }
}

/// `a&b`, leaving out empty parts.
fn join_queries(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_owned(),
        (_, true) => a.to_owned(),
        _ => format!("{a}&{b}"),
    }
}

/// A form-encoded query of the non-empty pairs.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes everything but unreserved characters (so `&`, `=`, `#`, spaces and non-ASCII
/// text typed into the search box survive a round trip through a link).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `3210` as `3,210`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(total: i64, page: i64, rows: usize) -> BucketsModel {
        BucketsModel {
            sort: "name".into(),
            page,
            page_size: 50,
            total,
            rows: vec![BucketRow::default(); rows],
            ..BucketsModel::default()
        }
    }

    #[test]
    fn the_summary_counts_the_rows_of_this_page() {
        assert_eq!(model(3210, 2, 50).showing(), "Showing 51–100 of 3,210");
        assert_eq!(
            model(3210, 65, 10).showing(),
            "Showing 3,201–3,210 of 3,210"
        );
        assert_eq!(model(0, 1, 0).showing(), "No buckets match these filters.");
        assert_eq!(model(3210, 1, 50).last_page(), 65);
        assert_eq!(model(0, 1, 0).last_page(), 1);
    }

    #[test]
    fn links_keep_the_filters_and_leave_out_defaults() {
        let mut m = model(10, 1, 10);
        m.filters.q = "a&b c".into();
        m.filters.status = "encrypted".into();
        assert_eq!(m.page_query(1), "q=a%26b%20c&status=encrypted");
        assert_eq!(
            m.query_with("region", true, 3),
            "q=a%26b%20c&status=encrypted&sort=region&dir=desc&page=3"
        );
        assert_eq!(model(1, 1, 1).query_with("name", false, 1), "");
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
    }
}
