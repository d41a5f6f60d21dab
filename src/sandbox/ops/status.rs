//! Status changes of domains, user profiles, spaces and apps.
//!
//! A create passes through `Pending` and an update through `Updating` for the configured
//! delays. An update of a resource that is not settled is `ResourceInUse`. An update armed to
//! fail (see `fail_next_update`) is accepted, passes through `Updating` and ends in
//! `Update_Failed` without its patch.

use serde_json::{Map, Value};

use super::World;
use crate::sandbox::error::ApiError;
use crate::sandbox::merge::merge;
use crate::sandbox::store::{Record, Transition};

/// Statuses in which an update is refused with `ResourceInUse`.
const BUSY: [&str; 5] = ["Pending", "Updating", "Deleting", "Failed", "Delete_Failed"];

/// Sets creation times and starts the `Pending` → `InService` transition.
pub(super) fn begin_create(world: &World, body: &mut Map<String, Value>) -> Record {
    body.insert("CreationTime".into(), Value::from(world.now));
    body.insert("LastModifiedTime".into(), Value::from(world.now));
    let mut record = Record::new(std::mem::take(body));
    let at = world.now + world.create_delay.as_secs_f64();
    record.enter("Pending", settled("InService", at));
    record
}

/// Refuses an update while the resource is busy.
pub(super) fn gate_update(record: &Record, arn: &str) -> Result<(), ApiError> {
    let status = record.status();
    if BUSY.contains(&status) {
        return Err(ApiError::in_use(format!(
            "Resource [{arn}] cannot be updated while its status is {status}."
        )));
    }
    Ok(())
}

/// Applies `patch` to the record (unless an armed failure takes it) and enters `Updating`.
pub(super) fn begin_update(
    world: &mut World,
    key: (Kind, &str),
    arn: &str,
    patch: &Map<String, Value>,
) {
    let failure = world.pending_failures.remove(&arn.to_lowercase());
    let at = world.now + world.update_delay.as_secs_f64();
    let now = world.now;
    let Some(record) = record_mut(world, key) else {
        return;
    };
    let then = match failure {
        Some(reason) => Transition {
            at,
            status: "Update_Failed".into(),
            failure_reason: Some(reason),
        },
        None => {
            merge(&mut record.body, patch);
            record.body.remove("FailureReason");
            settled("InService", at)
        }
    };
    record
        .body
        .insert("LastModifiedTime".into(), Value::from(now));
    record.enter("Updating", then);
}

/// The kinds of resource that have a status and can be updated.
#[derive(Debug, Clone, Copy)]
pub(super) enum Kind {
    Domain,
    UserProfile,
    Space,
}

fn record_mut<'a>(world: &'a mut World, (kind, key): (Kind, &str)) -> Option<&'a mut Record> {
    let store = &mut world.store;
    match kind {
        Kind::Domain => store.domains.get_mut(key),
        Kind::UserProfile => store.user_profiles.get_mut(key),
        Kind::Space => store.spaces.get_mut(key),
    }
}

fn settled(status: &str, at: f64) -> Transition {
    Transition {
        at,
        status: status.into(),
        failure_reason: None,
    }
}
