//! `CreateStudioLifecycleConfig`, `DescribeStudioLifecycleConfig`,
//! `ListStudioLifecycleConfigs` and `DeleteStudioLifecycleConfig`.
//!
//! LCCs are immutable: there is no update, and a name can be used again only after a delete.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};

use super::paging::{self, DEFAULT_PAGE};
use super::{World, into_object, opt_text, settings, tags, text};
use crate::sandbox::error::ApiError;
use crate::sandbox::store::Record;

pub(super) fn create(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let name = text(input, "StudioLifecycleConfigName");
    let content = text(input, "StudioLifecycleConfigContent");
    if world.store.lccs.contains_key(name) {
        return Err(ApiError::in_use(format!(
            "Studio lifecycle config [{name}] already exists."
        )));
    }
    if STANDARD.decode(content).is_err() {
        return Err(ApiError::validation(
            "StudioLifecycleConfigContent must be base64 encoded.",
        ));
    }
    let arn = world.arns.lcc(name);
    let body = json!({
        "StudioLifecycleConfigArn": arn,
        "StudioLifecycleConfigName": name,
        "CreationTime": world.now,
        "LastModifiedTime": world.now,
        "StudioLifecycleConfigContent": content,
        "StudioLifecycleConfigAppType": text(input, "StudioLifecycleConfigAppType"),
    });
    world
        .store
        .lccs
        .insert(name.to_owned(), Record::new(into_object(body)));
    tags::store_create_tags(world, &arn, input);
    Ok(json!({ "StudioLifecycleConfigArn": arn }))
}

pub(super) fn describe(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let name = text(input, "StudioLifecycleConfigName");
    let record = world.store.lccs.get(name).ok_or_else(|| not_found(name))?;
    Ok(Value::Object(record.body.clone()))
}

pub(super) fn list(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let before = input.get("CreationTimeBefore").and_then(Value::as_f64);
    let after = input.get("CreationTimeAfter").and_then(Value::as_f64);
    let m_before = input.get("ModifiedTimeBefore").and_then(Value::as_f64);
    let m_after = input.get("ModifiedTimeAfter").and_then(Value::as_f64);
    let mut items: Vec<Value> = world
        .store
        .lccs
        .values()
        .map(|r| &r.body)
        .filter(|b| {
            paging::contains(
                b,
                "StudioLifecycleConfigName",
                opt_text(input, "NameContains"),
            )
        })
        .filter(|b| {
            paging::equals(
                b,
                "StudioLifecycleConfigAppType",
                opt_text(input, "AppTypeEquals"),
            )
        })
        .filter(|b| paging::within(b, "CreationTime", before, after))
        .filter(|b| paging::within(b, "LastModifiedTime", m_before, m_after))
        .map(|b| Value::Object(b.clone()))
        .collect();
    paging::sort(&mut items, input, true);
    paging::page(items, input, "StudioLifecycleConfigs", DEFAULT_PAGE)
}

pub(super) fn delete(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let name = text(input, "StudioLifecycleConfigName");
    let record = world.store.lccs.get(name).ok_or_else(|| not_found(name))?;
    let arn = record
        .str("StudioLifecycleConfigArn")
        .unwrap_or_default()
        .to_owned();
    if let Some(user) = settings::lcc_user(&world.store, &arn) {
        return Err(ApiError::in_use(format!(
            "Lifecycle config [{arn}] is in use by {user}."
        )));
    }
    world.store.lccs.shift_remove(name);
    world.store.tags.shift_remove(&arn);
    Ok(json!({}))
}

fn not_found(name: &str) -> ApiError {
    ApiError::not_found(format!("Studio lifecycle config [{name}] does not exist."))
}
