//! Slot changes: declared slots take the manifest's values; every other slot that refers to an
//! old version of an owned script is repointed to the current version.

use std::collections::BTreeMap;

use super::types::{
    ChangeReason, Problem, ProfileCreation, Resource, ResourceUpdate, SlotChange, SlotValue, Step,
};
use super::versions::Versions;
use crate::live::snapshot::lcc_name_of;
use crate::live::{LiveDomain, LiveSlot, Settings, Snapshot};
use crate::model::{AppType, DesiredDomain, DesiredSlot, DesiredState, LccRef, Scope};

/// Every slot's value before and after the plan, and the steps that get there.
#[derive(Default)]
pub(super) struct PlannedSlots {
    /// Update and create steps, in apply order.
    pub(super) steps: Vec<Step>,
    /// Missing domains, profiles and spaces.
    pub(super) problems: Vec<Problem>,
    /// Every slot that exists after the plan, changed or not.
    pub(super) all: Vec<PlannedSlot>,
}

/// One slot of one resource after the plan.
pub(super) struct PlannedSlot {
    pub(super) domain_id: String,
    pub(super) scope: Scope,
    pub(super) app_type: AppType,
    pub(super) before: SlotValue,
    pub(super) after: SlotValue,
    /// The key of the step that changes it, if any.
    pub(super) step: Option<String>,
}

/// Plans every slot of every managed domain.
pub(super) fn plan_slots(desired: &DesiredState, live: &Snapshot, v: &Versions) -> PlannedSlots {
    let mut planned = PlannedSlots::default();
    let mut domains = Vec::new();
    let mut creates = Vec::new();
    let mut profiles = Vec::new();
    let mut spaces = Vec::new();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for domain in &desired.domains {
        let Some(live_domain) = live.domain(&domain.key) else {
            planned.problems.push(Problem::DomainNotFound {
                key: domain.key.clone(),
                selector: domain.selector.to_string(),
            });
            continue;
        };
        if let Some(first) = seen.insert(&live_domain.id, &domain.key) {
            planned.problems.push(Problem::DomainTwice {
                domain_id: live_domain.id.clone(),
                first: first.to_owned(),
                second: domain.key.clone(),
            });
            continue;
        }
        planned.problems.extend(foreign_problems(domain, live));
        let declared = declared_slots(domain);
        for (scope, settings) in live_domain.scopes() {
            let update = plan_resource(live, v, &scope, settings, &declared);
            let Some(update) = update.record(&mut planned, live_domain) else {
                continue;
            };
            match update.resource {
                Resource::Domain => domains.push(update),
                Resource::UserProfile(_) => profiles.push(update),
                Resource::Space(_) => spaces.push(update),
            }
        }
        plan_missing(domain, live_domain, live, v, &mut planned, &mut creates);
    }
    merge_domain_updates(&mut planned.steps, domains);
    planned
        .steps
        .extend(creates.into_iter().map(Step::CreateUserProfile));
    planned
        .steps
        .extend(profiles.into_iter().map(Step::UpdateUserProfile));
    planned
        .steps
        .extend(spaces.into_iter().map(Step::UpdateSpace));
    planned
}

type Declared<'a> = BTreeMap<(Scope, AppType), &'a DesiredSlot>;

fn declared_slots(domain: &DesiredDomain) -> Declared<'_> {
    domain
        .slots
        .iter()
        .map(|slot| ((canonical_scope(&slot.scope), slot.app_type), slot))
        .collect()
}

/// Profile names match without regard to case.
fn canonical_scope(scope: &Scope) -> Scope {
    match scope {
        Scope::UserProfile(name) => Scope::UserProfile(name.to_lowercase()),
        other => other.clone(),
    }
}

/// The slots of one scope of one resource, with the update they need.
struct ScopePlan {
    resource: Resource,
    scope: Scope,
    slots: Vec<(AppType, SlotValue, SlotValue, Option<SlotChange>)>,
}

impl ScopePlan {
    /// Records every slot and returns the update when something changes.
    fn record(self, planned: &mut PlannedSlots, domain: &LiveDomain) -> Option<ResourceUpdate> {
        let update = ResourceUpdate {
            domain_id: domain.id.clone(),
            domain_name: domain.name.clone(),
            resource: self.resource,
            changes: self.slots.iter().filter_map(|s| s.3.clone()).collect(),
        };
        let key = (!update.changes.is_empty()).then(|| update.key());
        for (app_type, before, after, _) in self.slots {
            planned.all.push(PlannedSlot {
                domain_id: domain.id.clone(),
                scope: self.scope.clone(),
                app_type,
                before,
                after,
                step: key.clone(),
            });
        }
        key.map(|_| update)
    }
}

fn plan_resource(
    live: &Snapshot,
    v: &Versions,
    scope: &Scope,
    settings: &Settings,
    declared: &Declared<'_>,
) -> ScopePlan {
    let resource = match scope {
        Scope::DomainDefaults | Scope::SpaceDefaults => Resource::Domain,
        Scope::UserProfile(name) => Resource::UserProfile(name.clone()),
        Scope::Space(name) => Resource::Space(name.clone()),
    };
    let mut slots = Vec::new();
    for app_type in AppType::ALL.into_iter().filter(|t| scope.supports(*t)) {
        let live_slot = settings.slot(app_type);
        let wanted = declared.get(&(canonical_scope(scope), app_type)).copied();
        let (before, after, change) = plan_slot(live, v, scope, app_type, &live_slot, wanted);
        slots.push((app_type, before, after, change));
    }
    ScopePlan {
        resource,
        scope: scope.clone(),
        slots,
    }
}

/// One slot: before, after, and the change when they differ.
fn plan_slot(
    live: &Snapshot,
    v: &Versions,
    scope: &Scope,
    app_type: AppType,
    slot: &LiveSlot,
    declared: Option<&DesiredSlot>,
) -> (SlotValue, SlotValue, Option<SlotChange>) {
    let before = live_value(scope, app_type, slot);
    let mut after = repointed(&before, &v.repoint);
    if let Some(declared) = declared {
        overlay(&mut after, live, v, scope, declared);
    }
    if before.is_equivalent(&after) {
        return (before, after, None);
    }
    let reason = if declared.is_some() {
        ChangeReason::Declared
    } else {
        ChangeReason::Repoint
    };
    let change = SlotChange {
        scope: scope.clone(),
        app_type,
        before: before.clone(),
        after: after.clone(),
        resource_spec: slot.resource_spec.clone(),
        reason,
    };
    (before, after, Some(change))
}

/// The managed fields of a live slot.
fn live_value(scope: &Scope, app_type: AppType, slot: &LiveSlot) -> SlotValue {
    SlotValue {
        list: slot.list.clone(),
        default: slot.default.clone(),
        builtin: if scope.has_builtin(app_type) {
            slot.builtin.clone()
        } else {
            None
        },
    }
}

/// The same slot with every old owned version swapped for its current version.
fn repointed(value: &SlotValue, repoint: &BTreeMap<String, String>) -> SlotValue {
    let swap = |arn: &String| repoint.get(arn).unwrap_or(arn).clone();
    SlotValue {
        list: value
            .list
            .as_ref()
            .map(|list| dedup(list.iter().map(swap).collect())),
        default: value.default.as_ref().map(swap),
        builtin: value.builtin.as_ref().map(swap),
    }
}

/// Writes a declared slot's fields over the value (only the fields the scope has).
fn overlay(after: &mut SlotValue, live: &Snapshot, v: &Versions, scope: &Scope, d: &DesiredSlot) {
    if scope.has_list() {
        let list = d.list.iter().map(|r| v.arn_of(live, r)).collect();
        after.list = Some(dedup(list));
    }
    after.default = d.default.as_ref().map(|r| v.arn_of(live, r));
    if scope.has_builtin(d.app_type) {
        after.builtin = d.builtin.as_ref().map(|r| v.arn_of(live, r));
    }
}

fn dedup(list: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(list.len());
    for arn in list {
        if !out.contains(&arn) {
            out.push(arn);
        }
    }
    out
}

/// Declared profiles and spaces that the snapshot does not have.
fn plan_missing(
    domain: &DesiredDomain,
    live_domain: &LiveDomain,
    live: &Snapshot,
    v: &Versions,
    planned: &mut PlannedSlots,
    creates: &mut Vec<ProfileCreation>,
) {
    for profile in &domain.user_profiles {
        if live_domain
            .user_profiles
            .contains_key(&profile.name.to_lowercase())
        {
            continue;
        }
        let Some(create) = &profile.create else {
            planned.problems.push(Problem::UserProfileNotFound {
                domain_id: live_domain.id.clone(),
                name: profile.name.clone(),
            });
            continue;
        };
        let scope = Scope::UserProfile(profile.name.clone());
        let slots = new_profile_slots(domain, live, v, &scope);
        creates.push(ProfileCreation {
            domain_id: live_domain.id.clone(),
            name: profile.name.clone(),
            create: create.clone(),
            slots,
        });
    }
    for space in &domain.spaces {
        if !live_domain.spaces.contains_key(space) {
            planned.problems.push(Problem::SpaceNotFound {
                domain_id: live_domain.id.clone(),
                name: space.clone(),
            });
        }
    }
}

fn new_profile_slots(
    d: &DesiredDomain,
    live: &Snapshot,
    v: &Versions,
    s: &Scope,
) -> Vec<SlotChange> {
    let canonical = canonical_scope(s);
    d.slots
        .iter()
        .filter(|slot| canonical_scope(&slot.scope) == canonical)
        .map(|slot| {
            let mut after = SlotValue::default();
            overlay(&mut after, live, v, s, slot);
            SlotChange {
                scope: s.clone(),
                app_type: slot.app_type,
                before: SlotValue::default(),
                after,
                resource_spec: None,
                reason: ChangeReason::Declared,
            }
        })
        .collect()
}

/// A domain's default user and default space settings go out in one UpdateDomain.
fn merge_domain_updates(steps: &mut Vec<Step>, updates: Vec<ResourceUpdate>) {
    let mut merged: Vec<ResourceUpdate> = Vec::new();
    for update in updates {
        match merged.iter_mut().find(|u| u.domain_id == update.domain_id) {
            Some(existing) => existing.changes.extend(update.changes),
            None => merged.push(update),
        }
    }
    steps.extend(merged.into_iter().map(Step::UpdateDomain));
}

/// `{arn}` references must name an LCC that exists in this account and region, of the slot's
/// app type: otherwise the whole update of the resource would fail at apply time.
fn foreign_problems(domain: &DesiredDomain, live: &Snapshot) -> Vec<Problem> {
    let mut problems: Vec<Problem> = Vec::new();
    for slot in &domain.slots {
        let refs = slot.list.iter().chain(&slot.default).chain(&slot.builtin);
        for arn in refs.filter_map(|r| match r {
            LccRef::Foreign(arn) => Some(arn),
            LccRef::Owned(_) => None,
        }) {
            let Some(reason) = foreign_reason(live, arn, slot.app_type) else {
                continue;
            };
            let problem = Problem::ForeignLcc {
                arn: arn.clone(),
                reason,
            };
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        }
    }
    problems
}

fn foreign_reason(live: &Snapshot, arn: &str, app_type: AppType) -> Option<String> {
    let found = live.lccs.get(lcc_name_of(arn)).filter(|lcc| lcc.arn == arn);
    match found {
        None => Some("does not exist in this account and region".to_owned()),
        Some(lcc) if lcc.app_type != app_type => Some(format!(
            "is a `{}` lifecycle config and cannot be attached to `{app_type}` settings",
            lcc.app_type
        )),
        Some(_) => None,
    }
}
