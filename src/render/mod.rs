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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AppType, Scope};
    use crate::plan::{
        ChangeReason, CreateLcc, DeleteLcc, Kept, Plan, Replaced, Resource, ResourceUpdate,
        SlotValue, Step,
    };

    const PREFIX: &str = "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/";

    fn plan() -> Plan {
        let create = CreateLcc {
            name: "pip-22222222".to_owned(),
            arn: format!("{PREFIX}pip-22222222"),
            app_type: AppType::KernelGateway,
            script: "pip".to_owned(),
            variant: None,
            sha256: "22".repeat(32),
            content: b"#!/bin/bash\npip install polars\n".to_vec(),
            tags: Vec::new(),
            replaces: Some(Replaced {
                name: "pip-11111111".to_owned(),
                content: Some(b"#!/bin/bash\npip install pandas\n".to_vec()),
            }),
            description: Some("Installs the team's packages.".to_owned()),
        };
        let change = SlotChange {
            scope: Scope::DomainDefaults,
            app_type: AppType::KernelGateway,
            before: SlotValue {
                list: Some(vec![format!("{PREFIX}pip-11111111")]),
                default: Some(format!("{PREFIX}pip-11111111")),
                builtin: None,
            },
            after: SlotValue {
                list: Some(vec![format!("{PREFIX}pip-22222222")]),
                default: Some(format!("{PREFIX}pip-22222222")),
                builtin: None,
            },
            resource_spec: None,
            reason: ChangeReason::Declared,
        };
        let update = ResourceUpdate {
            domain_id: "d-main".to_owned(),
            domain_name: "main".to_owned(),
            resource: Resource::Domain,
            changes: vec![change],
        };
        let delete = DeleteLcc {
            name: "pip-11111111".to_owned(),
            arn: format!("{PREFIX}pip-11111111"),
            after: vec!["update-domain:d-main".to_owned()],
        };
        Plan {
            owner: "platform".to_owned(),
            steps: vec![
                Step::CreateLcc(create),
                Step::UpdateDomain(update),
                Step::DeleteLcc(delete),
            ],
            kept: vec![Kept {
                name: "lab-33333333".to_owned(),
                arn: format!("{PREFIX}lab-33333333"),
                blockers: vec![Blocker::NotScanned],
            }],
            problems: Vec::new(),
        }
    }

    #[test]
    fn text_shows_the_script_diff_labelled_attachments_and_the_summary() {
        let out = text(&plan(), false);
        assert!(out.contains("--- pip-11111111\n"), "{out}");
        assert!(out.contains("    Installs the team's packages.\n"), "{out}");
        assert!(out.contains("~ update domain `d-main` (`main`)"), "{out}");
        assert!(out.contains("    -pip install pandas\n"), "{out}");
        assert!(out.contains("    +pip install polars\n"), "{out}");
        assert!(out.contains("+ available  pip-22222222"), "{out}");
        assert!(out.contains("- available  pip-11111111"), "{out}");
        assert!(
            out.contains("~ default    pip-11111111 -> pip-22222222"),
            "{out}"
        );
        assert!(
            out.contains("- delete lifecycle config `pip-11111111`"),
            "{out}"
        );
        assert!(
            out.contains("= keep lifecycle config `lab-33333333`"),
            "{out}"
        );
        assert!(
            out.ends_with("Plan: 1 to create, 1 to update, 1 to delete, 1 kept.\n"),
            "{out}"
        );
        assert!(!out.contains('\x1b'), "no colour unless asked");
        assert!(
            text(&plan(), true).contains("\x1b[32m"),
            "colour when asked"
        );
    }

    #[test]
    fn json_is_versioned_and_carries_every_step() {
        let value: serde_json::Value = serde_json::from_str(&json(&plan())).unwrap();
        assert_eq!(value["formatVersion"], 1);
        assert_eq!(value["hasChanges"], true);
        assert_eq!(value["summary"]["delete"], 1);
        assert_eq!(value["steps"][0]["action"], "createLcc");
        assert_eq!(value["steps"][1]["changes"][0]["reason"], "declared");
        assert_eq!(value["steps"][2]["after"][0], "update-domain:d-main");
        assert_eq!(value["kept"][0]["blockers"][0]["kind"], "notScanned");
    }

    #[test]
    fn markdown_has_a_table_and_a_diff_block() {
        let out = markdown(&plan());
        assert!(
            out.contains("**1 to create, 1 to update, 1 to delete, 1 kept.**"),
            "{out}"
        );
        assert!(out.contains("| ➖ | delete `pip-11111111` |"), "{out}");
        assert!(out.contains("```diff\n--- pip-11111111"), "{out}");
    }
}
