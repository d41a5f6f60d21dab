//! The patch semantics of `UpdateDomain`, `UpdateUserProfile` and `UpdateSpace`.
//!
//! An update is a recursive patch: a member left out keeps its stored value at every depth; a
//! structure that is sent merges into the stored one; a scalar overwrites; a list that is sent
//! replaces the stored list whole (`[]` clears it); and the string `None` in an ARN member
//! whose pattern allows it clears that member.

use serde_json::{Map, Value};

/// Members whose model pattern allows the literal `None`, which clears them.
const NONE_CLEARS: [&str; 4] = [
    "LifecycleConfigArn",
    "BuiltInLifecycleConfigArn",
    "SageMakerImageVersionArn",
    "TrainingPlanArn",
];

/// Merges `patch` into `stored`.
pub(crate) fn merge(stored: &mut Map<String, Value>, patch: &Map<String, Value>) {
    for (key, value) in patch {
        match value {
            Value::String(s) if s == "None" && NONE_CLEARS.contains(&key.as_str()) => {
                stored.remove(key);
            }
            Value::Object(inner) => {
                let slot = stored
                    .entry(key.clone())
                    .and_modify(|v| {
                        if !v.is_object() {
                            *v = Value::Object(Map::new());
                        }
                    })
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(target) = slot {
                    merge(target, inner);
                }
            }
            other => {
                stored.insert(key.clone(), other.clone());
            }
        }
    }
}

/// A fresh object built from `input` with the same rules (so `None` is never stored).
pub(crate) fn normalized(input: &Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    merge(&mut out, input);
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn apply(stored: Value, patch: Value) -> Value {
        let mut stored = stored.as_object().cloned().unwrap();
        merge(&mut stored, patch.as_object().unwrap());
        Value::Object(stored)
    }

    #[test]
    fn absent_members_are_kept_and_sent_lists_replace() {
        let stored = json!({"Role": "r", "JL": {"LifecycleConfigArns": ["a", "b"], "Spec": {"InstanceType": "system"}}});
        let out = apply(stored, json!({"JL": {"LifecycleConfigArns": ["c"]}}));
        assert_eq!(
            out,
            json!({"Role": "r", "JL": {"LifecycleConfigArns": ["c"], "Spec": {"InstanceType": "system"}}})
        );
    }

    #[test]
    fn an_empty_list_clears_and_is_kept_as_empty() {
        let out = apply(json!({"L": ["a"]}), json!({"L": []}));
        assert_eq!(out, json!({"L": []}));
    }

    #[test]
    fn none_clears_arn_members_only() {
        let stored =
            json!({"Spec": {"LifecycleConfigArn": "arn", "InstanceType": "system"}, "Name": "x"});
        let out = apply(
            stored,
            json!({"Spec": {"LifecycleConfigArn": "None"}, "Name": "None"}),
        );
        assert_eq!(
            out,
            json!({"Spec": {"InstanceType": "system"}, "Name": "None"})
        );
    }
}
