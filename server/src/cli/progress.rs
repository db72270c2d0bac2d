//! Scan progress on the terminal: a bar per account on a terminal, plain lines otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{MultiProgress, ProgressBar, ProgressStyle};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::scan::{AccountProgress, ScanProgress, Stage};

/// Shows `progress` on stderr until the sender is dropped.
pub fn show(progress: watch::Receiver<ScanProgress>) -> JoinHandle<()> {
    tokio::spawn(async move {
        if std::io::stderr().is_terminal() {
            bars(progress).await;
        } else {
            lines(progress).await;
        }
    })
}

/// One bar per account, each with its stage.
async fn bars(mut progress: watch::Receiver<ScanProgress>) {
    let all = MultiProgress::new();
    let style = ProgressStyle::with_template(
        "{spinner} {prefix:>20} {bar:30} {pos}/{len} buckets  {per_sec}  {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    let mut shown: Vec<ProgressBar> = Vec::new();
    while progress.changed().await.is_ok() {
        let now = progress.borrow_and_update().clone();
        for (index, account) in now.accounts.iter().enumerate() {
            if index == shown.len() {
                let bar = all.add(ProgressBar::new(0));
                bar.set_style(style.clone());
                bar.set_prefix(account.account.to_string());
                shown.push(bar);
            }
            let bar = &shown[index];
            bar.set_length(account.total);
            bar.set_position(account.done);
            bar.set_message(stage(account));
        }
    }
    for bar in shown {
        bar.finish_and_clear();
    }
}

/// A line every 5 s: the totals, and each account still at work.
async fn lines(mut progress: watch::Receiver<ScanProgress>) {
    let started = Instant::now();
    let mut last_line = Instant::now();
    let mut ended = 0;
    while progress.changed().await.is_ok() {
        let now = progress.borrow_and_update().clone();
        let ended_now = now
            .accounts
            .iter()
            .filter(|a| !matches!(a.stage, Stage::Waiting | Stage::Running))
            .count();
        let all_read = now.total > 0 && now.done == now.total;
        if last_line.elapsed() >= Duration::from_secs(5) || ended_now > ended || all_read {
            let rate = now.done as f64 / started.elapsed().as_secs_f64().max(0.001);
            let mut line = format!(
                "scan: {}/{} buckets read, {} unknown, {rate:.0} buckets/s",
                now.done, now.total, now.failed
            );
            if now.accounts.len() > 1 {
                let accounts: Vec<String> = now
                    .accounts
                    .iter()
                    .map(|a| format!("{} {}", a.account, stage(a)))
                    .collect();
                line.push_str(&format!(" [{}]", accounts.join(", ")));
            }
            eprintln!("{line}");
            last_line = Instant::now();
            ended = ended_now;
        }
    }
}

/// What an account's part is doing, in a few words.
fn stage(account: &AccountProgress) -> String {
    match account.stage {
        Stage::Waiting => "waiting".to_owned(),
        Stage::Running if account.total == 0 => "listing".to_owned(),
        Stage::Running => format!(
            "{}/{} read, {} unknown",
            account.done, account.total, account.failed
        ),
        Stage::Completed => format!("done, {} unknown", account.failed),
        Stage::Failed => "FAILED".to_owned(),
        Stage::Interrupted => "interrupted".to_owned(),
    }
}
