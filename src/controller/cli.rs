//! `studio-lcc run` and `studio-lcc iam-policy`: flags and entry points.
//!
//! Exit codes of `run`: 0 after a clean shutdown (SIGTERM or SIGINT) or a successful `--once`
//! cycle; 1 when it cannot start (flags, listen address, credentials), when the `--once` cycle
//! failed, or when `--shutdown-timeout` passed with a step still in flight.

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use tracing::{error, info};

use super::health::Thresholds;
use super::iam::{PolicyOptions, policy};
use super::{Context, LoopOptions, Mode, Settings, Stopped, Timing};
use crate::commands::apply::WaitArgs;
use crate::commands::connect::{AwsArgs, connect};
use crate::commands::parse_duration;
use crate::live::ReadOptions;
use crate::manifest::cli::ManifestArgs;
use crate::model::DesiredState;

/// Default `--listen` of `run` (not used by `--once` unless given).
pub const DEFAULT_LISTEN: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::UNSPECIFIED), 8080);

/// Arguments of `studio-lcc run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    #[command(flatten)]
    manifest: ManifestArgs,
    #[command(flatten)]
    aws: AwsArgs,
    /// Time between cycles (a manifest edit starts one sooner); 10% jitter is added.
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    interval: Duration,
    /// `apply` changes live state each cycle; `detect` only reports drift.
    #[arg(long, value_enum, default_value = "apply")]
    mode: Mode,
    /// Address of `/healthz`, `/readyz` and `/metrics` [default: 0.0.0.0:8080; none with
    /// `--once`].
    #[arg(long, value_name = "ADDR")]
    listen: Option<SocketAddr>,
    /// Run one cycle and exit (0 when it succeeded).
    #[arg(long)]
    once: bool,
    /// After SIGTERM or SIGINT, how long the step in flight may take before the process exits.
    #[arg(long, default_value = "30s", value_parser = parse_duration)]
    shutdown_timeout: Duration,
    /// Longest wait between retries after failures (backoff doubles from 2s).
    #[arg(long, default_value = "5m", value_parser = parse_duration)]
    max_backoff: Duration,
    /// `/healthz` fails when the loop made no progress for this long; keep it above
    /// `--domain-timeout`.
    #[arg(long, default_value = "30m", value_parser = parse_duration)]
    stuck_after: Duration,
    /// `/readyz` fails when the last success is older than this [default: twice the interval
    /// plus `--stuck-after`].
    #[arg(long, value_parser = parse_duration)]
    ready_within: Option<Duration>,
    /// Time between manifest change checks.
    #[arg(long, default_value = "1s", value_parser = parse_duration)]
    watch_interval: Duration,
    #[command(flatten)]
    wait: WaitArgs,
}

impl RunArgs {
    fn settings(&self) -> Settings {
        let concurrency = usize::from(self.aws.concurrency);
        Settings {
            manifest: self.manifest.path.clone(),
            load: self.manifest.load_options(),
            mode: self.mode,
            read: ReadOptions { concurrency },
            apply: self.wait.apply_options(&self.aws),
        }
    }

    fn thresholds(&self) -> Thresholds {
        let default_ready = self
            .interval
            .saturating_mul(2)
            .saturating_add(self.stuck_after);
        Thresholds {
            stuck_after: self.stuck_after,
            ready_within: self.ready_within.unwrap_or(default_ready),
        }
    }

    fn loop_options(&self) -> LoopOptions {
        LoopOptions {
            timing: Timing {
                interval: self.interval,
                backoff_base: Duration::from_secs(2).min(self.max_backoff),
                backoff_max: self.max_backoff,
            },
            watch_interval: self.watch_interval,
            once: self.once,
        }
    }
}

/// Runs `run`.
///
/// # Errors
///
/// The loop cannot start: signal handlers, the listen address, or the sandbox.
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let connection = connect(&args.aws, &seed_state(&args)).await?;
    let ctx = Context::new(&connection.client, args.settings(), args.thresholds());
    let stopped = serve_and_loop(&args, &ctx).await;
    connection.close().await?;
    let code = match stopped? {
        Some(Stopped::Shutdown | Stopped::Once(true)) => 0,
        Some(Stopped::Once(false)) | None => 1,
    };
    Ok(ExitCode::from(code))
}

/// Serves the endpoints and runs the loop; `None` when the shutdown timeout cut it short.
async fn serve_and_loop(args: &RunArgs, ctx: &Context) -> anyhow::Result<Option<Stopped>> {
    ctx.shutdown()
        .listen_for_signals()
        .context("failed to install signal handlers")?;
    let listen = args.listen.or((!args.once).then_some(DEFAULT_LISTEN));
    if let Some(addr) = listen {
        let router = super::server::router(ctx.health().clone(), ctx.metrics().clone());
        super::server::spawn(addr, router)
            .await
            .with_context(|| format!("failed to listen on `{addr}`"))?;
    }
    let timeout = args.shutdown_timeout;
    let deadline = async {
        ctx.shutdown().requested().await;
        tokio::time::sleep(timeout).await;
    };
    let options = args.loop_options();
    let stopped = tokio::select! {
        stopped = super::run(ctx, &options) => Some(stopped),
        () = deadline => None,
    };
    match stopped {
        Some(Stopped::Shutdown) => info!("Stopped cleanly."),
        Some(Stopped::Once(_)) => {}
        None => error!(
            timeout_s = timeout.as_secs(),
            "Shutdown timeout passed with a step in flight; exiting anyway. The next run finishes it."
        ),
    }
    Ok(stopped)
}

/// The desired state the sandbox is seeded from; empty when the manifest does not load (the
/// first cycle then reports why).
fn seed_state(args: &RunArgs) -> DesiredState {
    let loaded = args
        .aws
        .sandbox
        .then(|| args.manifest.load().ok())
        .flatten();
    loaded.map_or_else(
        || DesiredState {
            owner: String::new(),
            scripts: Vec::new(),
            domains: Vec::new(),
        },
        |loaded| loaded.desired,
    )
}

/// Arguments of `studio-lcc iam-policy`.
#[derive(Debug, clap::Args)]
pub struct IamPolicyArgs {
    /// Only what `plan` needs (no create, update or delete).
    #[arg(long)]
    read_only: bool,
    /// The manifest's `owner`: deletes are allowed only on LCCs tagged with it [default: any
    /// LCC with an owner tag].
    #[arg(long)]
    owner: Option<String>,
    /// Limit domain, user profile, space and app access to this domain id (repeatable).
    #[arg(long = "domain-id", value_name = "ID")]
    domains: Vec<String>,
    /// Execution role ARN that `create: true` user profiles get (repeatable; adds
    /// `iam:PassRole`).
    #[arg(long = "pass-role", value_name = "ARN")]
    pass_roles: Vec<String>,
    /// ARN partition.
    #[arg(long, default_value = "aws")]
    partition: String,
    /// Region in resource ARNs.
    #[arg(long = "policy-region", value_name = "REGION", default_value = "*")]
    region: String,
    /// Account id in resource ARNs.
    #[arg(long, default_value = "*")]
    account: String,
}

/// Runs `iam-policy`: prints the policy document as JSON.
///
/// # Errors
///
/// Only when stdout cannot be written.
pub fn iam_policy(args: IamPolicyArgs) -> anyhow::Result<ExitCode> {
    let options = PolicyOptions {
        read_only: args.read_only,
        owner: args.owner,
        partition: args.partition,
        region: args.region,
        account: args.account,
        domains: args.domains,
        pass_roles: args.pass_roles,
    };
    let text = serde_json::to_string_pretty(&policy(&options))?;
    println!("{text}");
    Ok(ExitCode::SUCCESS)
}
