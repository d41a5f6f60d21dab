//! The loop's health, shared with the HTTP server: `/healthz` (alive, not stuck) and `/readyz`
//! (the last cycle succeeded recently enough).
//!
//! The loop beats while it waits (every watch poll), when a cycle starts and after each apply
//! step. It is stuck when no beat came for `stuck_after`: a cycle that hangs in a SageMaker call
//! or a wait beyond every timeout. Readiness says whether the declared state is being enforced:
//! it is false before the first cycle, after a failed cycle (an invalid manifest included) and
//! when the last success is older than `ready_within`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The answer of a health check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// Healthy, with a short explanation.
    Pass(String),
    /// Unhealthy, with the reason.
    Fail(String),
}

impl Check {
    /// Whether the check passed.
    #[must_use]
    pub fn is_pass(&self) -> bool {
        matches!(self, Check::Pass(_))
    }

    /// The explanation or reason.
    #[must_use]
    pub fn text(&self) -> &str {
        match self {
            Check::Pass(text) | Check::Fail(text) => text,
        }
    }
}

/// Thresholds of the checks.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// `/healthz` fails when the loop has not beaten for this long.
    pub stuck_after: Duration,
    /// `/readyz` fails when the last success is older than this.
    pub ready_within: Duration,
}

/// What the loop last reported.
#[derive(Debug)]
pub struct State {
    thresholds: Thresholds,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    last_beat: Instant,
    last_cycle: Option<(u64, Result<(), String>)>,
    last_success: Option<Instant>,
}

impl State {
    /// A state with no cycle finished yet.
    #[must_use]
    pub fn new(thresholds: Thresholds) -> State {
        let inner = Inner {
            last_beat: Instant::now(),
            last_cycle: None,
            last_success: None,
        };
        State {
            thresholds,
            inner: Mutex::new(inner),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // NB: the lock is never held across a panic point, so a poisoned lock still holds
        // consistent data.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records that the loop is making progress.
    pub fn beat(&self) {
        self.lock().last_beat = Instant::now();
    }

    /// Records how cycle `id` ended; `Err` carries the reason it failed.
    pub fn record_cycle(&self, id: u64, result: Result<(), String>) {
        let mut inner = self.lock();
        let now = Instant::now();
        inner.last_beat = now;
        if result.is_ok() {
            inner.last_success = Some(now);
        }
        inner.last_cycle = Some((id, result));
    }

    /// `/healthz`: whether the loop beat recently enough, as of `now`.
    #[must_use]
    pub fn liveness(&self, now: Instant) -> Check {
        let silent = now.saturating_duration_since(self.lock().last_beat);
        if silent > self.thresholds.stuck_after {
            return Check::Fail(format!(
                "the loop made no progress for {}s",
                silent.as_secs()
            ));
        }
        Check::Pass("ok".to_owned())
    }

    /// `/readyz`: whether the last cycle succeeded, recently enough, as of `now`.
    #[must_use]
    pub fn readiness(&self, now: Instant) -> Check {
        let inner = self.lock();
        let Some((id, result)) = &inner.last_cycle else {
            return Check::Fail("no cycle has finished yet".to_owned());
        };
        if let Err(reason) = result {
            return Check::Fail(format!("cycle {id} failed: {reason}"));
        }
        let age = inner
            .last_success
            .map_or(Duration::MAX, |t| now.saturating_duration_since(t));
        if age > self.thresholds.ready_within {
            return Check::Fail(format!("the last success is {}s old", age.as_secs()));
        }
        Check::Pass(format!("cycle {id} succeeded"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> State {
        State::new(Thresholds {
            stuck_after: Duration::from_secs(60),
            ready_within: Duration::from_secs(300),
        })
    }

    #[test]
    fn readiness_waits_for_a_first_successful_cycle() {
        let state = state();
        assert!(!state.readiness(Instant::now()).is_pass());
        state.record_cycle(1, Err("failed to read live state".into()));
        let check = state.readiness(Instant::now());
        assert_eq!(
            check,
            Check::Fail("cycle 1 failed: failed to read live state".into())
        );
        state.record_cycle(2, Ok(()));
        assert!(state.readiness(Instant::now()).is_pass());
    }

    #[test]
    fn readiness_fails_when_the_last_success_is_too_old() {
        let state = state();
        state.record_cycle(1, Ok(()));
        let later = Instant::now() + Duration::from_secs(301);
        assert!(!state.readiness(later).is_pass());
    }

    #[test]
    fn liveness_fails_when_the_loop_stops_beating() {
        let state = state();
        assert!(state.liveness(Instant::now()).is_pass());
        let later = Instant::now() + Duration::from_secs(61);
        assert!(!state.liveness(later).is_pass());
        state.beat();
        assert!(state.liveness(Instant::now()).is_pass());
    }
}
