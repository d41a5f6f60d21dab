//! `validate` and `schema`.

use std::process::ExitCode;

/// Arguments of `studio-lcc validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {}

/// Arguments of `studio-lcc schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {}

/// Runs `validate`.
///
/// # Errors
///
/// Not yet.
pub fn validate(_args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("validate is being built")
}

/// Runs `schema`.
///
/// # Errors
///
/// Not yet.
pub fn schema(_args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("schema is being built")
}
