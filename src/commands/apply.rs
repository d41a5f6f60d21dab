//! `studio-lcc apply`: plan and apply, or apply a saved plan after checking it is not stale.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use super::connect::{AwsArgs, Connection, connect};
use super::parse_duration;
use super::plan::{EXIT_ERROR, EXIT_OK, PlanFormat, make_plan, render_plan};
use super::saved::SavedPlan;
use crate::apply::{ApplyOptions, ApplyOutcome, ApplyReport, StderrProgress, apply};
use crate::manifest::cli::ManifestArgs;
use crate::manifest::{LoadOptions, load};
use crate::model::DesiredState;
use crate::plan::{Plan, stale_reasons};

/// Arguments of `studio-lcc apply`.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// A plan saved by `plan --out`; without it, apply plans first.
    #[arg(value_name = "PLAN_FILE")]
    plan_file: Option<PathBuf>,
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(flatten)]
    aws: AwsArgs,
    /// Apply without asking for confirmation.
    #[arg(long, short = 'y')]
    yes: bool,
    /// How the plan is shown before applying.
    #[arg(long, default_value = "text")]
    format: PlanFormat,
    #[command(flatten)]
    wait: WaitArgs,
}

/// How apply waits for resources to be `InService` again (shared by `apply` and `run`).
#[derive(Debug, Clone, clap::Args)]
pub struct WaitArgs {
    /// Time between status polls while waiting for `InService` (100 ms with `--sandbox`).
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    poll_interval: Duration,
    /// How long to wait for a domain to be `InService` after an update.
    #[arg(long, default_value = "20m", value_parser = parse_duration)]
    domain_timeout: Duration,
    /// How long to wait for a user profile or space.
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    resource_timeout: Duration,
}

impl WaitArgs {
    /// Apply options for these waits and the AWS flags' concurrency.
    #[must_use]
    pub fn apply_options(&self, aws: &AwsArgs) -> ApplyOptions {
        let sandbox_poll = Duration::from_millis(100);
        ApplyOptions {
            concurrency: usize::from(aws.concurrency),
            poll_interval: if aws.sandbox {
                sandbox_poll
            } else {
                self.poll_interval
            },
            domain_timeout: self.domain_timeout,
            resource_timeout: self.resource_timeout,
        }
    }
}

/// Loads the manifest, printing warnings on stderr.
///
/// # Errors
///
/// The manifest is invalid (every problem is in the message).
pub fn load_manifest(args: &ManifestArgs) -> anyhow::Result<DesiredState> {
    let loaded = load(
        &args.path,
        &LoadOptions {
            strict: args.strict,
        },
    )?;
    for warning in &loaded.warnings {
        eprintln!("{warning}");
    }
    Ok(loaded.desired)
}

/// Runs `apply`.
///
/// # Errors
///
/// The manifest or saved plan is invalid or stale, or live state cannot be read.
pub async fn execute(args: ApplyArgs) -> anyhow::Result<ExitCode> {
    let (desired, saved) = match &args.plan_file {
        Some(path) => {
            let saved = SavedPlan::read(path)?;
            (saved.desired.clone(), Some(saved.plan))
        }
        None => (load_manifest(&args.manifest)?, None),
    };
    let connection = connect(&args.aws, &desired).await?;
    let result = plan_and_apply(&args, &desired, saved, &connection).await;
    connection.close().await?;
    result
}

async fn plan_and_apply(
    args: &ApplyArgs,
    desired: &DesiredState,
    saved: Option<Plan>,
    connection: &Connection,
) -> anyhow::Result<ExitCode> {
    let fresh = make_plan(&connection.client, desired, &args.aws).await?;
    let plan = match saved {
        Some(saved) => checked_saved_plan(saved, &fresh)?,
        None => fresh,
    };
    print!("{}", render_plan(&plan, args.format));
    if !plan.is_applicable() {
        eprintln!("error: the plan has problems; nothing was applied");
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    if !plan.has_changes() {
        return Ok(ExitCode::from(EXIT_OK));
    }
    if !args.yes && !confirmed()? {
        eprintln!("Apply cancelled; nothing was changed.");
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let report = apply(
        &connection.client,
        &plan,
        args.wait.apply_options(&args.aws),
        &StderrProgress,
    )
    .await;
    Ok(finish(&report))
}

/// The saved plan, unless live state no longer matches what it assumed.
fn checked_saved_plan(saved: Plan, fresh: &Plan) -> anyhow::Result<Plan> {
    let reasons = stale_reasons(&saved, fresh);
    if reasons.is_empty() {
        return Ok(saved);
    }
    anyhow::bail!(
        "the saved plan is stale and was not applied; nothing was changed. Run `plan` again.\n  {}",
        reasons.join("\n  ")
    )
}

/// Asks on the terminal; without a terminal, refuses.
fn confirmed() -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(
            "refusing to apply without confirmation: stdin is not a terminal (pass --yes)"
        );
    }
    eprint!("Apply these changes? Only `yes` is accepted: ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}

fn finish(report: &ApplyReport) -> ExitCode {
    let done = report.results.len() - report.failures();
    eprintln!(
        "Apply finished: {done} step(s) done, {} failed or skipped, {} version(s) kept.",
        report.failures(),
        report.kept.len()
    );
    for kept in &report.kept {
        let reasons: Vec<String> = kept
            .blockers
            .iter()
            .map(crate::render::blocker_text)
            .collect();
        eprintln!("  kept `{}`: {}", kept.name, reasons.join("; "));
    }
    match report.outcome() {
        ApplyOutcome::PartiallyApplied => ExitCode::from(EXIT_ERROR),
        ApplyOutcome::Applied | ApplyOutcome::NoChanges => ExitCode::from(EXIT_OK),
    }
}
