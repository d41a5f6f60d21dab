//! Scripts: their checks, bytes, `env` and content-addressed versions.

use super::{Overrides, Resolver, ScriptEntry};
use crate::manifest::decode::join;
use crate::manifest::lint;
use crate::manifest::names;
use crate::manifest::raw::{At, Keyed, ScriptSpec};
use crate::manifest::script;
use crate::manifest::tree::Pos;
use crate::model::{ScriptVersion, Tag, lcc_name};

impl<'a> Resolver<'a> {
    /// Checks and reads the scripts declared in one file.
    pub(super) fn collect_scripts(&mut self, unit: usize) {
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
            if SHELL_VARIABLES.contains(&key.value.as_str()) {
                let message = format!(
                    "`env` sets `{}`, which changes how the whole script runs",
                    key.value
                );
                let hint =
                    "use a name of your own (for example `TEAM_PATH`) and read it in the script";
                self.sinks[unit].warn(key.pos, &here, message, Some(hint.to_owned()));
            }
            // The key is part of the text checked: `AWS_SECRET_ACCESS_KEY: <40 chars>` names
            // its secret the way a script line does.
            let assignment = format!("{}={}", key.value, value.value);
            if let Some(kind) = lint::secret_kind(&assignment) {
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
    pub(super) fn tags(&mut self, unit: usize, tags: &Keyed<At<String>>, path: &str) -> Vec<Tag> {
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
    pub(super) fn version(
        &mut self,
        name: &str,
        overrides: Option<Overrides<'_>>,
    ) -> Option<String> {
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
    pub(super) fn add_unused_scripts(&mut self) {
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
}

/// Variables the shell or the loader read for every command; setting them from `env` breaks or
/// hijacks the whole script.
const SHELL_VARIABLES: &[&str] = &[
    "PATH",
    "HOME",
    "SHELL",
    "IFS",
    "ENV",
    "BASH_ENV",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "PS4",
];
