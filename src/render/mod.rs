//! Rendering plans and apply results. Pure: strings in, strings out; the CLI writes them.

mod json;
mod markdown;
mod text;

pub use json::{JSON_FORMAT_VERSION, json};
pub use markdown::markdown;
pub use text::{step_result_line, text};

use similar::TextDiff;

use crate::live::snapshot::lcc_name_of;
use crate::model::Scope;
use crate::plan::{Blocker, SlotChange};

/// The unified diff of a script version against the one it replaces (or against nothing).
#[must_use]
pub fn script_diff(old_name: Option<&str>, old: &[u8], new_name: &str, new: &[u8]) -> String {
    let old_text = String::from_utf8_lossy(old);
    let new_text = String::from_utf8_lossy(new);
    let diff = TextDiff::from_lines(old_text.as_ref(), new_text.as_ref());
    let old_header = old_name.unwrap_or("/dev/null");
    diff.unified_diff()
        .context_radius(3)
        .header(old_header, new_name)
        .to_string()
}

/// One labelled line per attachment that changes: `available`, `default` or `built-in`.
#[must_use]
pub fn attachment_lines(change: &SlotChange) -> Vec<(char, String)> {
    let mut lines = Vec::new();
    let before = change.before.list.clone().unwrap_or_default();
    let after = change.after.list.clone().unwrap_or_default();
    for arn in after.iter().filter(|a| !before.contains(a)) {
        lines.push(('+', format!("available  {}", lcc_name_of(arn))));
    }
    for arn in before.iter().filter(|a| !after.contains(a)) {
        lines.push(('-', format!("available  {}", lcc_name_of(arn))));
    }
    if change.default_changes() {
        lines.push((
            '~',
            format!(
                "default    {}",
                transition(&change.before.default, &change.after.default)
            ),
        ));
    }
    if change.builtin_changes() {
        lines.push((
            '~',
            format!(
                "built-in   {}",
                transition(&change.before.builtin, &change.after.builtin)
            ),
        ));
    }
    lines
}

fn transition(before: &Option<String>, after: &Option<String>) -> String {
    let name = |v: &Option<String>| {
        v.as_deref()
            .map_or("(none)".to_owned(), |a| lcc_name_of(a).to_owned())
    };
    format!("{} -> {}", name(before), name(after))
}

/// Where a slot is, as a heading: `default user settings, JupyterLab`.
#[must_use]
pub fn slot_heading(change: &SlotChange) -> String {
    let place = match &change.scope {
        Scope::DomainDefaults => "default user settings".to_owned(),
        Scope::SpaceDefaults => "default space settings".to_owned(),
        Scope::UserProfile(_) | Scope::Space(_) => "settings".to_owned(),
    };
    format!("{place}, {}", change.app_type)
}

/// A blocker in words.
#[must_use]
pub fn blocker_text(blocker: &Blocker) -> String {
    match blocker {
        Blocker::RunningApp {
            domain_id,
            owner,
            app_type,
            app_name,
            status,
        } => {
            let owner = match owner {
                crate::live::AppOwner::UserProfile(name) => format!("user profile `{name}`"),
                crate::live::AppOwner::Space(name) => format!("space `{name}`"),
            };
            format!("{app_type} app `{app_name}` of {owner} in `{domain_id}` is {status}")
        }
        Blocker::Reference {
            domain_id,
            scope,
            app_type,
        } => {
            format!("still referenced by {scope} ({app_type}) in `{domain_id}`")
        }
        Blocker::InUse { message } => format!("SageMaker refused the delete: {message}"),
        Blocker::NotScanned => "not every profile, space and app was read".to_owned(),
    }
}
