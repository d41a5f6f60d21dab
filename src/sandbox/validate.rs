//! Request validation driven by the model's constraints, and projection of stored data onto
//! output shapes.
//!
//! Validation walks the input shape recursively and collects every violation of one request
//! into a single `ValidationException` in AWS's Coral format. A JSON value of the wrong type
//! is a `SerializationException` instead. The walk also cleans the input: members the model
//! does not know and explicit `null`s are dropped, so only modeled data is ever stored.

use serde_json::{Map, Value};

use super::error::ApiError;
use super::shapes::{MODEL, Shape, ShapeKind, full_match};

/// Validates `input` against the input shape of `operation` and returns the cleaned input.
pub(crate) fn validate_input(operation: &str, input: &Value) -> Result<Value, ApiError> {
    let Some(shape) = MODEL.operation(operation).and_then(|op| op.input.as_ref()) else {
        return Ok(Value::Object(Map::new()));
    };
    let mut walker = Walker::default();
    let cleaned = walker.walk(&shape.shape, input, "")?;
    if walker.violations.is_empty() {
        Ok(cleaned)
    } else {
        Err(ApiError::validation(coral_message(&walker.violations)))
    }
}

/// Keeps only the members of `value` that the shape `shape_name` models, at every depth.
pub(crate) fn project(shape_name: &str, value: &Value) -> Option<Value> {
    let shape = MODEL.shape(shape_name);
    match (shape.kind, value) {
        (ShapeKind::Structure, Value::Object(map)) => {
            let out: Map<String, Value> = shape
                .members
                .iter()
                .filter_map(|(name, r)| {
                    let projected = project(&r.shape, map.get(name)?)?;
                    Some((name.clone(), projected))
                })
                .collect();
            Some(Value::Object(out))
        }
        (ShapeKind::List, Value::Array(items)) => {
            let member = &shape.member.as_ref()?.shape;
            Some(Value::Array(
                items.iter().filter_map(|v| project(member, v)).collect(),
            ))
        }
        (ShapeKind::Structure | ShapeKind::List, _) | (_, Value::Null) => None,
        (_, scalar) => Some(scalar.clone()),
    }
}

/// `N validation error(s) detected: a; b`.
fn coral_message(violations: &[String]) -> String {
    let n = violations.len();
    let noun = if n == 1 { "error" } else { "errors" };
    format!("{n} validation {noun} detected: {}", violations.join("; "))
}

#[derive(Default)]
struct Walker {
    violations: Vec<String>,
}

impl Walker {
    fn walk(&mut self, shape_name: &str, value: &Value, path: &str) -> Result<Value, ApiError> {
        let shape = MODEL.shape(shape_name);
        match shape.kind {
            ShapeKind::Structure => self.walk_structure(shape, value, path),
            ShapeKind::List => self.walk_list(shape, value, path),
            ShapeKind::String => self.check_string(shape, value, path),
            ShapeKind::Integer | ShapeKind::Long => self.check_integer(shape, value, path),
            ShapeKind::Boolean => expect_type(value.is_boolean(), "a boolean", value, path),
            ShapeKind::Timestamp => expect_type(value.is_number(), "a timestamp", value, path),
        }
    }

    fn walk_structure(
        &mut self,
        shape: &Shape,
        value: &Value,
        path: &str,
    ) -> Result<Value, ApiError> {
        let Value::Object(map) = value else {
            return Err(wrong_type("an object", value, path));
        };
        let mut out = Map::new();
        for (name, member) in &shape.members {
            let member_path = join(path, &camel(name));
            match map.get(name) {
                None | Some(Value::Null) if shape.required.contains(name) => {
                    self.violations.push(format!("Value null at '{member_path}' failed to satisfy constraint: Member must not be null"));
                }
                None | Some(Value::Null) => {}
                Some(v) => {
                    out.insert(name.clone(), self.walk(&member.shape, v, &member_path)?);
                }
            }
        }
        if shape.union && out.len() != 1 {
            self.violate(value, path, "Member must have exactly one member set");
        }
        Ok(Value::Object(out))
    }

    fn walk_list(&mut self, shape: &Shape, value: &Value, path: &str) -> Result<Value, ApiError> {
        let Value::Array(items) = value else {
            return Err(wrong_type("a list", value, path));
        };
        self.check_length(shape, items.len(), value, path);
        let member = shape.member.as_ref().map_or("String", |m| m.shape.as_str());
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let item_path = join(path, &format!("{}.member", i + 1));
            if !item.is_null() {
                out.push(self.walk(member, item, &item_path)?);
            }
        }
        Ok(Value::Array(out))
    }

    fn check_string(
        &mut self,
        shape: &Shape,
        value: &Value,
        path: &str,
    ) -> Result<Value, ApiError> {
        let Value::String(s) = value else {
            return Err(wrong_type("a string", value, path));
        };
        self.check_length(shape, s.chars().count(), value, path);
        if let Some(pattern) = &shape.pattern
            && !full_match(pattern, s)
        {
            let rule = format!("Member must satisfy regular expression pattern: ^{pattern}$");
            self.violate(value, path, &rule);
        }
        if let Some(allowed) = &shape.enum_values
            && !allowed.contains(s)
        {
            let rule = format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            );
            self.violate(value, path, &rule);
        }
        Ok(value.clone())
    }

    fn check_integer(
        &mut self,
        shape: &Shape,
        value: &Value,
        path: &str,
    ) -> Result<Value, ApiError> {
        let Some(n) = value.as_i64() else {
            return Err(wrong_type("an integer", value, path));
        };
        if let Some(min) = shape.min.filter(|min| n < *min) {
            self.violate(
                value,
                path,
                &format!("Member must have value greater than or equal to {min}"),
            );
        }
        if let Some(max) = shape.max.filter(|max| n > *max) {
            self.violate(
                value,
                path,
                &format!("Member must have value less than or equal to {max}"),
            );
        }
        Ok(value.clone())
    }

    fn check_length(&mut self, shape: &Shape, len: usize, value: &Value, path: &str) {
        let len = i64::try_from(len).unwrap_or(i64::MAX);
        if let Some(min) = shape.min.filter(|min| len < *min) {
            self.violate(
                value,
                path,
                &format!("Member must have length greater than or equal to {min}"),
            );
        }
        if let Some(max) = shape.max.filter(|max| len > *max) {
            self.violate(
                value,
                path,
                &format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    fn violate(&mut self, value: &Value, path: &str, rule: &str) {
        let shown = display_value(value);
        self.violations.push(format!(
            "Value '{shown}' at '{path}' failed to satisfy constraint: {rule}"
        ));
    }
}

fn expect_type(ok: bool, expected: &str, value: &Value, path: &str) -> Result<Value, ApiError> {
    if ok {
        Ok(value.clone())
    } else {
        Err(wrong_type(expected, value, path))
    }
}

fn wrong_type(expected: &str, value: &Value, path: &str) -> ApiError {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    };
    let at = if path.is_empty() {
        "the request body".to_owned()
    } else {
        format!("'{path}'")
    };
    ApiError::serialization(format!("Expected {expected} at {at} but found {found}."))
}

/// How Coral prints a value: strings bare, lists as `[a, b]`.
fn display_value(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let shown: Vec<String> = items.iter().map(display_value).collect();
            format!("[{}]", shown.join(", "))
        }
        other => other.to_string(),
    }
}

/// `DefaultUserSettings` → `defaultUserSettings`.
fn camel(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::sandbox::error::ErrorKind;

    #[test]
    fn every_violation_of_one_request_is_reported_in_one_coral_message() {
        let input =
            json!({"StudioLifecycleConfigName": "bad_name", "StudioLifecycleConfigAppType": "Vim"});
        let err = validate_input("CreateStudioLifecycleConfig", &input).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Validation);
        assert!(
            err.message.starts_with("3 validation errors detected: "),
            "{}",
            err.message
        );
        assert!(err.message.contains("Value 'bad_name' at 'studioLifecycleConfigName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"));
        assert!(err.message.contains("Value null at 'studioLifecycleConfigContent' failed to satisfy constraint: Member must not be null"));
        assert!(err.message.contains("Member must satisfy enum value set: [JupyterServer, KernelGateway, CodeEditor, JupyterLab]"));
    }

    #[test]
    fn nested_list_items_are_named_with_one_based_member_paths() {
        let input = json!({"ResourceArn": "arn:aws:sagemaker:us-east-1:123456789012:domain/d-1", "Tags": [{"Key": "a"}, {"Key": "", "Value": "v"}]});
        let err = validate_input("AddTags", &input).unwrap_err();
        assert!(
            err.message.contains("at 'tags.1.member.value'"),
            "{}",
            err.message
        );
        assert!(err.message.contains("Value '' at 'tags.2.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1"));
    }

    #[test]
    fn a_wrong_json_type_is_a_serialization_error() {
        let input = json!({"MaxResults": "ten"});
        let err = validate_input("ListDomains", &input).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
        let err = validate_input("ListDomains", &json!({"MaxResults": 1.5})).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Serialization);
    }

    #[test]
    fn timestamps_accept_integers_decimals_and_exponents() {
        for t in [
            json!(1_700_000_000),
            json!(1_700_000_000.5),
            json!(1.642_495_335_891e9),
        ] {
            let input = json!({"CreationTimeAfter": t});
            assert!(validate_input("ListStudioLifecycleConfigs", &input).is_ok());
        }
    }

    #[test]
    fn integer_ranges_are_enforced() {
        let err = validate_input("ListDomains", &json!({"MaxResults": 101})).unwrap_err();
        assert!(
            err.message
                .contains("Member must have value less than or equal to 100")
        );
        let err = validate_input("ListTags", &json!({"ResourceArn": "arn:aws:sagemaker:us-east-1:123456789012:domain/d-1", "MaxResults": 10})).unwrap_err();
        assert!(err.message.contains("greater than or equal to 50"));
    }

    #[test]
    fn unknown_members_and_nulls_are_dropped_from_the_cleaned_input() {
        let input = json!({"DomainId": "d-abc", "Bogus": 1, "UserSettings": null});
        let cleaned = validate_input(
            "UpdateUserProfile",
            &json!({"UserProfileName": "u", "DomainId": "d-abc"}),
        )
        .unwrap();
        assert_eq!(
            cleaned,
            json!({"DomainId": "d-abc", "UserProfileName": "u"})
        );
        let cleaned = validate_input("DescribeDomain", &input).unwrap();
        assert_eq!(cleaned, json!({"DomainId": "d-abc"}));
    }

    #[test]
    fn projection_keeps_modeled_members_and_empty_lists() {
        let stored = json!({"DomainArn": "a", "Secret": 1, "DefaultUserSettings": {"KernelGatewayAppSettings": {"LifecycleConfigArns": []}}});
        let out = project("DescribeDomainResponse", &stored).unwrap();
        assert_eq!(
            out,
            json!({"DomainArn": "a", "DefaultUserSettings": {"KernelGatewayAppSettings": {"LifecycleConfigArns": []}}})
        );
    }
}
