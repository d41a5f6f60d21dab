//! The Prometheus metrics of `run`, kept in one [`Registry`] and served on `/metrics`.
//!
//! Every metric is named `studio_lcc_*`; `docs/operations.md` lists them. Handles are cheap
//! clones of shared atomics, so the loop, the apply progress and the SDK interceptor update
//! them without locks of their own.

use std::sync::atomic::AtomicU64;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// Labels of `studio_lcc_cycles_total`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CycleLabels {
    /// How the cycle ended (see [`super::CycleReport::result`]).
    pub result: &'static str,
}

/// Labels of `studio_lcc_aws_calls_total`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    /// The SageMaker operation (`UpdateDomain`, ...).
    pub operation: String,
    /// `success` or `error`, after the client's retries.
    pub outcome: &'static str,
}

/// Labels of `studio_lcc_apply_steps_total`.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StepLabels {
    /// `done`, `kept`, `skipped` or `failed`.
    pub result: &'static str,
}

/// Every metric of the loop, and the registry that encodes them.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Cycles by result.
    pub cycles: Family<CycleLabels, Counter>,
    /// Duration of each cycle, in seconds.
    pub cycle_duration: Histogram,
    /// Changes the last plan found that are not applied yet.
    pub pending_changes: Gauge,
    /// Old versions the last cycle kept because something uses them.
    pub kept_versions: Gauge,
    /// SageMaker calls by operation and outcome.
    pub aws_calls: Family<CallLabels, Counter>,
    /// Apply steps by result.
    pub apply_steps: Family<StepLabels, Counter>,
    /// Unix time of the last successful cycle (0 before the first).
    pub last_success: Gauge<f64, AtomicU64>,
    /// Cycles whose manifest failed to load.
    pub manifest_load_failures: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

impl Metrics {
    /// Creates and registers every metric.
    #[must_use]
    pub fn new() -> Metrics {
        let mut metrics = Metrics {
            registry: Registry::default(),
            cycles: Family::default(),
            cycle_duration: Histogram::new(exponential_buckets(0.05, 2.0, 14)),
            pending_changes: Gauge::default(),
            kept_versions: Gauge::default(),
            aws_calls: Family::default(),
            apply_steps: Family::default(),
            last_success: Gauge::default(),
            manifest_load_failures: Counter::default(),
        };
        metrics.register();
        metrics
    }

    fn register(&mut self) {
        let r = &mut self.registry;
        r.register(
            "studio_lcc_cycles",
            "Reconcile cycles by result.",
            self.cycles.clone(),
        );
        r.register(
            "studio_lcc_cycle_duration_seconds",
            "Duration of reconcile cycles.",
            self.cycle_duration.clone(),
        );
        r.register(
            "studio_lcc_pending_changes",
            "Changes the last plan found that are not applied (drift).",
            self.pending_changes.clone(),
        );
        r.register(
            "studio_lcc_kept_versions",
            "Old versions kept because something still uses them.",
            self.kept_versions.clone(),
        );
        r.register(
            "studio_lcc_aws_calls",
            "SageMaker calls by operation and outcome (after retries).",
            self.aws_calls.clone(),
        );
        r.register(
            "studio_lcc_apply_steps",
            "Apply steps by result.",
            self.apply_steps.clone(),
        );
        r.register(
            "studio_lcc_last_success_timestamp_seconds",
            "Unix time of the last successful cycle.",
            self.last_success.clone(),
        );
        r.register(
            "studio_lcc_manifest_load_failures",
            "Cycles whose manifest failed to load.",
            self.manifest_load_failures.clone(),
        );
    }

    /// Counts one finished cycle.
    pub fn record_cycle(&self, result: &'static str, duration: Duration) {
        self.cycles.get_or_create(&CycleLabels { result }).inc();
        self.cycle_duration.observe(duration.as_secs_f64());
    }

    /// Records that a cycle succeeded now.
    pub fn record_success(&self) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        self.last_success.set(now.as_secs_f64());
    }

    /// Counts one SageMaker call.
    pub fn record_call(&self, operation: &str, outcome: &'static str) {
        let labels = CallLabels {
            operation: operation.to_owned(),
            outcome,
        };
        self.aws_calls.get_or_create(&labels).inc();
    }

    /// The metrics in the OpenMetrics text format.
    #[must_use]
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // NB: writing into a `String` cannot fail; an error here would be a bug in the encoder.
        if prometheus_client::encoding::text::encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_metrics_carry_their_names_and_labels() {
        let metrics = Metrics::new();
        metrics.record_cycle("applied", Duration::from_millis(120));
        metrics.record_call("UpdateDomain", "success");
        metrics.pending_changes.set(3);
        let text = metrics.encode();
        assert!(
            text.contains("studio_lcc_cycles_total{result=\"applied\"} 1"),
            "{text}"
        );
        assert!(
            text.contains(
                "studio_lcc_aws_calls_total{operation=\"UpdateDomain\",outcome=\"success\"} 1"
            ),
            "{text}"
        );
        assert!(text.contains("studio_lcc_pending_changes 3"), "{text}");
        assert!(
            text.contains("studio_lcc_manifest_load_failures_total 0"),
            "{text}"
        );
        assert!(
            text.contains("studio_lcc_cycle_duration_seconds_count 1"),
            "{text}"
        );
    }
}
