//! The SageMaker service model the sandbox is driven by.
//!
//! `model.json` is the botocore extract (`sagemaker-model-subset.json`): the 26 operations and
//! every shape they reach, with AWS's constraints. It is parsed once; its patterns are compiled
//! once, as full matches.

use std::collections::HashMap;
use std::sync::LazyLock;

use fancy_regex::Regex;
use indexmap::IndexMap;
use serde::Deserialize;

/// The botocore model text, shipped with the binary.
const MODEL_JSON: &str = include_str!("model.json");

/// The parsed model, built on first use.
pub(crate) static MODEL: LazyLock<ServiceModel> = LazyLock::new(ServiceModel::parse);

/// Every pattern in the model, compiled as a full match.
static PATTERNS: LazyLock<HashMap<String, Regex>> = LazyLock::new(|| compile_patterns(&MODEL));

/// The operations and shapes of the model.
#[derive(Debug, Deserialize)]
pub(crate) struct ServiceModel {
    pub operations: HashMap<String, Operation>,
    pub shapes: HashMap<String, Shape>,
}

/// One operation: its input and output shapes.
#[derive(Debug, Deserialize)]
pub(crate) struct Operation {
    pub input: Option<ShapeRef>,
    pub output: Option<ShapeRef>,
}

/// A reference to a named shape.
#[derive(Debug, Deserialize)]
pub(crate) struct ShapeRef {
    pub shape: String,
}

/// The kinds of shape the extract uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ShapeKind {
    Structure,
    String,
    List,
    Integer,
    Long,
    Boolean,
    Timestamp,
}

/// One shape with its constraints.
#[derive(Debug, Deserialize)]
pub(crate) struct Shape {
    #[serde(rename = "type")]
    pub kind: ShapeKind,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub members: IndexMap<String, ShapeRef>,
    pub member: Option<ShapeRef>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub pattern: Option<String>,
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<String>>,
    #[serde(default)]
    pub union: bool,
}

impl ServiceModel {
    fn parse() -> ServiceModel {
        // NB: the model is a compile-time constant checked by the unit tests below, so a parse
        // failure is a build defect, not a runtime condition.
        serde_json::from_str(MODEL_JSON).expect("the embedded SageMaker model is valid JSON")
    }

    /// The operation called `name`, if the sandbox serves it.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    /// The shape called `name`; every reference inside the model resolves.
    pub fn shape(&self, name: &str) -> &Shape {
        &self.shapes[name]
    }
}

/// Whether `value` fully matches `pattern` (a pattern that is not in the model never matches).
pub(crate) fn full_match(pattern: &str, value: &str) -> bool {
    PATTERNS
        .get(pattern)
        .is_some_and(|re| re.is_match(value).unwrap_or(false))
}

fn compile_patterns(model: &ServiceModel) -> HashMap<String, Regex> {
    let mut compiled = HashMap::new();
    for pattern in model.shapes.values().filter_map(|s| s.pattern.as_ref()) {
        let anchored = format!("^(?:{pattern})$");
        let re = Regex::new(&anchored).expect("every model pattern compiles");
        compiled.insert(pattern.clone(), re);
    }
    compiled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_has_the_twenty_six_operations_and_every_reference_resolves() {
        assert_eq!(MODEL.operations.len(), 26);
        for shape in MODEL.shapes.values() {
            let refs = shape.members.values().chain(shape.member.iter());
            for r in refs {
                assert!(MODEL.shapes.contains_key(&r.shape), "missing {}", r.shape);
            }
        }
    }

    #[test]
    fn every_pattern_compiles() {
        let distinct: std::collections::HashSet<&String> = MODEL
            .shapes
            .values()
            .filter_map(|s| s.pattern.as_ref())
            .collect();
        assert_eq!(PATTERNS.len(), distinct.len());
    }

    #[test]
    fn patterns_are_full_matches_with_lookahead_and_unicode_classes() {
        let name = "[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}";
        assert!(full_match(name, "my-config--2"));
        assert!(!full_match(name, "bad_name"));
        assert!(!full_match(name, "-leading"));
        assert!(full_match("(?!\\s*$).+", "x"));
        assert!(!full_match("(?!\\s*$).+", "   "));
        assert!(full_match("([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)", "Équipe 1"));
    }
}
