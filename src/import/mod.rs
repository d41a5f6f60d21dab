//! `studio-lcc import`: a manifest and script files that reproduce what a domain has now, so a
//! team can put an existing domain under the tool without changing any attachment.
//!
//! The work is split so that every decision is tested without AWS:
//!
//! - [`read`] makes the SageMaker calls and returns a [`Source`]: the domain, every user
//!   profile and space in it, and the lifecycle configurations (LCCs) they refer to, with
//!   their tags and bytes;
//! - [`import`] is pure: a [`Source`] and an owner in, the manifest text and script files out;
//! - [`cli`] is the command: flags, the output folder, and a check that the result loads.
//!
//! # Guarantees
//!
//! Planned against the live state it was read from, the imported manifest changes no
//! attachment. Every adoptable LCC becomes a script with `adopt: <LCC name>` whose file holds
//! the exact bytes AWS stores, so the hash matches and the first apply only tags the LCC as
//! owned. Everything else stays exactly as it is and is reported as a [`Note`]:
//!
//! - an LCC that cannot be adopted (another owner's, bytes the manifest refuses, missing, or
//!   used in a slot of another app type) stays attached by ARN (`{arn: ...}`);
//! - a slot that no manifest can reproduce (a default that is not in its own list) is left
//!   out, so the tool does not own it and never touches it.
//!
//! Output is deterministic (sorted scripts, scopes and lists; stable quoting), so importing
//! the same live state twice gives the same files byte for byte.

pub mod cli;
mod naming;
pub mod read;
mod refs;
mod slots;
mod yaml;

use std::collections::BTreeMap;
use std::fmt;

use crate::live::{LiveDomain, LiveLcc};
use crate::model::{AppType, Scope};

pub use read::ImportError;

/// Name of the manifest file `import` writes.
pub const MANIFEST_FILE: &str = "studio-lcc.yaml";

/// What `import` reads from the account: one domain and the LCCs it refers to.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Source {
    /// The domain with its default settings, every user profile and every space.
    pub domain: LiveDomain,
    /// The LCCs that exist and are referenced anywhere in the domain, by ARN, with their tags
    /// and content read.
    pub lccs: BTreeMap<String, LiveLcc>,
}

/// The result of an import: the manifest, its script files, and what was left as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The manifest text (`studio-lcc.yaml`).
    pub manifest: String,
    /// The script files, relative to the manifest's folder, sorted by path.
    pub scripts: Vec<ScriptFile>,
    /// Everything that was not adopted or not written, in a stable order.
    pub notes: Vec<Note>,
}

/// One script file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptFile {
    /// Path relative to the manifest's folder (`scripts/<LCC name>.sh`).
    pub path: String,
    /// The exact bytes the LCC holds.
    pub content: Vec<u8>,
}

/// Something `import` left as it is, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Note {
    /// The LCC carries another manifest's owner tag; it is referenced by ARN.
    OtherOwner {
        /// LCC name.
        lcc: String,
        /// The owner on its tag.
        owner: String,
    },
    /// The manifest cannot hold the LCC's bytes exactly; it is referenced by ARN.
    NotAdoptable {
        /// LCC name.
        lcc: String,
        /// Why, as a clause ("it has CR line endings ...").
        reason: String,
    },
    /// A slot refers to an LCC that does not exist; the reference is kept by ARN.
    Missing {
        /// The ARN the slot holds.
        arn: String,
    },
    /// A slot of one app type refers to an LCC of another; it is referenced there by ARN.
    WrongAppType {
        /// LCC name.
        lcc: String,
        /// The LCC's app type.
        lcc_type: AppType,
        /// The slot's app type.
        slot_type: AppType,
    },
    /// A slot no manifest can reproduce; it is not written, so the tool never changes it.
    SlotLeftOut {
        /// Where the slot is.
        scope: Scope,
        /// Its app type.
        app_type: AppType,
        /// Why, as a clause.
        reason: String,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::OtherOwner { lcc, owner } => write!(
                f,
                "lifecycle config `{lcc}` is owned by `{owner}`; it stays attached by ARN"
            ),
            Note::NotAdoptable { lcc, reason } => write!(
                f,
                "lifecycle config `{lcc}` is not adopted because {reason}; it stays attached by ARN"
            ),
            Note::Missing { arn } => write!(
                f,
                "`{arn}` does not exist but is attached; it stays attached by ARN"
            ),
            Note::WrongAppType {
                lcc,
                lcc_type,
                slot_type,
            } => write!(
                f,
                "lifecycle config `{lcc}` is for {lcc_type} but is attached to a {slot_type} slot; it stays there by ARN"
            ),
            Note::SlotLeftOut {
                scope,
                app_type,
                reason,
            } => write!(
                f,
                "the {app_type} slot of {scope} is not written because {reason}; the tool will not change it"
            ),
        }
    }
}

/// Builds the manifest and script files that reproduce `source`, for manifest owner `owner`.
///
/// 1. Collect every slot of the domain that sets any LCC field (domain defaults, space
///    defaults, then user profiles and spaces by name), leaving out the slots no manifest can
///    reproduce.
/// 2. Decide for each referenced LCC whether it is adopted, and give each adopted LCC a
///    logical script name (its `studio-lcc:script` tag when it already belongs to `owner`,
///    otherwise derived from its name).
/// 3. Write the manifest text and one file per adopted LCC.
#[must_use]
pub fn import(source: &Source, owner: &str) -> Imported {
    let mut notes = Vec::new();
    let collected = slots::collect(&source.domain, &mut notes);
    let resolved = refs::resolve(source, owner, &collected, &mut notes);
    notes.sort();
    notes.dedup();
    let manifest = yaml::manifest(source, owner, &resolved, &notes);
    let mut scripts: Vec<ScriptFile> = resolved
        .scripts
        .values()
        .map(|script| ScriptFile {
            path: script.file.clone(),
            content: script.content.clone(),
        })
        .collect();
    scripts.sort_by(|a, b| a.path.cmp(&b.path));
    Imported {
        manifest,
        scripts,
        notes,
    }
}

#[cfg(test)]
mod tests;
