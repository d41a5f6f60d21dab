//! Import from hand-built sources: the exact manifest, that it loads, and that planning it
//! against the same live state only tags.

use std::collections::BTreeMap;

use super::*;
use crate::live::{LiveResource, LiveSlot, Settings, Snapshot};
use crate::manifest::LoadOptions;
use crate::model::{DesiredState, HASH_TAG, OWNER_TAG, SCRIPT_TAG};
use crate::plan::{Plan, Step};

const SCRIPT: &[u8] = b"#!/bin/bash\nset -eux\necho 'Studio is starting'\n";

fn arn(name: &str) -> String {
    format!("arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/{name}")
}

fn lcc(name: &str, app_type: AppType, content: &[u8]) -> LiveLcc {
    LiveLcc {
        name: name.to_owned(),
        arn: arn(name),
        app_type,
        created: 1.0,
        tags: Some(BTreeMap::new()),
        content: Some(content.to_vec()),
    }
}

fn slot(list: &[&str], default: Option<&str>, builtin: Option<&str>) -> LiveSlot {
    LiveSlot {
        list: Some(list.iter().map(|n| arn(n)).collect()),
        default: default.map(arn),
        builtin: builtin.map(arn),
        resource_spec: None,
    }
}

fn settings(slots: Vec<(AppType, LiveSlot)>) -> Settings {
    Settings {
        slots: slots.into_iter().collect(),
    }
}

/// The AWS blog's set-up: a JupyterServer default on the domain, a KernelGateway list on a
/// profile, plus a space with a JupyterLab default.
fn blog() -> Source {
    let mut domain = LiveDomain {
        key: "walkthrough".into(),
        id: "d-walkthrough01".into(),
        name: "walkthrough".into(),
        arn: "arn:aws:sagemaker:us-east-1:123456789012:domain/d-walkthrough01".into(),
        status: "InService".into(),
        ..LiveDomain::default()
    };
    domain.default_user = settings(vec![
        (
            AppType::JupyterServer,
            slot(&["my-js-lcc"], Some("my-js-lcc"), None),
        ),
        (AppType::KernelGateway, slot(&[], None, None)),
    ]);
    let profile = LiveResource {
        name: "data-scientist".into(),
        status: "InService".into(),
        settings: settings(vec![(
            AppType::KernelGateway,
            slot(&["my-kg-lcc"], None, None),
        )]),
    };
    domain
        .user_profiles
        .insert("data-scientist".into(), profile);
    let space = LiveResource {
        name: "team".into(),
        status: "InService".into(),
        settings: settings(vec![(
            AppType::JupyterLab,
            LiveSlot {
                default: Some(arn("lab-setup")),
                ..LiveSlot::default()
            },
        )]),
    };
    domain.spaces.insert("team".into(), space);
    let lccs = [
        lcc("my-js-lcc", AppType::JupyterServer, SCRIPT),
        lcc("my-kg-lcc", AppType::KernelGateway, SCRIPT),
        lcc("lab-setup", AppType::JupyterLab, SCRIPT),
    ];
    Source {
        domain,
        lccs: lccs.into_iter().map(|l| (l.arn.clone(), l)).collect(),
    }
}

/// Writes `imported` to a temporary folder and loads it.
fn load(imported: &Imported) -> (tempfile::TempDir, DesiredState) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("scripts")).unwrap();
    std::fs::write(dir.path().join(MANIFEST_FILE), &imported.manifest).unwrap();
    for script in &imported.scripts {
        std::fs::write(dir.path().join(&script.path), &script.content).unwrap();
    }
    let loaded = crate::manifest::load(&dir.path().join(MANIFEST_FILE), &LoadOptions::default());
    let loaded = loaded.unwrap_or_else(|e| panic!("{e}\n{}", imported.manifest));
    (dir, loaded.desired)
}

/// The live state the planner would see for `source`.
fn snapshot(source: &Source) -> Snapshot {
    let mut snapshot = Snapshot {
        arn_prefix: "arn:aws:sagemaker:us-east-1:123456789012:".into(),
        ..Snapshot::default()
    };
    for lcc in source.lccs.values() {
        snapshot.lccs.insert(lcc.name.clone(), lcc.clone());
    }
    snapshot.domains.push(source.domain.clone());
    snapshot
}

fn plan(source: &Source, owner: &str) -> Plan {
    let imported = import(source, owner);
    let (_dir, desired) = load(&imported);
    Plan::new(&desired, &snapshot(source))
}

fn tagged(plan: &Plan) -> Vec<String> {
    plan.steps
        .iter()
        .map(|step| match step {
            Step::TagLcc(tag) => tag.name.clone(),
            other => panic!("only tag steps were expected, got {other:?}"),
        })
        .collect()
}

#[test]
fn the_blog_setup_is_written_as_a_manifest_that_adopts_each_lcc() {
    let imported = import(&blog(), "ml-platform");
    let expected = "\
# Written by `studio-lcc import` from domain `walkthrough` (`d-walkthrough01`).
#
# Each script adopts the lifecycle configuration it was read from (`adopt`); its file
# holds the exact bytes AWS stores. The first apply only tags those lifecycle
# configurations as owned by `ml-platform`. Editing a script later rolls out a new version
# everywhere and deletes the imported one. See docs/adopting.md.

owner: ml-platform

scripts:
  lab-setup:
    appType: JupyterLab
    file: scripts/lab-setup.sh
    adopt: lab-setup
  my-js-lcc:
    appType: JupyterServer
    file: scripts/my-js-lcc.sh
    adopt: my-js-lcc
  my-kg-lcc:
    appType: KernelGateway
    file: scripts/my-kg-lcc.sh
    adopt: my-kg-lcc

domains:
  walkthrough:
    id: d-walkthrough01
    defaults:
      jupyterServer:
        default: my-js-lcc
    userProfiles:
      data-scientist:
        kernelGateway:
          scripts: [my-kg-lcc]
    spaces:
      team:
        jupyterLab:
          default: lab-setup
";
    assert_eq!(imported.manifest, expected);
    assert!(imported.notes.is_empty());
    let paths: Vec<&str> = imported.scripts.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "scripts/lab-setup.sh",
            "scripts/my-js-lcc.sh",
            "scripts/my-kg-lcc.sh"
        ]
    );
    assert!(imported.scripts.iter().all(|s| s.content == SCRIPT));
}

#[test]
fn planning_the_import_against_the_same_state_only_tags_the_adopted_lccs() {
    let source = blog();
    let plan = plan(&source, "ml-platform");
    assert!(plan.problems.is_empty(), "{:?}", plan.problems);
    assert_eq!(tagged(&plan), ["lab-setup", "my-js-lcc", "my-kg-lcc"]);
    let Step::TagLcc(tag) = &plan.steps[1] else {
        unreachable!()
    };
    let keys: Vec<&str> = tag.tags.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(keys, [OWNER_TAG, SCRIPT_TAG, HASH_TAG]);
}

#[test]
fn a_reimport_after_tagging_gives_the_same_manifest() {
    let mut source = blog();
    let first = import(&source, "ml-platform");
    for step in plan(&source, "ml-platform").steps {
        let Step::TagLcc(tag) = step else { continue };
        let tags = source
            .lccs
            .get_mut(&tag.arn)
            .unwrap()
            .tags
            .get_or_insert_default();
        tags.extend(tag.tags.into_iter().map(|t| (t.key, t.value)));
    }
    assert_eq!(import(&source, "ml-platform"), first);
}

#[test]
fn another_owners_lcc_stays_attached_by_arn() {
    let mut source = blog();
    let lcc = source.lccs.get_mut(&arn("my-kg-lcc")).unwrap();
    lcc.tags = Some([(OWNER_TAG.to_owned(), "team-x".to_owned())].into());
    let imported = import(&source, "ml-platform");
    assert!(
        imported
            .manifest
            .contains(&format!("scripts: [{{arn: \"{}\"}}]", arn("my-kg-lcc")))
    );
    assert!(!imported.manifest.contains("adopt: my-kg-lcc"));
    assert_eq!(
        imported.notes,
        [Note::OtherOwner {
            lcc: "my-kg-lcc".into(),
            owner: "team-x".into()
        }]
    );
    assert_eq!(
        tagged(&plan(&source, "ml-platform")),
        ["lab-setup", "my-js-lcc"]
    );
}

#[test]
fn an_lcc_with_crlf_line_endings_is_not_adopted_and_stays_attached() {
    let mut source = blog();
    let lcc = source.lccs.get_mut(&arn("my-js-lcc")).unwrap();
    lcc.content = Some(b"#!/bin/bash\r\necho hi\r\n".to_vec());
    let imported = import(&source, "ml-platform");
    assert!(
        imported
            .manifest
            .contains(&format!("default: {{arn: \"{}\"}}", arn("my-js-lcc")))
    );
    let [Note::NotAdoptable { lcc, reason }] = imported.notes.as_slice() else {
        panic!("{:?}", imported.notes);
    };
    assert_eq!(lcc, "my-js-lcc");
    assert!(reason.contains("CR (Windows) line endings"), "{reason}");
    assert!(
        imported
            .manifest
            .contains("# - lifecycle config `my-js-lcc` is not adopted")
    );
    assert_eq!(
        tagged(&plan(&source, "ml-platform")),
        ["lab-setup", "my-kg-lcc"]
    );
}

#[test]
fn bytes_the_manifest_refuses_are_named() {
    assert!(
        refs::refusal(Some(b"\xEF\xBB\xBF#!/bin/bash\n"))
            .unwrap()
            .contains("byte-order")
    );
    assert!(refs::refusal(Some(b" \n")).unwrap().contains("empty"));
    let key = b"#!/bin/bash\nexport AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP\n";
    let reason = refs::refusal(Some(key)).unwrap();
    assert!(
        reason.starts_with("line 2 looks like it contains an AWS access key id"),
        "{reason}"
    );
    assert_eq!(refs::refusal(Some(SCRIPT)), None);
}

#[test]
fn a_default_missing_from_its_own_list_leaves_the_slot_out() {
    let mut source = blog();
    let js = slot(&["my-kg-lcc"], Some("my-js-lcc"), None);
    source
        .domain
        .default_user
        .slots
        .insert(AppType::JupyterServer, js);
    let imported = import(&source, "ml-platform");
    assert!(!imported.manifest.contains("jupyterServer"));
    assert!(matches!(
        imported.notes.as_slice(),
        [Note::SlotLeftOut { .. }]
    ));
    assert!(
        imported.notes[0]
            .to_string()
            .starts_with("the JupyterServer slot of domain defaults")
    );
    assert_eq!(
        tagged(&plan(&source, "ml-platform")),
        ["lab-setup", "my-kg-lcc"]
    );
}

#[test]
fn lists_builtins_and_foreign_entries_reproduce_the_live_slot() {
    let mut source = blog();
    source.domain.default_user.slots.insert(
        AppType::JupyterLab,
        slot(
            &["lab-setup", "lab-extra", "lab-gone"],
            Some("lab-setup"),
            Some("lab-idle"),
        ),
    );
    for name in ["lab-extra", "lab-idle"] {
        let l = lcc(name, AppType::JupyterLab, SCRIPT);
        source.lccs.insert(l.arn.clone(), l);
    }
    let imported = import(&source, "ml-platform");
    let block = format!(
        "      jupyterLab:\n        scripts: [lab-extra, {{arn: \"{}\"}}]\n        default: lab-setup\n        builtIn: lab-idle\n",
        arn("lab-gone")
    );
    assert!(imported.manifest.contains(&block), "{}", imported.manifest);
    assert_eq!(
        imported.notes,
        [Note::Missing {
            arn: arn("lab-gone")
        }]
    );
    let plan = plan(&source, "ml-platform");
    assert_eq!(tagged(&plan).len(), 5);
}

#[test]
fn an_lcc_in_a_slot_of_another_app_type_is_kept_there_by_arn() {
    let mut source = blog();
    let kg = slot(&["my-kg-lcc", "my-js-lcc"], None, None);
    source
        .domain
        .default_user
        .slots
        .insert(AppType::KernelGateway, kg);
    let imported = import(&source, "ml-platform");
    assert!(imported.manifest.contains(&format!(
        "scripts: [my-kg-lcc, {{arn: \"{}\"}}]",
        arn("my-js-lcc")
    )));
    assert!(matches!(
        imported.notes.as_slice(),
        [Note::WrongAppType { .. }]
    ));
    assert_eq!(tagged(&plan(&source, "ml-platform")).len(), 3);
}

/// Regression: an LCC of the same owner that was a per-use variant (it carries a
/// `studio-lcc:variant` tag) is imported as a plain script. After an edit, references the
/// manifest does not name must still be repointed to the new version: the `adopt` claim, not
/// the stale variant tag, decides the LCC's lineage.
#[test]
fn an_adopted_variant_of_the_same_owner_is_repointed_everywhere_after_an_edit() {
    let mut source = blog();
    let kg = source.lccs.get_mut(&arn("my-kg-lcc")).unwrap();
    kg.tags = Some(
        [
            (OWNER_TAG, "ml-platform"),
            (SCRIPT_TAG, "pip"),
            (crate::model::VARIANT_TAG, "deadbeef"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into(),
    );
    let imported = import(&source, "ml-platform");
    assert!(
        imported
            .manifest
            .contains("  pip:\n    appType: KernelGateway\n")
    );
    let (dir, _) = load(&imported);
    let edited = [SCRIPT, b"echo edited\n"].concat();
    std::fs::write(dir.path().join("scripts/my-kg-lcc.sh"), edited).unwrap();
    let desired = crate::manifest::load(&dir.path().join(MANIFEST_FILE), &LoadOptions::default())
        .unwrap()
        .desired;

    let mut live = snapshot(&source);
    let late = LiveResource {
        name: "late-joiner".into(),
        status: "InService".into(),
        settings: settings(vec![(
            AppType::KernelGateway,
            slot(&["my-kg-lcc"], None, None),
        )]),
    };
    live.domains[0]
        .user_profiles
        .insert("late-joiner".into(), late);
    live.full_scan = true;
    let plan = Plan::new(&desired, &live);
    let keys: Vec<String> = plan.steps.iter().map(Step::key).collect();
    assert!(
        keys.contains(&"update-user-profile:d-walkthrough01/late-joiner".to_owned()),
        "{keys:?}"
    );
    assert!(
        keys.contains(&"delete-lcc:my-kg-lcc".to_owned()),
        "{keys:?}"
    );
}
