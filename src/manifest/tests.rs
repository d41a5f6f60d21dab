//! Loader tests from inline YAML: the desired state a manifest resolves to.

use std::path::Path;

use super::*;
use crate::model::{AppType, LccRef, Scope, lcc_name};

const QUICK: &str = r#"
owner: ml-platform-prod
scripts:
  idle-shutdown:
    appType: JupyterLab
    inline: |
      #!/bin/bash
      set -eux
      echo idle
  pip-install:
    appType: KernelGateway
    env: { PACKAGE: pyarrow }
    inline: |
      #!/bin/bash
      set -eux
      echo "$PACKAGE"
  git-config:
    appType: JupyterServer
    env: { GIT_EMAIL_DOMAIN: example.com }
    inline: |
      #!/bin/bash
      set -eux
      git config --global user.name "$GIT_USER"
domains:
  main:
    id: d-examplemain01
    defaults:
      jupyterLab: { builtIn: idle-shutdown, scripts: [idle-shutdown] }
      kernelGateway: { default: pip-install }
    spaceDefaults:
      jupyterLab: { default: idle-shutdown }
    userProfiles:
      alice:
        jupyterServer: { default: { script: git-config, env: { GIT_USER: alice } } }
      new-hire:
        create: true
        kernelGateway: { scripts: [pip-install, { arn: "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/team-x" }] }
    spaces:
      team-space:
        jupyterLab: { default: idle-shutdown }
"#;

/// Loads inline YAML as `m.yaml` in the current folder.
pub(crate) fn load_yaml(yaml: &str) -> Result<Loaded, ManifestError> {
    load_str(
        yaml,
        Path::new("."),
        Path::new("m.yaml"),
        &LoadOptions::default(),
    )
}

/// The error lines of a manifest that must fail.
pub(crate) fn errors(yaml: &str) -> Vec<String> {
    match load_yaml(yaml) {
        Ok(_) => panic!("manifest unexpectedly valid"),
        Err(ManifestError::Invalid { diagnostics }) => diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect(),
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[test]
fn quickstart_resolves_scripts_to_content_addressed_versions() {
    let loaded = load_yaml(QUICK).unwrap();
    let d = &loaded.desired;
    assert_eq!(d.owner, "ml-platform-prod");
    let names: Vec<(&str, bool)> = d
        .scripts
        .iter()
        .map(|s| (s.script.as_str(), s.variant.is_some()))
        .collect();
    assert_eq!(
        names,
        [
            ("git-config", true),
            ("idle-shutdown", false),
            ("pip-install", false)
        ]
    );
    for s in &d.scripts {
        assert_eq!(s.lcc_name, lcc_name(&s.script, &s.sha256));
    }
    let pip = d
        .scripts
        .iter()
        .find(|s| s.script == "pip-install")
        .unwrap();
    let text = String::from_utf8(pip.content.clone()).unwrap();
    assert_eq!(
        text,
        "#!/bin/bash\nexport PACKAGE='pyarrow'\nset -eux\necho \"$PACKAGE\"\n"
    );
    assert_eq!(pip.app_type, AppType::KernelGateway);
}

#[test]
fn variants_merge_env_over_the_script_env() {
    let loaded = load_yaml(QUICK).unwrap();
    let git = loaded
        .desired
        .scripts
        .iter()
        .find(|s| s.script == "git-config")
        .unwrap();
    let text = String::from_utf8(git.content.clone()).unwrap();
    assert!(text.starts_with(
        "#!/bin/bash\nexport GIT_EMAIL_DOMAIN='example.com'\nexport GIT_USER='alice'\n"
    ));
    let expected = &crate::manifest::script::sha256_hex(b"GIT_USER=alice\n")[..8];
    assert_eq!(git.variant.as_deref(), Some(expected));
}

#[test]
fn slots_carry_exact_lists_with_the_default_added() {
    let loaded = load_yaml(QUICK).unwrap();
    let domain = &loaded.desired.domains[0];
    let idle = LccRef::Owned(loaded.desired.scripts[1].lcc_name.clone());
    let pip = LccRef::Owned(loaded.desired.scripts[2].lcc_name.clone());
    let slot = |scope: &Scope, t: AppType| {
        domain
            .slots
            .iter()
            .find(|s| &s.scope == scope && s.app_type == t)
            .unwrap()
            .clone()
    };
    let lab = slot(&Scope::DomainDefaults, AppType::JupyterLab);
    assert_eq!(
        (lab.list, lab.default, lab.builtin),
        (vec![idle.clone()], None, Some(idle.clone()))
    );
    let kg = slot(&Scope::DomainDefaults, AppType::KernelGateway);
    assert_eq!(
        (kg.list, kg.default),
        (vec![pip.clone()], Some(pip.clone()))
    );
    let hire = slot(
        &Scope::UserProfile("new-hire".into()),
        AppType::KernelGateway,
    );
    assert_eq!(hire.list.len(), 2);
    assert!(matches!(&hire.list[1], LccRef::Foreign(arn) if arn.ends_with("/team-x")));
    let space = slot(&Scope::Space("team-space".into()), AppType::JupyterLab);
    assert_eq!((space.list, space.default), (vec![], Some(idle)));
    assert_eq!(domain.slots.len(), 6);
    assert!(domain.user_profiles[1].create.is_some());
    assert!(domain.user_profiles[0].create.is_none());
}

#[test]
fn identical_content_used_twice_is_one_version() {
    let yaml = QUICK.replace(
        "kernelGateway: { default: pip-install }",
        "kernelGateway: { default: { script: pip-install, env: { PACKAGE: pyarrow } } }",
    );
    let loaded = load_yaml(&yaml).unwrap();
    let pips = loaded
        .desired
        .scripts
        .iter()
        .filter(|s| s.script == "pip-install")
        .count();
    assert_eq!(pips, 1);
}

#[test]
fn a_variant_with_a_null_script_is_reported_not_dropped() {
    let yaml = "owner: t\ndomains:\n  m:\n    id: d-abc\n    defaults:\n      jupyterLab: { default: { script: ~, env: { A: b } } }\n";
    assert_eq!(
        errors(yaml),
        [
            "m.yaml:6:30: error: missing required key `script` (at domains.m.defaults.jupyterLab.default)\n  hint: name the script this use is a variant of"
        ]
    );
}

#[test]
fn strict_makes_warnings_errors() {
    let yaml = "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    inline: echo\n";
    assert_eq!(load_yaml(yaml).unwrap().warnings.len(), 3);
    let strict = LoadOptions { strict: true };
    let Err(ManifestError::Invalid { diagnostics }) =
        load_str(yaml, Path::new("."), Path::new("m.yaml"), &strict)
    else {
        panic!("strict load must fail");
    };
    assert!(diagnostics.iter().all(Diagnostic::is_error));
}

#[test]
fn a_secret_access_key_in_an_env_value_is_an_error_named_by_its_key() {
    let yaml = "owner: o\nscripts:\n  s:\n    appType: JupyterLab\n    inline: \"#!/bin/bash\\nset -e\\n\"\n    env:\n      AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYab\ndomains:\n  main:\n    id: d-main00000001\n    defaults:\n      jupyterLab: { default: s }\n";
    let errors = errors(yaml);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].contains("looks like an AWS secret access key"),
        "{errors:?}"
    );
    assert!(
        !errors[0].contains("wJalrXUtnFEMI"),
        "the secret is never repeated"
    );
}

#[test]
fn env_that_sets_path_is_a_warning() {
    let yaml = "owner: o\nscripts:\n  s:\n    appType: JupyterLab\n    inline: \"#!/bin/bash\\nset -e\\n\"\n    env:\n      PATH: /opt/bin\ndomains:\n  main:\n    id: d-main00000001\n    defaults:\n      jupyterLab: { default: s }\n";
    let loaded = load_yaml(yaml).unwrap();
    let messages: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    assert!(
        messages.iter().any(|m| m.contains("`env` sets `PATH`")),
        "{messages:?}"
    );
}
