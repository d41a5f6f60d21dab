//! Which slots of a domain `import` writes, as ARNs.
//!
//! A slot is written when any of its LCC fields is set. Written, it is owned: the manifest's
//! list (default added) becomes the live list, so a slot whose default is missing from its own
//! list cannot be reproduced and is left out instead.

use crate::live::{LiveDomain, LiveSlot, Settings};
use crate::manifest::names;
use crate::model::{AppType, Scope};

use super::Note;

/// One live slot, as the manifest writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Slot {
    /// Where it is.
    pub(super) scope: Scope,
    /// Which app type.
    pub(super) app_type: AppType,
    /// The allowed list without the default (empty where the scope has no list).
    pub(super) list: Vec<String>,
    /// The default.
    pub(super) default: Option<String>,
    /// The built-in (only where the scope has one).
    pub(super) builtin: Option<String>,
}

impl Slot {
    /// Every ARN the slot refers to.
    pub(super) fn arns(&self) -> impl Iterator<Item = &String> {
        self.list
            .iter()
            .chain(self.default.iter())
            .chain(self.builtin.iter())
    }
}

/// The slots to write: domain defaults, space defaults, then user profiles and spaces by name.
pub(super) fn collect(domain: &LiveDomain, notes: &mut Vec<Note>) -> Vec<Slot> {
    let mut scopes: Vec<(Scope, &Settings)> = vec![
        (Scope::DomainDefaults, &domain.default_user),
        (Scope::SpaceDefaults, &domain.default_space),
    ];
    let mut profiles: Vec<_> = domain.user_profiles.values().collect();
    profiles.sort_by(|a, b| a.name.cmp(&b.name));
    scopes.extend(
        profiles
            .into_iter()
            .map(|p| (Scope::UserProfile(p.name.clone()), &p.settings)),
    );
    let mut spaces: Vec<_> = domain.spaces.values().collect();
    spaces.sort_by(|a, b| a.name.cmp(&b.name));
    scopes.extend(
        spaces
            .into_iter()
            .map(|s| (Scope::Space(s.name.clone()), &s.settings)),
    );
    let mut out = Vec::new();
    for (scope, settings) in scopes {
        for app_type in AppType::ALL.into_iter().filter(|t| scope.supports(*t)) {
            if let Some(live) = settings.slots.get(&app_type) {
                out.extend(slot(&scope, app_type, live, notes));
            }
        }
    }
    out
}

/// The slot to write, or `None` when nothing is set or it cannot be reproduced.
fn slot(scope: &Scope, app_type: AppType, live: &LiveSlot, notes: &mut Vec<Note>) -> Option<Slot> {
    let mut list: Vec<String> = Vec::new();
    if scope.has_list() {
        for arn in live.list.iter().flatten() {
            if !list.contains(arn) {
                list.push(arn.clone());
            }
        }
    }
    let default = live.default.clone();
    let builtin = live.builtin.clone().filter(|_| scope.has_builtin(app_type));
    if list.is_empty() && default.is_none() && builtin.is_none() {
        return None;
    }
    if let Some(d) = &default
        && scope.has_list()
        && !list.contains(d)
    {
        notes.push(Note::SlotLeftOut {
            scope: scope.clone(),
            app_type,
            reason: format!(
                "its default `{d}` is not in its list, and a manifest always adds the default to the list"
            ),
        });
        return None;
    }
    let all = list.iter().chain(default.iter()).chain(builtin.iter());
    if let Some(bad) = all.into_iter().find(|arn| names::lcc_arn(arn).is_err()) {
        notes.push(Note::SlotLeftOut {
            scope: scope.clone(),
            app_type,
            reason: format!("it refers to `{bad}`, which is not a lifecycle configuration ARN"),
        });
        return None;
    }
    list.retain(|arn| Some(arn) != default.as_ref());
    Some(Slot {
        scope: scope.clone(),
        app_type,
        list,
        default,
        builtin,
    })
}
