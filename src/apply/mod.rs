//! Apply: carry out a plan's steps in order against SageMaker.
//!
//! The runbook:
//!
//! 1. create the new LCC versions (with their ownership tags), concurrently;
//! 2. tag adopted LCCs;
//! 3. update each domain, and wait for it to be `InService` again;
//! 4. create missing user profiles, then update user profiles, concurrently, each waited for;
//! 5. update spaces, concurrently, each waited for;
//! 6. delete old versions whose updates all succeeded; `ResourceInUse` keeps the version.
//!
//! An update whose new version failed to be created is skipped, and so is a delete whose
//! updates failed, so a failure never removes a version something still needs. A run that
//! stops half way leaves a state the next plan finishes.

mod patch;
mod steps;
mod wait;

use std::collections::BTreeSet;
use std::time::Duration;

use aws_sdk_sagemaker::Client;
use futures::{StreamExt, stream};
use serde::Serialize;
use tracing::debug;

use crate::plan::{Blocker, Kept, Plan, Step};

/// How apply runs.
#[derive(Debug, Clone, Copy)]
pub struct ApplyOptions {
    /// Calls in flight at once.
    pub concurrency: usize,
    /// Time between status polls while waiting for `InService`.
    pub poll_interval: Duration,
    /// How long to wait for a domain to return to `InService`.
    pub domain_timeout: Duration,
    /// How long to wait for a user profile or space.
    pub resource_timeout: Duration,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            concurrency: 4,
            poll_interval: Duration::from_secs(5),
            domain_timeout: Duration::from_secs(20 * 60),
            resource_timeout: Duration::from_secs(10 * 60),
        }
    }
}

/// What happened to one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "camelCase")]
pub enum StepResult {
    /// Done.
    Done,
    /// AWS refused the delete because the version is in use; it is kept.
    Kept(String),
    /// Not attempted because something it depends on failed.
    Skipped(String),
    /// Failed, with AWS's reason.
    Failed(String),
}

/// Receives each step's result as it happens.
pub trait Progress: Sync {
    /// Called once per step, in completion order.
    fn step_done(&self, step: &Step, result: &StepResult);

    /// Asked before each step starts: `true` skips every step not yet started (a shutdown).
    /// A step already in flight always runs to its end, waits included.
    fn should_stop(&self) -> bool {
        false
    }
}

/// Prints one line per step on stderr.
#[derive(Debug, Default)]
pub struct StderrProgress;

impl Progress for StderrProgress {
    fn step_done(&self, step: &Step, result: &StepResult) {
        eprintln!("{}", crate::render::step_result_line(step, result));
    }
}

/// The result of applying a plan.
#[derive(Debug, Clone, Serialize)]
pub struct ApplyReport {
    /// Each step's key and result, in plan order.
    pub results: Vec<(String, StepResult)>,
    /// Versions kept: the plan's, plus deletes AWS refused as in use.
    pub kept: Vec<Kept>,
}

/// How an apply ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// There was nothing to do.
    NoChanges,
    /// Every step succeeded (kept versions are not failures).
    Applied,
    /// At least one step failed or was skipped.
    PartiallyApplied,
}

impl ApplyReport {
    /// The overall outcome.
    #[must_use]
    pub fn outcome(&self) -> ApplyOutcome {
        if self.results.is_empty() {
            ApplyOutcome::NoChanges
        } else if self.failures() == 0 {
            ApplyOutcome::Applied
        } else {
            ApplyOutcome::PartiallyApplied
        }
    }

    /// Steps that failed or were skipped.
    #[must_use]
    pub fn failures(&self) -> usize {
        let failed = |r: &&(String, StepResult)| {
            matches!(r.1, StepResult::Failed(_) | StepResult::Skipped(_))
        };
        self.results.iter().filter(failed).count()
    }
}

/// Applies `plan` in order; never returns early, so every independent step gets its chance.
pub async fn apply(
    client: &Client,
    plan: &Plan,
    options: ApplyOptions,
    progress: &dyn Progress,
) -> ApplyReport {
    let runner = steps::Runner { client, options };
    let mut state = Run {
        progress,
        results: Vec::new(),
        failed: BTreeSet::new(),
        kept: plan.kept.clone(),
    };

    // 1-2. New versions and tags first: every update below may point at them.
    state
        .phase(&runner, plan, |s| matches!(s, Step::CreateLcc(_)))
        .await;
    state
        .phase(&runner, plan, |s| matches!(s, Step::TagLcc(_)))
        .await;

    // 3. Domains one at a time: their defaults reach every user.
    for step in plan
        .steps
        .iter()
        .filter(|s| matches!(s, Step::UpdateDomain(_)))
    {
        state.run_one(&runner, step).await;
    }

    // 4-5. Profiles, then spaces.
    state
        .phase(&runner, plan, |s| matches!(s, Step::CreateUserProfile(_)))
        .await;
    state
        .phase(&runner, plan, |s| matches!(s, Step::UpdateUserProfile(_)))
        .await;
    state
        .phase(&runner, plan, |s| matches!(s, Step::UpdateSpace(_)))
        .await;

    // 6. Deletes last, only where every update they wait for succeeded.
    state
        .phase(&runner, plan, |s| matches!(s, Step::DeleteLcc(_)))
        .await;

    state.finish(plan)
}

/// Bookkeeping of one apply run.
struct Run<'p> {
    progress: &'p dyn Progress,
    results: Vec<(String, StepResult)>,
    /// Keys of failed steps, and ARNs of versions that failed to be created.
    failed: BTreeSet<String>,
    kept: Vec<Kept>,
}

impl Run<'_> {
    async fn phase(&mut self, runner: &steps::Runner<'_>, plan: &Plan, pick: fn(&Step) -> bool) {
        let steps: Vec<&Step> = plan.steps.iter().filter(|s| pick(s)).collect();
        let failed = &self.failed;
        let progress = self.progress;
        let results: Vec<(&Step, StepResult)> = stream::iter(steps)
            .map(|step| async move {
                let result = match blocked_by(step, failed) {
                    Some(reason) => StepResult::Skipped(reason),
                    None if self_stop(progress) => StepResult::Skipped(STOPPING.to_owned()),
                    None => runner.run(step).await,
                };
                (step, result)
            })
            .buffer_unordered(runner.options.concurrency.max(1))
            .collect()
            .await;
        for (step, result) in results {
            self.record(step, result);
        }
    }

    async fn run_one(&mut self, runner: &steps::Runner<'_>, step: &Step) {
        let result = match blocked_by(step, &self.failed) {
            Some(reason) => StepResult::Skipped(reason),
            None if self_stop(self.progress) => StepResult::Skipped(STOPPING.to_owned()),
            None => runner.run(step).await,
        };
        self.record(step, result);
    }

    fn record(&mut self, step: &Step, result: StepResult) {
        self.progress.step_done(step, &result);
        debug!(step = %step.key(), result = ?result, "Applied step.");
        match (&result, step) {
            (StepResult::Failed(_) | StepResult::Skipped(_), Step::CreateLcc(create)) => {
                self.failed.insert(create.arn.clone());
                self.failed.insert(step.key());
            }
            (StepResult::Failed(_) | StepResult::Skipped(_), _) => {
                self.failed.insert(step.key());
            }
            (StepResult::Kept(message), Step::DeleteLcc(delete)) => self.kept.push(Kept {
                name: delete.name.clone(),
                arn: delete.arn.clone(),
                blockers: vec![Blocker::InUse {
                    message: message.clone(),
                }],
            }),
            _ => {}
        }
        self.results.push((step.key(), result));
    }

    fn finish(mut self, plan: &Plan) -> ApplyReport {
        let order: Vec<String> = plan.steps.iter().map(Step::key).collect();
        self.results
            .sort_by_key(|(key, _)| order.iter().position(|k| k == key));
        ApplyReport {
            results: self.results,
            kept: self.kept,
        }
    }
}

/// Why a step is skipped when a shutdown was asked for.
const STOPPING: &str = "shutting down";

fn self_stop(progress: &dyn Progress) -> bool {
    progress.should_stop()
}

/// Why a step must not run, given what failed before it.
fn blocked_by(step: &Step, failed: &BTreeSet<String>) -> Option<String> {
    match step {
        Step::DeleteLcc(delete) => delete
            .after
            .iter()
            .find(|key| failed.contains(*key))
            .map(|key| format!("waits for `{key}`, which did not succeed")),
        Step::UpdateDomain(update)
        | Step::UpdateUserProfile(update)
        | Step::UpdateSpace(update) => missing_version(update.changes.iter(), failed),
        Step::CreateUserProfile(create) => missing_version(create.slots.iter(), failed),
        Step::CreateLcc(_) | Step::TagLcc(_) => None,
    }
}

fn missing_version<'a>(
    mut changes: impl Iterator<Item = &'a crate::plan::SlotChange>,
    failed: &BTreeSet<String>,
) -> Option<String> {
    changes.find_map(|change| {
        failed
            .iter()
            .find(|arn| change.after.refers_to(arn))
            .map(|arn| format!("needs `{arn}`, which was not created"))
    })
}
