//! Small pieces the pages use: status badges, times with their age, the trend chart, form fields,
//! shortened key ids, strictly escaped text.

mod badge;
mod chart;
mod form;
mod key_id;
mod text;
mod time;

pub use badge::{ComplianceBadge, StatusBadge};
pub use chart::TrendChart;
pub use form::{Choice, field_error};
pub use key_id::{KeyId, short_key_id};
pub use text::Text;
pub use time::{Time, age};
