//! Planner tests: hand-built desired states and snapshots, exact plans asserted.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::*;
use crate::live::{AppOwner, LiveApp, LiveDomain, LiveLcc, LiveResource, LiveSlot, Settings};
use crate::model::{
    AppType, DesiredDomain, DesiredSlot, DesiredUserProfile, DomainSelector, HASH_TAG, LccRef,
    OWNER_TAG, ProfileCreate, SCRIPT_TAG, Scope, ScriptVersion, lcc_name,
};

const PREFIX: &str = "arn:aws:sagemaker:us-east-1:123456789012:";
const OWNER: &str = "platform";
const DOMAIN: &str = "d-main00000001";

fn version(script: &str, app_type: AppType, content: &str) -> ScriptVersion {
    let sha256 = hex::encode(Sha256::digest(content.as_bytes()));
    ScriptVersion {
        script: script.to_owned(),
        variant: None,
        lcc_name: lcc_name(script, &sha256),
        app_type,
        content: content.as_bytes().to_vec(),
        sha256,
        tags: Vec::new(),
        description: None,
        adopt: None,
    }
}

fn arn(name: &str) -> String {
    format!("{PREFIX}studio-lifecycle-config/{name}")
}

fn live_lcc(owner: &str, v: &ScriptVersion, created: f64) -> LiveLcc {
    let tags = BTreeMap::from([
        (OWNER_TAG.to_owned(), owner.to_owned()),
        (SCRIPT_TAG.to_owned(), v.script.clone()),
        (HASH_TAG.to_owned(), v.sha256.clone()),
    ]);
    LiveLcc {
        name: v.lcc_name.clone(),
        arn: arn(&v.lcc_name),
        app_type: v.app_type,
        created,
        tags: Some(tags),
        content: Some(v.content.clone()),
    }
}

fn default_slot(scope: Scope, app_type: AppType, name: &str) -> DesiredSlot {
    let reference = LccRef::Owned(name.to_owned());
    DesiredSlot {
        scope,
        app_type,
        list: vec![reference.clone()],
        default: Some(reference),
        builtin: None,
    }
}

fn desired(scripts: Vec<ScriptVersion>, slots: Vec<DesiredSlot>) -> DesiredState {
    DesiredState {
        owner: OWNER.to_owned(),
        scripts,
        domains: vec![DesiredDomain {
            key: "main".to_owned(),
            selector: DomainSelector::Id(DOMAIN.to_owned()),
            slots,
            user_profiles: Vec::new(),
            spaces: Vec::new(),
        }],
    }
}

/// A manifest with one script, the default of its app type in the domain defaults.
fn defaulted(v: ScriptVersion) -> DesiredState {
    let slot = default_slot(Scope::DomainDefaults, v.app_type, &v.lcc_name);
    desired(vec![v], vec![slot])
}

fn snapshot(lccs: Vec<LiveLcc>, domain: LiveDomain) -> Snapshot {
    Snapshot {
        arn_prefix: PREFIX.to_owned(),
        lccs: lccs.into_iter().map(|l| (l.name.clone(), l)).collect(),
        domains: vec![domain],
        full_scan: true,
    }
}

fn domain() -> LiveDomain {
    LiveDomain {
        key: "main".to_owned(),
        id: DOMAIN.to_owned(),
        name: "main".to_owned(),
        arn: format!("{PREFIX}domain/{DOMAIN}"),
        status: "InService".to_owned(),
        ..LiveDomain::default()
    }
}

fn settings(app_type: AppType, slot: LiveSlot) -> Settings {
    Settings {
        slots: BTreeMap::from([(app_type, slot)]),
    }
}

fn attached(name: &str) -> LiveSlot {
    LiveSlot {
        list: Some(vec![arn(name)]),
        default: Some(arn(name)),
        ..LiveSlot::default()
    }
}

fn resource(name: &str, settings: Settings) -> LiveResource {
    LiveResource {
        name: name.to_owned(),
        status: "InService".to_owned(),
        settings,
    }
}

fn keys(plan: &Plan) -> Vec<String> {
    plan.steps.iter().map(Step::key).collect()
}

#[test]
fn first_apply_creates_the_version_and_attaches_it_as_default() {
    let v = version(
        "pip",
        AppType::KernelGateway,
        "#!/bin/bash\npip install x\n",
    );
    let d = defaulted(v.clone());
    let plan = Plan::new(&d, &snapshot(vec![], domain()));

    assert_eq!(
        keys(&plan),
        [
            format!("create-lcc:{}", v.lcc_name),
            format!("update-domain:{DOMAIN}")
        ]
    );
    let Step::UpdateDomain(update) = &plan.steps[1] else {
        panic!("expected a domain update")
    };
    assert_eq!(update.changes[0].after.list, Some(vec![arn(&v.lcc_name)]));
    assert_eq!(update.changes[0].after.default, Some(arn(&v.lcc_name)));
    assert!(plan.problems.is_empty() && plan.kept.is_empty());
}

#[test]
fn converged_state_plans_nothing() {
    let v = version("pip", AppType::KernelGateway, "#!/bin/bash\n");
    let d = defaulted(v.clone());
    let mut live = domain();
    live.default_user = settings(AppType::KernelGateway, attached(&v.lcc_name));
    let plan = Plan::new(&d, &snapshot(vec![live_lcc(OWNER, &v, 1.0)], live));
    assert!(!plan.has_changes(), "{plan:#?}");
}

#[test]
fn lists_compare_as_sets_and_absent_equals_empty() {
    let a = version("a", AppType::JupyterLab, "#!/bin/bash\necho a\n");
    let b = version("b", AppType::JupyterLab, "#!/bin/bash\necho b\n");
    let slot = DesiredSlot {
        scope: Scope::DomainDefaults,
        app_type: AppType::JupyterLab,
        list: vec![
            LccRef::Owned(a.lcc_name.clone()),
            LccRef::Owned(b.lcc_name.clone()),
        ],
        default: None,
        builtin: None,
    };
    let d = desired(vec![a.clone(), b.clone()], vec![slot]);
    let mut live = domain();
    let reversed = LiveSlot {
        list: Some(vec![arn(&b.lcc_name), arn(&a.lcc_name)]),
        ..LiveSlot::default()
    };
    live.default_user = settings(AppType::JupyterLab, reversed);
    let plan = Plan::new(
        &d,
        &snapshot(
            vec![live_lcc(OWNER, &a, 1.0), live_lcc(OWNER, &b, 1.0)],
            live,
        ),
    );
    assert!(!plan.has_changes(), "{plan:#?}");
}

#[test]
fn edited_script_repoints_every_reference_and_deletes_the_old_version() {
    let old = version(
        "pip",
        AppType::KernelGateway,
        "#!/bin/bash\npip install a\n",
    );
    let new = version(
        "pip",
        AppType::KernelGateway,
        "#!/bin/bash\npip install b\n",
    );
    let d = defaulted(new.clone());
    let mut live = domain();
    live.default_user = settings(AppType::KernelGateway, attached(&old.lcc_name));
    let bob = resource(
        "bob",
        settings(AppType::KernelGateway, attached(&old.lcc_name)),
    );
    live.user_profiles.insert("bob".to_owned(), bob);
    let space_slot = LiveSlot {
        default: Some(arn(&old.lcc_name)),
        ..LiveSlot::default()
    };
    live.spaces.insert(
        "team".to_owned(),
        resource("team", settings(AppType::KernelGateway, space_slot)),
    );

    let plan = Plan::new(&d, &snapshot(vec![live_lcc(OWNER, &old, 1.0)], live));

    assert_eq!(
        keys(&plan),
        [
            format!("create-lcc:{}", new.lcc_name),
            format!("update-domain:{DOMAIN}"),
            format!("update-user-profile:{DOMAIN}/bob"),
            format!("update-space:{DOMAIN}/team"),
            format!("delete-lcc:{}", old.lcc_name),
        ]
    );
    let Step::CreateLcc(create) = &plan.steps[0] else {
        panic!()
    };
    assert_eq!(
        create.replaces.as_ref().map(|r| r.name.as_str()),
        Some(old.lcc_name.as_str())
    );
    let Step::UpdateUserProfile(bob) = &plan.steps[2] else {
        panic!()
    };
    assert_eq!(bob.changes[0].reason, ChangeReason::Repoint);
    assert_eq!(bob.changes[0].after.default, Some(arn(&new.lcc_name)));
    let Step::DeleteLcc(delete) = &plan.steps[4] else {
        panic!()
    };
    assert_eq!(
        delete.after.len(),
        3,
        "the delete waits for all three updates"
    );
}

#[test]
fn old_version_used_by_a_running_app_is_kept_with_the_app() {
    let old = version("lab", AppType::JupyterLab, "#!/bin/bash\necho 1\n");
    let new = version("lab", AppType::JupyterLab, "#!/bin/bash\necho 2\n");
    let d = defaulted(new.clone());
    let mut live = domain();
    live.default_user = settings(AppType::JupyterLab, attached(&old.lcc_name));
    live.apps.push(LiveApp {
        owner: AppOwner::Space("team".to_owned()),
        app_type: "JupyterLab".to_owned(),
        name: "default".to_owned(),
        status: "InService".to_owned(),
        lcc_arn: Some(arn(&old.lcc_name)),
        builtin_arn: None,
    });
    let plan = Plan::new(&d, &snapshot(vec![live_lcc(OWNER, &old, 1.0)], live));

    assert!(!keys(&plan).iter().any(|k| k.starts_with("delete-lcc")));
    assert_eq!(plan.kept.len(), 1);
    assert!(
        matches!(&plan.kept[0].blockers[0], Blocker::RunningApp { app_name, .. } if app_name == "default")
    );
}

#[test]
fn a_name_owned_by_another_owner_is_a_conflict_and_nothing_is_deleted() {
    let v = version("pip", AppType::KernelGateway, "#!/bin/bash\n");
    let d = defaulted(v.clone());
    let plan = Plan::new(
        &d,
        &snapshot(vec![live_lcc("someone-else", &v, 1.0)], domain()),
    );

    assert!(matches!(&plan.problems[0], Problem::Conflict { name, .. } if *name == v.lcc_name));
    assert!(!plan.is_applicable());
    assert!(!keys(&plan).iter().any(|k| k.starts_with("delete-lcc")));
}

#[test]
fn another_owners_versions_are_never_deleted() {
    let mine = version("pip", AppType::KernelGateway, "#!/bin/bash\nmine\n");
    let theirs = version("pip", AppType::KernelGateway, "#!/bin/bash\ntheirs\n");
    let d = desired(vec![mine.clone()], vec![]);
    let live = snapshot(
        vec![
            live_lcc(OWNER, &mine, 1.0),
            live_lcc("other-team", &theirs, 1.0),
        ],
        domain(),
    );
    assert!(!Plan::new(&d, &live).has_changes());
}

#[test]
fn a_foreign_lcc_leaves_an_owned_slot_unless_listed_by_arn() {
    let v = version("lab", AppType::JupyterLab, "#!/bin/bash\n");
    let foreign = format!("{PREFIX}studio-lifecycle-config/hand-made");
    let mut live = domain();
    let slot = LiveSlot {
        list: Some(vec![foreign.clone(), arn(&v.lcc_name)]),
        default: Some(arn(&v.lcc_name)),
        ..LiveSlot::default()
    };
    live.default_user = settings(AppType::JupyterLab, slot);
    let hand_made = version(
        "hand-made",
        AppType::JupyterLab,
        "#!/bin/bash\necho by hand\n",
    );
    let mut hand_made = live_lcc("another-team", &hand_made, 1.0);
    hand_made.name = "hand-made".to_owned();
    hand_made.arn.clone_from(&foreign);
    let lccs = vec![live_lcc(OWNER, &v, 1.0), hand_made];

    let d = defaulted(v.clone());
    let plan = Plan::new(&d, &snapshot(lccs.clone(), live.clone()));
    let Step::UpdateDomain(update) = &plan.steps[0] else {
        panic!("{plan:#?}")
    };
    assert_eq!(update.changes[0].after.list, Some(vec![arn(&v.lcc_name)]));

    let mut kept = default_slot(Scope::DomainDefaults, AppType::JupyterLab, &v.lcc_name);
    kept.list.push(LccRef::Foreign(foreign));
    let plan = Plan::new(&desired(vec![v], vec![kept]), &snapshot(lccs, live));
    assert!(!plan.has_changes(), "{plan:#?}");
}

#[test]
fn slots_the_manifest_does_not_write_are_not_touched() {
    let v = version("pip", AppType::KernelGateway, "#!/bin/bash\n");
    let d = defaulted(v.clone());
    let mut live = domain();
    live.default_user = settings(AppType::KernelGateway, attached(&v.lcc_name));
    let other = LiveSlot {
        list: Some(vec![format!("{PREFIX}studio-lifecycle-config/theirs")]),
        ..LiveSlot::default()
    };
    live.default_user.slots.insert(AppType::JupyterLab, other);
    assert!(!Plan::new(&d, &snapshot(vec![live_lcc(OWNER, &v, 1.0)], live)).has_changes());
}

#[test]
fn a_missing_profile_is_created_only_when_asked() {
    let v = version("git", AppType::JupyterServer, "#!/bin/bash\n");
    let scope = Scope::UserProfile("new-hire".to_owned());
    let mut d = desired(
        vec![v.clone()],
        vec![default_slot(scope, AppType::JupyterServer, &v.lcc_name)],
    );
    d.domains[0].user_profiles.push(DesiredUserProfile {
        name: "new-hire".to_owned(),
        create: Some(ProfileCreate::default()),
    });
    let live = snapshot(vec![live_lcc(OWNER, &v, 1.0)], domain());
    let plan = Plan::new(&d, &live);
    assert_eq!(
        keys(&plan),
        [format!("create-user-profile:{DOMAIN}/new-hire")]
    );

    d.domains[0].user_profiles[0].create = None;
    let plan = Plan::new(&d, &live);
    assert!(
        matches!(&plan.problems[0], Problem::UserProfileNotFound { name, .. } if name == "new-hire")
    );
}

#[test]
fn without_a_full_scan_old_versions_are_kept() {
    let old = version("pip", AppType::KernelGateway, "#!/bin/bash\nold\n");
    let new = version("pip", AppType::KernelGateway, "#!/bin/bash\nnew\n");
    let d = desired(vec![new.clone()], vec![]);
    let mut live = snapshot(
        vec![live_lcc(OWNER, &old, 1.0), live_lcc(OWNER, &new, 2.0)],
        domain(),
    );
    live.full_scan = false;
    let plan = Plan::new(&d, &live);
    assert_eq!(plan.kept[0].blockers, vec![Blocker::NotScanned]);
}

#[test]
fn an_adopted_lcc_with_the_same_content_is_tagged_not_recreated() {
    let mut v = version(
        "pip",
        AppType::KernelGateway,
        "#!/bin/bash\npip install x\n",
    );
    v.adopt = Some("hand-made-pip".to_owned());
    let mut hand_made = live_lcc(OWNER, &v, 1.0);
    hand_made.name = "hand-made-pip".to_owned();
    hand_made.arn = arn("hand-made-pip");
    hand_made.tags = Some(BTreeMap::new());
    let mut live = domain();
    live.default_user = settings(AppType::KernelGateway, attached("hand-made-pip"));
    let d = defaulted(v.clone());

    let plan = Plan::new(&d, &snapshot(vec![hand_made], live));
    assert_eq!(keys(&plan), ["tag-lcc:hand-made-pip"]);
}

#[test]
fn a_saved_plan_is_stale_once_live_values_change() {
    let v = version("pip", AppType::KernelGateway, "#!/bin/bash\n");
    let d = defaulted(v.clone());
    let lccs = vec![live_lcc(OWNER, &v, 1.0)];
    let saved = Plan::new(&d, &snapshot(lccs.clone(), domain()));
    assert!(stale_reasons(&saved, &saved.clone()).is_empty());

    let mut changed = domain();
    let other = LiveSlot {
        list: Some(vec![arn("someone-elses")]),
        ..LiveSlot::default()
    };
    changed.default_user = settings(AppType::KernelGateway, other);
    let fresh = Plan::new(&d, &snapshot(lccs, changed));
    let reasons = stale_reasons(&saved, &fresh);
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(reasons[0].contains("update-domain"));
}

#[test]
fn adopting_another_owners_lcc_is_a_conflict_and_nothing_of_theirs_is_touched() {
    let theirs = version("setup", AppType::JupyterLab, "#!/bin/bash\necho theirs\n");
    let mut theirs = live_lcc("team-b", &theirs, 1.0);
    theirs.name = "other-owner-lab".to_owned();
    theirs.arn = arn("other-owner-lab");
    let mut mine = version("lab", AppType::JupyterLab, "#!/bin/bash\necho mine\n");
    mine.adopt = Some("other-owner-lab".to_owned());
    let mut live = domain();
    let bob = LiveSlot {
        list: Some(vec![theirs.arn.clone()]),
        ..LiveSlot::default()
    };
    live.user_profiles.insert(
        "bob".to_owned(),
        resource("bob", settings(AppType::JupyterLab, bob)),
    );
    let d = desired(vec![mine], vec![]);

    let plan = Plan::new(&d, &snapshot(vec![theirs], live));
    assert!(
        matches!(&plan.problems[0], Problem::Conflict { name, .. } if name == "other-owner-lab")
    );
    assert!(
        !keys(&plan)
            .iter()
            .any(|k| k.contains("other-owner-lab") || k.contains("bob"))
    );
}

#[test]
fn one_domain_named_twice_is_a_problem() {
    let v = version("lab", AppType::JupyterLab, "#!/bin/bash\n");
    let mut d = desired(vec![v.clone()], vec![]);
    let mut again = d.domains[0].clone();
    again.key = "again".to_owned();
    again.selector = DomainSelector::Name("main".to_owned());
    d.domains.push(again);
    let mut live = snapshot(vec![live_lcc(OWNER, &v, 1.0)], domain());
    let mut second = domain();
    second.key = "again".to_owned();
    live.domains.push(second);

    let plan = Plan::new(&d, &live);
    assert!(
        matches!(&plan.problems[..], [Problem::DomainTwice { first, second, .. }] if first == "main" && second == "again")
    );
}

#[test]
fn an_arn_reference_must_exist_and_be_of_the_slots_app_type() {
    let lab = version("lab", AppType::JupyterLab, "#!/bin/bash\n");
    let slot = |arn: &str| DesiredSlot {
        scope: Scope::DomainDefaults,
        app_type: AppType::KernelGateway,
        list: vec![LccRef::Foreign(arn.to_owned())],
        default: None,
        builtin: None,
    };
    let live = || snapshot(vec![live_lcc(OWNER, &lab, 1.0)], domain());

    let plan = Plan::new(
        &desired(vec![lab.clone()], vec![slot(&arn(&lab.lcc_name))]),
        &live(),
    );
    assert!(
        matches!(&plan.problems[..], [Problem::ForeignLcc { reason, .. }] if reason.contains("`JupyterLab`")),
        "{plan:#?}"
    );

    let elsewhere = "arn:aws:sagemaker:us-east-1:999999999999:studio-lifecycle-config/x";
    let plan = Plan::new(&desired(vec![lab.clone()], vec![slot(elsewhere)]), &live());
    assert!(
        matches!(&plan.problems[..], [Problem::ForeignLcc { reason, .. }] if reason.contains("does not exist"))
    );
}

#[test]
fn a_new_version_is_diffed_against_the_version_in_use_not_a_newer_stray_one() {
    let in_use = version(
        "pip",
        AppType::KernelGateway,
        "#!/bin/bash\npip install a\n",
    );
    let stray = version("pip", AppType::KernelGateway, "#!/bin/bash\necho stray\n");
    let new = version(
        "pip",
        AppType::KernelGateway,
        "#!/bin/bash\npip install b\n",
    );
    let slot = default_slot(Scope::DomainDefaults, AppType::KernelGateway, &new.lcc_name);
    let mut live = domain();
    live.default_user = settings(AppType::KernelGateway, attached(&in_use.lcc_name));
    let lccs = vec![live_lcc(OWNER, &in_use, 1.0), live_lcc(OWNER, &stray, 2.0)];

    let plan = Plan::new(&desired(vec![new], vec![slot]), &snapshot(lccs, live));
    let Step::CreateLcc(create) = &plan.steps[0] else {
        panic!("{plan:#?}")
    };
    assert_eq!(create.replaces.as_ref().unwrap().name, in_use.lcc_name);
}

#[test]
fn an_owned_looking_lcc_whose_hash_tag_disagrees_with_its_name_is_left_alone() {
    let v = version("foo", AppType::JupyterLab, "#!/bin/bash\necho mine\n");
    let other = version("foo", AppType::JupyterLab, "#!/bin/bash\necho theirs\n");
    let mut stray = live_lcc(OWNER, &v, 1.0);
    stray.name = "Foo-1234abcd".to_owned();
    stray.arn = arn("Foo-1234abcd");
    stray.content = Some(other.content.clone());
    let d = desired(vec![v.clone()], vec![]);
    let plan = Plan::new(
        &d,
        &snapshot(vec![live_lcc(OWNER, &v, 1.0), stray], domain()),
    );
    assert!(!plan.has_changes(), "{plan:#?}");
    assert!(plan.kept.is_empty());
}
