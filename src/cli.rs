//! The command line: argument types and dispatch to each command's module.
//!
//! Every command returns an [`ExitCode`]; errors are printed once by `main`. Exit codes are
//! documented in `docs/cli.md`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::telemetry::LogFormat;

/// Declarative manager for SageMaker Studio lifecycle configurations.
#[derive(Debug, Parser)]
#[command(name = "studio-lcc", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// Log format on stderr: `json`, `text`, or `auto` (JSON for `run` and `sandbox` when
    /// stderr is not a terminal, text otherwise).
    #[arg(
        long,
        global = true,
        default_value = "auto",
        env = "STUDIO_LCC_LOG_FORMAT"
    )]
    pub log_format: LogFormat,

    /// Log filter in `tracing` syntax (for example `info` or `studio_lcc=debug`).
    #[arg(long, global = true, env = "STUDIO_LCC_LOG")]
    pub log: Option<String>,
}

/// The subcommands. Their names are a contract with docs, tests and users.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Load the manifest and its scripts and report every problem; makes no AWS calls.
    Validate(crate::manifest::cli::ValidateArgs),
    /// Print the manifest's JSON Schema.
    Schema(crate::manifest::cli::SchemaArgs),
    /// Read live state and print what would change, script diffs included.
    Plan(crate::commands::plan::PlanArgs),
    /// Plan and apply, or apply a saved plan after checking it is not stale.
    Apply(crate::commands::apply::ApplyArgs),
    /// Write a manifest and script files that reproduce a domain's current lifecycle configs.
    Import(crate::import::cli::ImportArgs),
    /// Run the reconcile loop for a container: health, readiness, metrics, graceful SIGTERM.
    Run(crate::controller::cli::RunArgs),
    /// Print the least-privilege IAM policy for `plan` (`--read-only`) or `apply` and `run`.
    IamPolicy(crate::controller::cli::IamPolicyArgs),
    /// Serve a local, wire-compatible SageMaker Studio control plane.
    Sandbox(crate::sandbox::cli::SandboxArgs),
}

impl Command {
    /// Whether logs default to JSON for this command when not on a terminal.
    #[must_use]
    pub fn is_service(&self) -> bool {
        matches!(self, Command::Sandbox(_) | Command::Run(_))
    }
}

/// Runs the parsed command line.
///
/// # Errors
///
/// Any error the command reports; `main` prints it and exits 1.
pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate(args) => crate::manifest::cli::validate(&args),
        Command::Schema(args) => crate::manifest::cli::schema(&args),
        Command::Plan(args) => crate::commands::plan::execute(args).await,
        Command::Apply(args) => crate::commands::apply::execute(args).await,
        Command::Import(args) => crate::import::cli::execute(args).await,
        Command::Run(args) => crate::controller::cli::run(args).await,
        Command::IamPolicy(args) => crate::controller::cli::iam_policy(args),
        Command::Sandbox(args) => crate::sandbox::cli::serve(args).await,
    }
}
