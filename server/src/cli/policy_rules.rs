//! `oss-audit policy rules list|set|add|remove|move`: the policy's ordered rules. Every change
//! replaces the whole list through the same action as the API and the settings page.

use std::path::PathBuf;

use super::CliError;
use crate::actions;
use crate::domain::{AccountId, Actor, Rule, Rules};
use crate::store::{self, Store};
use crate::view::{RuleView, RulesView, ScopeView, TargetView};

/// `oss-audit policy rules ...`
#[derive(Debug, clap::Subcommand)]
pub enum RulesCommand {
    /// List the rules in order (the last is the default).
    List {
        /// Print the JSON a rules file holds (and `GET /api/v1/policy/rules` answers).
        #[arg(long)]
        json: bool,
    },
    /// Replace every rule with those of a JSON file (`{"rules": [...]}`, the default last).
    Set {
        /// The rules file.
        file: PathBuf,
    },
    /// Add a scoped rule (before the default, or at --position).
    Add(AddRule),
    /// Remove the scoped rule numbered N.
    Remove {
        /// The rule's number, from 1 (the default cannot be removed).
        number: usize,
    },
    /// Move the scoped rule numbered N to another place.
    Move {
        /// The rule's number, from 1.
        number: usize,
        /// Its new number (before the default).
        #[arg(long)]
        to: usize,
    },
}

/// A rule to add: at least one scope condition, and its requirement and remediation target.
#[derive(Debug, clap::Args)]
pub struct AddRule {
    /// Only buckets of this account.
    #[arg(long)]
    account: Option<String>,
    /// Only buckets in this region (e.g. cn-shanghai).
    #[arg(long)]
    region: Option<String>,
    /// Only buckets whose name matches this pattern (`*` for any run of characters).
    #[arg(long)]
    bucket: Option<String>,
    /// Only buckets of this resource group.
    #[arg(long)]
    resource_group: Option<String>,
    /// Only buckets carrying this tag, `key=value`.
    #[arg(long)]
    tag: Option<String>,
    /// What compliant means for these buckets: any, kms, kms-cmk or sm4.
    #[arg(long)]
    requirement: String,
    /// For kms-cmk: the allowed CMK ids (comma-separated; none means any CMK).
    #[arg(long, value_delimiter = ',')]
    allowed_keys: Vec<String>,
    /// The algorithm remediation sets (AES256, KMS or SM4).
    #[arg(long)]
    remediation_algorithm: String,
    /// The CMK remediation sets (KMS only).
    #[arg(long)]
    remediation_kms_key_id: Option<String>,
    /// KMS data encryption remediation sets (KMS only).
    #[arg(long)]
    remediation_kms_data_encryption: Option<String>,
    /// Its number once added (default: last before the default).
    #[arg(long)]
    position: Option<usize>,
}

impl AddRule {
    fn rule(&self, number: usize) -> Result<Rule, CliError> {
        RuleView {
            scope: ScopeView {
                account: self.account.clone(),
                region: self.region.clone(),
                bucket: self.bucket.clone(),
                resource_group: self.resource_group.clone(),
                tag: self.tag.clone(),
            },
            requirement: self.requirement.clone(),
            allowed_kms_keys: self.allowed_keys.clone(),
            remediation_target: TargetView {
                sse_algorithm: self.remediation_algorithm.clone(),
                kms_master_key_id: self.remediation_kms_key_id.clone(),
                kms_data_encryption: self.remediation_kms_data_encryption.clone(),
            },
        }
        .to_rule(number)
        .map_err(CliError::config)
    }
}

pub(super) async fn run(
    store: Store,
    account: AccountId,
    command: RulesCommand,
) -> Result<(), CliError> {
    let current = store::current_rules(&store, account)
        .await
        .map_err(|e| CliError::failed("could not read the policy rules", e))?;
    let changed = match command {
        RulesCommand::List { json } => {
            print(&current, json);
            return Ok(());
        }
        RulesCommand::Set { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| CliError::failed(format!("could not read {}", file.display()), e))?;
            let view: RulesView = serde_json::from_str(&text).map_err(CliError::config)?;
            view.to_rules().map_err(CliError::config)?
        }
        RulesCommand::Add(add) => {
            let mut scoped = current.scoped().to_vec();
            let at = add.position.unwrap_or(scoped.len() + 1);
            if !(1..=scoped.len() + 1).contains(&at) {
                return Err(CliError::config(format!(
                    "--position must be between 1 and {}",
                    scoped.len() + 1
                )));
            }
            scoped.insert(at - 1, add.rule(at)?);
            rebuilt(scoped, &current)?
        }
        RulesCommand::Remove { number } => {
            let mut scoped = current.scoped().to_vec();
            check_number(number, scoped.len())?;
            scoped.remove(number - 1);
            rebuilt(scoped, &current)?
        }
        RulesCommand::Move { number, to } => {
            let mut scoped = current.scoped().to_vec();
            check_number(number, scoped.len())?;
            check_number(to, scoped.len())?;
            let rule = scoped.remove(number - 1);
            scoped.insert(to - 1, rule);
            rebuilt(scoped, &current)?
        }
    };
    let judged = actions::policy::set_rules(&store, account, &changed, &Actor::cli())
        .await
        .map_err(|e| CliError::failed("could not set the policy rules", e))?;
    println!("policy rules set; {judged} buckets judged again");
    print(&changed, false);
    Ok(())
}

fn rebuilt(scoped: Vec<Rule>, current: &Rules) -> Result<Rules, CliError> {
    Rules::new(scoped, current.default_policy().clone()).map_err(CliError::config)
}

fn check_number(number: usize, scoped: usize) -> Result<(), CliError> {
    if (1..=scoped).contains(&number) {
        Ok(())
    } else if scoped == 0 {
        Err(CliError::config(
            "there is no scoped rule; the default rule is changed with `policy set`",
        ))
    } else {
        Err(CliError::config(format!(
            "rule {number} is not a scoped rule (1 to {scoped}; the default is changed with `policy set`)"
        )))
    }
}

fn print(rules: &Rules, json: bool) {
    if json {
        let view = RulesView::from(rules);
        println!(
            "{}",
            serde_json::to_string_pretty(&view).unwrap_or_default()
        );
        return;
    }
    for (index, rule) in rules.list().iter().enumerate() {
        let kind = if index + 1 == rules.len() {
            "default".to_owned()
        } else {
            rule.scope.to_string()
        };
        let allowed: Vec<_> = rule
            .policy
            .requirement
            .allowed_keys()
            .iter()
            .map(|k| k.as_str())
            .collect();
        let allowed = if allowed.is_empty() {
            String::new()
        } else {
            format!(" ({})", allowed.join(", "))
        };
        println!(
            "{:>3}. {kind}: {}{allowed}, remediation {}",
            index + 1,
            rule.policy.requirement.as_str(),
            rule.policy.remediation_target
        );
    }
}
