//! Fault and latency injection for SageMaker calls.
//!
//! Faults are decided before a call is handled: first the latency, then throttling (by
//! probability, then by a token bucket per operation), then injected server errors. A
//! faulted call never reaches the emulated account.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::error::{ApiError, ErrorKind};

/// Which faults to inject. The default injects none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Extra latency before each call is answered.
    pub latency: Option<Latency>,
    /// Chance (0 to 1) that a call is answered with `ThrottlingException`.
    pub throttle_probability: f64,
    /// A token bucket per operation; a call that finds it empty is throttled.
    pub throttle_bucket: Option<TokenBucket>,
    /// Chance (0 to 1) that a call is answered with `InternalFailure` (HTTP 500).
    pub server_error_probability: f64,
    /// Chance (0 to 1) that a call is answered with `ServiceUnavailable` (HTTP 503).
    pub unavailable_probability: f64,
    /// Operations the faults apply to (wire names); empty means every operation.
    pub operations: Vec<String>,
}

/// Latency per call: fixed when `min_ms == max_ms`, otherwise uniform in the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    /// Shortest added latency in milliseconds.
    pub min_ms: u64,
    /// Longest added latency in milliseconds.
    pub max_ms: u64,
}

/// A token bucket: `burst` calls at once, refilled at `rate_per_second`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenBucket {
    /// Tokens added per second.
    pub rate_per_second: f64,
    /// Bucket size (and the tokens it starts with).
    pub burst: u32,
}

/// What to do with one call.
#[derive(Debug)]
pub(crate) struct Decision {
    pub delay: Duration,
    pub fault: Option<ApiError>,
}

/// The fault configuration with its running token buckets.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    config: FaultConfig,
    buckets: HashMap<String, Bucket>,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

impl Faults {
    pub fn new(config: FaultConfig) -> Faults {
        Faults {
            config,
            buckets: HashMap::new(),
        }
    }

    pub fn config(&self) -> &FaultConfig {
        &self.config
    }

    /// Replaces the configuration; token buckets start full again.
    pub fn set(&mut self, config: FaultConfig) {
        self.config = config;
        self.buckets.clear();
    }

    /// Decides latency and fault for one call of `operation`.
    pub fn decide(&mut self, operation: &str) -> Decision {
        let applies = self.config.operations.is_empty()
            || self.config.operations.iter().any(|o| o == operation);
        if !applies {
            return Decision {
                delay: Duration::ZERO,
                fault: None,
            };
        }
        let delay = self.config.latency.map_or(Duration::ZERO, pick_latency);
        let fault = self.pick_fault(operation);
        Decision { delay, fault }
    }

    fn pick_fault(&mut self, operation: &str) -> Option<ApiError> {
        let mut rng = rand::rng();
        let throttled =
            chance(&mut rng, self.config.throttle_probability) || !self.take_token(operation);
        if throttled {
            return Some(ApiError::new(ErrorKind::Throttling, "Rate exceeded"));
        }
        if chance(&mut rng, self.config.server_error_probability) {
            let message = "We encountered an internal error. Please try again.";
            return Some(ApiError::new(ErrorKind::InternalFailure, message));
        }
        if chance(&mut rng, self.config.unavailable_probability) {
            return Some(ApiError::new(
                ErrorKind::ServiceUnavailable,
                "Service unavailable.",
            ));
        }
        None
    }

    /// Takes a token from the operation's bucket; `true` when there was one (or no bucket).
    fn take_token(&mut self, operation: &str) -> bool {
        let Some(spec) = self.config.throttle_bucket else {
            return true;
        };
        let now = Instant::now();
        let bucket = self.buckets.entry(operation.to_owned()).or_insert(Bucket {
            tokens: f64::from(spec.burst),
            refilled: now,
        });
        let refill = now.duration_since(bucket.refilled).as_secs_f64() * spec.rate_per_second;
        bucket.tokens = (bucket.tokens + refill).min(f64::from(spec.burst));
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

fn chance(rng: &mut impl Rng, probability: f64) -> bool {
    probability > 0.0 && rng.random::<f64>() < probability
}

fn pick_latency(latency: Latency) -> Duration {
    let ms = if latency.max_ms > latency.min_ms {
        rand::rng().random_range(latency.min_ms..=latency.max_ms)
    } else {
        latency.min_ms
    };
    Duration::from_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_faults_by_default() {
        let mut faults = Faults::default();
        for _ in 0..100 {
            let d = faults.decide("UpdateDomain");
            assert!(d.fault.is_none());
            assert_eq!(d.delay, Duration::ZERO);
        }
    }

    #[test]
    fn certain_throttling_throttles_every_call_with_rate_exceeded() {
        let mut faults = Faults::new(FaultConfig {
            throttle_probability: 1.0,
            ..FaultConfig::default()
        });
        let fault = faults.decide("ListDomains").fault.unwrap();
        assert_eq!(fault.kind, ErrorKind::Throttling);
        assert_eq!(
            fault.body(),
            serde_json::json!({"__type": "ThrottlingException", "message": "Rate exceeded"})
        );
    }

    #[test]
    fn an_empty_bucket_throttles_per_operation() {
        let bucket = TokenBucket {
            rate_per_second: 0.0,
            burst: 2,
        };
        let mut faults = Faults::new(FaultConfig {
            throttle_bucket: Some(bucket),
            ..FaultConfig::default()
        });
        assert!(faults.decide("A").fault.is_none());
        assert!(faults.decide("A").fault.is_none());
        assert!(faults.decide("A").fault.is_some());
        assert!(faults.decide("B").fault.is_none());
    }

    #[test]
    fn faults_can_be_limited_to_some_operations() {
        let config = FaultConfig {
            server_error_probability: 1.0,
            operations: vec!["UpdateDomain".into()],
            ..FaultConfig::default()
        };
        let mut faults = Faults::new(config);
        assert!(faults.decide("DescribeDomain").fault.is_none());
        assert_eq!(
            faults.decide("UpdateDomain").fault.unwrap().kind,
            ErrorKind::InternalFailure
        );
    }
}
