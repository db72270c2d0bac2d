//! `oss-audit doctor`: checks, for the hub and every account, the permissions a scan needs before
//! a scan fails on them; `--ram-policy MODE` prints the RAM documents that grant exactly those.

use super::args::{DbArgs, HubArgs, OssArgs, StsArgs};
use super::{CliError, failed, open, open_account};
use crate::cloud::{AccountClients, StsClient};
use crate::doctor::{self, Diagnosis, PolicyInputs, PolicyMode};
use crate::domain::{AccountUid, ExternalId};
use crate::oss::OssClient;
use crate::store::{self, Store};

/// Flags of `oss-audit doctor`.
#[derive(Debug, clap::Args)]
pub struct DoctorArgs {
    /// Print the least-privilege RAM policy documents of MODE (`read-only` or `remediate`) as
    /// JSON instead of checking: the permission policy, the hub's policy for assuming roles, and
    /// the trust policy of a member account's role.
    #[arg(long = "ram-policy", value_name = "MODE", value_parser = PolicyMode::parse)]
    pub ram_policy: Option<PolicyMode>,
    /// The ExternalId the trust policy asks for (default: the one every member was added with,
    /// when they share one; else no condition).
    #[arg(long = "external-id", requires = "ram_policy")]
    pub external_id: Option<ExternalId>,
    /// Print the checks as JSON (`{"ok":…,"hub_uid":…,"checks":[…]}`); the summary goes to
    /// stderr.
    #[arg(long, conflicts_with = "ram_policy")]
    pub json: bool,
    #[command(flatten)]
    pub oss: OssArgs,
    #[command(flatten)]
    pub db: DbArgs,
    #[command(flatten)]
    pub hub: HubArgs,
    #[command(flatten)]
    pub sts: StsArgs,
}

pub(super) async fn run(args: DoctorArgs) -> Result<(), CliError> {
    if let Some(mode) = args.ram_policy {
        return ram_policy(&args, mode).await;
    }
    let client = args.oss.client(0)?;
    let sts =
        StsClient::new(args.sts.sts_endpoint.clone(), client.config()).map_err(CliError::config)?;
    let (store, _hub) = open_account(
        &args.db,
        &args.hub.account_name,
        client.config().endpoint.as_str(),
    )
    .await?;
    let diagnosis = doctor::diagnose(&store, &AccountClients::new(client, sts))
        .await
        .map_err(failed("could not read the accounts"))?;
    if args.json {
        let json = serde_json::json!({
            "ok": diagnosis.failed() == 0,
            "hub_uid": diagnosis.hub_uid,
            "checks": diagnosis.checks,
        });
        println!("{json}");
        eprintln!("{}", diagnosis.summary());
    } else {
        println!("{}", lines(&diagnosis));
        println!("{}", diagnosis.summary());
    }
    if diagnosis.failed() > 0 {
        return Err(CliError::refused(format!(
            "{} of {} checks failed; each FAILED line names the permission that fixes it \
             (`oss-audit doctor --ram-policy read-only` prints them all)",
            diagnosis.failed(),
            diagnosis.checks.len()
        )));
    }
    Ok(())
}

/// One line per check, in aligned columns: account, check, ok/FAILED/skipped, detail.
fn lines(diagnosis: &Diagnosis) -> String {
    let width = |f: fn(&doctor::Check) -> usize| diagnosis.checks.iter().map(f).max().unwrap_or(0);
    let (account, check) = (width(|c| c.account.len()), width(|c| c.check.len()));
    diagnosis
        .checks
        .iter()
        .map(|c| {
            format!(
                "{:account$}  {:check$}  {:7} {}",
                c.account,
                c.check,
                c.outcome.word(),
                c.outcome.text()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prints the documents of `mode` (stdout: JSON; stderr: where each goes).
async fn ram_policy(args: &DoctorArgs, mode: PolicyMode) -> Result<(), CliError> {
    let store = open(&args.db).await?;
    let mut inputs = stored_inputs(&store).await?;
    if let Some(id) = &args.external_id {
        inputs.external_id = Some(id.clone());
    }
    if inputs.hub_uid.is_none() {
        inputs.hub_uid = ask_hub_uid(&args.oss).await;
    }
    let documents = doctor::documents(mode, &inputs);
    let text = serde_json::to_string_pretty(&documents)
        .map_err(failed("could not write the documents"))?;
    println!("{text}");
    eprintln!(
        "permission_policy: attach to the hub's RAM user (the keys oss-audit uses) and to the role in every member account\n\
         hub_policy: attach to the hub's RAM user too when the estate has member accounts (resourcemanager:ListAccounts is for `account discover` only)\n\
         trust_policy: the trust policy of the role in every member account"
    );
    if let Some(marked) = documents["placeholders"]
        .as_array()
        .filter(|p| !p.is_empty())
    {
        let marked: Vec<&str> = marked.iter().filter_map(|p| p.as_str()).collect();
        eprintln!(
            "replace before use: {} (the hub's uid is learned once its keys list buckets; member roles once accounts are added)",
            marked.join(", ")
        );
    }
    Ok(())
}

/// What the database knows: the hub's uid, the member roles, and their ExternalId when they
/// share one.
pub(super) async fn stored_inputs(store: &Store) -> Result<PolicyInputs, CliError> {
    let accounts = store::list_accounts(store, false)
        .await
        .map_err(failed("could not read the accounts"))?;
    Ok(doctor::policy::inputs_of(&accounts))
}

/// The hub's uid from the owner its listing names, when credentials are set; `None` otherwise
/// or when OSS cannot be asked (one attempt: printing a policy must not wait on retries).
async fn ask_hub_uid(oss: &OssArgs) -> Option<AccountUid> {
    let mut config = oss.config().ok()?;
    config.retry.max_attempts = 1;
    let owner = OssClient::new(config).ok()?.find_owner().await.ok()?;
    owner.value.and_then(|uid| AccountUid::parse(&uid).ok())
}
