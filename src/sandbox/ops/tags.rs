//! `AddTags`, `ListTags` and `DeleteTags`, and the tags given to Create* calls.

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::paging;
use super::{World, text};
use crate::sandbox::error::ApiError;

/// Tags one resource can carry.
const MAX_TAGS: usize = 50;

/// `ListTags` page size when `MaxResults` is absent.
const DEFAULT_TAGS_PAGE: usize = 50;

pub(super) fn add(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let arn = require_resource(world, text(input, "ResourceArn"))?;
    let mut merged = world.store.tags.get(&arn).cloned().unwrap_or_default();
    let given = input.get("Tags").cloned().unwrap_or_else(|| json!([]));
    merged.extend(pairs(&given));
    if merged.len() > MAX_TAGS {
        return Err(ApiError::validation(format!(
            "Resource [{arn}] cannot have more than {MAX_TAGS} tags."
        )));
    }
    world.store.tags.insert(arn, merged);
    Ok(json!({ "Tags": given }))
}

pub(super) fn list(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let arn = require_resource(world, text(input, "ResourceArn"))?;
    let tags = world.store.tags.get(&arn).cloned().unwrap_or_default();
    let items = tags
        .into_iter()
        .map(|(k, v)| json!({ "Key": k, "Value": v }))
        .collect();
    paging::page(items, input, "Tags", DEFAULT_TAGS_PAGE)
}

pub(super) fn delete(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let arn = require_resource(world, text(input, "ResourceArn"))?;
    let keys = input
        .get("TagKeys")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(tags) = world.store.tags.get_mut(&arn) {
        for key in keys.iter().filter_map(Value::as_str) {
            tags.shift_remove(key);
        }
    }
    Ok(json!({}))
}

/// Stores the `Tags` of a Create* request for the new resource `arn`.
pub(super) fn store_create_tags(world: &mut World, arn: &str, input: &Map<String, Value>) {
    if let Some(given) = input.get("Tags") {
        world.store.tags.insert(arn.to_owned(), pairs(given));
    }
}

/// The canonical ARN of an existing resource (tags are keyed by it), or `ResourceNotFound`.
fn require_resource(world: &World, arn: &str) -> Result<String, ApiError> {
    world
        .store
        .find_arn(arn)
        .ok_or_else(|| ApiError::not_found(format!("Resource [{arn}] does not exist.")))
}

fn pairs(tags: &Value) -> IndexMap<String, String> {
    let list = tags.as_array().map(Vec::as_slice).unwrap_or_default();
    list.iter()
        .filter_map(|t| {
            Some((
                t.get("Key")?.as_str()?.to_owned(),
                t.get("Value")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}
