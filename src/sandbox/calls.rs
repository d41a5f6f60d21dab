//! Call accounting: how many calls each operation received and how they ended.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::error::ErrorKind;

/// Counters of one operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationCalls {
    /// Every call received, whatever its outcome.
    pub calls: u64,
    /// Calls answered with `ThrottlingException`.
    pub throttled: u64,
    /// Calls answered with a server fault (`InternalFailure`, `ServiceUnavailable`).
    pub failed: u64,
    /// Calls answered with any other error (validation, not found, in use, ...).
    pub errors: u64,
}

impl OperationCalls {
    fn add(&mut self, other: &OperationCalls) {
        self.calls += other.calls;
        self.throttled += other.throttled;
        self.failed += other.failed;
        self.errors += other.errors;
    }
}

/// Counters per operation wire name (for example `UpdateDomain`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallStats {
    /// Counters by operation, in name order.
    pub operations: BTreeMap<String, OperationCalls>,
}

impl CallStats {
    /// The counters of one operation (zero when it was never called).
    #[must_use]
    pub fn operation(&self, name: &str) -> OperationCalls {
        self.operations.get(name).copied().unwrap_or_default()
    }

    /// The sum over all operations.
    #[must_use]
    pub fn total(&self) -> OperationCalls {
        let mut total = OperationCalls::default();
        for calls in self.operations.values() {
            total.add(calls);
        }
        total
    }

    /// Counts one call of `operation` that ended with `outcome` (`None` = success).
    pub(crate) fn record(&mut self, operation: &str, outcome: Option<ErrorKind>) {
        let entry = self.operations.entry(operation.to_owned()).or_default();
        entry.calls += 1;
        match outcome {
            None => {}
            Some(ErrorKind::Throttling) => entry.throttled += 1,
            Some(kind) if kind.is_server_fault() => entry.failed += 1,
            Some(_) => entry.errors += 1,
        }
    }
}

impl fmt::Display for CallStats {
    /// A table with one line per operation and a total line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<32} {:>8} {:>10} {:>8} {:>8}",
            "operation", "calls", "throttled", "failed", "errors"
        )?;
        let total = self.total();
        let rows = self.operations.iter().map(|(n, c)| (n.as_str(), *c));
        for (name, c) in rows.chain(std::iter::once(("total", total))) {
            writeln!(
                f,
                "{name:<32} {:>8} {:>10} {:>8} {:>8}",
                c.calls, c.throttled, c.failed, c.errors
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_land_in_their_own_counters_and_the_total_adds_up() {
        let mut stats = CallStats::default();
        stats.record("UpdateDomain", None);
        stats.record("UpdateDomain", Some(ErrorKind::Throttling));
        stats.record("UpdateDomain", Some(ErrorKind::InternalFailure));
        stats.record("DescribeDomain", Some(ErrorKind::ResourceNotFound));
        let update = stats.operation("UpdateDomain");
        assert_eq!(
            (update.calls, update.throttled, update.failed, update.errors),
            (3, 1, 1, 0)
        );
        assert_eq!(stats.total().calls, 4);
        assert_eq!(stats.total().errors, 1);
    }
}
