//! Domains: selectors, user profiles, spaces and every written slot.

use super::{Overrides, Resolver};
use crate::manifest::decode::join;
use crate::manifest::diagnostic::did_you_mean;
use crate::manifest::names;
use crate::manifest::raw::{
    AppSlots, At, CreateSpec, DomainSpec, ScriptRef, SlotSpec, SpaceDefaultSlots, SpaceSlotSpec,
    SpaceSpec, UserProfileSpec,
};
use crate::manifest::tree::Pos;
use crate::model::{
    AppType, DesiredDomain, DesiredSlot, DesiredUserProfile, DomainSelector, LccRef, ProfileCreate,
    Scope,
};

impl Resolver<'_> {
    /// The domains of one file, each with the position of its key.
    pub(super) fn domains(&mut self, unit: usize) -> Vec<(At<String>, DesiredDomain)> {
        let units = self.units;
        let mut out = Vec::new();
        for (key, spec) in &units[unit].manifest.domains.0 {
            out.push((key.clone(), self.domain(unit, key, spec)));
        }
        out
    }

    fn domain(&mut self, unit: usize, key: &At<String>, spec: &DomainSpec) -> DesiredDomain {
        let path = join("domains", &key.value);
        let selector = self.selector(unit, spec, &path);
        let mut slots = Vec::new();
        if let Some(defaults) = &spec.defaults {
            slots.extend(self.app_slots(
                unit,
                &Scope::DomainDefaults,
                defaults,
                &join(&path, "defaults"),
            ));
        }
        if let Some(space_defaults) = &spec.space_defaults {
            slots.extend(self.space_default_slots(
                unit,
                space_defaults,
                &join(&path, "spaceDefaults"),
            ));
        }
        let user_profiles = self.profiles(unit, spec, &path, &mut slots);
        let spaces = self.spaces(unit, spec, &path, &mut slots);
        DesiredDomain {
            key: key.value.clone(),
            selector,
            slots,
            user_profiles,
            spaces,
        }
    }

    fn selector(&mut self, unit: usize, spec: &DomainSpec, path: &str) -> DomainSelector {
        if let Some(id) = &spec.id {
            if let Err(reason) = names::domain_id(&id.value) {
                let message = format!("domain id `{}` is not valid: {reason}", id.value);
                let hint = "find the id with `aws sagemaker list-domains`".to_owned();
                self.error(unit, id.pos, &join(path, "id"), message, Some(hint));
            }
            return DomainSelector::Id(id.value.clone());
        }
        let name = spec
            .name
            .as_ref()
            .map(|n| n.value.clone())
            .unwrap_or_default();
        if let Some(at) = &spec.name
            && let Err(reason) = names::domain_name(&at.value)
        {
            let message = format!("domain name `{}` is not valid: {reason}", at.value);
            self.error(unit, at.pos, &join(path, "name"), message, None);
        }
        DomainSelector::Name(name)
    }

    /// Two domain entries may not pick the same domain, or use the same key.
    pub(super) fn check_domain_selectors(&mut self, domains: &[(At<String>, DesiredDomain)]) {
        let mut seen: Vec<(usize, &At<String>, &DesiredDomain)> = Vec::new();
        let owners = self.domain_units();
        for ((key, domain), unit) in domains.iter().zip(owners) {
            let clash = seen
                .iter()
                .find(|(_, k, d)| k.value == key.value || d.selector == domain.selector);
            if let Some((first_unit, first_key, first)) = clash {
                let what = if first_key.value == key.value {
                    format!("domain key `{}` is used twice", key.value)
                } else {
                    format!(
                        "domain `{}` picks the same {} as `{}`",
                        key.value, domain.selector, first.key
                    )
                };
                let first_at = format!(
                    "first at {}:{}",
                    self.units[*first_unit].file.display(),
                    first_key.pos.line
                );
                self.error(
                    unit,
                    key.pos,
                    &join("domains", &key.value),
                    what,
                    Some(first_at),
                );
                continue;
            }
            seen.push((unit, key, domain));
        }
    }

    /// The file index of each domain, in the order [`Self::domains`] returns them.
    fn domain_units(&self) -> Vec<usize> {
        self.units
            .iter()
            .enumerate()
            .flat_map(|(i, u)| std::iter::repeat_n(i, u.manifest.domains.0.len()))
            .collect()
    }

    fn app_slots(
        &mut self,
        unit: usize,
        scope: &Scope,
        slots: &AppSlots,
        path: &str,
    ) -> Vec<DesiredSlot> {
        let written = [
            (AppType::JupyterServer, &slots.jupyter_server),
            (AppType::KernelGateway, &slots.kernel_gateway),
            (AppType::JupyterLab, &slots.jupyter_lab),
            (AppType::CodeEditor, &slots.code_editor),
        ];
        written
            .into_iter()
            .filter_map(|(app_type, slot)| Some((app_type, slot.as_ref()?)))
            .map(|(app_type, slot)| {
                self.slot(
                    unit,
                    scope,
                    app_type,
                    slot,
                    &join(path, app_type.manifest_key()),
                )
            })
            .collect()
    }

    fn space_default_slots(
        &mut self,
        unit: usize,
        slots: &SpaceDefaultSlots,
        path: &str,
    ) -> Vec<DesiredSlot> {
        let all = AppSlots {
            jupyter_server: slots.jupyter_server.clone(),
            kernel_gateway: slots.kernel_gateway.clone(),
            jupyter_lab: slots.jupyter_lab.clone(),
            code_editor: None,
        };
        self.app_slots(unit, &Scope::SpaceDefaults, &all, path)
    }

    /// One written slot: its exact list (default included), default and built-in.
    fn slot(
        &mut self,
        unit: usize,
        scope: &Scope,
        app_type: AppType,
        spec: &SlotSpec,
        path: &str,
    ) -> DesiredSlot {
        let mut list = self.list(unit, app_type, spec, path);
        let default = spec
            .default
            .as_ref()
            .and_then(|d| self.reference(unit, app_type, d, &join(path, "default")));
        let builtin = self.builtin(unit, scope, app_type, spec, path);
        if let Some(d) = &default
            && scope.has_list()
            && !list.contains(d)
        {
            list.push(d.clone());
        }
        DesiredSlot {
            scope: scope.clone(),
            app_type,
            list,
            default,
            builtin,
        }
    }

    /// The written `scripts` of a slot, resolved; a repeated entry is an error.
    fn list(&mut self, unit: usize, app_type: AppType, spec: &SlotSpec, path: &str) -> Vec<LccRef> {
        let mut list: Vec<LccRef> = Vec::new();
        for (i, item) in spec.scripts.iter().enumerate() {
            let here = format!("{path}.scripts[{i}]");
            let Some(r) = self.reference(unit, app_type, item, &here) else {
                continue;
            };
            if list.contains(&r) {
                let message = format!("{} is listed twice", describe(item));
                self.error(
                    unit,
                    ref_pos(item),
                    &here,
                    message,
                    Some("remove one".into()),
                );
                continue;
            }
            list.push(r);
        }
        list
    }

    fn builtin(
        &mut self,
        unit: usize,
        scope: &Scope,
        app_type: AppType,
        spec: &SlotSpec,
        path: &str,
    ) -> Option<LccRef> {
        let item = spec.built_in.as_ref()?;
        let here = join(path, "builtIn");
        if !scope.has_builtin(app_type) {
            let message = format!("{app_type} has no built-in lifecycle configuration");
            let hint =
                "`builtIn` exists for JupyterLab and CodeEditor only; use `default`".to_owned();
            self.error(unit, ref_pos(item), &here, message, Some(hint));
            return None;
        }
        self.reference(unit, app_type, item, &here)
    }

    /// Resolves a reference used in a slot of `app_type`.
    fn reference(
        &mut self,
        unit: usize,
        app_type: AppType,
        item: &ScriptRef,
        path: &str,
    ) -> Option<LccRef> {
        let (name, overrides) = match item {
            ScriptRef::Foreign(f) => return self.foreign(unit, &f.arn, path),
            ScriptRef::Name(name) => (name, None),
            ScriptRef::Variant(v) => (
                &v.script,
                Some(Overrides {
                    env: &v.env,
                    unit,
                    pos: v.script.pos,
                    path,
                }),
            ),
        };
        let name_path = if matches!(item, ScriptRef::Variant(_)) {
            join(path, "script")
        } else {
            path.to_owned()
        };
        let entry_type = self.lookup(unit, name, &name_path)?;
        if entry_type != app_type {
            let message = format!(
                "script `{}` is a {entry_type} script; this slot is for {app_type}",
                name.value
            );
            let hint = format!(
                "attach it under `{}`, or change its `appType`",
                entry_type.manifest_key()
            );
            self.error(unit, name.pos, &name_path, message, Some(hint));
            return None;
        }
        self.version(&name.value, overrides).map(LccRef::Owned)
    }

    /// The app type of a declared script, or an "unknown script" error.
    fn lookup(&mut self, unit: usize, name: &At<String>, path: &str) -> Option<AppType> {
        if let Some(entry) = self.scripts.get(&name.value) {
            return Some(entry.spec.app_type.value);
        }
        let known: Vec<&str> = self.scripts.keys().map(String::as_str).collect();
        let hint = if known.is_empty() {
            "declare it under `scripts`".to_owned()
        } else {
            did_you_mean(&name.value, &known)
        };
        let message = format!("unknown script `{}`", name.value);
        self.error(unit, name.pos, path, message, Some(hint));
        None
    }

    fn foreign(&mut self, unit: usize, arn: &At<String>, path: &str) -> Option<LccRef> {
        let here = join(path, "arn");
        if let Err(reason) = names::lcc_arn(&arn.value) {
            let message = format!(
                "`{}` is not a lifecycle configuration ARN: {reason}",
                arn.value
            );
            let hint = "copy the ARN from `aws sagemaker list-studio-lifecycle-configs`".to_owned();
            self.error(unit, arn.pos, &here, message, Some(hint));
            return None;
        }
        Some(LccRef::Foreign(arn.value.clone()))
    }

    fn profiles(
        &mut self,
        unit: usize,
        spec: &DomainSpec,
        path: &str,
        slots: &mut Vec<DesiredSlot>,
    ) -> Vec<DesiredUserProfile> {
        let mut seen: Vec<&At<String>> = Vec::new();
        let mut out = Vec::new();
        for (name, profile) in &spec.user_profiles.0 {
            let here = join(&join(path, "userProfiles"), &name.value);
            self.check_profile_name(unit, name, &seen, &here);
            seen.push(name);
            let scope = Scope::UserProfile(name.value.clone());
            slots.extend(self.app_slots(unit, &scope, &profile.slots, &here));
            let create = self.create(unit, profile, &join(&here, "create"));
            out.push(DesiredUserProfile {
                name: name.value.clone(),
                create,
            });
        }
        out
    }

    fn check_profile_name(
        &mut self,
        unit: usize,
        name: &At<String>,
        seen: &[&At<String>],
        path: &str,
    ) {
        if let Err(reason) = names::profile_name(&name.value) {
            let message = format!("user profile name `{}` is not valid: {reason}", name.value);
            self.error(unit, name.pos, path, message, None);
        }
        if let Some(first) = seen
            .iter()
            .find(|s| s.value.eq_ignore_ascii_case(&name.value))
        {
            let message = format!(
                "user profile `{}` is the same as `{}` (line {}): SageMaker ignores case in profile names",
                name.value, first.value, first.pos.line
            );
            self.error(
                unit,
                name.pos,
                path,
                message,
                Some("merge the two entries".into()),
            );
        }
    }

    fn create(
        &mut self,
        unit: usize,
        profile: &UserProfileSpec,
        path: &str,
    ) -> Option<ProfileCreate> {
        let with = match profile.create.as_ref()? {
            CreateSpec::Flag(flag) => return flag.value.then(ProfileCreate::default),
            CreateSpec::With(with) => with,
        };
        if let Some(role) = &with.execution_role
            && let Err(reason) = names::role_arn(&role.value)
        {
            let message = format!("`{}` is not an IAM role ARN: {reason}", role.value);
            self.error(unit, role.pos, &join(path, "executionRole"), message, None);
        }
        if let Some(sso) = &with.sso_user_value
            && sso.value.chars().count() > 256
        {
            let message = "`ssoUserValue` has at most 256 characters".to_owned();
            self.error(unit, sso.pos, &join(path, "ssoUserValue"), message, None);
        }
        let tags = self.tags(unit, &with.tags, &join(path, "tags"));
        Some(ProfileCreate {
            execution_role: with.execution_role.as_ref().map(|r| r.value.clone()),
            sso_user_value: with.sso_user_value.as_ref().map(|s| s.value.clone()),
            tags,
        })
    }

    fn spaces(
        &mut self,
        unit: usize,
        spec: &DomainSpec,
        path: &str,
        slots: &mut Vec<DesiredSlot>,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for (name, space) in &spec.spaces.0 {
            let here = join(&join(path, "spaces"), &name.value);
            if let Err(reason) = names::profile_name(&name.value) {
                let message = format!("space name `{}` is not valid: {reason}", name.value);
                self.error(unit, name.pos, &here, message, None);
            }
            let scope = Scope::Space(name.value.clone());
            slots.extend(self.app_slots(unit, &scope, &space_as_slots(space), &here));
            out.push(name.value.clone());
        }
        out
    }
}

/// A space's slots in the common shape (only `default` is ever set).
fn space_as_slots(space: &SpaceSpec) -> AppSlots {
    let convert = |s: &Option<SpaceSlotSpec>| {
        s.as_ref().map(|s| SlotSpec {
            scripts: Vec::new(),
            default: s.default.clone(),
            built_in: None,
        })
    };
    AppSlots {
        jupyter_server: convert(&space.jupyter_server),
        kernel_gateway: convert(&space.kernel_gateway),
        jupyter_lab: convert(&space.jupyter_lab),
        code_editor: convert(&space.code_editor),
    }
}

/// Where a reference is written.
fn ref_pos(item: &ScriptRef) -> Pos {
    match item {
        ScriptRef::Name(n) => n.pos,
        ScriptRef::Variant(v) => v.script.pos,
        ScriptRef::Foreign(f) => f.arn.pos,
    }
}

/// A reference, for messages.
fn describe(item: &ScriptRef) -> String {
    match item {
        ScriptRef::Name(n) => format!("script `{}`", n.value),
        ScriptRef::Variant(v) => format!("script `{}` with this `env`", v.script.value),
        ScriptRef::Foreign(f) => format!("`{}`", f.arn.value),
    }
}
