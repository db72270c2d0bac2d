//! Small pieces every page uses: status badges, times with their age, numbers, the trend chart.

mod badge;
mod chart;
mod time;

pub use badge::{ComplianceBadge, StatusBadge};
pub use chart::TrendChart;
pub use time::{Time, age};
