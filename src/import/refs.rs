//! Which referenced LCCs are adopted as scripts, and what each slot refers to.
//!
//! An LCC is adopted when it exists, belongs to no other owner, holds bytes the manifest takes
//! exactly as they are (so the hash the manifest computes is the hash of what AWS stores), and
//! at least one slot of its own app type uses it. Every other reference stays by ARN.

use std::collections::{BTreeMap, BTreeSet};

use crate::live::LiveLcc;
use crate::manifest::{lint, names, script};
use crate::model::{AppType, OWNER_TAG, Scope};

use super::slots::Slot;
use super::{Note, Source, naming};

/// A byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// Tags a script may carry besides the tool's own (the manifest's limit).
const MAX_EXTRA_TAGS: usize = 46;

/// What a slot field refers to in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Ref {
    /// An adopted script, by logical name.
    Script(String),
    /// An LCC left as it is, by ARN.
    Arn(String),
}

/// An adopted LCC as a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AdoptedScript {
    /// The LCC's name (`adopt:`).
    pub(super) lcc: String,
    /// Its app type.
    pub(super) app_type: AppType,
    /// The script file, relative to the manifest.
    pub(super) file: String,
    /// The exact bytes.
    pub(super) content: Vec<u8>,
    /// Its own tags that a manifest may set.
    pub(super) tags: BTreeMap<String, String>,
}

/// A slot with its references resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ResolvedSlot {
    pub(super) scope: Scope,
    pub(super) app_type: AppType,
    /// Sorted: scripts by name, then ARNs.
    pub(super) list: Vec<Ref>,
    pub(super) default: Option<Ref>,
    pub(super) builtin: Option<Ref>,
}

/// Adopted scripts by logical name, and every slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resolved {
    pub(super) scripts: BTreeMap<String, AdoptedScript>,
    pub(super) slots: Vec<ResolvedSlot>,
}

/// Adopts what can be adopted and resolves every slot's references.
pub(super) fn resolve(
    source: &Source,
    owner: &str,
    slots: &[Slot],
    notes: &mut Vec<Note>,
) -> Resolved {
    let adopted = adoptable(source, owner, slots, notes);
    let lccs: Vec<&LiveLcc> = adopted.values().copied().collect();
    let logical = naming::assign(&lccs, owner);
    let mut resolver = Resolver {
        source,
        adopted: &adopted,
        logical: &logical,
        notes,
    };
    let slots = slots.iter().map(|s| resolver.slot(s)).collect();
    let scripts = adopted
        .values()
        .map(|lcc| (logical[&lcc.name].clone(), adopted_script(lcc)))
        .collect();
    Resolved { scripts, slots }
}

/// The LCCs to adopt, by ARN; a note for each referenced LCC that cannot be.
fn adoptable<'a>(
    source: &'a Source,
    owner: &str,
    slots: &[Slot],
    notes: &mut Vec<Note>,
) -> BTreeMap<String, &'a LiveLcc> {
    let referenced: BTreeSet<&String> = slots.iter().flat_map(Slot::arns).collect();
    let mut out = BTreeMap::new();
    for arn in referenced {
        let Some(lcc) = source.lccs.get(arn) else {
            notes.push(Note::Missing { arn: arn.clone() });
            continue;
        };
        if let Some(other) = lcc.tag(OWNER_TAG).filter(|o| *o != owner) {
            notes.push(Note::OtherOwner {
                lcc: lcc.name.clone(),
                owner: other.to_owned(),
            });
            continue;
        }
        if let Some(reason) = refusal(lcc.content.as_deref()) {
            notes.push(Note::NotAdoptable {
                lcc: lcc.name.clone(),
                reason,
            });
            continue;
        }
        let used_in_own_type = slots
            .iter()
            .any(|s| s.app_type == lcc.app_type && s.arns().any(|a| a == arn));
        if used_in_own_type {
            out.insert(arn.clone(), lcc);
        }
    }
    out
}

/// Why the manifest cannot hold these bytes exactly, if it cannot.
///
/// These are the loader's content errors (`src/manifest/script.rs` and `lint.rs`). CR line
/// endings are among them: `normalizeLineEndings` would accept the file, but it changes the
/// bytes, so the hash would no longer be the hash of the LCC and it could not be adopted.
pub(super) fn refusal(content: Option<&[u8]>) -> Option<String> {
    let Some(bytes) = content else {
        return Some("its content could not be read".to_owned());
    };
    if bytes.starts_with(BOM) {
        return Some("it starts with a byte-order mark, which the manifest refuses".to_owned());
    }
    if bytes.contains(&0) {
        return Some("it contains a NUL byte, which the manifest refuses".to_owned());
    }
    if bytes.contains(&b'\r') {
        return Some(
            "it has CR (Windows) line endings, and converting them would change its bytes and hash"
                .to_owned(),
        );
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some("it is empty, which the manifest refuses".to_owned());
    }
    if let Some(message) = script::oversize(bytes) {
        return Some(format!("it is too large for the manifest ({message})"));
    }
    let text = String::from_utf8_lossy(bytes);
    let (line, kind) = text
        .lines()
        .enumerate()
        .find_map(|(i, line)| Some((i + 1, lint::secret_kind(line)?)))?;
    Some(format!(
        "line {line} looks like it contains {kind}, which the manifest refuses"
    ))
}

fn adopted_script(lcc: &LiveLcc) -> AdoptedScript {
    AdoptedScript {
        lcc: lcc.name.clone(),
        app_type: lcc.app_type,
        file: format!("scripts/{}.sh", lcc.name),
        content: lcc.content.clone().unwrap_or_default(),
        tags: carried_tags(lcc),
    }
}

/// The LCC's own tags that a manifest may set (not `aws:` or `studio-lcc:` ones).
///
/// Known limitation: when more than 46 such tags are valid, none is carried over, so new
/// versions of the script do not get them; the imported LCC keeps its tags.
fn carried_tags(lcc: &LiveLcc) -> BTreeMap<String, String> {
    let tags: BTreeMap<String, String> = lcc
        .tags
        .iter()
        .flatten()
        .filter(|(k, v)| names::tag_key(k).is_ok() && names::tag_value(v).is_ok())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if tags.len() > MAX_EXTRA_TAGS {
        return BTreeMap::new();
    }
    tags
}

struct Resolver<'a, 'n> {
    source: &'a Source,
    adopted: &'a BTreeMap<String, &'a LiveLcc>,
    logical: &'a BTreeMap<String, String>,
    notes: &'n mut Vec<Note>,
}

impl Resolver<'_, '_> {
    fn slot(&mut self, slot: &Slot) -> ResolvedSlot {
        let mut list: Vec<Ref> = slot
            .list
            .iter()
            .map(|arn| self.reference(arn, slot.app_type))
            .collect();
        list.sort();
        list.dedup();
        ResolvedSlot {
            scope: slot.scope.clone(),
            app_type: slot.app_type,
            list,
            default: slot
                .default
                .as_ref()
                .map(|a| self.reference(a, slot.app_type)),
            builtin: slot
                .builtin
                .as_ref()
                .map(|a| self.reference(a, slot.app_type)),
        }
    }

    /// A script when the LCC is adopted and of the slot's app type; the ARN otherwise.
    fn reference(&mut self, arn: &str, slot_type: AppType) -> Ref {
        if let Some(lcc) = self.source.lccs.get(arn)
            && lcc.app_type != slot_type
        {
            self.notes.push(Note::WrongAppType {
                lcc: lcc.name.clone(),
                lcc_type: lcc.app_type,
                slot_type,
            });
            return Ref::Arn(arn.to_owned());
        }
        match self.adopted.get(arn) {
            Some(lcc) => Ref::Script(self.logical[&lcc.name].clone()),
            None => Ref::Arn(arn.to_owned()),
        }
    }
}
