//! `CreateSpace`, `DescribeSpace`, `ListSpaces`, `UpdateSpace` and `DeleteSpace`.

use serde_json::{Map, Value, json};

use super::paging::{self, DEFAULT_PAGE};
use super::profile::next_home_uid;
use super::status::{self, Kind};
use super::{World, object, opt_text, require_domain, settings, tags, text};
use crate::sandbox::error::ApiError;
use crate::sandbox::merge::normalized;
use crate::sandbox::store::{Record, space_key};

/// Stored members copied into the summary members of `SpaceDetails`.
const SUMMARIES: [(&str, &str); 3] = [
    ("SpaceSettings", "SpaceSettingsSummary"),
    ("SpaceSharingSettings", "SpaceSharingSettingsSummary"),
    ("OwnershipSettings", "OwnershipSettingsSummary"),
];

pub(super) fn create(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (domain_id, name) = (text(input, "DomainId"), text(input, "SpaceName"));
    let domain_url = require_domain(world, domain_id)?
        .str("Url")
        .unwrap_or_default()
        .to_owned();
    let key = space_key(domain_id, name);
    if world.store.spaces.contains_key(&key) {
        return Err(ApiError::in_use(format!("Space [{name}] already exists.")));
    }
    settings::check_slots(world, &object(input, "SpaceSettings"))?;
    let arn = world.arns.space(domain_id, name);
    let mut body = normalized(input);
    body.remove("Tags");
    body.insert("SpaceArn".into(), json!(arn));
    body.insert("HomeEfsFileSystemUid".into(), json!(next_home_uid(world)));
    body.insert(
        "Url".into(),
        json!(format!("{domain_url}/jupyterlab/{name}")),
    );
    let record = status::begin_create(world, &mut body);
    world.store.spaces.insert(key, record);
    tags::store_create_tags(world, &arn, input);
    Ok(json!({ "SpaceArn": arn }))
}

pub(super) fn describe(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (_, record) = find(world, input)?;
    Ok(Value::Object(record.body.clone()))
}

pub(super) fn list(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let mut items: Vec<Value> = world
        .store
        .spaces
        .values()
        .map(|r| &r.body)
        .filter(|b| paging::equals(b, "DomainId", opt_text(input, "DomainIdEquals")))
        .filter(|b| paging::contains(b, "SpaceName", opt_text(input, "SpaceNameContains")))
        .map(summary)
        .collect();
    paging::sort(&mut items, input, false);
    paging::page(items, input, "Spaces", DEFAULT_PAGE)
}

pub(super) fn update(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (key, record) = find(world, input)?;
    let arn = record.str("SpaceArn").unwrap_or_default().to_owned();
    let space_settings = object(input, "SpaceSettings");
    if space_settings.contains_key("AppType") {
        return Err(ApiError::validation(
            "Updating AppType for Space is not supported.",
        ));
    }
    status::gate_update(record, &arn)?;
    settings::check_slots(world, &space_settings)?;
    let mut patch = input.clone();
    patch.retain(|k, _| k == "SpaceSettings" || k == "SpaceDisplayName");
    status::begin_update(world, (Kind::Space, &key), &arn, &patch);
    Ok(json!({ "SpaceArn": arn }))
}

/// Known limitation: the space is removed at once; AWS passes through `Deleting` first.
pub(super) fn delete(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (key, record) = find(world, input)?;
    let arn = record.str("SpaceArn").unwrap_or_default().to_owned();
    let name = record.str("SpaceName").unwrap_or_default().to_owned();
    let domain_id = text(input, "DomainId");
    let has_apps = world.store.apps.values().any(|app| {
        app.str("DomainId") == Some(domain_id)
            && app.str("SpaceName") == Some(name.as_str())
            && !matches!(app.status(), "Deleted" | "Failed")
    });
    if has_apps {
        return Err(ApiError::in_use(format!(
            "Unable to delete Space [{arn}] because App(s) are associated with it."
        )));
    }
    world.store.spaces.shift_remove(&key);
    world.store.tags.shift_remove(&arn);
    Ok(json!({}))
}

/// A `SpaceDetails` item: the stored space with its summary members filled in.
fn summary(body: &Map<String, Value>) -> Value {
    let mut item = body.clone();
    for (stored, summary) in SUMMARIES {
        if let Some(v) = body.get(stored) {
            item.insert(summary.into(), v.clone());
        }
    }
    Value::Object(item)
}

fn find<'a>(
    world: &'a World,
    input: &Map<String, Value>,
) -> Result<(String, &'a Record), ApiError> {
    let (domain_id, name) = (text(input, "DomainId"), text(input, "SpaceName"));
    require_domain(world, domain_id)?;
    let key = space_key(domain_id, name);
    match world.store.spaces.get(&key) {
        Some(record) => Ok((key, record)),
        None => Err(ApiError::not_found(format!(
            "Space [{name}] does not exist in domain [{domain_id}]."
        ))),
    }
}
