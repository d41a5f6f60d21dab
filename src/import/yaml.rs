//! The manifest text, written by hand so the output is stable: two-space indentation, keys in
//! a fixed order, lists in flow style, and a scalar quoted exactly when it is not a plain word.
//!
//! Quoted scalars are JSON strings, which YAML reads as double-quoted scalars with the same
//! value.

use std::fmt::Write as _;

use crate::model::Scope;

use super::refs::{AdoptedScript, Ref, Resolved, ResolvedSlot};
use super::{Note, Source};

/// The whole manifest.
pub(super) fn manifest(
    source: &Source,
    owner: &str,
    resolved: &Resolved,
    notes: &[Note],
) -> String {
    let mut out = header(source, owner, notes);
    let _ = writeln!(out, "owner: {}", scalar(owner));
    out.push('\n');
    if resolved.scripts.is_empty() {
        out.push_str("scripts: {}\n");
    } else {
        out.push_str("scripts:\n");
        for (name, script) in &resolved.scripts {
            script_entry(&mut out, name, script);
        }
    }
    out.push('\n');
    domain(&mut out, source, &resolved.slots);
    out
}

/// Where the manifest came from, what applying it does, and what was left as it is.
fn header(source: &Source, owner: &str, notes: &[Note]) -> String {
    let domain = &source.domain;
    let mut out = format!(
        "# Written by `studio-lcc import` from domain `{}` (`{}`).\n",
        domain.name, domain.id
    );
    out.push_str(
        "#\n\
         # Each script adopts the lifecycle configuration it was read from (`adopt`); its file\n\
         # holds the exact bytes AWS stores. The first apply only tags those lifecycle\n",
    );
    let _ = writeln!(
        out,
        "# configurations as owned by `{owner}`. Editing a script later rolls out a new version\n\
         # everywhere and deletes the imported one. See docs/adopting.md."
    );
    if !notes.is_empty() {
        out.push_str("#\n# Left as they are:\n");
        for note in notes {
            let _ = writeln!(out, "# - {note}");
        }
    }
    out.push('\n');
    out
}

fn script_entry(out: &mut String, name: &str, script: &AdoptedScript) {
    let _ = writeln!(out, "  {}:", scalar(name));
    let _ = writeln!(out, "    appType: {}", script.app_type);
    let _ = writeln!(out, "    file: {}", scalar(&script.file));
    let _ = writeln!(out, "    adopt: {}", scalar(&script.lcc));
    if !script.tags.is_empty() {
        out.push_str("    tags:\n");
        for (key, value) in &script.tags {
            let _ = writeln!(out, "      {}: {}", scalar(key), scalar(value));
        }
    }
}

/// The one domain, keyed by its name and selected by its id.
fn domain(out: &mut String, source: &Source, slots: &[ResolvedSlot]) {
    let domain = &source.domain;
    out.push_str("domains:\n");
    let _ = writeln!(out, "  {}:", scalar(&domain.name));
    let _ = writeln!(out, "    id: {}", scalar(&domain.id));
    let groups = [
        ("defaults", Group::Defaults),
        ("spaceDefaults", Group::SpaceDefaults),
        ("userProfiles", Group::UserProfiles),
        ("spaces", Group::Spaces),
    ];
    for (key, group) in groups {
        let members: Vec<&ResolvedSlot> = slots.iter().filter(|s| group.holds(&s.scope)).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(out, "    {key}:");
        match group {
            Group::Defaults | Group::SpaceDefaults => app_blocks(out, 6, &members),
            Group::UserProfiles | Group::Spaces => named_blocks(out, &members),
        }
    }
}

/// The four places slots live in a domain entry.
#[derive(Clone, Copy)]
enum Group {
    Defaults,
    SpaceDefaults,
    UserProfiles,
    Spaces,
}

impl Group {
    fn holds(self, scope: &Scope) -> bool {
        matches!(
            (self, scope),
            (Group::Defaults, Scope::DomainDefaults)
                | (Group::SpaceDefaults, Scope::SpaceDefaults)
                | (Group::UserProfiles, Scope::UserProfile(_))
                | (Group::Spaces, Scope::Space(_))
        )
    }
}

/// Slots grouped under their profile or space name (slots arrive grouped and sorted).
fn named_blocks(out: &mut String, slots: &[&ResolvedSlot]) {
    let mut start = 0;
    while start < slots.len() {
        let scope = &slots[start].scope;
        let end = start
            + slots[start..]
                .iter()
                .take_while(|s| &s.scope == scope)
                .count();
        let name = match scope {
            Scope::UserProfile(name) | Scope::Space(name) => name.as_str(),
            Scope::DomainDefaults | Scope::SpaceDefaults => "",
        };
        let _ = writeln!(out, "      {}:", scalar(name));
        app_blocks(out, 8, &slots[start..end]);
        start = end;
    }
}

/// One block per app type: `scripts`, `default`, `builtIn` as set.
fn app_blocks(out: &mut String, indent: usize, slots: &[&ResolvedSlot]) {
    let pad = " ".repeat(indent);
    for slot in slots {
        let _ = writeln!(out, "{pad}{}:", slot.app_type.manifest_key());
        if !slot.list.is_empty() {
            let items: Vec<String> = slot.list.iter().map(reference).collect();
            let _ = writeln!(out, "{pad}  scripts: [{}]", items.join(", "));
        }
        if let Some(default) = &slot.default {
            let _ = writeln!(out, "{pad}  default: {}", reference(default));
        }
        if let Some(builtin) = &slot.builtin {
            let _ = writeln!(out, "{pad}  builtIn: {}", reference(builtin));
        }
    }
}

fn reference(r: &Ref) -> String {
    match r {
        Ref::Script(name) => scalar(name),
        Ref::Arn(arn) => format!("{{arn: {}}}", quoted(arn)),
    }
}

/// `s` as a plain scalar when that reads back as the same string, quoted otherwise.
pub(super) fn scalar(s: &str) -> String {
    if is_plain(s) { s.to_owned() } else { quoted(s) }
}

/// A word of letters, digits, `-`, `_`, `.` and `/` that starts with a letter and is not a
/// YAML keyword.
fn is_plain(s: &str) -> bool {
    let keyword = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
    );
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !keyword
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{}\"", s.escape_default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_stay_plain_and_everything_else_is_quoted() {
        assert_eq!(scalar("pip-install"), "pip-install");
        assert_eq!(scalar("scripts/a.sh"), "scripts/a.sh");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("1234"), "\"1234\"");
        assert_eq!(scalar("a b"), "\"a b\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("say \"hi\""), "\"say \\\"hi\\\"\"");
    }
}
