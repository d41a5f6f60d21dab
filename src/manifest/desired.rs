//! Resolution: decoded manifest files in, the normalised [`DesiredState`] out.
//!
//! This is where names meet: script references are looked up (with a "did you mean"), app
//! types are matched to slots, every script version is turned into exact bytes, a hash and an
//! LCC name, and every written slot into its exact list, default and built-in.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use indexmap::IndexMap;

use super::decode::join;
use super::diagnostic::{Diagnostic, Sink, did_you_mean};
use super::lint;
use super::names;
use super::raw::{
    AppSlots, At, CreateSpec, DomainSpec, Keyed, ManifestFile, ScriptRef, ScriptSpec, SlotSpec,
    SpaceDefaultSlots, SpaceSpec, UserProfileSpec,
};
use super::script;
use super::tree::Pos;
use crate::model::{
    AppType, DesiredDomain, DesiredSlot, DesiredState, DesiredUserProfile, DomainSelector, LccRef,
    ProfileCreate, Scope, ScriptVersion, Tag, lcc_name,
};

/// One decoded manifest file.
#[derive(Debug)]
pub(crate) struct Unit {
    /// The manifest file, as named to the user.
    pub(crate) file: PathBuf,
    /// The folder script paths are relative to.
    pub(crate) base_dir: PathBuf,
    /// What it says.
    pub(crate) manifest: ManifestFile,
    /// Whether `owner` is written at all (even with a wrong type, already reported).
    pub(crate) owner_written: bool,
}

/// A declared script, with its checked bytes (before `env` injection).
struct ScriptEntry<'a> {
    unit: usize,
    spec: &'a ScriptSpec,
    name_pos: Pos,
    /// `None` when the bytes had errors (already reported).
    bytes: Option<Vec<u8>>,
    env: Vec<(String, String)>,
    tags: Vec<Tag>,
}

/// A use-site `env` override: the values and where the use is written.
struct Overrides<'a> {
    env: &'a Keyed<At<String>>,
    unit: usize,
    pos: Pos,
    path: &'a str,
}

/// Resolves a set of decoded files into one desired state, collecting diagnostics.
pub(crate) struct Resolver<'a> {
    units: &'a [Unit],
    sinks: Vec<Sink>,
    scripts: IndexMap<String, ScriptEntry<'a>>,
    versions: BTreeMap<String, ScriptVersion>,
    used: HashSet<String>,
    reported_oversize: HashSet<(String, Option<String>)>,
}

impl<'a> Resolver<'a> {
    /// A resolver over `units`.
    pub(crate) fn new(units: &'a [Unit]) -> Resolver<'a> {
        Resolver {
            units,
            sinks: units.iter().map(|u| Sink::new(&u.file)).collect(),
            scripts: IndexMap::new(),
            versions: BTreeMap::new(),
            used: HashSet::new(),
            reported_oversize: HashSet::new(),
        }
    }

    /// Resolves everything. The state is `None` when any error was reported.
    ///
    /// 1. The owner, which all files must agree on.
    /// 2. Scripts: names, `env`, tags, `adopt`, and their bytes.
    /// 3. Domains and every slot in them; this creates the script versions slots use.
    /// 4. Scripts no slot uses still get their plain version, with a warning.
    pub(crate) fn resolve(mut self) -> (Option<DesiredState>, Vec<Diagnostic>) {
        let owner = self.owner();
        for unit in 0..self.units.len() {
            self.collect_scripts(unit);
        }
        let mut domains = Vec::new();
        for unit in 0..self.units.len() {
            domains.extend(self.domains(unit));
        }
        self.check_domain_selectors(&domains);
        self.add_unused_scripts();
        let diagnostics: Vec<Diagnostic> =
            self.sinks.into_iter().flat_map(|s| s.diagnostics).collect();
        if diagnostics.iter().any(Diagnostic::is_error) {
            return (None, diagnostics);
        }
        let mut scripts: Vec<ScriptVersion> = self.versions.into_values().collect();
        scripts.sort_by(|a, b| {
            (&a.script, &a.variant, &a.lcc_name).cmp(&(&b.script, &b.variant, &b.lcc_name))
        });
        let owner = owner.unwrap_or_default();
        (
            Some(DesiredState {
                owner,
                scripts,
                domains: domains.into_iter().map(|d| d.1).collect(),
            }),
            diagnostics,
        )
    }

    fn error(&mut self, unit: usize, pos: Pos, path: &str, message: String, hint: Option<String>) {
        self.sinks[unit].error(pos, path, message, hint);
    }

    /// The one owner of all files.
    fn owner(&mut self) -> Option<String> {
        let mut first: Option<(usize, At<String>)> = None;
        for (unit, u) in self.units.iter().enumerate() {
            let Some(owner) = &u.manifest.owner else {
                continue;
            };
            if let Err(reason) = names::owner(&owner.value) {
                let message = format!("owner `{}` is not valid: {reason}", owner.value);
                let hint = "use a short id such as `ml-platform-prod`".to_owned();
                self.error(unit, owner.pos, "owner", message, Some(hint));
            }
            match &first {
                None => first = Some((unit, owner.clone())),
                Some((f, o)) if o.value != owner.value => {
                    let message = format!(
                        "owner `{}` differs from owner `{}` in {}",
                        owner.value,
                        o.value,
                        self.units[*f].file.display()
                    );
                    let hint = "all manifests in one folder belong to one owner".to_owned();
                    self.error(unit, owner.pos, "owner", message, Some(hint));
                }
                Some(_) => {}
            }
        }
        if first.is_none() && !self.units.iter().any(|u| u.owner_written) {
            let hint = "add `owner: <id>`; it is tagged on every LCC this manifest creates";
            self.error(
                0,
                Pos::new(1, 1),
                "owner",
                "missing required key `owner`".into(),
                Some(hint.into()),
            );
        }
        first.map(|(_, o)| o.value)
    }

    /// Checks and reads the scripts declared in one file.
    fn collect_scripts(&mut self, unit: usize) {
        let units = self.units;
        for (name, spec) in &units[unit].manifest.scripts.0 {
            let path = join("scripts", &name.value);
            if let Some(other) = self.scripts.get(&name.value) {
                let where_ = self.units[other.unit].file.display().to_string();
                let message = format!("script `{}` is also defined in {where_}", name.value);
                self.error(
                    unit,
                    name.pos,
                    &path,
                    message,
                    Some("rename one of them".into()),
                );
                continue;
            }
            if let Err(reason) = names::script_name(&name.value) {
                let message = format!("script name `{}` is not valid: {reason}", name.value);
                let hint = "the LCC name is the script name plus `-` and 8 hex digits, at most 63 \
                            characters of letters, digits and `-`";
                self.error(unit, name.pos, &path, message, Some(hint.into()));
            }
            let entry = self.script_entry(unit, name, spec, &path);
            self.scripts.insert(name.value.clone(), entry);
        }
    }

    fn script_entry(
        &mut self,
        unit: usize,
        name: &At<String>,
        spec: &'a ScriptSpec,
        path: &str,
    ) -> ScriptEntry<'a> {
        let env = self.env_pairs(unit, &spec.env, &join(path, "env"));
        let tags = self.tags(unit, &spec.tags, &join(path, "tags"));
        if let Some(adopt) = &spec.adopt
            && let Err(reason) = names::lcc_name(&adopt.value)
        {
            let message = format!("`adopt` names no valid LCC: {reason}");
            self.error(unit, adopt.pos, &join(path, "adopt"), message, None);
        }
        let bytes = self.script_bytes(unit, spec, path);
        ScriptEntry {
            unit,
            spec,
            name_pos: name.pos,
            bytes,
            env,
            tags,
        }
    }

    /// Reads and checks the bytes, and runs the content checks on them.
    fn script_bytes(&mut self, unit: usize, spec: &ScriptSpec, path: &str) -> Option<Vec<u8>> {
        let base_dir = self.units[unit].base_dir.clone();
        let sink = &mut self.sinks[unit];
        let source = script::read(spec, &base_dir, sink, path)?;
        let content_path = if spec.inline.is_some() {
            join(path, "inline")
        } else {
            join(path, "file")
        };
        let normalize = spec
            .normalize_line_endings
            .as_ref()
            .is_some_and(|n| n.value);
        let bytes = script::check_bytes(&source, normalize, sink, &content_path);
        let text = String::from_utf8_lossy(bytes.as_deref().unwrap_or(&source.bytes)).into_owned();
        lint::check_secrets(&text, &source.origin, sink, &content_path);
        if bytes.is_some() {
            lint::check_pitfalls(&text, &source.origin, sink, &content_path);
        }
        bytes
    }

    /// Validated `env` pairs; values that look like secrets are errors.
    fn env_pairs(
        &mut self,
        unit: usize,
        env: &Keyed<At<String>>,
        path: &str,
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (key, value) in &env.0 {
            let here = join(path, &key.value);
            if let Err(reason) = names::env_key(&key.value) {
                let message = format!("`{}` is not a valid variable name: {reason}", key.value);
                self.error(unit, key.pos, &here, message, None);
                continue;
            }
            if let Some(kind) = lint::secret_kind(&value.value) {
                let message = format!("`env` value of `{}` looks like {kind}", key.value);
                self.error(unit, value.pos, &here, message, Some(lint::secret_hint()));
            }
            if value.value.contains('\0') {
                self.error(
                    unit,
                    value.pos,
                    &here,
                    "`env` value contains a NUL byte".into(),
                    None,
                );
            }
            out.push((key.value.clone(), value.value.clone()));
        }
        out
    }

    /// Validated tags.
    fn tags(&mut self, unit: usize, tags: &Keyed<At<String>>, path: &str) -> Vec<Tag> {
        let mut out = Vec::new();
        for (key, value) in &tags.0 {
            let here = join(path, &key.value);
            let checked = names::tag_key(&key.value).and_then(|()| names::tag_value(&value.value));
            match checked {
                Ok(()) => out.push(Tag::new(&key.value, &value.value)),
                Err(reason) => {
                    let message = format!("tag `{}` is not valid: {reason}", key.value);
                    self.error(unit, key.pos, &here, message, None);
                }
            }
        }
        if out.len() > 46 {
            let message = format!("{} tags; at most 46 fit next to the tool's own", out.len());
            self.error(unit, Pos::new(1, 1), path, message, None);
        }
        out
    }

    /// The version of script `name` with optional use-site overrides; its LCC name.
    fn version(&mut self, name: &str, overrides: Option<Overrides<'_>>) -> Option<String> {
        self.used.insert(name.to_owned());
        let entry = self.scripts.get(name)?;
        let base = entry.bytes.clone()?;
        let mut env = entry.env.clone();
        let variant = match &overrides {
            Some(o) => self.merge_overrides(&mut env, o),
            None => None,
        };
        let entry = &self.scripts[name];
        let content = script::inject_env(&base, &env);
        if let Some(message) = script::oversize(&content) {
            self.report_oversize(name, variant.clone(), overrides.as_ref(), message);
            return None;
        }
        let sha256 = script::sha256_hex(&content);
        let lcc = lcc_name(name, &sha256);
        let version = ScriptVersion {
            script: name.to_owned(),
            variant: variant.clone(),
            lcc_name: lcc.clone(),
            app_type: entry.spec.app_type.value,
            content,
            sha256,
            tags: entry.tags.clone(),
            description: entry.spec.description.as_ref().map(|d| d.value.clone()),
            adopt: if variant.is_none() {
                entry.spec.adopt.as_ref().map(|a| a.value.clone())
            } else {
                None
            },
        };
        self.versions.entry(lcc.clone()).or_insert(version);
        Some(lcc)
    }

    /// Merges use-site `env` over the script's; the variant id, or `None` when nothing is set.
    fn merge_overrides(
        &mut self,
        env: &mut Vec<(String, String)>,
        o: &Overrides<'_>,
    ) -> Option<String> {
        let pairs = self.env_pairs(o.unit, o.env, &join(o.path, "env"));
        if pairs.is_empty() {
            return None;
        }
        for (key, value) in &pairs {
            match env.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1.clone_from(value),
                None => env.push((key.clone(), value.clone())),
            }
        }
        let mut sorted = pairs;
        sorted.sort();
        let canonical: String = sorted.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        Some(script::sha256_hex(canonical.as_bytes())[..8].to_owned())
    }

    fn report_oversize(
        &mut self,
        name: &str,
        variant: Option<String>,
        o: Option<&Overrides<'_>>,
        message: String,
    ) {
        if !self.reported_oversize.insert((name.to_owned(), variant)) {
            return;
        }
        let hint = "move large files out of the script: download them at start-up, or install \
                    from a package index"
            .to_owned();
        if let Some(o) = o {
            self.error(o.unit, o.pos, o.path, message, Some(hint));
            return;
        }
        let entry = &self.scripts[name];
        let (unit, spec) = (entry.unit, entry.spec);
        let (key, pos) = match (&spec.file, &spec.inline) {
            (Some(f), _) => ("file", f.pos),
            (None, Some(i)) => ("inline", i.pos),
            (None, None) => ("", entry.name_pos),
        };
        self.error(
            unit,
            pos,
            &join(&join("scripts", name), key),
            message,
            Some(hint),
        );
    }

    /// Declared scripts that no slot uses: their plain version still exists, with a warning.
    fn add_unused_scripts(&mut self) {
        let unused: Vec<String> = self
            .scripts
            .keys()
            .filter(|n| !self.used.contains(*n))
            .cloned()
            .collect();
        for name in unused {
            self.version(&name, None);
            let entry = &self.scripts[&name];
            let (unit, pos) = (entry.unit, entry.name_pos);
            let message = format!("script `{name}` is not attached to any slot");
            let hint = "attach it under `domains`, or remove it".to_owned();
            self.sinks[unit].warn(pos, &join("scripts", &name), message, Some(hint));
        }
    }

    /// The domains of one file, each with the position of its key.
    fn domains(&mut self, unit: usize) -> Vec<(At<String>, DesiredDomain)> {
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
    fn check_domain_selectors(&mut self, domains: &[(At<String>, DesiredDomain)]) {
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
    let convert = |s: &Option<super::raw::SpaceSlotSpec>| {
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
