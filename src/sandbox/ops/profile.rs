//! `CreateUserProfile`, `DescribeUserProfile`, `ListUserProfiles`, `UpdateUserProfile` and
//! `DeleteUserProfile`. Names are matched without regard to case; the stored spelling is
//! returned.

use serde_json::{Map, Value, json};

use super::paging::{self, DEFAULT_PAGE};
use super::status::{self, Kind};
use super::{World, object, opt_text, require_domain, settings, tags, text};
use crate::sandbox::error::ApiError;
use crate::sandbox::merge::normalized;
use crate::sandbox::store::{Record, profile_key};

pub(super) fn create(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (domain_id, name) = (text(input, "DomainId"), text(input, "UserProfileName"));
    let auth_mode = require_domain(world, domain_id)?
        .str("AuthMode")
        .unwrap_or("IAM");
    let key = profile_key(domain_id, name);
    if world.store.user_profiles.contains_key(&key) {
        return Err(ApiError::in_use(format!(
            "User profile [{name}] already exists."
        )));
    }
    if auth_mode == "IAM" && input.contains_key("SingleSignOnUserValue") {
        return Err(ApiError::validation(
            "SingleSignOnUserValue is only allowed for domains that use SSO authentication.",
        ));
    }
    settings::check_slots(world, &object(input, "UserSettings"))?;
    let arn = world.arns.user_profile(domain_id, name);
    let mut body = normalized(input);
    body.remove("Tags");
    body.insert("UserProfileArn".into(), json!(arn));
    body.insert("HomeEfsFileSystemUid".into(), json!(next_home_uid(world)));
    let record = status::begin_create(world, &mut body);
    world.store.user_profiles.insert(key, record);
    tags::store_create_tags(world, &arn, input);
    Ok(json!({ "UserProfileArn": arn }))
}

pub(super) fn describe(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (_, record) = find(world, input)?;
    Ok(Value::Object(record.body.clone()))
}

pub(super) fn list(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let mut items: Vec<Value> = world
        .store
        .user_profiles
        .values()
        .map(|r| &r.body)
        .filter(|b| paging::equals(b, "DomainId", opt_text(input, "DomainIdEquals")))
        .filter(|b| {
            paging::contains(
                b,
                "UserProfileName",
                opt_text(input, "UserProfileNameContains"),
            )
        })
        .map(|b| Value::Object(b.clone()))
        .collect();
    paging::sort(&mut items, input, false);
    paging::page(items, input, "UserProfiles", DEFAULT_PAGE)
}

pub(super) fn update(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (key, record) = find(world, input)?;
    let arn = record.str("UserProfileArn").unwrap_or_default().to_owned();
    status::gate_update(record, &arn)?;
    settings::check_slots(world, &object(input, "UserSettings"))?;
    let mut patch = Map::new();
    if let Some(user_settings) = input.get("UserSettings") {
        patch.insert("UserSettings".into(), user_settings.clone());
    }
    status::begin_update(world, (Kind::UserProfile, &key), &arn, &patch);
    Ok(json!({ "UserProfileArn": arn }))
}

/// Known limitation: the user profile is removed at once; AWS passes through `Deleting` first.
pub(super) fn delete(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (key, record) = find(world, input)?;
    let arn = record.str("UserProfileArn").unwrap_or_default().to_owned();
    let name = record.str("UserProfileName").unwrap_or_default().to_owned();
    let domain_id = text(input, "DomainId");
    let has_apps = world.store.apps.values().any(|app| {
        app.str("DomainId") == Some(domain_id)
            && app.str("UserProfileName") == Some(name.as_str())
            && !matches!(app.status(), "Deleted" | "Failed")
    });
    if has_apps {
        return Err(ApiError::in_use(format!(
            "Unable to delete UserProfile [{arn}] because App(s) are associated with it."
        )));
    }
    world.store.user_profiles.shift_remove(&key);
    world.store.tags.shift_remove(&arn);
    Ok(json!({}))
}

/// The profile named by `DomainId` and `UserProfileName`, and its key.
fn find<'a>(
    world: &'a World,
    input: &Map<String, Value>,
) -> Result<(String, &'a Record), ApiError> {
    let (domain_id, name) = (text(input, "DomainId"), text(input, "UserProfileName"));
    require_domain(world, domain_id)?;
    let key = profile_key(domain_id, name);
    match world.store.user_profiles.get(&key) {
        Some(record) => Ok((key, record)),
        None => Err(ApiError::not_found(format!(
            "User profile [{name}] does not exist in domain [{domain_id}]."
        ))),
    }
}

/// The next POSIX uid for a home directory, as SageMaker assigns them from 200001.
pub(super) fn next_home_uid(world: &World) -> String {
    let highest = world
        .store
        .user_profiles
        .values()
        .chain(world.store.spaces.values())
        .filter_map(|r| r.str("HomeEfsFileSystemUid")?.parse::<u64>().ok())
        .max()
        .unwrap_or(200_000);
    (highest + 1).to_string()
}
