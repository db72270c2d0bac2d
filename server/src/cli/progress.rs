//! Scan progress on the terminal: a bar on a terminal, plain lines otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::scan::ScanProgress;

/// Shows `progress` on stderr until the sender is dropped.
pub fn show(mut progress: watch::Receiver<ScanProgress>) -> JoinHandle<()> {
    tokio::spawn(async move {
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {bar:40} {pos}/{len} buckets  {per_sec}  {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message("listing buckets");
            while progress.changed().await.is_ok() {
                let now = *progress.borrow_and_update();
                bar.set_length(now.total);
                bar.set_position(now.done);
                bar.set_message(format!("{} unknown", now.failed));
            }
            bar.finish_and_clear();
        } else {
            let started = Instant::now();
            let mut last_line = Instant::now();
            while progress.changed().await.is_ok() {
                let now = *progress.borrow_and_update();
                if last_line.elapsed() >= Duration::from_secs(5)
                    || (now.total > 0 && now.done == now.total)
                {
                    let rate = now.done as f64 / started.elapsed().as_secs_f64().max(0.001);
                    eprintln!(
                        "scan: {}/{} buckets read, {} unknown, {rate:.0} buckets/s",
                        now.done, now.total, now.failed
                    );
                    last_line = Instant::now();
                }
            }
        }
    })
}
