//! The YAML document as a tree of values that each know their line and column.
//!
//! The loader parses into this permissive tree first, then checks keys and types itself, so
//! that one pass reports every unknown key and every wrong type. Parsing uses `serde-saphyr`
//! with a [`serde_saphyr::Budget`], which refuses alias bombs and runaway documents before they
//! cost much time or memory.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Location, Options, Spanned};

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
}

impl Pos {
    /// A position.
    #[must_use]
    pub fn new(line: u64, column: u64) -> Pos {
        Pos { line, column }
    }
}

impl From<Location> for Pos {
    fn from(loc: Location) -> Pos {
        Pos {
            line: loc.line().max(1),
            column: loc.column().max(1),
        }
    }
}

/// One YAML node and where it appears (for an alias: where the alias is used).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) value: Value,
    pub(crate) pos: Pos,
}

/// The kinds of YAML node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; repeated keys are kept so they can be reported.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// What the value is, for messages ("expected a mapping, found a string").
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// A syntax or budget error from the YAML parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) pos: Pos,
    pub(crate) message: String,
    pub(crate) hint: Option<String>,
}

/// The parser limits: generous for any real manifest, small enough that an alias bomb is
/// refused quickly.
fn options() -> Options {
    let mut budget = Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 2_000;
    budget.max_anchors = 2_000;
    budget.max_nodes = 100_000;
    budget.max_depth = 48;
    budget.max_total_scalar_bytes = 16 * 1024 * 1024;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    options.strict_booleans = true;
    options
}

/// Parses one YAML document. An empty document is [`Value::Null`].
pub(crate) fn parse(yaml: &str) -> Result<Node, SyntaxError> {
    serde_saphyr::from_str_with_options::<Node>(yaml, options()).map_err(|err| syntax_error(&err))
}

/// Turns a parser error into a message without the library's own location suffix.
fn syntax_error(err: &serde_saphyr::Error) -> SyntaxError {
    let pos = err.location().map_or(Pos::new(1, 1), Pos::from);
    let render = serde_saphyr::render_options! { snippets: serde_saphyr::SnippetMode::Off };
    let rendered = err.render_with_options(render);
    let message = rendered
        .split(" at line ")
        .next()
        .unwrap_or(&rendered)
        .trim()
        .to_owned();
    let (message, hint) =
        if message.starts_with("budget breached") || message.contains("limit exceeded") {
            let hint = "the document expands to too much data; remove deeply nested or repeated \
                    aliases (`*name`)";
            (format!("YAML refused: {message}"), Some(hint.to_owned()))
        } else if message.starts_with("multiple YAML documents") {
            let hint = "put each manifest in its own file in a folder and pass the folder to `-f`";
            (
                "a manifest file holds one YAML document; found `---` and a second one".to_owned(),
                Some(hint.to_owned()),
            )
        } else {
            (format!("invalid YAML: {message}"), None)
        };
    SyntaxError { pos, message, hint }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Node, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node {
            value: spanned.value,
            pos: Pos::from(spanned.referenced),
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Builds a [`Value`] from whatever the parser finds.
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Int(v.into()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(i128::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Node>()? {
            let value = map.next_value::<Node>()?;
            entries.push((key, value));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_records_positions_of_keys_and_values() {
        let node = parse("a: 1\nb:\n  - x\n").unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        assert_eq!(entries[1].0.pos, Pos::new(2, 1));
        let Value::Seq(items) = &entries[1].1.value else {
            panic!("not a list")
        };
        assert_eq!(items[0].pos, Pos::new(3, 5));
    }

    #[test]
    fn parse_keeps_repeated_keys_for_reporting() {
        let node = parse("a: 1\na: 2\n").unwrap();
        let Value::Map(entries) = node.value else {
            panic!("not a map")
        };
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn parse_reports_syntax_errors_without_the_library_suffix() {
        let err = parse("a: b: c\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(1, 5));
        assert_eq!(
            err.message,
            "invalid YAML: mapping values are not allowed in this context"
        );
    }

    #[test]
    fn yes_stays_a_string() {
        let node = parse("yes").unwrap();
        assert_eq!(node.value, Value::Str("yes".into()));
    }
}
