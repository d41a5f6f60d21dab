//! Which LCC versions exist, which must be created or tagged, and which are old.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use super::types::{CreateLcc, Problem, Replaced, Step, TagLcc};
use crate::live::{LiveLcc, Snapshot};
use crate::model::{
    DesiredState, HASH_TAG, LccRef, OWNER_TAG, SCRIPT_TAG, Scope, ScriptVersion, Tag, VARIANT_TAG,
};

type Lineage = (String, Option<String>);

/// The resolved versions of a manifest against live LCCs.
pub(super) struct Versions {
    /// Manifest LCC name -> the name the version actually has (an adopted name, or itself).
    effective: BTreeMap<String, String>,
    /// Owned LCCs that are not current versions.
    pub(super) old: Vec<LiveLcc>,
    /// Old version ARN -> current version ARN of the same lineage.
    pub(super) repoint: BTreeMap<String, String>,
    /// `CreateLcc` steps.
    pub(super) creates: Vec<Step>,
    /// `TagLcc` steps.
    pub(super) tags: Vec<Step>,
    /// Name conflicts.
    pub(super) problems: Vec<Problem>,
}

impl Versions {
    /// Resolves every desired version against the snapshot.
    pub(super) fn resolve(desired: &DesiredState, live: &Snapshot) -> Versions {
        let mut versions = Versions {
            effective: BTreeMap::new(),
            old: Vec::new(),
            repoint: BTreeMap::new(),
            creates: Vec::new(),
            tags: Vec::new(),
            problems: Vec::new(),
        };
        for version in unique_versions(desired) {
            versions.resolve_one(desired, live, version);
        }
        versions.find_old(desired, live);
        versions
    }

    /// The ARN a manifest reference resolves to.
    pub(super) fn arn_of(&self, live: &Snapshot, reference: &LccRef) -> String {
        match reference {
            LccRef::Owned(name) => {
                let name = self.effective.get(name).unwrap_or(name);
                live.lcc_arn(name)
            }
            LccRef::Foreign(arn) => arn.clone(),
        }
    }

    fn resolve_one(&mut self, desired: &DesiredState, live: &Snapshot, version: &ScriptVersion) {
        let name = effective_name(live, version);
        self.check_adopted(&desired.owner, live, version, &name);
        self.effective
            .insert(version.lcc_name.clone(), name.clone());
        match live.lccs.get(&name) {
            None => self
                .creates
                .push(Step::CreateLcc(create_step(desired, live, version))),
            Some(lcc) => self.check_existing(&desired.owner, version, lcc),
        }
    }

    /// An `adopt` that names another owner's LCC is a conflict, even when the content differs
    /// (then the LCC is not this version, but the claim is still wrong).
    fn check_adopted(&mut self, owner: &str, live: &Snapshot, version: &ScriptVersion, name: &str) {
        let Some(adopted) = version.adopt.as_ref().and_then(|a| live.lccs.get(a)) else {
            return;
        };
        let other = adopted.tag(OWNER_TAG).filter(|o| *o != owner);
        if let (Some(other), true) = (other, adopted.name != name) {
            let reason = format!("`adopt` names it, but it is owned by `{other}`, not `{owner}`");
            self.problems.push(Problem::Conflict {
                name: adopted.name.clone(),
                reason,
            });
        }
    }

    /// Known limitation: tags are only ever added or overwritten. A tag removed from
    /// `scripts.<name>.tags` stays on versions that already exist (new versions do not get it).
    fn check_existing(&mut self, owner: &str, version: &ScriptVersion, lcc: &LiveLcc) {
        if let Some(reason) = conflict(owner, version, lcc) {
            self.problems.push(Problem::Conflict {
                name: lcc.name.clone(),
                reason,
            });
            return;
        }
        let missing: Vec<Tag> = desired_tags(owner, version)
            .into_iter()
            .filter(|tag| lcc.tag(&tag.key) != Some(tag.value.as_str()))
            .collect();
        if !missing.is_empty() {
            let step = TagLcc {
                name: lcc.name.clone(),
                arn: lcc.arn.clone(),
                tags: missing,
            };
            self.tags.push(Step::TagLcc(step));
        }
    }

    /// Owned (or adopted) LCCs that are no current version, and where their references go.
    ///
    /// Known limitation: an old version whose lineage has no current version (its script was
    /// removed, or a per-use variant's `env` changed, which makes a new variant) cannot be
    /// repointed. References to it in slots the manifest does not write keep it alive, and it
    /// is reported as kept with those references until someone removes them.
    fn find_old(&mut self, desired: &DesiredState, live: &Snapshot) {
        let current: BTreeSet<&String> = self.effective.values().collect();
        let claimed = adopted_lineages(desired);
        // Only LCCs tagged with this owner are ever old: an `adopt` claim alone never makes an
        // LCC deletable (a typo or a stale claim must not delete someone else's script).
        let owned = live
            .lccs
            .values()
            .filter(|lcc| lcc.is_owned_by(&desired.owner));
        for lcc in owned {
            if current.contains(&lcc.name) || !(claimed.contains_key(&lcc.name) || is_coherent(lcc))
            {
                continue;
            }
            // NB: an `adopt` claim wins over the LCC's own tags, which may record another
            // lineage (an imported per-use variant keeps its `studio-lcc:variant` tag).
            let lineage = claimed.get(&lcc.name).cloned().or_else(|| lcc.lineage());
            if let Some(arn) = lineage.and_then(|l| self.current_arn(desired, live, &l)) {
                self.repoint.insert(lcc.arn.clone(), arn);
            }
            self.old.push(lcc.clone());
        }
    }

    fn current_arn(&self, desired: &DesiredState, live: &Snapshot, l: &Lineage) -> Option<String> {
        let mut matches = desired.scripts.iter().filter(|v| &v.lineage() == l);
        let version = matches.next()?;
        if matches.any(|other| other.lcc_name != version.lcc_name) {
            return None;
        }
        Some(self.arn_of(live, &LccRef::Owned(version.lcc_name.clone())))
    }
}

/// Whether an owned LCC's name agrees with its recorded hash. A content-addressed name
/// (`<script>-<8 hex>`) whose hash tag does not start with those 8 digits was not made by this
/// tool (or its tags were copied from another LCC): it is left alone rather than retired.
fn is_coherent(lcc: &LiveLcc) -> bool {
    let Some((_, suffix)) = lcc.name.rsplit_once('-') else {
        return true;
    };
    let addressed = suffix.len() == 8 && suffix.bytes().all(|b| b.is_ascii_hexdigit());
    !addressed
        || lcc
            .recorded_hash()
            .is_some_and(|hash| hash.starts_with(suffix))
}

/// Versions once each, in manifest order.
fn unique_versions(desired: &DesiredState) -> Vec<&ScriptVersion> {
    let mut seen = BTreeSet::new();
    desired
        .scripts
        .iter()
        .filter(|v| seen.insert(v.lcc_name.as_str()))
        .collect()
}

/// An adopted LCC is the current version when it holds exactly these bytes.
fn effective_name(live: &Snapshot, version: &ScriptVersion) -> String {
    let Some(adopted) = version.adopt.as_ref() else {
        return version.lcc_name.clone();
    };
    match live.lccs.get(adopted) {
        Some(lcc) if holds(lcc, &version.sha256) => adopted.clone(),
        _ => version.lcc_name.clone(),
    }
}

fn holds(lcc: &LiveLcc, sha256: &str) -> bool {
    match &lcc.content {
        Some(content) => hex::encode(Sha256::digest(content)) == sha256,
        None => lcc.recorded_hash() == Some(sha256),
    }
}

/// Why an existing LCC cannot serve as this version, if it cannot.
fn conflict(owner: &str, version: &ScriptVersion, lcc: &LiveLcc) -> Option<String> {
    if lcc.app_type != version.app_type {
        return Some(format!(
            "it exists for app type `{}`, the manifest needs `{}`",
            lcc.app_type, version.app_type
        ));
    }
    let adopted = version.adopt.as_deref() == Some(lcc.name.as_str());
    match lcc.tag(OWNER_TAG) {
        Some(other) if other != owner => {
            return Some(format!("it is owned by `{other}`, not `{owner}`"));
        }
        None if !adopted => {
            return Some(format!(
                "it exists without the `{OWNER_TAG}` tag of `{owner}`"
            ));
        }
        _ => {}
    }
    if adopted {
        return None;
    }
    match lcc.recorded_hash() {
        Some(hash) if hash == version.sha256 => None,
        _ => Some("it exists with other content".to_owned()),
    }
}

/// Ownership tags first, then the manifest's own tags.
pub(super) fn desired_tags(owner: &str, version: &ScriptVersion) -> Vec<Tag> {
    let mut tags = vec![
        Tag::new(OWNER_TAG, owner),
        Tag::new(SCRIPT_TAG, &version.script),
        Tag::new(HASH_TAG, &version.sha256),
    ];
    if let Some(variant) = &version.variant {
        tags.push(Tag::new(VARIANT_TAG, variant));
    }
    tags.extend(version.tags.iter().cloned());
    tags
}

fn create_step(desired: &DesiredState, live: &Snapshot, version: &ScriptVersion) -> CreateLcc {
    let replaces = previous_version(desired, live, version).map(|lcc| Replaced {
        name: lcc.name.clone(),
        content: lcc.content.clone(),
    });
    CreateLcc {
        name: version.lcc_name.clone(),
        arn: live.lcc_arn(&version.lcc_name),
        app_type: version.app_type,
        script: version.script.clone(),
        variant: version.variant.clone(),
        sha256: version.sha256.clone(),
        content: version.content.clone(),
        tags: desired_tags(&desired.owner, version),
        replaces,
        description: version.description.clone(),
    }
}

/// The old version of the same lineage that a new version is diffed against: the one the
/// manifest's places refer to most (the version the new one really replaces), then the newest.
fn previous_version<'a>(
    desired: &DesiredState,
    live: &'a Snapshot,
    version: &ScriptVersion,
) -> Option<&'a LiveLcc> {
    let lineage = version.lineage();
    let claimed = adopted_lineages(desired);
    live.lccs
        .values()
        .filter(|lcc| lcc.name != version.lcc_name)
        .filter(|lcc| {
            (lcc.is_owned_by(&desired.owner) && lcc.lineage().as_ref() == Some(&lineage))
                || claimed.get(&lcc.name) == Some(&lineage)
        })
        .map(|lcc| {
            (
                (named_references(desired, live, &lcc.arn), lcc.created),
                lcc,
            )
        })
        .max_by(|(a, _), (b, _)| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)))
        .map(|(_, lcc)| lcc)
}

/// How many slots refer to `arn` in the places the manifest names: domain and space defaults,
/// and the named user profiles and spaces. NB: only those, because they are read before the
/// reader decides which contents to fetch, and again (the same) when the plan is made.
fn named_references(desired: &DesiredState, live: &Snapshot, arn: &str) -> usize {
    let mut count = 0;
    for domain in &desired.domains {
        let Some(live_domain) = live.domain(&domain.key) else {
            continue;
        };
        let mut scopes = vec![Scope::DomainDefaults, Scope::SpaceDefaults];
        scopes.extend(
            domain
                .user_profiles
                .iter()
                .map(|p| Scope::UserProfile(p.name.clone())),
        );
        scopes.extend(domain.spaces.iter().map(|s| Scope::Space(s.clone())));
        for settings in scopes
            .iter()
            .filter_map(|scope| live_domain.settings(scope))
        {
            count += settings
                .slots
                .values()
                .filter(|slot| slot.arns().any(|a| a == arn))
                .count();
        }
    }
    count
}

/// LCC names the manifest adopts, with the lineage that claims them.
fn adopted_lineages(desired: &DesiredState) -> BTreeMap<String, Lineage> {
    desired
        .scripts
        .iter()
        .filter_map(|v| v.adopt.clone().map(|name| (name, v.lineage())))
        .collect()
}

/// Names whose content the plan needs: previous versions (for diffs) and adopted LCCs.
pub(super) fn contents_needed(desired: &DesiredState, live: &Snapshot) -> Vec<String> {
    let mut names = BTreeSet::new();
    for version in unique_versions(desired) {
        if let Some(adopted) = version
            .adopt
            .as_ref()
            .filter(|a| live.lccs.contains_key(*a))
        {
            names.insert(adopted.clone());
        }
        if live.lccs.contains_key(&effective_name(live, version)) {
            continue;
        }
        if let Some(previous) = previous_version(desired, live, version) {
            names.insert(previous.name.clone());
        }
    }
    names.into_iter().collect()
}
