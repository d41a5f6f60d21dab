//! Apply progress for the loop: one log line and one metric per step, and the shutdown check.
//!
//! Step lines carry the step key (what kind of change, and what it touches) and AWS's reason
//! when it failed; never the script content.

use tracing::{error, info, warn};

use super::Context;
use super::metrics::StepLabels;
use crate::apply::{Progress, StepResult};
use crate::plan::Step;

/// [`Progress`] that logs, counts and beats the health state.
pub struct LogProgress<'c> {
    ctx: &'c Context,
}

impl<'c> LogProgress<'c> {
    /// Progress reporting into `ctx`.
    #[must_use]
    pub fn new(ctx: &'c Context) -> LogProgress<'c> {
        LogProgress { ctx }
    }
}

impl Progress for LogProgress<'_> {
    fn step_done(&self, step: &Step, result: &StepResult) {
        self.ctx.health().beat();
        let label = match result {
            StepResult::Done => "done",
            StepResult::Kept(_) => "kept",
            StepResult::Skipped(_) => "skipped",
            StepResult::Failed(_) => "failed",
        };
        let labels = StepLabels { result: label };
        self.ctx.metrics().apply_steps.get_or_create(&labels).inc();
        let step = step.key();
        match result {
            StepResult::Done => info!(step = %step, "Change applied."),
            StepResult::Kept(why) => info!(step = %step, reason = %why, "Version kept: in use."),
            StepResult::Skipped(why) => warn!(step = %step, reason = %why, "Change skipped."),
            StepResult::Failed(why) => error!(step = %step, error = %why, "Change failed."),
        }
    }

    fn should_stop(&self) -> bool {
        self.ctx.shutdown().is_requested()
    }
}
