//! The planner: a pure, synchronous comparison of desired state and a live snapshot.
//!
//! [`Plan::new`] does no I/O, reads no clock and spawns nothing, so every rule of design.md
//! section 4 is tested from inline YAML and hand-built snapshots. The steps come out in apply
//! order:
//!
//! 1. create new LCC versions (with their ownership tags);
//! 2. tag LCCs whose ownership tags are missing (adopted LCCs);
//! 3. update domains (`DefaultUserSettings`, `DefaultSpaceSettings`);
//! 4. create missing user profiles, then update user profiles;
//! 5. update spaces;
//! 6. delete old owned versions that nothing references and no running app uses.
//!
//! Old versions that are still in use are not steps: they are [`Kept`] with what blocks them.

mod retire;
mod slots;
mod stale;
mod types;
mod versions;

pub use stale::stale_reasons;
pub use types::{
    Blocker, ChangeReason, CreateLcc, DeleteLcc, Kept, Plan, Problem, ProfileCreation, Replaced,
    Resource, ResourceUpdate, SlotChange, SlotValue, Step, Summary, TagLcc,
};

use crate::live::Snapshot;
use crate::model::DesiredState;

impl Plan {
    /// Plans the changes that bring `live` to `desired`.
    #[must_use]
    pub fn new(desired: &DesiredState, live: &Snapshot) -> Plan {
        let versions = versions::Versions::resolve(desired, live);
        let planned = slots::plan_slots(desired, live, &versions);
        let (deletes, kept) = retire::plan_retirement(live, &versions, &planned);
        let mut steps = versions.creates.clone();
        steps.extend(versions.tags.clone());
        steps.extend(planned.steps);
        steps.extend(deletes);
        let mut problems = versions.problems.clone();
        problems.extend(planned.problems);
        Plan {
            owner: desired.owner.clone(),
            steps,
            kept,
            problems,
        }
    }
}

/// Which old versions the reader must fetch the content of, to show diffs and check adoption.
///
/// The reader calls this with a snapshot whose LCCs are listed and tagged but not described.
#[must_use]
pub fn contents_needed(desired: &DesiredState, live: &Snapshot) -> Vec<String> {
    versions::contents_needed(desired, live)
}

/// Whether any owned LCC is not a current version, so references must be searched everywhere.
///
/// The reader calls this after listing and tagging LCCs, to decide on a full scan.
#[must_use]
pub fn needs_full_scan(desired: &DesiredState, live: &Snapshot) -> bool {
    !versions::Versions::resolve(desired, live).old.is_empty()
}

#[cfg(test)]
mod tests;
