//! `CreateApp`, `DescribeApp`, `ListApps` and `DeleteApp`.
//!
//! Apps exist so that the "LCC used by a running app" rule can be exercised: a created app
//! goes `Pending` → `InService`; a deleted app stays listed as `Deleted`.

use serde_json::{Map, Value, json};

use super::paging::{self, DEFAULT_PAGE};
use super::{World, opt_text, require_domain, settings, status, tags, text};
use crate::sandbox::error::ApiError;
use crate::sandbox::merge::normalized;
use crate::sandbox::store::{Record, profile_key, space_key};

/// App types whose apps can run an LCC, with the settings member they read it from.
const LCC_APP_TYPES: [(&str, &str); 4] = [
    ("JupyterServer", "JupyterServerAppSettings"),
    ("KernelGateway", "KernelGatewayAppSettings"),
    ("JupyterLab", "JupyterLabAppSettings"),
    ("CodeEditor", "CodeEditorAppSettings"),
];

/// Who an app belongs to: a user profile or a space, by its stored name.
struct Owner {
    kind: &'static str,
    member: &'static str,
    name: String,
}

pub(super) fn create(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let domain_id = text(input, "DomainId");
    let (app_type, app_name) = (text(input, "AppType"), text(input, "AppName"));
    let owner = owner(world, input)?;
    let key = app_key(domain_id, &owner, app_type, app_name);
    if world
        .store
        .apps
        .get(&key)
        .is_some_and(|a| !matches!(a.status(), "Deleted" | "Failed"))
    {
        return Err(ApiError::in_use(format!(
            "App [{app_name}] of type {app_type} already exists."
        )));
    }
    let spec = normalized(&super::object(input, "ResourceSpec"));
    check_lcc(world, app_type, &spec)?;
    let arn = world.arns.app(domain_id, &owner.name, app_type, app_name);
    let mut body = into_body(input, &owner, &arn, spec);
    if let Some(built_in) = built_in_lcc(world, domain_id, &owner, app_type) {
        body.insert("BuiltInLifecycleConfigArn".into(), json!(built_in));
    }
    let record = status::begin_create(world, &mut body);
    world.store.apps.insert(key, record);
    tags::store_create_tags(world, &arn, input);
    Ok(json!({ "AppArn": arn }))
}

pub(super) fn describe(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (_, record) = find(world, input)?;
    Ok(Value::Object(record.body.clone()))
}

pub(super) fn list(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (profile, space) = (
        opt_text(input, "UserProfileNameEquals"),
        opt_text(input, "SpaceNameEquals"),
    );
    if profile.is_some() && space.is_some() {
        return Err(ApiError::validation(
            "UserProfileNameEquals and SpaceNameEquals cannot both be specified.",
        ));
    }
    let profile_matches = |b: &Map<String, Value>| {
        profile.is_none_or(|p| {
            b.get("UserProfileName")
                .and_then(Value::as_str)
                .is_some_and(|n| n.eq_ignore_ascii_case(p))
        })
    };
    let mut items: Vec<Value> = world
        .store
        .apps
        .values()
        .map(|r| &r.body)
        .filter(|b| paging::equals(b, "DomainId", opt_text(input, "DomainIdEquals")))
        .filter(|b| paging::equals(b, "SpaceName", space) && profile_matches(b))
        .map(|b| Value::Object(b.clone()))
        .collect();
    paging::sort(&mut items, input, false);
    paging::page(items, input, "Apps", DEFAULT_PAGE)
}

/// Known limitation: the app goes straight to `Deleted` (AWS passes through `Deleting`), and
/// deleted apps are never purged (AWS drops them after about 24 hours).
pub(super) fn delete(world: &mut World, input: &Map<String, Value>) -> Result<Value, ApiError> {
    let (key, record) = find(world, input)?;
    if matches!(record.status(), "Deleted" | "Deleting") {
        let arn = record.str("AppArn").unwrap_or_default();
        return Err(ApiError::not_found(format!(
            "App [{arn}] has already been deleted."
        )));
    }
    if let Some(app) = world.store.apps.get_mut(&key) {
        app.transition = None;
        app.body.insert("Status".into(), json!("Deleted"));
    }
    Ok(json!({}))
}

/// The profile or space the request names (exactly one must be given, and it must exist).
fn owner(world: &World, input: &Map<String, Value>) -> Result<Owner, ApiError> {
    let domain_id = text(input, "DomainId");
    require_domain(world, domain_id)?;
    let store = &world.store;
    let found = match (
        opt_text(input, "UserProfileName"),
        opt_text(input, "SpaceName"),
    ) {
        (Some(p), None) => store
            .user_profiles
            .get(&profile_key(domain_id, p))
            .map(|r| {
                let name = r.str("UserProfileName").unwrap_or(p).to_owned();
                Owner {
                    kind: "user-profile",
                    member: "UserProfileName",
                    name,
                }
            }),
        (None, Some(s)) => store.spaces.get(&space_key(domain_id, s)).map(|_| Owner {
            kind: "space",
            member: "SpaceName",
            name: s.to_owned(),
        }),
        _ => {
            return Err(ApiError::validation(
                "Exactly one of UserProfileName and SpaceName must be specified.",
            ));
        }
    };
    found.ok_or_else(|| ApiError::not_found("The user profile or space of the app does not exist."))
}

fn app_key(domain_id: &str, owner: &Owner, app_type: &str, app_name: &str) -> String {
    let owner_name = owner.name.to_lowercase();
    format!(
        "{domain_id}/{}/{owner_name}/{app_type}/{app_name}",
        owner.kind
    )
}

fn find<'a>(
    world: &'a World,
    input: &Map<String, Value>,
) -> Result<(String, &'a Record), ApiError> {
    let owner = owner(world, input)?;
    let (app_type, app_name) = (text(input, "AppType"), text(input, "AppName"));
    let key = app_key(text(input, "DomainId"), &owner, app_type, app_name);
    match world.store.apps.get(&key) {
        Some(record) => Ok((key, record)),
        None => Err(ApiError::not_found(format!(
            "App [{app_name}] of type {app_type} does not exist."
        ))),
    }
}

/// The LCC in a `ResourceSpec` must exist and be for this app type.
fn check_lcc(world: &World, app_type: &str, spec: &Map<String, Value>) -> Result<(), ApiError> {
    let Some(arn) = spec.get("LifecycleConfigArn").and_then(Value::as_str) else {
        return Ok(());
    };
    match LCC_APP_TYPES.iter().find(|(t, _)| *t == app_type) {
        Some((_, member)) => settings::check_arn(world, arn, member, app_type),
        None => Err(ApiError::validation(format!(
            "Apps of type {app_type} cannot run a lifecycle config."
        ))),
    }
}

fn into_body(
    input: &Map<String, Value>,
    owner: &Owner,
    arn: &str,
    spec: Map<String, Value>,
) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("AppArn".into(), json!(arn));
    for member in ["DomainId", "AppType", "AppName", "RecoveryMode"] {
        if let Some(v) = input.get(member) {
            body.insert(member.into(), v.clone());
        }
    }
    body.insert(owner.member.into(), json!(owner.name));
    body.insert("ResourceSpec".into(), Value::Object(spec));
    body
}

/// The built-in LCC an app of `app_type` starts with: the profile's, else the domain's.
fn built_in_lcc(world: &World, domain_id: &str, owner: &Owner, app_type: &str) -> Option<String> {
    let (_, member) = LCC_APP_TYPES.iter().find(|(t, _)| *t == app_type)?;
    let read = |settings: Option<&Value>| {
        settings?
            .get(member)?
            .get("BuiltInLifecycleConfigArn")?
            .as_str()
            .map(str::to_owned)
    };
    let profile = (owner.kind == "user-profile")
        .then(|| {
            world
                .store
                .user_profiles
                .get(&profile_key(domain_id, &owner.name))
        })
        .flatten();
    let domain = world.store.domains.get(domain_id);
    read(profile.and_then(|p| p.body.get("UserSettings")))
        .or_else(|| read(domain.and_then(|d| d.body.get("DefaultUserSettings"))))
}
