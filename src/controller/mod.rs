//! The continuous reconcile loop of `studio-lcc run`, for a container.
//!
//! Each cycle loads the manifest (so edits are picked up), plans, and applies or only reports
//! drift ([`reconcile_once`]). Between cycles the loop waits the interval, with jitter, or a
//! backoff after failures ([`error_policy`]); an edit of the manifest ends the wait early
//! ([`watch`]). A shared [`health::State`] and [`metrics::Metrics`] feed `/healthz`,
//! `/readyz` and `/metrics` ([`server`]). SIGTERM or SIGINT stops the loop between steps
//! ([`shutdown`]).
//!
//! Where to start: [`run`] is the loop, [`reconcile_once`] one cycle, [`cli`] the flags.

pub mod aws_calls;
pub mod cli;
pub mod health;
pub mod iam;
pub mod metrics;
mod progress;
pub mod reconcile;
pub mod server;
pub mod shutdown;
pub mod watch;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash as _, Hasher as _};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_sagemaker::Client;
use tracing::{debug, info, warn};

use self::health::{State, Thresholds};
use self::metrics::Metrics;
pub use self::reconcile::{
    Action, Changes, CycleReport, Error, Mode, Outcome, Timing, error_policy, reconcile_once,
};
use self::shutdown::Shutdown;
use self::watch::{ChangeProbe, ManifestWatch, Wake};
use crate::apply::ApplyOptions;
use crate::live::ReadOptions;
use crate::manifest::{LoadOptions, ManifestError};
use crate::model::DesiredState;

/// What a cycle works on and how.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The manifest file or folder, loaded afresh each cycle.
    pub manifest: PathBuf,
    /// How the manifest is loaded.
    pub load: LoadOptions,
    /// Apply, or only detect drift.
    pub mode: Mode,
    /// How live state is read.
    pub read: ReadOptions,
    /// How plans are applied.
    pub apply: ApplyOptions,
}

/// Everything a cycle needs: the client, the settings, and the shared metrics, health state
/// and shutdown flag.
#[derive(Debug)]
pub struct Context {
    client: Client,
    settings: Settings,
    metrics: Arc<Metrics>,
    health: Arc<State>,
    shutdown: Shutdown,
    cycles: AtomicU64,
    warnings_seen: Mutex<u64>,
}

impl Context {
    /// A context whose client counts its calls into the context's metrics.
    #[must_use]
    pub fn new(client: &Client, settings: Settings, thresholds: Thresholds) -> Context {
        let metrics = Arc::new(Metrics::new());
        Context {
            client: aws_calls::instrument(client, &metrics),
            settings,
            metrics,
            health: Arc::new(State::new(thresholds)),
            shutdown: Shutdown::new(),
            cycles: AtomicU64::new(0),
            warnings_seen: Mutex::new(0),
        }
    }

    /// The instrumented SageMaker client.
    #[must_use]
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The metrics.
    #[must_use]
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// The health state.
    #[must_use]
    pub fn health(&self) -> &Arc<State> {
        &self.health
    }

    /// The shutdown flag.
    #[must_use]
    pub fn shutdown(&self) -> &Shutdown {
        &self.shutdown
    }

    fn next_cycle_id(&self) -> u64 {
        self.cycles.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Loads the manifest; logs its warnings when they differ from the last cycle's.
    fn load_manifest(&self) -> Result<DesiredState, Error> {
        // NB: a synchronous read of a few small files; not worth a blocking task.
        let loaded = crate::manifest::load(&self.settings.manifest, &self.settings.load)
            .map_err(Error::ManifestInvalid)?;
        let mut hasher = DefaultHasher::new();
        for warning in &loaded.warnings {
            warning.to_string().hash(&mut hasher);
        }
        let digest = hasher.finish();
        let mut seen = self
            .warnings_seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *seen != digest {
            for warning in &loaded.warnings {
                warn!(warning = %warning, "Manifest warning.");
            }
            *seen = digest;
        }
        Ok(loaded.desired)
    }

    /// Feeds a finished cycle into the metrics and the health state.
    fn record(&self, report: &CycleReport) {
        self.metrics.record_cycle(report.result(), report.duration);
        if let Some(changes) = report.changes {
            self.metrics.pending_changes.set(gauge(changes.pending));
            self.metrics.kept_versions.set(gauge(changes.kept));
        }
        if matches!(report.outcome, Err(Error::ManifestInvalid(_))) {
            self.metrics.manifest_load_failures.inc();
        }
        let result = match &report.outcome {
            Ok(_) => {
                self.metrics.record_success();
                Ok(())
            }
            Err(err) => Err(short_reason(err)),
        };
        self.health.record_cycle(report.id, result);
    }
}

fn gauge(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

/// The reason shown by `/readyz`: one line, without the manifest's full diagnostics.
fn short_reason(err: &Error) -> String {
    match err {
        Error::ManifestInvalid(ManifestError::Invalid { diagnostics }) => {
            format!(
                "the manifest is invalid ({} problem(s); see the logs)",
                diagnostics.len()
            )
        }
        other => other.to_string(),
    }
}

/// How the loop runs.
#[derive(Debug, Clone, Copy)]
pub struct LoopOptions {
    /// Interval and backoff.
    pub timing: Timing,
    /// Time between manifest fingerprint polls.
    pub watch_interval: Duration,
    /// Run one cycle and return.
    pub once: bool,
}

/// Why the loop returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// A shutdown was asked for.
    Shutdown,
    /// `--once`: the single cycle ran; `true` when it succeeded.
    Once(bool),
}

/// Runs cycles until a shutdown is asked for (or one cycle with `once`).
pub async fn run(ctx: &Context, options: &LoopOptions) -> Stopped {
    let mut watch = ManifestWatch::new(ctx.settings.manifest.clone()).await;
    let mut failures = 0;
    let manifest = ctx.settings.manifest.display();
    info!(mode = ctx.settings.mode.as_str(), manifest = %manifest, "Loop started.");
    loop {
        watch.mark().await;
        let report = reconcile_once(ctx).await;
        if options.once {
            return Stopped::Once(report.is_success());
        }
        if ctx.shutdown.is_requested() {
            return Stopped::Shutdown;
        }
        let action = reconcile::next_action(&report, &mut failures, &options.timing);
        let delay =
            reconcile::jittered(action.requeue_after(), reconcile::JITTER, &mut rand::rng());
        debug!(delay_ms = delay.as_millis(), "Waiting for the next cycle.");
        let mut probe = Beating {
            watch: &mut watch,
            health: &ctx.health,
        };
        let stop = ctx.shutdown.requested();
        match watch::wait(delay, options.watch_interval, &mut probe, stop).await {
            Wake::Shutdown => return Stopped::Shutdown,
            Wake::Changed => info!("Manifest changed; starting a cycle."),
            Wake::Timer => {}
        }
    }
}

/// The manifest watch, beating the health state at each poll: a waiting loop is alive.
struct Beating<'a> {
    watch: &'a mut ManifestWatch,
    health: &'a State,
}

impl ChangeProbe for Beating<'_> {
    async fn changed(&mut self) -> bool {
        self.health.beat();
        self.watch.changed().await
    }
}
