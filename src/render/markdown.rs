//! The plan as Markdown, for a pull-request comment or a GitHub step summary.

use std::fmt::Write as _;

use super::{attachment_lines, blocker_text, script_diff, slot_heading};
use crate::plan::{Plan, Resource, Step};

/// The plan as Markdown.
#[must_use]
pub fn markdown(plan: &Plan) -> String {
    let s = plan.summary();
    let mut out = format!(
        "### studio-lcc plan for `{}`\n\n**{} to create, {} to update, {} to delete, {} kept.**\n\n",
        plan.owner, s.create, s.update, s.delete, s.kept
    );
    if !plan.problems.is_empty() {
        let _ = writeln!(out, "**The plan has problems and cannot be applied.**\n");
    }
    for problem in &plan.problems {
        let _ = writeln!(out, "> [!CAUTION]\n> {problem}\n");
    }
    if !plan.steps.is_empty() {
        out.push_str("| | Change | Details |\n|---|---|---|\n");
        for step in &plan.steps {
            let (sign, what, details) = row(step);
            let _ = writeln!(out, "| {sign} | {what} | {details} |");
        }
        out.push('\n');
    }
    for kept in &plan.kept {
        let reasons: Vec<String> = kept.blockers.iter().map(blocker_text).collect();
        let _ = writeln!(out, "- kept `{}`: {}", kept.name, reasons.join("; "));
    }
    for step in &plan.steps {
        if let Step::CreateLcc(create) = step {
            let (old_name, old) = create.replaces.as_ref().map_or((None, Vec::new()), |r| {
                (Some(r.name.as_str()), r.content.clone().unwrap_or_default())
            });
            let diff = script_diff(old_name, &old, &create.name, &create.content);
            let _ = write!(
                out,
                "\n<details><summary>Script <code>{}</code></summary>\n\n```diff\n{diff}```\n</details>\n",
                create.name
            );
        }
    }
    if plan.steps.is_empty() && plan.problems.is_empty() {
        out.push_str("No changes. Live state matches the manifest.\n");
    }
    out
}

fn row(step: &Step) -> (&'static str, String, String) {
    match step {
        Step::CreateLcc(c) => (
            "➕",
            format!("create `{}`", c.name),
            format!("{} script `{}`", c.app_type, c.script),
        ),
        Step::TagLcc(t) => (
            "🏷️",
            format!("tag `{}`", t.name),
            "adopt as owned".to_owned(),
        ),
        Step::UpdateDomain(u) | Step::UpdateUserProfile(u) | Step::UpdateSpace(u) => {
            let what = match &u.resource {
                Resource::Domain => format!("update domain `{}`", u.domain_id),
                Resource::UserProfile(n) => format!("update user profile `{n}`"),
                Resource::Space(n) => format!("update space `{n}`"),
            };
            (
                "🔁",
                what,
                u.changes
                    .iter()
                    .map(change_cell)
                    .collect::<Vec<_>>()
                    .join("<br>"),
            )
        }
        Step::CreateUserProfile(c) => (
            "➕",
            format!("create user profile `{}`", c.name),
            c.slots
                .iter()
                .map(change_cell)
                .collect::<Vec<_>>()
                .join("<br>"),
        ),
        Step::DeleteLcc(d) => ("➖", format!("delete `{}`", d.name), String::new()),
    }
}

fn change_cell(change: &crate::plan::SlotChange) -> String {
    let lines: Vec<String> = attachment_lines(change)
        .into_iter()
        .map(|(sign, l)| format!("{sign} {l}"))
        .collect();
    format!(
        "{}: {}",
        slot_heading(change),
        lines.join(", ").replace('|', "\\|")
    )
}
