//! `studio-lcc plan`: read live state and print what would change.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use super::connect::{AwsArgs, Connection, connect};
use super::saved::{SAVED_PLAN_VERSION, SavedPlan};
use crate::live::{ReadOptions, read};
use crate::manifest::cli::ManifestArgs;
use crate::model::DesiredState;
use crate::plan::Plan;
use crate::render;

/// Exit code: success, no changes.
pub const EXIT_OK: u8 = 0;
/// Exit code: an error, or a plan that cannot be applied.
pub const EXIT_ERROR: u8 = 1;
/// Exit code with `--detailed-exitcode`: the plan has changes.
pub const EXIT_CHANGES: u8 = 2;

/// How a plan is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PlanFormat {
    /// For terminals, with script diffs.
    Text,
    /// Versioned JSON (docs/plan-format.md).
    Json,
    /// For a pull-request comment or a GitHub step summary.
    Markdown,
}

/// Arguments of `studio-lcc plan`.
#[derive(Debug, clap::Args)]
pub struct PlanArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(flatten)]
    aws: AwsArgs,
    /// Output format.
    #[arg(long, default_value = "text")]
    format: PlanFormat,
    /// Save the plan to FILE for `apply FILE`.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Exit 0 with no changes, 2 with changes, 1 on error.
    #[arg(long)]
    detailed_exitcode: bool,
}

/// Runs `plan`.
///
/// # Errors
///
/// The manifest is invalid, or live state cannot be read.
pub async fn execute(args: PlanArgs) -> anyhow::Result<ExitCode> {
    let desired = super::apply::load_manifest(&args.manifest)?;
    let connection = connect(&args.aws, &desired).await?;
    let result = plan_and_print(&args, &desired, &connection).await;
    connection.close().await?;
    let plan = result?;
    if !plan.is_applicable() {
        return Ok(ExitCode::from(EXIT_ERROR));
    }
    let changed = args.detailed_exitcode && plan.has_changes();
    Ok(ExitCode::from(if changed { EXIT_CHANGES } else { EXIT_OK }))
}

async fn plan_and_print(
    args: &PlanArgs,
    desired: &DesiredState,
    connection: &Connection,
) -> anyhow::Result<Plan> {
    let plan = make_plan(&connection.client, desired, &args.aws).await?;
    print!("{}", render_plan(&plan, args.format));
    if let Some(out) = &args.out {
        let saved = SavedPlan {
            format_version: SAVED_PLAN_VERSION,
            desired: desired.clone(),
            plan: plan.clone(),
        };
        saved.write(out)?;
        eprintln!(
            "Saved the plan to `{}`; apply it with `studio-lcc apply {}` and the same AWS \
             options (`--sandbox`, `--endpoint-url`, `--region`, `--profile`) as this plan.",
            out.display(),
            out.display()
        );
    }
    Ok(plan)
}

/// Reads live state and plans.
///
/// # Errors
///
/// Live state cannot be read.
pub async fn make_plan(
    client: &aws_sdk_sagemaker::Client,
    desired: &DesiredState,
    aws: &AwsArgs,
) -> anyhow::Result<Plan> {
    let options = ReadOptions {
        concurrency: usize::from(aws.concurrency),
    };
    let snapshot = read(client, desired, options)
        .await
        .context("failed to read live state")?;
    Ok(Plan::new(desired, &snapshot))
}

/// The plan in the chosen format.
#[must_use]
pub fn render_plan(plan: &Plan, format: PlanFormat) -> String {
    match format {
        PlanFormat::Text => render::text(plan, super::stdout_color()),
        PlanFormat::Json => render::json(plan),
        PlanFormat::Markdown => render::markdown(plan),
    }
}
