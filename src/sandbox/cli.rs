//! `studio-lcc sandbox`: serve the sandbox until Ctrl-C or SIGTERM, then print call stats.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::{FaultConfig, Latency, SandboxConfig, TokenBucket};

/// Default listen address: loopback, on the port LocalStack made familiar for AWS emulators.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:4566";

/// Default state file, relative to the working directory.
pub const DEFAULT_STATE: &str = ".studio-lcc/sandbox.json";

/// Arguments of `studio-lcc sandbox`.
#[derive(Debug, clap::Args)]
pub struct SandboxArgs {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,

    /// State file, rewritten atomically after every change.
    #[arg(long, default_value = DEFAULT_STATE)]
    pub state: PathBuf,

    /// Keep the account in memory only (no state file).
    #[arg(long, conflicts_with = "state")]
    pub memory: bool,

    /// The emulated AWS account id.
    #[arg(long, default_value = "123456789012")]
    pub account_id: String,

    /// The emulated region.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,

    /// Added latency per call in milliseconds: fixed (`20`) or a range (`10..50`).
    #[arg(long, value_parser = parse_latency)]
    pub latency_ms: Option<Latency>,

    /// Chance (0 to 1) that a call is throttled.
    #[arg(long, default_value_t = 0.0)]
    pub throttle_probability: f64,

    /// Token bucket per operation: tokens added per second (needs `--throttle-burst`).
    #[arg(long, requires = "throttle_burst")]
    pub throttle_rate: Option<f64>,

    /// Token bucket per operation: bucket size (needs `--throttle-rate`).
    #[arg(long, requires = "throttle_rate")]
    pub throttle_burst: Option<u32>,

    /// Chance (0 to 1) that a call fails with `InternalFailure` (HTTP 500).
    #[arg(long, default_value_t = 0.0)]
    pub server_error_probability: f64,

    /// Time an updated resource stays `Updating`, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub update_delay_ms: u64,

    /// Time a created resource stays `Pending`, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub create_delay_ms: u64,
}

impl SandboxArgs {
    /// The sandbox configuration these flags describe.
    #[must_use]
    pub fn to_config(&self) -> SandboxConfig {
        let bucket = self.throttle_rate.zip(self.throttle_burst);
        let faults = FaultConfig {
            latency: self.latency_ms,
            throttle_probability: self.throttle_probability,
            throttle_bucket: bucket.map(|(rate_per_second, burst)| TokenBucket {
                rate_per_second,
                burst,
            }),
            server_error_probability: self.server_error_probability,
            ..FaultConfig::default()
        };
        SandboxConfig {
            listen: self.listen,
            state_path: (!self.memory).then(|| self.state.clone()),
            account_id: self.account_id.clone(),
            region: self.region.clone(),
            create_delay: Duration::from_millis(self.create_delay_ms),
            update_delay: Duration::from_millis(self.update_delay_ms),
            faults,
        }
    }
}

/// Serves the sandbox until Ctrl-C or SIGTERM.
///
/// # Errors
///
/// The state file is unreadable or corrupt, the address cannot be bound, or the final state
/// write fails.
pub async fn serve(args: SandboxArgs) -> anyhow::Result<ExitCode> {
    let sandbox = super::start(args.to_config())
        .await
        .context("failed to start the sandbox")?;
    println!("studio-lcc sandbox listening on {}", sandbox.endpoint_url());
    wait_for_stop_signal().await?;
    let stats = sandbox.calls();
    sandbox
        .shutdown()
        .await
        .context("failed to stop the sandbox cleanly")?;
    println!("studio-lcc sandbox stopped; calls:\n{stats}");
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_stop_signal() -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate()).context("failed to listen for SIGTERM")?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => result.context("failed to listen for Ctrl-C")?,
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    tokio::signal::ctrl_c()
        .await
        .context("failed to listen for Ctrl-C")?;
    Ok(())
}

/// Parses `20` (fixed) or `10..50` (uniform range) milliseconds.
fn parse_latency(text: &str) -> Result<Latency, String> {
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|e| format!("`{s}` is not a number of milliseconds: {e}"))
    };
    let (min_ms, max_ms) = match text.split_once("..") {
        Some((lo, hi)) => (number(lo)?, number(hi)?),
        None => (number(text)?, number(text)?),
    };
    if min_ms > max_ms {
        return Err(format!("the range `{text}` ends before it starts"));
    }
    Ok(Latency { min_ms, max_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_is_a_fixed_value_or_a_range() {
        assert_eq!(
            parse_latency("20"),
            Ok(Latency {
                min_ms: 20,
                max_ms: 20
            })
        );
        assert_eq!(
            parse_latency("10..50"),
            Ok(Latency {
                min_ms: 10,
                max_ms: 50
            })
        );
        assert!(parse_latency("50..10").is_err());
        assert!(parse_latency("fast").is_err());
    }
}
