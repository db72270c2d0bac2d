//! Injected latency that ends when it should: one timer thread for every sandbox in the process.
//!
//! tokio's timer rounds each sleep up to its next millisecond tick, and fires late while the
//! runtime is busy: a 20 ms sleep answered after 21.6 ms on average (curl, quiet machine), which
//! made every scan bench overstate the client's overhead by ~8%. A thread waiting on a condvar
//! wakes within tens of microseconds of the deadline.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Instant;

use tokio::sync::oneshot;

/// Waits until `deadline` (at once if it has passed).
pub(crate) async fn sleep_until(deadline: Instant) {
    if deadline <= Instant::now() {
        return;
    }
    let (done, wait) = oneshot::channel();
    timer().schedule(deadline, done);
    // An error means the timer dropped the sender, which it does only after the deadline.
    let _ = wait.await;
}

fn timer() -> &'static Timer {
    static TIMER: OnceLock<&'static Timer> = OnceLock::new();
    TIMER.get_or_init(|| {
        // Lives as long as the process, like the thread that serves it.
        let timer: &'static Timer = Box::leak(Box::new(Timer {
            queue: Mutex::new(BinaryHeap::new()),
            changed: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("sandbox-latency".into())
            .spawn(move || timer.run())
            .unwrap_or_else(|e| panic!("the sandbox cannot start its latency timer: {e}"));
        timer
    })
}

struct Timer {
    /// Pending wake-ups, earliest first.
    queue: Mutex<BinaryHeap<WakeUp>>,
    /// Signalled when a wake-up becomes the earliest.
    changed: Condvar,
}

impl Timer {
    fn schedule(&self, at: Instant, done: oneshot::Sender<()>) {
        let mut queue = self.lock();
        let earliest = queue.peek().is_none_or(|first| at < first.at);
        queue.push(WakeUp { at, done });
        // With a constant latency each new deadline is the latest, so the thread is rarely woken.
        if earliest {
            self.changed.notify_one();
        }
    }

    fn run(&self) {
        let mut queue = self.lock();
        loop {
            let now = Instant::now();
            while queue.peek().is_some_and(|first| first.at <= now) {
                if let Some(due) = queue.pop() {
                    // The request may have gone (client disconnected); nothing to wake then.
                    let _ = due.done.send(());
                }
            }
            queue = match queue.peek().map(|first| first.at - now) {
                Some(wait) => {
                    self.changed
                        .wait_timeout(queue, wait)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0
                }
                None => self
                    .changed
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner),
            };
        }
    }

    fn lock(&self) -> MutexGuard<'_, BinaryHeap<WakeUp>> {
        // The queue stays valid whatever panicked while holding it.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One sleeping request; ordered so the max-heap pops the earliest deadline first.
struct WakeUp {
    at: Instant,
    done: oneshot::Sender<()>,
}

impl Ord for WakeUp {
    fn cmp(&self, other: &Self) -> Ordering {
        other.at.cmp(&self.at)
    }
}

impl PartialOrd for WakeUp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for WakeUp {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}

impl Eq for WakeUp {}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn sleepers_wake_no_earlier_than_their_deadlines_in_deadline_order() {
        let start = Instant::now();
        let (order, mut woken) = tokio::sync::mpsc::unbounded_channel();
        for ms in [30, 10, 20] {
            let order = order.clone();
            tokio::spawn(async move {
                let deadline = start + Duration::from_millis(ms);
                sleep_until(deadline).await;
                assert!(Instant::now() >= deadline);
                let _ = order.send(ms);
            });
        }
        drop(order);
        let mut seen = Vec::new();
        while let Some(ms) = woken.recv().await {
            seen.push(ms);
        }
        assert_eq!(seen, [10, 20, 30]);
    }
}
