//! Logical script names for adopted LCCs: valid for the manifest, unique, and the same every
//! time the same LCCs are imported.

use std::collections::{BTreeMap, BTreeSet};

use crate::live::LiveLcc;
use crate::manifest::names;
use crate::model::{MAX_SCRIPT_NAME_LEN, OWNER_TAG, SCRIPT_TAG};

/// Logical names by LCC name.
///
/// LCCs are taken in name order. First, an LCC that already belongs to `owner` keeps its
/// `studio-lcc:script` tag as its name when that name is valid and still free; then every
/// other LCC gets a name derived from its own ([`derive`]), with `-2`, `-3`, ... added on a
/// clash.
pub(super) fn assign(lccs: &[&LiveLcc], owner: &str) -> BTreeMap<String, String> {
    let mut sorted: Vec<&LiveLcc> = lccs.to_vec();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut out = BTreeMap::new();
    for lcc in &sorted {
        if let Some(tagged) = tagged_name(lcc, owner)
            && taken.insert(tagged.clone())
        {
            out.insert(lcc.name.clone(), tagged);
        }
    }
    for lcc in &sorted {
        if out.contains_key(&lcc.name) {
            continue;
        }
        let name = unique(&derive(&lcc.name), &taken);
        taken.insert(name.clone());
        out.insert(lcc.name.clone(), name);
    }
    out
}

/// The script tag of an LCC that `owner` already owns, when it is a valid script name.
fn tagged_name(lcc: &LiveLcc, owner: &str) -> Option<String> {
    if lcc.tag(OWNER_TAG) != Some(owner) {
        return None;
    }
    let script = lcc.tag(SCRIPT_TAG)?;
    names::script_name(script).ok()?;
    Some(script.to_owned())
}

/// A valid script name close to `lcc_name`: other characters become `-`, and the result is cut
/// to [`MAX_SCRIPT_NAME_LEN`] without a trailing `-`.
pub(super) fn derive(lcc_name: &str) -> String {
    let mapped: String = lcc_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let trimmed = mapped.trim_matches('-');
    let name = cut(trimmed, MAX_SCRIPT_NAME_LEN);
    if name.is_empty() {
        "script".to_owned()
    } else {
        name
    }
}

/// `base`, or `base` cut short with `-2`, `-3`, ... until it is not taken.
fn unique(base: &str, taken: &BTreeSet<String>) -> String {
    if !taken.contains(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| {
            let suffix = format!("-{n}");
            format!("{}{suffix}", cut(base, MAX_SCRIPT_NAME_LEN - suffix.len()))
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| base.to_owned())
}

/// The first `max` characters (all ASCII here), without a trailing `-`.
fn cut(name: &str, max: usize) -> String {
    let end = name.len().min(max);
    name[..end].trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AppType;

    fn lcc(name: &str, tags: &[(&str, &str)]) -> LiveLcc {
        LiveLcc {
            name: name.to_owned(),
            arn: format!("arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/{name}"),
            app_type: AppType::JupyterLab,
            created: 0.0,
            tags: Some(
                tags.iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            ),
            content: None,
        }
    }

    #[test]
    fn long_lcc_names_are_cut_to_the_script_name_limit() {
        let long = format!("{}-{}", "a".repeat(53), "b".repeat(9));
        let name = derive(&long);
        assert_eq!(name, "a".repeat(53));
        assert!(names::script_name(&name).is_ok());
    }

    #[test]
    fn clashing_names_get_a_numbered_suffix_that_still_fits() {
        let a = format!("{}-x", "a".repeat(54));
        let b = format!("{}-y", "a".repeat(54));
        let (a, b) = (lcc(&a, &[]), lcc(&b, &[]));
        let names = assign(&[&b, &a], "team");
        assert_eq!(names[&a.name], "a".repeat(54));
        assert_eq!(names[&b.name], format!("{}-2", "a".repeat(52)));
    }

    #[test]
    fn an_lcc_of_the_same_owner_keeps_its_script_tag_as_name() {
        let mine = lcc(
            "setup-1a2b3c4d",
            &[(OWNER_TAG, "team"), (SCRIPT_TAG, "setup")],
        );
        let theirs = lcc("setup", &[]);
        let names = assign(&[&theirs, &mine], "team");
        assert_eq!(names["setup-1a2b3c4d"], "setup");
        assert_eq!(names["setup"], "setup-2");
    }
}
