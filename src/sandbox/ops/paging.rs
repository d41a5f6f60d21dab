//! Pagination with opaque `NextToken`s, sorting and the common list filters.

use std::cmp::Ordering;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::sandbox::error::ApiError;

/// Page size when `MaxResults` is absent.
pub(super) const DEFAULT_PAGE: usize = 10;

/// One page of `items` (already filtered and sorted) as `{result_key: [...], NextToken?}`.
///
/// Known limitation: the token is an offset into the sorted list, so a resource created or
/// deleted between two page calls can shift the pages by one.
pub(super) fn page(
    items: Vec<Value>,
    input: &Map<String, Value>,
    result_key: &str,
    default_size: usize,
) -> Result<Value, ApiError> {
    let start = match input.get("NextToken").and_then(Value::as_str) {
        Some(token) => decode(token)?,
        None => 0,
    };
    let size = input
        .get("MaxResults")
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(default_size);
    let end = start.saturating_add(size).min(items.len());
    let chunk: Vec<Value> = items
        .get(start..end)
        .map(<[Value]>::to_vec)
        .unwrap_or_default();
    let mut out = Map::new();
    out.insert(result_key.into(), Value::Array(chunk));
    if end < items.len() {
        out.insert("NextToken".into(), Value::from(encode(end)));
    }
    Ok(Value::Object(out))
}

/// Sorts by `SortBy` (a member of the items, default `CreationTime`) and `SortOrder`.
pub(super) fn sort(items: &mut [Value], input: &Map<String, Value>, descending_by_default: bool) {
    let key = input
        .get("SortBy")
        .and_then(Value::as_str)
        .unwrap_or("CreationTime");
    let key = if key == "Name" {
        "StudioLifecycleConfigName"
    } else {
        key
    };
    let descending = match input.get("SortOrder").and_then(Value::as_str) {
        Some(order) => order == "Descending",
        None => descending_by_default,
    };
    items.sort_by(|a, b| {
        let ord = compare(&a[key], &b[key]);
        if descending { ord.reverse() } else { ord }
    });
}

/// Whether `record`'s `member` contains `needle` (no filter when `needle` is absent).
pub(super) fn contains(record: &Map<String, Value>, member: &str, needle: Option<&str>) -> bool {
    needle.is_none_or(|n| {
        record
            .get(member)
            .and_then(Value::as_str)
            .is_some_and(|v| v.contains(n))
    })
}

/// Whether `record`'s `member` equals `wanted` (no filter when `wanted` is absent).
pub(super) fn equals(record: &Map<String, Value>, member: &str, wanted: Option<&str>) -> bool {
    wanted.is_none_or(|w| record.get(member).and_then(Value::as_str) == Some(w))
}

/// Time filters: `{member}` must be on or before `before` and on or after `after`.
pub(super) fn within(
    record: &Map<String, Value>,
    member: &str,
    before: Option<f64>,
    after: Option<f64>,
) -> bool {
    let t = record
        .get(member)
        .and_then(Value::as_f64)
        .unwrap_or_default();
    before.is_none_or(|b| t <= b) && after.is_none_or(|a| t >= a)
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .unwrap_or_default()
            .total_cmp(&y.as_f64().unwrap_or_default()),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

fn encode(offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("sandbox-page:{offset}"))
}

fn decode(token: &str) -> Result<usize, ApiError> {
    let invalid = || ApiError::validation("The NextToken is not valid.");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let offset = text.strip_prefix("sandbox-page:").ok_or_else(invalid)?;
    offset.parse().map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tokens_walk_every_item_exactly_once() {
        let items: Vec<Value> = (0..25).map(|i| json!({"N": i})).collect();
        let mut input = Map::new();
        let mut seen = Vec::new();
        loop {
            let page = page(items.clone(), &input, "Items", DEFAULT_PAGE).unwrap();
            seen.extend(page["Items"].as_array().unwrap().iter().cloned());
            match page.get("NextToken") {
                Some(t) => input.insert("NextToken".into(), t.clone()),
                None => break,
            };
        }
        assert_eq!(seen, items);
    }

    #[test]
    fn a_forged_token_is_a_validation_error() {
        let mut input = Map::new();
        input.insert("NextToken".into(), json!("garbage!"));
        assert!(page(vec![], &input, "Items", DEFAULT_PAGE).is_err());
    }
}
