//! Audit reports: frozen snapshots of the compliance state, stored with chained SHA-256 digests,
//! rendered as CSV, JSON and printable HTML, produced on a schedule and on demand.
