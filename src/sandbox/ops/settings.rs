//! Lifecycle configurations inside settings: the slot check on create and update, and the
//! reference scan that guards `DeleteStudioLifecycleConfig`.

use serde_json::{Map, Value};

use super::World;
use crate::sandbox::error::ApiError;
use crate::sandbox::store::Store;

/// Settings members that hold LCCs, with the LCC app type each accepts.
const SLOTS: [(&str, &str); 4] = [
    ("JupyterServerAppSettings", "JupyterServer"),
    ("KernelGatewayAppSettings", "KernelGateway"),
    ("JupyterLabAppSettings", "JupyterLab"),
    ("CodeEditorAppSettings", "CodeEditor"),
];

/// Members that hold a single LCC ARN.
const SINGLE_ARN_MEMBERS: [&str; 2] = ["LifecycleConfigArn", "BuiltInLifecycleConfigArn"];

/// Checks every LCC ARN in a settings object (`UserSettings`, `DefaultSpaceSettings`,
/// `SpaceSettings`): it must name an existing LCC of the slot's app type.
///
/// NB: the error type is `ValidationException` for both a missing LCC and a wrong app type;
/// AWS documents neither case (see `docs/sandbox.md`).
pub(super) fn check_slots(world: &World, settings: &Map<String, Value>) -> Result<(), ApiError> {
    for (member, app_type) in SLOTS {
        let Some(Value::Object(slot)) = settings.get(member) else {
            continue;
        };
        for arn in slot_arns(slot) {
            check_arn(world, arn, member, app_type)?;
        }
    }
    Ok(())
}

/// Checks one LCC ARN that is meant for an app of `app_type` (used by `CreateApp` too).
pub(super) fn check_arn(
    world: &World,
    arn: &str,
    member: &str,
    app_type: &str,
) -> Result<(), ApiError> {
    let lcc = world
        .arns
        .lcc_name(arn)
        .and_then(|name| world.store.lccs.get(name));
    let Some(lcc) = lcc else {
        return Err(ApiError::validation(format!(
            "Lifecycle config [{arn}] does not exist."
        )));
    };
    let actual = lcc.str("StudioLifecycleConfigAppType").unwrap_or_default();
    if actual != app_type {
        return Err(ApiError::validation(format!(
            "Lifecycle config [{arn}] is for app type {actual} and cannot be used in {member}, which takes {app_type}."
        )));
    }
    Ok(())
}

/// The LCC ARNs a slot names: its list, its default and its built-in (`None` excluded).
fn slot_arns(slot: &Map<String, Value>) -> Vec<&str> {
    let listed = slot.get("LifecycleConfigArns").and_then(Value::as_array);
    let spec = slot.get("DefaultResourceSpec").and_then(Value::as_object);
    let listed = listed.into_iter().flatten().filter_map(Value::as_str);
    let default = spec
        .and_then(|s| s.get("LifecycleConfigArn"))
        .and_then(Value::as_str);
    let built_in = slot
        .get("BuiltInLifecycleConfigArn")
        .and_then(Value::as_str);
    listed
        .chain(default)
        .chain(built_in)
        .filter(|a| *a != "None")
        .collect()
}

/// Describes the first resource that stops the LCC `arn` from being deleted, if any.
pub(super) fn lcc_user(store: &Store, arn: &str) -> Option<String> {
    let settings = [
        ("domain", "DomainArn", &store.domains),
        ("user profile", "UserProfileArn", &store.user_profiles),
        ("space", "SpaceArn", &store.spaces),
    ];
    for (what, arn_member, records) in settings {
        if let Some(r) = records
            .values()
            .find(|r| mentions(&Value::Object(r.body.clone()), arn))
        {
            return Some(format!(
                "{what} [{}]",
                r.str(arn_member).unwrap_or_default()
            ));
        }
    }
    store
        .apps
        .values()
        .filter(|app| matches!(app.status(), "Pending" | "InService"))
        .find(|app| mentions(&Value::Object(app.body.clone()), arn))
        .map(|app| format!("running app [{}]", app.str("AppArn").unwrap_or_default()))
}

/// Whether `value` names `arn` in an LCC member at any depth.
fn mentions(value: &Value, arn: &str) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, v)| {
            let direct = SINGLE_ARN_MEMBERS.contains(&key.as_str()) && v.as_str() == Some(arn);
            let listed = key == "LifecycleConfigArns"
                && v.as_array()
                    .is_some_and(|l| l.iter().any(|a| a.as_str() == Some(arn)));
            direct || listed || mentions(v, arn)
        }),
        _ => false,
    }
}
