//! One reconcile cycle, and what the loop does after it.
//!
//! [`reconcile_once`] runs one cycle:
//!
//! 1. load the manifest (a manifest that fails to load stops the cycle before any AWS call);
//! 2. read live state and plan (a shutdown interrupts the read, which changes nothing);
//! 3. stop on plan problems (conflicts, missing domains): nothing is applied;
//! 4. in `detect` mode, report the drift and stop;
//! 5. in `apply` mode, apply the plan, logging each change as it completes.
//!
//! Versions kept because they were in use need no bookkeeping: every cycle plans afresh, so
//! a version that became free is deleted by the next cycle.
//!
//! [`error_policy`] turns a failure into an [`Action`]: exponential backoff up to a cap for
//! failures that may pass by themselves, the plain interval for those a person must fix.

use std::time::{Duration, Instant};

use rand::Rng;
use tracing::{Instrument as _, debug, error, info, info_span, warn};

use super::Context;
use super::progress::LogProgress;
use crate::apply::{ApplyOutcome, apply};
use crate::live::{ReadError, read};
use crate::manifest::ManifestError;
use crate::model::DesiredState;
use crate::plan::{Plan, Summary};

/// How the loop runs cycles: `apply` changes live state, `detect` only reports drift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Plan and apply every cycle, without confirmation.
    Apply,
    /// Plan every cycle and report drift; change nothing.
    Detect,
}

impl Mode {
    /// The flag value (`apply`, `detect`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Apply => "apply",
            Mode::Detect => "detect",
        }
    }
}

/// Why a cycle failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The manifest failed to load; nothing was applied.
    #[error("failed to load the manifest: {0}")]
    ManifestInvalid(ManifestError),
    /// Live state could not be read.
    #[error("failed to read live state: {0}")]
    ReadFailed(ReadError),
    /// The plan has problems (conflicts, missing resources); nothing was applied.
    #[error("the plan cannot be applied: {}", .0.join("; "))]
    PlanBlocked(Vec<String>),
    /// Some apply steps failed or were skipped.
    #[error("{failed} apply step(s) failed or were skipped")]
    ApplyFailed {
        /// Steps that failed or were skipped.
        failed: usize,
    },
    /// A shutdown stopped the cycle before it finished.
    #[error("the cycle was interrupted by a shutdown")]
    Interrupted,
}

/// How a successful cycle ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Live state matched the manifest.
    InSync,
    /// Changes were applied.
    Applied,
    /// `detect` mode found changes and left them.
    Drift,
}

/// What the cycle's plan found, and what is left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Changes {
    /// The plan's counts (creates, updates, deletes, kept).
    pub summary: Summary,
    /// Changes not applied when the cycle ended (all of them in `detect` mode).
    pub pending: usize,
    /// Old versions kept because something uses them.
    pub kept: usize,
}

/// The result of one cycle.
#[derive(Debug)]
pub struct CycleReport {
    /// The cycle's number, from 1.
    pub id: u64,
    /// How it ended.
    pub outcome: Result<Outcome, Error>,
    /// What its plan found; `None` when it did not get as far as a plan.
    pub changes: Option<Changes>,
    /// How long it took.
    pub duration: Duration,
}

impl CycleReport {
    /// Whether the cycle succeeded (drift found in `detect` mode is a success).
    #[must_use]
    pub fn is_success(&self) -> bool {
        self.outcome.is_ok()
    }

    /// The result as the `result` label of `studio_lcc_cycles_total`.
    #[must_use]
    pub fn result(&self) -> &'static str {
        match &self.outcome {
            Ok(Outcome::InSync) => "in_sync",
            Ok(Outcome::Applied) => "applied",
            Ok(Outcome::Drift) => "drift",
            Err(Error::ManifestInvalid(_)) => "invalid_manifest",
            Err(Error::ReadFailed(_)) => "read_failed",
            Err(Error::PlanBlocked(_)) => "blocked",
            Err(Error::ApplyFailed { .. }) => "apply_failed",
            Err(Error::Interrupted) => "interrupted",
        }
    }
}

/// Runs one cycle in a span carrying its id, and records it in the metrics and health state.
pub async fn reconcile_once(ctx: &Context) -> CycleReport {
    let id = ctx.next_cycle_id();
    let span = info_span!("cycle", id);
    let started = Instant::now();
    ctx.health().beat();
    let mut changes = None;
    let outcome = cycle(ctx, &mut changes).instrument(span.clone()).await;
    let report = CycleReport {
        id,
        outcome,
        changes,
        duration: started.elapsed(),
    };
    span.in_scope(|| log_report(&report));
    ctx.record(&report);
    report
}

async fn cycle(ctx: &Context, changes: &mut Option<Changes>) -> Result<Outcome, Error> {
    let desired = ctx.load_manifest()?;
    let plan = tokio::select! {
        plan = read_and_plan(ctx, &desired) => plan?,
        () = ctx.shutdown().requested() => return Err(Error::Interrupted),
    };
    let found = plan.summary();
    *changes = Some(Changes {
        summary: found,
        pending: plan.steps.len(),
        kept: found.kept,
    });
    if !plan.is_applicable() {
        let problems: Vec<String> = plan.problems.iter().map(ToString::to_string).collect();
        return Err(Error::PlanBlocked(problems));
    }
    if !plan.has_changes() {
        return Ok(Outcome::InSync);
    }
    if ctx.settings().mode == Mode::Detect {
        log_drift(&plan);
        return Ok(Outcome::Drift);
    }
    apply_plan(ctx, &plan, changes).await
}

async fn read_and_plan(ctx: &Context, desired: &DesiredState) -> Result<Plan, Error> {
    let snapshot = read(ctx.client(), desired, ctx.settings().read)
        .await
        .map_err(Error::ReadFailed)?;
    Ok(Plan::new(desired, &snapshot))
}

async fn apply_plan(
    ctx: &Context,
    plan: &Plan,
    changes: &mut Option<Changes>,
) -> Result<Outcome, Error> {
    if ctx.shutdown().is_requested() {
        return Err(Error::Interrupted);
    }
    let progress = LogProgress::new(ctx);
    let report = apply(ctx.client(), plan, ctx.settings().apply, &progress).await;
    let failed = report.failures();
    if let Some(changes) = changes.as_mut() {
        changes.pending = failed;
        changes.kept = report.kept.len();
    }
    match report.outcome() {
        ApplyOutcome::PartiallyApplied if ctx.shutdown().is_requested() => Err(Error::Interrupted),
        ApplyOutcome::PartiallyApplied => Err(Error::ApplyFailed { failed }),
        ApplyOutcome::Applied | ApplyOutcome::NoChanges => Ok(Outcome::Applied),
    }
}

fn log_drift(plan: &Plan) {
    for step in &plan.steps {
        debug!(step = %step.key(), "Drift found.");
    }
}

fn log_report(report: &CycleReport) {
    let result = report.result();
    let duration_ms = u64::try_from(report.duration.as_millis()).unwrap_or(u64::MAX);
    let c = report.changes.unwrap_or_default();
    let s = c.summary;
    match &report.outcome {
        Ok(_) => info!(
            result,
            create = s.create,
            update = s.update,
            delete = s.delete,
            kept = c.kept,
            pending = c.pending,
            duration_ms,
            "Cycle finished."
        ),
        Err(err @ (Error::ReadFailed(_) | Error::Interrupted)) => {
            warn!(result, error = %err, duration_ms, "Cycle failed; will retry.");
        }
        Err(err) => error!(result, error = %err, duration_ms, "Cycle failed."),
    }
}

/// What the loop does after a cycle: wait, then run the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Action {
    requeue_after: Duration,
}

impl Action {
    /// Run the next cycle after `delay` (sooner if the manifest changes).
    #[must_use]
    pub fn requeue(delay: Duration) -> Action {
        Action {
            requeue_after: delay,
        }
    }

    /// The delay before the next cycle.
    #[must_use]
    pub fn requeue_after(&self) -> Duration {
        self.requeue_after
    }
}

/// The loop's timing.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Time between successful cycles.
    pub interval: Duration,
    /// First delay after a failure; it doubles with each failure in a row.
    pub backoff_base: Duration,
    /// Longest delay after failures.
    pub backoff_max: Duration,
}

/// The action after a failed cycle, the `failures`-th in a row (from 1).
///
/// Failures that may pass by themselves (reads, apply steps, a shutdown) back off
/// exponentially up to [`Timing::backoff_max`]. An invalid manifest or a blocked plan needs a
/// person: retrying sooner would not help, and a manifest edit wakes the loop anyway, so they
/// wait the plain interval.
#[must_use]
pub fn error_policy(error: &Error, failures: u32, timing: &Timing) -> Action {
    match error {
        Error::ManifestInvalid(_) | Error::PlanBlocked(_) => Action::requeue(timing.interval),
        Error::ReadFailed(_) | Error::ApplyFailed { .. } | Error::Interrupted => {
            Action::requeue(backoff(failures, timing))
        }
    }
}

/// `base × 2^(failures - 1)`, capped at the maximum.
fn backoff(failures: u32, timing: &Timing) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    timing
        .backoff_base
        .saturating_mul(1 << doublings)
        .min(timing.backoff_max)
}

/// The action after `report`; counts failures in a row in `failures`.
#[must_use]
pub fn next_action(report: &CycleReport, failures: &mut u32, timing: &Timing) -> Action {
    match &report.outcome {
        Ok(_) => {
            *failures = 0;
            Action::requeue(timing.interval)
        }
        Err(err) => {
            *failures = failures.saturating_add(1);
            error_policy(err, *failures, timing)
        }
    }
}

/// Share of a delay added or removed at random, so many replicas do not call AWS in step.
pub const JITTER: f64 = 0.1;

/// `delay` moved by a random share of up to `fraction` either way.
#[must_use]
pub fn jittered(delay: Duration, fraction: f64, rng: &mut impl Rng) -> Duration {
    let fraction = fraction.clamp(0.0, 1.0);
    delay.mul_f64(1.0 + rng.random_range(-fraction..=fraction))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn timing() -> Timing {
        Timing {
            interval: Duration::from_secs(300),
            backoff_base: Duration::from_secs(2),
            backoff_max: Duration::from_secs(60),
        }
    }

    fn failed(error: Error) -> CycleReport {
        CycleReport {
            id: 1,
            outcome: Err(error),
            changes: None,
            duration: Duration::ZERO,
        }
    }

    fn read_error() -> Error {
        Error::ReadFailed(ReadError::Unexpected("boom".into()))
    }

    #[test]
    fn read_failures_back_off_exponentially_up_to_the_cap() {
        let mut failures = 0;
        let delays: Vec<u64> = (0..8)
            .map(|_| next_action(&failed(read_error()), &mut failures, &timing()))
            .map(|a| a.requeue_after().as_secs())
            .collect();
        assert_eq!(delays, [2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn a_success_resets_the_backoff_and_waits_the_interval() {
        let mut failures = 0;
        let _ = next_action(&failed(read_error()), &mut failures, &timing());
        let _ = next_action(&failed(read_error()), &mut failures, &timing());
        let ok = CycleReport {
            id: 3,
            outcome: Ok(Outcome::InSync),
            changes: None,
            duration: Duration::ZERO,
        };
        assert_eq!(
            next_action(&ok, &mut failures, &timing())
                .requeue_after()
                .as_secs(),
            300
        );
        assert_eq!(failures, 0);
        let again = next_action(&failed(read_error()), &mut failures, &timing());
        assert_eq!(again.requeue_after().as_secs(), 2);
    }

    #[test]
    fn a_blocked_plan_waits_the_interval_instead_of_hammering_aws() {
        let action = error_policy(&Error::PlanBlocked(vec!["x".into()]), 5, &timing());
        assert_eq!(action, Action::requeue(Duration::from_secs(300)));
    }

    #[test]
    fn backoff_never_overflows_after_many_failures() {
        assert_eq!(backoff(u32::MAX, &timing()), Duration::from_secs(60));
    }

    #[test]
    fn jitter_stays_within_its_share_and_varies() {
        let mut rng = StdRng::seed_from_u64(7);
        let delay = Duration::from_secs(100);
        let samples: Vec<Duration> = (0..1_000)
            .map(|_| jittered(delay, JITTER, &mut rng))
            .collect();
        assert!(samples.iter().all(|d| *d >= Duration::from_secs(90)));
        assert!(samples.iter().all(|d| *d <= Duration::from_secs(110)));
        assert!(samples.iter().any(|d| *d != samples[0]));
    }
}
