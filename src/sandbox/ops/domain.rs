//! `CreateDomain`, `DescribeDomain`, `ListDomains`, `UpdateDomain` and `DeleteDomain`.

use serde_json::{Map, Value, json};

use super::arns::{new_domain_id, new_efs_id};
use super::paging::{self, DEFAULT_PAGE};
use super::status::{self, Kind};
use super::{World, into_object, object, require_domain, settings, tags, text};
use crate::sandbox::error::ApiError;
use crate::sandbox::merge::normalized;

/// Request members that are not stored as part of the domain.
const NOT_STORED: [&str; 2] = ["Tags", "DomainId"];

pub(super) fn create(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let id = new_domain_id();
    create_with_id(world, input, &id)
}

/// Creates a domain with a chosen id (seeding uses this).
pub(super) fn create_with_id(
    world: &mut World,
    input: &Map<String, Value>,
    id: &str,
) -> Result<Value, ApiError> {
    check_settings(world, input)?;
    let arn = world.arns.domain(id);
    let url = world.arns.studio_url(id);
    let mut body = normalized(input);
    body.retain(|k, _| !NOT_STORED.contains(&k.as_str()));
    let defaults = json!({
        "DomainArn": arn, "DomainId": id, "HomeEfsFileSystemId": new_efs_id(), "Url": url,
    });
    body.extend(into_object(defaults));
    body.entry("AppNetworkAccessType")
        .or_insert_with(|| json!("PublicInternetOnly"));
    let record = status::begin_create(world, &mut body);
    world.store.domains.insert(id.to_owned(), record);
    tags::store_create_tags(world, &arn, input);
    Ok(json!({ "DomainArn": arn, "DomainId": id, "Url": url }))
}

pub(super) fn describe(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let record = require_domain(world, text(input, "DomainId"))?;
    Ok(Value::Object(record.body.clone()))
}

pub(super) fn list(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let mut items: Vec<Value> = world
        .store
        .domains
        .values()
        .map(|r| Value::Object(r.body.clone()))
        .collect();
    paging::sort(&mut items, &Map::new(), false);
    paging::page(items, input, "Domains", DEFAULT_PAGE)
}

pub(super) fn update(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let id = text(input, "DomainId");
    let record = require_domain(world, id)?;
    let arn = record.str("DomainArn").unwrap_or_default().to_owned();
    status::gate_update(record, &arn)?;
    check_settings(world, input)?;
    let mut patch = input.clone();
    patch.remove("DomainId");
    if let Some(for_update) = patch.remove("DomainSettingsForUpdate") {
        // NB: DomainSettingsForUpdate shares its member names with DomainSettings; members
        // that DomainSettings does not model are dropped when the domain is described.
        patch.insert("DomainSettings".into(), for_update);
    }
    status::begin_update(world, (Kind::Domain, id), &arn, &patch);
    Ok(json!({ "DomainArn": arn }))
}

/// Known limitation: the domain is removed at once; AWS passes through `Deleting` first.
pub(super) fn delete(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let id = text(input, "DomainId");
    let arn = require_domain(world, id)?
        .str("DomainArn")
        .unwrap_or_default()
        .to_owned();
    let prefix = format!("{id}/");
    let has_profiles = world
        .store
        .user_profiles
        .keys()
        .any(|k| k.starts_with(&prefix));
    let has_spaces = world.store.spaces.keys().any(|k| k.starts_with(&prefix));
    if has_profiles || has_spaces {
        return Err(ApiError::in_use(format!(
            "Unable to delete Domain [{arn}] because user profiles or spaces are associated with it."
        )));
    }
    world.store.domains.shift_remove(id);
    world.store.tags.shift_remove(&arn);
    Ok(json!({}))
}

fn check_settings(world: &World, input: &Map<String, Value>) -> Result<(), ApiError> {
    settings::check_slots(world, &object(input, "DefaultUserSettings"))?;
    settings::check_slots(world, &object(input, "DefaultSpaceSettings"))
}
