//! A clock a test moves: exemptions expire a week or a year from now without anyone waiting.

use std::sync::Arc;

use oss_audit::domain::ManualClock;

/// A clock showing the time now, standing still until moved.
pub fn manual_clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(chrono::Utc::now()))
}

/// Moves `clock` forward by `by` and wakes the application's exemption timer, as the time
/// passing would (it sleeps at most a minute between looks otherwise).
pub fn move_clock(clock: &ManualClock, by: chrono::Duration) {
    clock.advance(by);
    oss_audit::actions::exemptions::wake_timer();
}
