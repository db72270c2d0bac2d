//! `oss-audit policy show|set|rules`, and the policy variables read at the start of `scan` and `serve`.

use super::CliError;
use crate::actions;
use crate::domain::{
    AccountId, Actor, EncryptionRule, KmsDataEncryption, KmsKeyId, Policy, Requirement,
    SseAlgorithm,
};
use crate::store::{self, Store};

/// The policy flags; each also reads its environment variable.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct PolicyArgs {
    /// What compliant means: any (any SSE rule), kms, kms-cmk (a customer CMK) or sm4.
    #[arg(long = "policy", env = "OSS_AUDIT_POLICY")]
    requirement: Option<String>,
    /// For kms-cmk: the allowed CMK ids (comma-separated; none means any CMK).
    #[arg(
        long = "policy-allowed-keys",
        env = "OSS_AUDIT_POLICY_ALLOWED_KEYS",
        value_delimiter = ','
    )]
    allowed_keys: Vec<KmsKeyId>,
    /// The algorithm one-click remediation sets (default: AES256, or KMS for the kms policies,
    /// SM4 for sm4).
    #[arg(
        long = "remediation-algorithm",
        env = "OSS_AUDIT_REMEDIATION_ALGORITHM"
    )]
    target_algorithm: Option<SseAlgorithm>,
    /// The CMK remediation sets (KMS only).
    #[arg(
        long = "remediation-kms-key-id",
        env = "OSS_AUDIT_REMEDIATION_KMS_KEY_ID"
    )]
    target_key: Option<KmsKeyId>,
    /// KMS data encryption remediation sets (KMS only).
    #[arg(
        long = "remediation-kms-data-encryption",
        env = "OSS_AUDIT_REMEDIATION_KMS_DATA_ENCRYPTION"
    )]
    target_data_encryption: Option<KmsDataEncryption>,
}

/// `oss-audit policy ...`
#[derive(Debug, clap::Subcommand)]
pub enum PolicyCommand {
    /// Show the policy in force.
    Show,
    /// Set the policy's default rule; every bucket is judged again at once.
    Set(PolicyArgs),
    /// List, set, add, remove or move the policy's rules (requirements scoped to buckets).
    #[command(subcommand)]
    Rules(super::policy_rules::RulesCommand),
}

impl PolicyArgs {
    /// The policy these flags describe; `None` when no requirement was given.
    pub fn resolve(&self) -> Result<Option<Policy>, CliError> {
        let Some(name) = &self.requirement else {
            if self.target_algorithm.is_some() {
                return Err(CliError::config(
                    "a remediation target needs a policy: add --policy (OSS_AUDIT_POLICY)",
                ));
            }
            return Ok(None);
        };
        let requirement =
            Requirement::parse(name, self.allowed_keys.clone()).map_err(CliError::config)?;
        let default_algorithm = match requirement {
            Requirement::Any => SseAlgorithm::Aes256,
            Requirement::Kms | Requirement::KmsCmk { .. } => SseAlgorithm::Kms,
            Requirement::Sm4 => SseAlgorithm::Sm4,
        };
        let algorithm = self.target_algorithm.unwrap_or(default_algorithm);
        let key = self.target_key.clone().or_else(|| {
            (algorithm == SseAlgorithm::Kms)
                .then(|| self.allowed_keys.first().cloned())
                .flatten()
        });
        let target = EncryptionRule::from_parts(algorithm, key, self.target_data_encryption)
            .map_err(CliError::config)?;
        Policy::new(requirement, target)
            .map(Some)
            .map_err(CliError::config)
    }
}

/// Applies the policy given by flags or environment, if any (at the start of `scan` and `serve`),
/// as `environment`. A policy already in force is left as it is: a pipeline that starts every
/// hour with the same variables does not fill the audit log with the same change.
pub async fn apply_from_args(
    store: &Store,
    account: AccountId,
    args: &PolicyArgs,
) -> Result<(), CliError> {
    let Some(policy) = args.resolve()? else {
        return Ok(());
    };
    let failed = |e| CliError::failed("could not apply the policy", e);
    if store::current_policy(store, account)
        .await
        .map_err(failed)?
        != policy
    {
        let actor = Actor::named("environment");
        actions::policy::set(store, account, &policy, &actor)
            .await
            .map_err(failed)?;
    }
    Ok(())
}

pub(super) async fn run(
    store: Store,
    account: AccountId,
    command: PolicyCommand,
) -> Result<(), CliError> {
    match command {
        PolicyCommand::Show => {}
        PolicyCommand::Rules(command) => {
            return super::policy_rules::run(store, account, command).await;
        }
        PolicyCommand::Set(args) => {
            let policy = args
                .resolve()?
                .ok_or_else(|| CliError::config("policy set needs --policy any|kms|kms-cmk|sm4"))?;
            let judged = actions::policy::set(&store, account, &policy, &Actor::cli())
                .await
                .map_err(|e| CliError::failed("could not set the policy", e))?;
            println!("policy set; {judged} buckets judged again");
        }
    }
    let policy = store::current_policy(&store, account)
        .await
        .map_err(|e| CliError::failed("could not read the policy", e))?;
    println!("requirement:        {}", policy.requirement.as_str());
    let allowed: Vec<_> = policy
        .requirement
        .allowed_keys()
        .iter()
        .map(KmsKeyId::as_str)
        .collect();
    if !allowed.is_empty() {
        println!("allowed CMKs:       {}", allowed.join(", "));
    }
    println!("remediation target: {}", policy.remediation_target);
    Ok(())
}
