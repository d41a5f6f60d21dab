//! `studio-lcc sandbox`.

use std::process::ExitCode;

/// Arguments of `studio-lcc sandbox`.
#[derive(Debug, clap::Args)]
pub struct SandboxArgs {}

/// Serves the sandbox until Ctrl-C or SIGTERM.
///
/// # Errors
///
/// Not yet.
pub async fn serve(_args: SandboxArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the sandbox is being built")
}
