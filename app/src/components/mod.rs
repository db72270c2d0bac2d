//! Small pieces the pages use: status badges, times with their age, the trend chart, form fields,
//! strictly escaped text.

mod badge;
mod chart;
mod form;
mod text;
mod time;

pub use badge::{ComplianceBadge, StatusBadge};
pub use chart::TrendChart;
pub use form::{Choice, field_error};
pub use text::Text;
pub use time::{Time, age};
