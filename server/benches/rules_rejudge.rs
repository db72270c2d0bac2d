//! Judging everything again after a rule change, with 100,000 buckets and 50 rules (target
//! under 2 s): the whole `set-policy-rules` action (store the rules, load every bucket's facts
//! and state, judge, write the judgements that changed, the audit-log row), timed five times
//! with the rules changed each time. Prints figures.
//!
//! Run: `cargo bench -p server --bench rules_rejudge` (add `-- --buckets N` for another size).
//! The inventory comes from a real scan of an in-process sandbox, tags read by the tag rules.

use std::time::{Duration, Instant};

use oss_audit::actions;
use oss_audit::domain::{
    Actor, EncryptionRule, NamePattern, Policy, Region, Requirement, ResourceGroupId, Rule, Rules,
    Scope, Tag, Trigger,
};
use oss_audit::sandbox::{self, SandboxConfig};
use oss_audit::scan::{ScanOptions, ScanProgress};
use oss_audit::startup::{Application, Settings};
use tokio_util::sync::CancellationToken;

const TARGET: Duration = Duration::from_secs(2);
const RULES: usize = 50;
const CHANGES: usize = 5;

fn buckets_arg() -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--buckets")
        .and_then(|i| args.get(i + 1))
        .map_or(100_000, |n| n.parse().expect("--buckets N"))
}

fn policy(requirement: Requirement) -> Policy {
    let target = match requirement {
        Requirement::Any => EncryptionRule::Aes256,
        Requirement::Sm4 => EncryptionRule::Sm4,
        _ => EncryptionRule::Kms {
            key_id: None,
            data_encryption: None,
        },
    };
    Policy::new(requirement, target).expect("a target the requirement accepts")
}

/// 49 scoped rules (name patterns, regions, a resource group, tags, combinations) and a default;
/// `shift` rotates them, so each call is a different list.
fn rules(shift: usize) -> Rules {
    let regions = [
        "cn-hangzhou",
        "cn-shanghai",
        "cn-beijing",
        "cn-shenzhen",
        "ap-southeast-1",
    ];
    let words = ["logs", "backup", "data", "web", "media", "cdn", "tmp"];
    let requirements = [Requirement::Kms, Requirement::Sm4, Requirement::Any];
    let mut scoped = Vec::new();
    for i in 0..RULES - 1 {
        let mut scope = Scope::default();
        match i % 5 {
            0 => {
                scope.bucket =
                    Some(NamePattern::parse(&format!("*-{}-*", words[i % words.len()])).unwrap())
            }
            1 => {
                scope.region = Some(Region::parse(regions[i % regions.len()]).unwrap());
                scope.bucket = Some(NamePattern::parse(&format!("*{}*", i % 10)).unwrap());
            }
            2 => {
                scope.tag = Some(
                    Tag::new(
                        "data-class",
                        if i % 2 == 0 {
                            "confidential"
                        } else {
                            "internal"
                        },
                    )
                    .unwrap(),
                )
            }
            3 => scope.resource_group = Some(ResourceGroupId::parse("rg-aek27tc0sandbox").unwrap()),
            _ => {
                scope.bucket = Some(
                    NamePattern::parse(&format!("{}*-{:03}", &words[i % words.len()][..1], i))
                        .unwrap(),
                )
            }
        }
        scoped.push(Rule {
            scope,
            policy: policy(requirements[(i + shift) % requirements.len()].clone()),
        });
    }
    let len = scoped.len();
    scoped.rotate_left(shift % len);
    Rules::new(scoped, policy(Requirement::Any)).expect("rules")
}

async fn run(buckets: usize) {
    let dir = std::env::temp_dir().join(format!("oss-audit-bench-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let sandbox = sandbox::start(SandboxConfig::for_tests(buckets, 42))
        .await
        .expect("sandbox starts");
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let app = Application::build(Settings::for_tests(url, sandbox.client_config()))
        .await
        .expect("app builds");
    let state = app.state().clone();
    let (store, hub) = (state.store().clone(), state.account());
    let actor = Actor::named("bench");
    // The first list is set before the scan, so that the scan reads the tags it uses.
    actions::policy::set_rules(&store, hub, &rules(0), &actor)
        .await
        .expect("rules set");
    let started = Instant::now();
    let (progress, _) = tokio::sync::watch::channel(ScanProgress::default());
    let options = ScanOptions {
        concurrency: 64,
        ..ScanOptions::new(Trigger::Cli)
    };
    state
        .scanner()
        .run(options, progress, CancellationToken::new())
        .await
        .expect("scan completes");
    println!(
        "inventory: {buckets} buckets scanned in {:.1} s, {} rules",
        started.elapsed().as_secs_f64(),
        RULES
    );
    sandbox.shutdown().await;

    let mut times = Vec::with_capacity(CHANGES);
    for change in 1..=CHANGES {
        let started = Instant::now();
        let judged = actions::policy::set_rules(&store, hub, &rules(change), &actor)
            .await
            .expect("rules set");
        let elapsed = started.elapsed();
        assert_eq!(judged, buckets, "every bucket judged again");
        println!(
            "change {change}: {judged} buckets judged again in {:.0} ms",
            elapsed.as_secs_f64() * 1000.0
        );
        times.push(elapsed);
    }
    times.sort();
    let (median, max) = (times[CHANGES / 2], times[CHANGES - 1]);
    println!(
        "re-judging {buckets} buckets under {RULES} rules after a rule change: median {:.0} ms, max {:.0} ms (target < {} s): {}",
        median.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0,
        TARGET.as_secs(),
        if max < TARGET { "met" } else { "MISSED" }
    );
    // Where the time goes: reading every bucket's facts and state, and judging them.
    let started = Instant::now();
    let inventory = oss_audit::store::load_inventory(&store, None, None)
        .await
        .expect("inventory");
    let loaded = started.elapsed();
    let started = Instant::now();
    let (judged, changed) = inventory.rejudge(&rules(CHANGES + 1));
    println!(
        "of which: loading {} buckets {:.0} ms, judging {judged} under {RULES} rules {:.0} ms ({} judgements changed)",
        inventory.buckets.len(),
        loaded.as_secs_f64() * 1000.0,
        started.elapsed().as_secs_f64() * 1000.0,
        changed.len()
    );
    drop(app);
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    tokio::runtime::Runtime::new()
        .expect("runtime")
        .block_on(run(buckets_arg()));
}
