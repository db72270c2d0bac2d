//! The estate's cloud groundwork: RPC signatures judged by an independent signer, STS and Resource
//! Directory against the sandbox (and the official SDK), refreshing assumed-role keys mid-scan.

mod directory;
mod fidelity;
mod malformed;
mod refresh;
mod signing;
mod sts;
