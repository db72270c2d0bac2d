//! `policy_rule` (the scoped rules before the default in `policy`), the bucket facts rules are
//! judged on, and the bucket tags read for them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, SqliteConnection};

use super::policies::{allowed_keys_json, current_policy, policy_from_columns};
use super::states::StateColumns;
use super::{Db, StoreError, parse_column};
use crate::domain::{
    AccountId, AccountName, BucketFacts, BucketId, BucketName, EncryptionState, KmsDataEncryption,
    KmsKeyId, NamePattern, Policy, Region, ResourceGroupId, Rule, Rules, Scope, Tag, Verdict,
};

#[derive(sqlx::FromRow)]
struct RuleRow {
    account_name: Option<String>,
    region: Option<String>,
    bucket_pattern: Option<String>,
    resource_group_id: Option<String>,
    tag_key: Option<String>,
    tag_value: Option<String>,
    requirement: String,
    allowed_kms_keys: String,
    target_sse_algorithm: String,
    target_kms_master_key_id: Option<String>,
    target_kms_data_encryption: Option<String>,
}

impl RuleRow {
    fn rule(self) -> Result<Rule, StoreError> {
        let tag = match (self.tag_key, self.tag_value) {
            (Some(k), Some(v)) => Some(
                Tag::new(&k, &v)
                    .map_err(|e| StoreError::Corrupt(format!("policy_rule tag: {e}")))?,
            ),
            _ => None,
        };
        Ok(Rule {
            scope: Scope {
                account: self
                    .account_name
                    .map(|a| parse_column("account_name", &a, AccountName::parse))
                    .transpose()?,
                region: self
                    .region
                    .map(|r| parse_column("region", &r, Region::parse))
                    .transpose()?,
                bucket: self
                    .bucket_pattern
                    .map(|p| parse_column("bucket_pattern", &p, NamePattern::parse))
                    .transpose()?,
                resource_group: self
                    .resource_group_id
                    .map(|g| parse_column("resource_group_id", &g, ResourceGroupId::parse))
                    .transpose()?,
                tag,
            },
            policy: policy_from_columns(
                &self.requirement,
                &self.allowed_kms_keys,
                &self.target_sse_algorithm,
                self.target_kms_master_key_id,
                self.target_kms_data_encryption,
            )?,
        })
    }
}

/// The rules in force: the scoped rules in order, then the default (the hub's `policy`).
pub async fn current_rules(db: impl Db, hub: AccountId) -> Result<Rules, StoreError> {
    let mut conn = db.connection().await?;
    let rows: Vec<RuleRow> = sqlx::query_as(
        "SELECT account_name, region, bucket_pattern, resource_group_id, tag_key, tag_value,
                requirement, allowed_kms_keys, target_sse_algorithm, target_kms_master_key_id,
                target_kms_data_encryption
         FROM policy_rule ORDER BY position",
    )
    .fetch_all(&mut *conn)
    .await?;
    let scoped = rows
        .into_iter()
        .map(RuleRow::rule)
        .collect::<Result<Vec<_>, _>>()?;
    let default = current_policy(&mut *conn, hub).await?;
    Rules::new(scoped, default).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Replaces the scoped rules (the default is stored by [`super::put_policy`]).
pub async fn replace_policy_rules(
    conn: &mut SqliteConnection,
    scoped: &[Rule],
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM policy_rule")
        .execute(&mut *conn)
        .await?;
    for (index, rule) in scoped.iter().enumerate() {
        let scope = &rule.scope;
        let target = &rule.policy.remediation_target;
        sqlx::query(
            "INSERT INTO policy_rule (position, account_name, region, bucket_pattern,
                 resource_group_id, tag_key, tag_value, requirement, allowed_kms_keys,
                 target_sse_algorithm, target_kms_master_key_id, target_kms_data_encryption)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )
        .bind(index as i64 + 1)
        .bind(scope.account.as_ref().map(AccountName::as_str))
        .bind(scope.region.as_ref().map(Region::as_str))
        .bind(scope.bucket.as_ref().map(NamePattern::as_str))
        .bind(scope.resource_group.as_ref().map(ResourceGroupId::as_str))
        .bind(scope.tag.as_ref().map(Tag::key))
        .bind(scope.tag.as_ref().map(Tag::value))
        .bind(rule.policy.requirement.as_str())
        .bind(allowed_keys_json(&rule.policy))
        .bind(target.algorithm().as_str())
        .bind(target.kms_key_id().map(KmsKeyId::as_str))
        .bind(target.kms_data_encryption().map(KmsDataEncryption::as_str))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// One bucket as rules see it, with its current state and judgement.
#[derive(Debug, Clone)]
pub struct InventoryBucket {
    pub id: BucketId,
    /// Index into [`Inventory::accounts`].
    pub account: usize,
    pub name: BucketName,
    pub region: Region,
    pub resource_group: Option<String>,
    pub tags: Vec<Tag>,
    /// No longer listed (kept with its history).
    pub gone: bool,
    /// `None` until a scan read it.
    pub state: Option<EncryptionState>,
    /// The judgement stored now.
    pub compliant: Option<bool>,
    /// An approved exemption covers it (applied after the judgement, which it leaves as is).
    pub exempt: bool,
}

/// An account as rules see it: its name and the tags read for it.
#[derive(Debug, Clone)]
pub struct InventoryAccount {
    pub id: AccountId,
    pub name: AccountName,
    pub tags_read: Vec<Tag>,
    /// Taken out of the estate.
    pub removed: bool,
}

/// The buckets rules judge, with what they are judged on.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    pub accounts: Vec<InventoryAccount>,
    pub buckets: Vec<InventoryBucket>,
}

impl Inventory {
    /// What rules see of `bucket`.
    pub fn facts<'a>(&'a self, bucket: &'a InventoryBucket) -> BucketFacts<'a> {
        let account = &self.accounts[bucket.account];
        BucketFacts {
            account: &account.name,
            region: &bucket.region,
            name: &bucket.name,
            resource_group: bucket.resource_group.as_deref(),
            tags: &bucket.tags,
            tags_read: &account.tags_read,
        }
    }

    /// Judges every bucket that has a state under `rules`: each bucket with its verdict.
    pub fn judge<'a>(
        &'a self,
        rules: &'a Rules,
    ) -> impl Iterator<Item = (&'a InventoryBucket, Verdict)> + 'a {
        self.buckets.iter().filter_map(move |bucket| {
            let state = bucket.state.as_ref()?;
            Some((bucket, rules.judge(&self.facts(bucket), state)))
        })
    }
}

impl Inventory {
    /// The policy of the rule deciding the bucket `id` under `rules` (`None` when the bucket is
    /// not in this inventory or its rule is undetermined).
    pub fn policy_of<'a>(&self, rules: &'a Rules, id: BucketId) -> Option<&'a Policy> {
        let bucket = self.buckets.iter().find(|b| b.id == id)?;
        rules.policy_for(&self.facts(bucket))
    }

    /// The policy of the rule deciding each bucket whose rule is determined, by bucket.
    pub fn policies<'a>(&self, rules: &'a Rules) -> HashMap<BucketId, &'a Policy> {
        self.buckets
            .iter()
            .filter_map(|b| Some((b.id, rules.policy_for(&self.facts(b))?)))
            .collect()
    }

    /// Judges every bucket that has a state: how many were judged, and the judgements that
    /// differ from the stored ones (the only rows to write).
    pub fn rejudge(&self, rules: &Rules) -> (usize, Vec<(BucketId, Option<bool>)>) {
        let mut judged = 0;
        let mut changed = Vec::new();
        for (bucket, verdict) in self.judge(rules) {
            judged += 1;
            if verdict.compliant != bucket.compliant {
                changed.push((bucket.id, verdict.compliant));
            }
        }
        (judged, changed)
    }
}

/// The buckets of `account` (every account when `None`; only `bucket` when given), with their
/// facts, state and judgement; gone buckets included (their judgement is kept current too).
pub async fn load_inventory(
    db: impl Db,
    account: Option<AccountId>,
    bucket: Option<BucketId>,
) -> Result<Inventory, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: BucketId,
        account_id: AccountId,
        name: String,
        region: String,
        resource_group_id: Option<String>,
        compliant: Option<bool>,
        exempt: bool,
        gone: bool,
        has_state: bool,
        #[sqlx(flatten)]
        state: StateColumns,
    }
    let mut conn = db.connection().await?;
    let accounts: Vec<(AccountId, String, bool)> =
        sqlx::query_as("SELECT id, name, removed_at IS NOT NULL FROM account ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
    let reads: Vec<(AccountId, String, String)> =
        sqlx::query_as("SELECT account_id, tag_key, tag_value FROM account_tag_read")
            .fetch_all(&mut *conn)
            .await?;
    let mut inventory = Inventory::default();
    let mut index = HashMap::new();
    for (id, name, removed) in accounts {
        index.insert(id, inventory.accounts.len());
        inventory.accounts.push(InventoryAccount {
            id,
            name: parse_column("account.name", &name, AccountName::parse)?,
            tags_read: Vec::new(),
            removed,
        });
    }
    for (account, key, value) in reads {
        if let (Some(&at), Ok(tag)) = (index.get(&account), Tag::new(&key, &value)) {
            inventory.accounts[at].tags_read.push(tag);
        }
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT b.id, b.account_id, b.name, b.region, b.resource_group_id, b.compliant,
                b.exemption_id IS NOT NULL AS exempt, b.gone_at IS NOT NULL AS gone, s.id IS NOT NULL AS has_state,
                coalesce(s.status, 'unknown') AS status, s.sse_algorithm, s.kms_master_key_id,
                s.kms_data_encryption, s.error_code, s.error_message
         FROM bucket b LEFT JOIN encryption_state s ON s.id = b.state_id
         WHERE (?1 IS NULL OR b.account_id = ?1) AND (?2 IS NULL OR b.id = ?2)
         ORDER BY b.id",
    )
    .bind(account)
    .bind(bucket)
    .fetch_all(&mut *conn)
    .await?;
    let mut tags: HashMap<BucketId, Vec<Tag>> = HashMap::new();
    let tag_rows: Vec<(BucketId, String, String)> = sqlx::query_as(
        "SELECT t.bucket_id, t.tag_key, t.tag_value FROM bucket_tag t JOIN bucket b ON b.id = t.bucket_id
         WHERE (?1 IS NULL OR b.account_id = ?1) AND (?2 IS NULL OR b.id = ?2)",
    )
    .bind(account)
    .bind(bucket)
    .fetch_all(&mut *conn)
    .await?;
    for (bucket, key, value) in tag_rows {
        if let Ok(tag) = Tag::new(&key, &value) {
            tags.entry(bucket).or_default().push(tag);
        }
    }
    inventory.buckets.reserve(rows.len());
    for row in rows {
        let Some(&at) = index.get(&row.account_id) else {
            continue;
        };
        inventory.buckets.push(InventoryBucket {
            id: row.id,
            account: at,
            name: parse_column("bucket.name", &row.name, BucketName::parse)?,
            region: parse_column("bucket.region", &row.region, Region::parse)?,
            resource_group: row.resource_group_id,
            tags: tags.remove(&row.id).unwrap_or_default(),
            gone: row.gone,
            state: if row.has_state {
                Some(row.state.state()?)
            } else {
                None
            },
            compliant: row.compliant,
            exempt: row.exempt,
        });
    }
    Ok(inventory)
}

/// Records that `tag` was read for `account` and that exactly `buckets` (of that account) carry it.
pub async fn replace_bucket_tag(
    conn: &mut SqliteConnection,
    account: AccountId,
    tag: &Tag,
    buckets: &[BucketId],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "DELETE FROM bucket_tag WHERE tag_key = ?2 AND tag_value = ?3
           AND bucket_id IN (SELECT id FROM bucket WHERE account_id = ?1)",
    )
    .bind(account)
    .bind(tag.key())
    .bind(tag.value())
    .execute(&mut *conn)
    .await?;
    for chunk in buckets.chunks(5000) {
        let mut insert =
            QueryBuilder::new("INSERT OR IGNORE INTO bucket_tag (bucket_id, tag_key, tag_value) ");
        insert.push_values(chunk, |mut row, id| {
            row.push_bind(*id)
                .push_bind(tag.key())
                .push_bind(tag.value());
        });
        insert.build().execute(&mut *conn).await?;
    }
    sqlx::query(
        "INSERT INTO account_tag_read (account_id, tag_key, tag_value, read_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (account_id, tag_key, tag_value) DO UPDATE SET read_at = excluded.read_at",
    )
    .bind(account)
    .bind(tag.key())
    .bind(tag.value())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Sets the resource groups ListBuckets named for `buckets` (name → group).
pub async fn update_resource_groups(
    conn: &mut SqliteConnection,
    buckets: &[(BucketId, Option<String>)],
) -> Result<(), StoreError> {
    for chunk in buckets.chunks(10_000) {
        let pairs = serde_json::to_string(
            &chunk
                .iter()
                .map(|(id, group)| (*id, group.as_deref()))
                .collect::<Vec<_>>(),
        )
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "UPDATE bucket SET resource_group_id = j.value ->> 1 FROM json_each(?1) AS j
             WHERE bucket.id = j.value ->> 0 AND bucket.resource_group_id IS NOT (j.value ->> 1)",
        )
        .bind(pairs)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
