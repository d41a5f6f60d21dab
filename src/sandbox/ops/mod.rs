//! The emulated operations: one file per resource kind, dispatched by wire name.
//!
//! Handlers get a validated, cleaned input and return a JSON object that may hold more than the
//! output shape; [`dispatch`] projects it onto the output shape, so only modeled members leave.

mod app;
mod arns;
mod domain;
mod lcc;
mod paging;
mod profile;
pub(crate) mod seed;
mod settings;
mod space;
mod status;
mod tags;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Map, Value};

pub(crate) use self::arns::Arns;
use super::error::{ApiError, ErrorKind};
use super::shapes::MODEL;
use super::store::{Store, now_epoch};
use super::validate::project;

/// A handler: cleaned input in, unprojected output out.
type Handler = fn(&mut World, &Map<String, Value>) -> Result<Value, ApiError>;

/// Everything an operation may read or change, kept behind one lock.
#[derive(Debug)]
pub(crate) struct World {
    /// The resources.
    pub store: Store,
    /// ARN formats of this account and region.
    pub arns: Arns,
    /// Time a created resource stays `Pending`.
    pub create_delay: Duration,
    /// Time an updated resource stays `Updating`.
    pub update_delay: Duration,
    /// "The next update of this ARN fails with this reason", by lowercased ARN.
    pub pending_failures: HashMap<String, String>,
    /// The time of the call being handled (epoch seconds).
    pub now: f64,
}

impl World {
    /// An empty account.
    pub fn new(store: Store, arns: Arns) -> World {
        World {
            store,
            arns,
            create_delay: Duration::ZERO,
            update_delay: Duration::ZERO,
            pending_failures: HashMap::new(),
            now: now_epoch(),
        }
    }

    /// Moves the clock to now and resolves due status changes.
    pub fn tick(&mut self) {
        self.now = now_epoch();
        self.store.settle(self.now);
    }
}

/// Whether the operation changes state (and so the state file must be written after it).
pub(crate) fn is_mutating(operation: &str) -> bool {
    ["Create", "Update", "Delete", "AddTags"]
        .iter()
        .any(|p| operation.starts_with(p))
}

/// Runs `operation` on `world` and returns the wire response body.
pub(crate) fn dispatch(
    world: &mut World,
    operation: &str,
    input: &Value,
) -> Result<Value, ApiError> {
    let (Some(op), Some(handler)) = (MODEL.operation(operation), handler(operation)) else {
        let message = format!("Operation {operation} is not supported by this service.");
        return Err(ApiError::new(ErrorKind::UnknownOperation, message));
    };
    world.tick();
    let empty = Map::new();
    let raw = handler(world, input.as_object().unwrap_or(&empty))?;
    let projected = op.output.as_ref().and_then(|out| project(&out.shape, &raw));
    Ok(projected.unwrap_or_else(|| Value::Object(Map::new())))
}

fn handler(operation: &str) -> Option<Handler> {
    let h: Handler = match operation {
        "CreateStudioLifecycleConfig" => lcc::create,
        "DescribeStudioLifecycleConfig" => lcc::describe,
        "ListStudioLifecycleConfigs" => lcc::list,
        "DeleteStudioLifecycleConfig" => lcc::delete,
        "CreateDomain" => domain::create,
        "DescribeDomain" => domain::describe,
        "ListDomains" => domain::list,
        "UpdateDomain" => domain::update,
        "DeleteDomain" => domain::delete,
        "CreateUserProfile" => profile::create,
        "DescribeUserProfile" => profile::describe,
        "ListUserProfiles" => profile::list,
        "UpdateUserProfile" => profile::update,
        "DeleteUserProfile" => profile::delete,
        "CreateSpace" => space::create,
        "DescribeSpace" => space::describe,
        "ListSpaces" => space::list,
        "UpdateSpace" => space::update,
        "DeleteSpace" => space::delete,
        "CreateApp" => app::create,
        "DescribeApp" => app::describe,
        "ListApps" => app::list,
        "DeleteApp" => app::delete,
        "AddTags" => tags::add,
        "ListTags" => tags::list,
        "DeleteTags" => tags::delete,
        _ => return None,
    };
    Some(h)
}

/// A string member of a validated input (empty when absent).
fn text<'a>(input: &'a Map<String, Value>, member: &str) -> &'a str {
    input
        .get(member)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// An optional string member of a validated input.
fn opt_text<'a>(input: &'a Map<String, Value>, member: &str) -> Option<&'a str> {
    input.get(member).and_then(Value::as_str)
}

/// An object member of a validated input, or an empty object.
fn object(input: &Map<String, Value>, member: &str) -> Map<String, Value> {
    input
        .get(member)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// The object inside `value` (an empty object for anything else).
fn into_object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A domain's record, or `ResourceNotFound`.
fn require_domain<'a>(
    world: &'a World,
    domain_id: &str,
) -> Result<&'a super::store::Record, ApiError> {
    world
        .store
        .domains
        .get(domain_id)
        .ok_or_else(|| ApiError::not_found(format!("Domain [{domain_id}] not found.")))
}
