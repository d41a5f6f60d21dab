//! Stale saved plans: a saved plan is applied only while its assumptions still hold.
//!
//! Every step records the live values it assumed (the slot values before the change, which LCCs
//! exist, what is free to delete). Planning again from the same desired state against a fresh
//! snapshot yields exactly the same steps when those assumptions hold; any difference is a
//! reason to refuse.

use std::collections::BTreeMap;

use super::types::{Plan, Step};

/// Why a saved plan no longer matches live state; empty when it can be applied.
///
/// Known limitation: the comparison is all or nothing. A saved plan that was partly applied
/// (an earlier `apply FILE` failed half way) no longer matches and is refused; run `plan`
/// again, which plans only what is left.
#[must_use]
pub fn stale_reasons(saved: &Plan, fresh: &Plan) -> Vec<String> {
    let fresh_steps: BTreeMap<String, &Step> = fresh.steps.iter().map(|s| (s.key(), s)).collect();
    let saved_keys: Vec<String> = saved.steps.iter().map(Step::key).collect();
    let mut reasons = Vec::new();
    for step in &saved.steps {
        match fresh_steps.get(&step.key()) {
            None => reasons.push(format!("`{}` is no longer needed or possible", step.key())),
            Some(now) if *now != step => {
                reasons.push(format!(
                    "`{}` assumed live values that have changed",
                    step.key()
                ));
            }
            Some(_) => {}
        }
    }
    for key in fresh_steps.keys().filter(|k| !saved_keys.contains(k)) {
        reasons.push(format!("live state now also needs `{key}`"));
    }
    if saved.owner != fresh.owner {
        reasons.push(format!("the plan was made for owner `{}`", saved.owner));
    }
    reasons
}
