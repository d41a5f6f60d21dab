//! Resolution: decoded manifest files in, the normalised [`DesiredState`] out.
//!
//! This is where names meet: script references are looked up (with a "did you mean"), app
//! types are matched to slots, every script version is turned into exact bytes, a hash and an
//! LCC name, and every written slot into its exact list, default and built-in.
//!
//! `versions.rs` holds the script side (bytes, `env`, versions), `domains.rs` the slot side.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use indexmap::IndexMap;

mod domains;
mod versions;

use super::diagnostic::{Diagnostic, Sink};
use super::names;
use super::raw::{At, Keyed, ManifestFile, ScriptSpec};
use super::tree::Pos;
use crate::model::{DesiredState, ScriptVersion, Tag};

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
}
