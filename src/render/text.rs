//! The plan for terminals: one block per step, script diffs, a summary line.

use std::fmt::Write as _;

use super::{attachment_lines, blocker_text, script_diff, slot_heading};
use crate::apply::StepResult;
use crate::plan::{ChangeReason, CreateLcc, Plan, Resource, ResourceUpdate, Step};

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, sign: char, line: &str) -> String {
        if !self.color {
            return line.to_owned();
        }
        let code = match sign {
            '+' => GREEN,
            '-' => RED,
            '~' | '=' | '!' => YELLOW,
            _ => return line.to_owned(),
        };
        format!("{code}{line}{RESET}")
    }
}

/// The plan as text; `color` adds ANSI colours (only on a terminal, never with `NO_COLOR`).
#[must_use]
pub fn text(plan: &Plan, color: bool) -> String {
    let p = Painter { color };
    let mut out = String::new();
    for problem in &plan.problems {
        let _ = writeln!(out, "{}", p.paint('!', &format!("! {problem}")));
    }
    for step in &plan.steps {
        out.push_str(&step_block(&p, step));
    }
    for kept in &plan.kept {
        let _ = writeln!(
            out,
            "{}",
            p.paint('=', &format!("= keep lifecycle config `{}`", kept.name))
        );
        for blocker in &kept.blockers {
            let _ = writeln!(out, "    {}", blocker_text(blocker));
        }
        out.push('\n');
    }
    if plan.steps.is_empty() && plan.problems.is_empty() {
        out.push_str("No changes. Live state matches the manifest.\n");
    }
    let s = plan.summary();
    let _ = writeln!(
        out,
        "Plan: {} to create, {} to update, {} to delete, {} kept.",
        s.create, s.update, s.delete, s.kept
    );
    if !plan.problems.is_empty() {
        let line = format!(
            "The plan has {} problem(s) and cannot be applied; nothing will be changed.",
            plan.problems.len()
        );
        let _ = writeln!(out, "{}", p.paint('!', &line));
    }
    out
}

fn step_block(p: &Painter, step: &Step) -> String {
    let mut out = String::new();
    match step {
        Step::CreateLcc(create) => create_block(p, create, &mut out),
        Step::TagLcc(tag) => {
            let line = format!("~ tag lifecycle config `{}` as owned", tag.name);
            let _ = writeln!(out, "{}", p.paint('~', &line));
            for t in &tag.tags {
                let _ = writeln!(out, "    {} = {}", t.key, t.value);
            }
        }
        Step::UpdateDomain(update)
        | Step::UpdateUserProfile(update)
        | Step::UpdateSpace(update) => {
            update_block(p, update, &mut out);
        }
        Step::CreateUserProfile(create) => {
            let line = format!(
                "+ create user profile `{}` in `{}`",
                create.name, create.domain_id
            );
            let _ = writeln!(out, "{}", p.paint('+', &line));
            for change in &create.slots {
                let _ = writeln!(out, "    {}:", slot_heading(change));
                for (sign, line) in attachment_lines(change) {
                    let _ = writeln!(out, "      {}", p.paint(sign, &format!("{sign} {line}")));
                }
            }
        }
        Step::DeleteLcc(delete) => {
            let line = format!("- delete lifecycle config `{}`", delete.name);
            let _ = writeln!(out, "{}", p.paint('-', &line));
        }
    }
    out.push('\n');
    out
}

fn create_block(p: &Painter, create: &CreateLcc, out: &mut String) {
    let line = format!(
        "+ create lifecycle config `{}` ({}, script `{}`)",
        create.name, create.app_type, create.script
    );
    let _ = writeln!(out, "{}", p.paint('+', &line));
    if let Some(description) = &create.description {
        let _ = writeln!(out, "    {description}");
    }
    let (old_name, old) = match &create.replaces {
        Some(r) => {
            let _ = writeln!(out, "    replaces `{}`", r.name);
            (Some(r.name.as_str()), r.content.clone().unwrap_or_default())
        }
        None => (None, Vec::new()),
    };
    for line in script_diff(old_name, &old, &create.name, &create.content).lines() {
        let sign = line.chars().next().unwrap_or(' ');
        let sign = if line.starts_with("+++") || line.starts_with("---") {
            ' '
        } else {
            sign
        };
        let _ = writeln!(out, "    {}", p.paint(sign, line));
    }
}

fn update_block(p: &Painter, update: &ResourceUpdate, out: &mut String) {
    let what = match &update.resource {
        Resource::Domain => domain_label(update),
        Resource::UserProfile(name) => format!("user profile `{name}` in `{}`", update.domain_id),
        Resource::Space(name) => format!("space `{name}` in `{}`", update.domain_id),
    };
    let _ = writeln!(out, "{}", p.paint('~', &format!("~ update {what}")));
    for change in &update.changes {
        let note = match change.reason {
            ChangeReason::Declared => "",
            ChangeReason::Repoint => " (repoint from an old version)",
        };
        let _ = writeln!(out, "    {}:{note}", slot_heading(change));
        for (sign, line) in attachment_lines(change) {
            let _ = writeln!(out, "      {}", p.paint(sign, &format!("{sign} {line}")));
        }
    }
}

fn domain_label(update: &ResourceUpdate) -> String {
    let name = &update.domain_name;
    if name.is_empty() || *name == update.domain_id {
        format!("domain `{}`", update.domain_id)
    } else {
        format!("domain `{}` (`{name}`)", update.domain_id)
    }
}

/// One progress line for a finished step.
#[must_use]
pub fn step_result_line(step: &Step, result: &StepResult) -> String {
    match result {
        StepResult::Done => format!("done     {}", step.key()),
        StepResult::Kept(reason) => format!("kept     {} ({reason})", step.key()),
        StepResult::Skipped(reason) => format!("skipped  {} ({reason})", step.key()),
        StepResult::Failed(reason) => format!("FAILED   {}: {reason}", step.key()),
    }
}
