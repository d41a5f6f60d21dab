//! Seeding: domains, user profiles and spaces that exist `InService` at once, for tests and
//! for commands that need a realistic account to work on.
//!
//! Seeds go through the same validation and handlers as API calls, so a seed is always a
//! resource the API could have created.

use serde_json::{Map, Value, json};

use super::{World, domain, profile, space};
use crate::sandbox::error::ApiError;
use crate::sandbox::store::{Record, profile_key, space_key};
use crate::sandbox::validate::validate_input;

/// Name of a seeded domain when none is given.
pub(crate) const DEFAULT_DOMAIN_NAME: &str = "sandbox-domain";

/// A seeded (or already present) domain.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SeededDomain {
    /// `d-...`.
    pub id: String,
    /// The domain name.
    pub name: String,
    /// The domain ARN.
    pub arn: String,
}

/// Finds the domain by id or name, or creates it `InService` with realistic settings.
pub(crate) fn domain(
    world: &mut World,
    id: Option<&str>,
    name: Option<&str>,
) -> Result<SeededDomain, ApiError> {
    world.tick();
    if let Some(existing) = find_domain(world, id, name) {
        return Ok(existing);
    }
    let name = name.unwrap_or(DEFAULT_DOMAIN_NAME);
    let input = checked("CreateDomain", domain_request(world, name))?;
    let new_id = id.map_or_else(super::arns::new_domain_id, str::to_owned);
    domain::create_with_id(world, &input, &new_id)?;
    settle_now(world.store.domains.get_mut(&new_id));
    find_domain(world, Some(&new_id), None)
        .ok_or_else(|| ApiError::not_found("seeded domain vanished"))
}

/// Creates the user profile `InService` unless it exists.
pub(crate) fn user_profile(world: &mut World, domain_id: &str, name: &str) -> Result<(), ApiError> {
    world.tick();
    let key = profile_key(domain_id, name);
    if world.store.user_profiles.contains_key(&key) {
        return Ok(());
    }
    let input = checked(
        "CreateUserProfile",
        json!({"DomainId": domain_id, "UserProfileName": name}),
    )?;
    profile::create(world, &input)?;
    settle_now(world.store.user_profiles.get_mut(&key));
    Ok(())
}

/// Creates a shared JupyterLab space `InService` unless it exists.
pub(crate) fn space(world: &mut World, domain_id: &str, name: &str) -> Result<(), ApiError> {
    world.tick();
    let key = space_key(domain_id, name);
    if world.store.spaces.contains_key(&key) {
        return Ok(());
    }
    let request = json!({
        "DomainId": domain_id,
        "SpaceName": name,
        "SpaceSettings": {
            "AppType": "JupyterLab",
            "JupyterLabAppSettings": {"DefaultResourceSpec": {"InstanceType": "ml.t3.medium"}},
        },
        "SpaceSharingSettings": {"SharingType": "Shared"},
    });
    space::create(world, &checked("CreateSpace", request)?)?;
    settle_now(world.store.spaces.get_mut(&key));
    Ok(())
}

fn find_domain(world: &World, id: Option<&str>, name: Option<&str>) -> Option<SeededDomain> {
    let matches = |r: &&Record| match (id, name) {
        (Some(id), _) => r.str("DomainId") == Some(id),
        (None, Some(name)) => r.str("DomainName") == Some(name),
        (None, None) => false,
    };
    let record = world.store.domains.values().find(matches)?;
    Some(SeededDomain {
        id: record.str("DomainId")?.to_owned(),
        name: record.str("DomainName")?.to_owned(),
        arn: record.str("DomainArn")?.to_owned(),
    })
}

/// A CreateDomain request shaped like a domain made in the console.
fn domain_request(world: &World, name: &str) -> Value {
    let account = &world.arns.account_id;
    let region = &world.arns.region;
    let role =
        format!("arn:aws:iam::{account}:role/service-role/AmazonSageMaker-ExecutionRole-sandbox");
    let image = |n: &str| format!("arn:aws:sagemaker:{region}:081325390199:image/{n}");
    let spec = |instance: &str, img: &str| json!({"InstanceType": instance, "SageMakerImageArn": image(img)});
    let server = json!({"DefaultResourceSpec": spec("system", "jupyter-server-3")});
    let app = json!({"DefaultResourceSpec": spec("ml.t3.medium", "sagemaker-distribution-cpu")});
    json!({
        "DomainName": name,
        "AuthMode": "IAM",
        "SubnetIds": ["subnet-0sandbox0000001"],
        "VpcId": "vpc-0sandbox00000001",
        "DefaultUserSettings": {
            "ExecutionRole": role,
            "SharingSettings": {"NotebookOutputOption": "Disabled"},
            "JupyterServerAppSettings": server,
            "KernelGatewayAppSettings": app,
            "JupyterLabAppSettings": app,
            "CodeEditorAppSettings": app,
            "StudioWebPortal": "ENABLED",
            "DefaultLandingUri": "studio::",
        },
        "DefaultSpaceSettings": {
            "ExecutionRole": role,
            "JupyterLabAppSettings": app,
        },
    })
}

fn checked(operation: &str, request: Value) -> Result<Map<String, Value>, ApiError> {
    match validate_input(operation, &request)? {
        Value::Object(map) => Ok(map),
        _ => Ok(Map::new()),
    }
}

/// Seeds skip `Pending`: they are `InService` as soon as they exist.
fn settle_now(record: Option<&mut Record>) {
    if let Some(record) = record {
        record.transition = None;
        record.body.insert("Status".into(), json!("InService"));
    }
}
