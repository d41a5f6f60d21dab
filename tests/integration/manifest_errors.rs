//! Every kind of manifest error, each with its exact file:line:column and message.

use std::fs;
use std::path::Path;

use studio_lcc::manifest::{self, Diagnostic, LoadOptions, Loaded, ManifestError};

/// Loads `yaml` as `m.yaml` in `dir`.
fn load_in(dir: &Path, yaml: &str) -> Result<Loaded, ManifestError> {
    manifest::load_str(yaml, dir, Path::new("m.yaml"), &LoadOptions::default())
}

/// The diagnostics of a manifest that must be invalid.
fn diagnostics_in(dir: &Path, yaml: &str) -> Vec<Diagnostic> {
    match load_in(dir, yaml) {
        Ok(_) => panic!("manifest unexpectedly valid:\n{yaml}"),
        Err(ManifestError::Invalid { diagnostics }) => diagnostics,
        Err(other) => panic!("unexpected error: {other}"),
    }
}

/// The first line of each error (`file:line:col: error: message (at path)`).
fn errors_in(dir: &Path, yaml: &str) -> Vec<String> {
    diagnostics_in(dir, yaml)
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string().lines().next().unwrap_or_default().to_owned())
        .collect()
}

fn errors(yaml: &str) -> Vec<String> {
    errors_in(Path::new("."), yaml)
}

/// A header with one valid script of each app type, then `rest`.
fn with_scripts(rest: &str) -> String {
    let script = |name: &str, app: &str| {
        format!(
            "  {name}:\n    appType: {app}\n    inline: |\n      #!/bin/bash\n      set -eux\n      echo {name}\n"
        )
    };
    // Lines 1-2 are `owner` and `scripts:`; each script takes 6 lines (3..=26).
    format!(
        "owner: team\nscripts:\n{}{}{}{}{rest}",
        script("server", "JupyterServer"),
        script("kernel", "KernelGateway"),
        script("lab", "JupyterLab"),
        script("editor", "CodeEditor"),
    )
}

/// `with_scripts` plus a domain `main` (lines 27-29) whose body starts at line 30 (indent 4).
fn with_domain(body: &str) -> String {
    with_scripts(&format!("domains:\n  main:\n    id: d-abc123\n{body}"))
}

#[test]
fn yaml_syntax_errors_point_at_the_offending_character() {
    assert_eq!(
        errors("owner: a: b\n"),
        ["m.yaml:1:9: error: invalid YAML: mapping values are not allowed in this context"]
    );
}

#[test]
fn a_second_document_is_refused() {
    assert_eq!(
        errors("owner: a\n---\nowner: b\n"),
        [
            "m.yaml:3:1: error: a manifest file holds one YAML document; found `---` and a second one"
        ]
    );
}

#[test]
fn unknown_keys_are_all_reported_with_a_suggestion() {
    let diagnostics = diagnostics_in(Path::new("."), "ownr: team\ndomain: {}\n");
    let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "m.yaml:1:1: error: unknown key `ownr` (at ownr)\n  hint: did you mean `owner`?",
            "m.yaml:1:1: error: missing required key `owner` (at owner)\n  hint: add `owner: <id>`; it is tagged on every LCC this manifest creates",
            "m.yaml:2:1: error: unknown key `domain` (at domain)\n  hint: did you mean `domains`?",
        ]
    );
}

#[test]
fn wrong_types_are_reported_where_they_are() {
    assert_eq!(
        errors("owner: [a]\n"),
        ["m.yaml:1:8: error: expected a string, found a list (at owner)"]
    );
}

#[test]
fn a_key_written_twice_is_an_error() {
    assert_eq!(
        errors("owner: a\nowner: b\n"),
        ["m.yaml:2:1: error: `owner` is written twice (first at line 1) (at owner)"]
    );
}

#[test]
fn a_script_needs_an_app_type_and_one_source() {
    let yaml =
        "owner: t\nscripts:\n  a:\n    file: a.sh\n    inline: x\n  b:\n    appType: Jupyter\n";
    assert_eq!(
        errors(yaml),
        [
            "m.yaml:4:5: error: missing required key `appType` (at scripts.a)",
            "m.yaml:5:13: error: a script has either `file` or `inline`, not both (at scripts.a.inline)",
            "m.yaml:7:5: error: missing required key `file` (at scripts.b)",
            "m.yaml:7:14: error: unknown app type `Jupyter` (at scripts.b.appType)",
        ]
    );
}

#[test]
fn a_missing_script_file_is_an_error_at_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    file: scripts/none.sh\n";
    let found = errors_in(dir.path(), yaml);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with("m.yaml:5:11: error: cannot read script file `scripts/none.sh`: "),
        "{}",
        found[0]
    );
}

#[test]
fn script_paths_may_not_leave_the_manifest_folder() {
    let yaml = "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    file: ../a.sh\n  b:\n    appType: JupyterLab\n    file: /etc/passwd\n";
    assert_eq!(
        errors(yaml),
        [
            "m.yaml:5:11: error: script path `../a.sh` leaves the manifest's folder (`..`) (at scripts.a.file)",
            "m.yaml:8:11: error: script path `/etc/passwd` is absolute (at scripts.b.file)",
        ]
    );
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_leading_out_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("secret.sh"), "#!/bin/bash\nset -e\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.sh"), dir.path().join("a.sh")).unwrap();
    let yaml = "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    file: a.sh\n";
    assert_eq!(
        errors_in(dir.path(), yaml),
        [
            "m.yaml:5:11: error: script path `a.sh` is a symbolic link that leads out of the manifest's folder (at scripts.a.file)"
        ]
    );
}

/// A manifest with script `a` from file `a.sh` holding `content`.
fn file_script_errors(content: &[u8], extra: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.sh"), content).unwrap();
    let yaml = format!(
        "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    file: a.sh\n{extra}domains:\n  main:\n    id: d-abc\n    defaults:\n      jupyterLab: {{ default: a }}\n"
    );
    errors_in(dir.path(), &yaml)
}

#[test]
fn an_empty_script_is_an_error() {
    assert_eq!(
        file_script_errors(b"\n\n", ""),
        ["a.sh:1:1: error: script is empty (at scripts.a.file)"]
    );
}

#[test]
fn an_oversize_script_reports_bytes_base64_and_the_limit() {
    let mut content = b"#!/bin/bash\nset -e\n".to_vec();
    content.resize(12_289, b'#');
    assert_eq!(
        file_script_errors(&content, ""),
        [
            "m.yaml:5:11: error: script is too large: 12289 bytes, 16388 characters in base64; the limit is 16384 base64 characters (12288 bytes) (at scripts.a.file)"
        ]
    );
}

#[test]
fn env_counts_toward_the_size_limit() {
    let mut content = b"#!/bin/bash\nset -e\n".to_vec();
    content.resize(12_280, b'#');
    let found = file_script_errors(&content, "    env: { A: long-enough-value }\n");
    assert_eq!(found.len(), 1);
    assert!(
        found[0].contains("script is too large: 12309 bytes"),
        "{}",
        found[0]
    );
}

#[test]
fn cr_line_endings_are_errors_listing_the_first_lines() {
    let content = b"#!/bin/bash\r\nset -e\r\necho a\r\necho b\r\necho c\n";
    assert_eq!(
        file_script_errors(content, ""),
        [
            "a.sh:1:1: error: script has CR (Windows) line endings, which fail in Studio: line(s) 1, 2, 3 and 1 more (at scripts.a.file)"
        ]
    );
}

#[test]
fn normalize_line_endings_accepts_cr_and_changes_the_bytes() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("a.sh"), b"#!/bin/bash\r\nset -e\r\n").unwrap();
    let yaml = "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    file: a.sh\n    normalizeLineEndings: true\n";
    let loaded = load_in(dir.path(), yaml).unwrap();
    assert_eq!(loaded.desired.scripts[0].content, b"#!/bin/bash\nset -e\n");
}

#[test]
fn a_byte_order_mark_is_an_error() {
    assert_eq!(
        file_script_errors(b"\xEF\xBB\xBF#!/bin/bash\nset -e\n", ""),
        ["a.sh:1:1: error: script starts with a byte-order mark (BOM) (at scripts.a.file)"]
    );
}

#[test]
fn a_nul_byte_is_an_error_on_its_line() {
    assert_eq!(
        file_script_errors(b"#!/bin/bash\nset -e\necho \0\n", ""),
        ["a.sh:3:1: error: script contains a NUL byte (at scripts.a.file)"]
    );
}

#[test]
fn secrets_are_errors_that_never_repeat_the_secret() {
    let key = ["AKIA", "ABCDEFGHIJKLMNOP"].concat();
    let secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEYab";
    let content = format!(
        "#!/bin/bash\nset -e\nexport AWS_ACCESS_KEY_ID={key}\nexport AWS_SECRET_ACCESS_KEY={secret}\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
    );
    let found = file_script_errors(content.as_bytes(), "");
    assert_eq!(
        found,
        [
            "a.sh:3:1: error: script line 3 looks like it contains an AWS access key id (at scripts.a.file)",
            "a.sh:4:1: error: script line 4 looks like it contains an AWS secret access key (at scripts.a.file)",
            "a.sh:5:1: error: script line 5 looks like it contains a private key (at scripts.a.file)",
        ]
    );
    assert!(
        found
            .iter()
            .all(|f| !f.contains(&key) && !f.contains(secret))
    );
}

#[test]
fn a_secret_in_env_is_an_error_at_the_value() {
    let key = ["AKIA", "ABCDEFGHIJKLMNOP"].concat();
    let found = file_script_errors(
        b"#!/bin/bash\nset -e\n",
        &format!("    env: {{ KEY: {key} }}\n"),
    );
    assert_eq!(
        found,
        [
            "m.yaml:6:17: error: `env` value of `KEY` looks like an AWS access key id (at scripts.a.env.KEY)"
        ]
    );
}

#[test]
fn env_keys_must_be_shell_identifiers_and_decimals_must_be_quoted() {
    let found = file_script_errors(b"#!/bin/bash\nset -e\n", "    env: { 1BAD: x, V: 1.10 }\n");
    assert_eq!(
        found,
        [
            "m.yaml:6:12: error: `1BAD` is not a valid variable name: a shell variable name is letters, digits and `_`, not starting with a digit (at scripts.a.env.1BAD)",
            "m.yaml:6:24: error: a decimal number here would lose its exact spelling (at scripts.a.env.V)",
        ]
    );
}

#[test]
fn unknown_script_names_get_a_suggestion() {
    let found = diagnostics_in(
        Path::new("."),
        &with_domain("    defaults:\n      jupyterLab: { default: lba }\n"),
    );
    let error = found.iter().find(|d| d.is_error()).unwrap();
    assert_eq!(
        error.to_string(),
        "m.yaml:31:30: error: unknown script `lba` (at domains.main.defaults.jupyterLab.default)\n  hint: did you mean `lab`?"
    );
}

#[test]
fn a_script_of_another_app_type_is_refused_in_a_slot() {
    assert_eq!(
        errors(&with_domain(
            "    defaults:\n      jupyterLab: { scripts: [kernel] }\n"
        )),
        [
            "m.yaml:31:31: error: script `kernel` is a KernelGateway script; this slot is for JupyterLab (at domains.main.defaults.jupyterLab.scripts[0])"
        ]
    );
}

#[test]
fn built_in_exists_only_for_jupyterlab_and_code_editor() {
    assert_eq!(
        errors(&with_domain(
            "    defaults:\n      jupyterServer: { builtIn: server }\n"
        )),
        [
            "m.yaml:31:33: error: JupyterServer has no built-in lifecycle configuration (at domains.main.defaults.jupyterServer.builtIn)"
        ]
    );
}

#[test]
fn code_editor_is_refused_under_space_defaults() {
    assert_eq!(
        errors(&with_domain(
            "    spaceDefaults:\n      codeEditor: { default: editor }\n"
        )),
        [
            "m.yaml:31:7: error: `spaceDefaults` has no `codeEditor`: SageMaker's DefaultSpaceSettings has no Code Editor settings (at domains.main.spaceDefaults.codeEditor)"
        ]
    );
}

#[test]
fn a_space_takes_only_a_default() {
    let body = "    spaces:\n      s1:\n        jupyterLab: { scripts: [lab], builtIn: lab }\n";
    assert_eq!(
        errors(&with_domain(body)),
        [
            "m.yaml:32:23: error: a space has no list of scripts, only a `default` (at domains.main.spaces.s1.jupyterLab.scripts)",
            "m.yaml:32:39: error: a space has no built-in script, only a `default` (at domains.main.spaces.s1.jupyterLab.builtIn)",
        ]
    );
}

#[test]
fn duplicates_in_a_list_are_errors() {
    assert_eq!(
        errors(&with_domain(
            "    defaults:\n      jupyterLab: { scripts: [lab, lab] }\n"
        )),
        [
            "m.yaml:31:36: error: script `lab` is listed twice (at domains.main.defaults.jupyterLab.scripts[1])"
        ]
    );
}

#[test]
fn script_names_must_fit_an_lcc_name_with_the_hash_suffix() {
    let long = "a".repeat(55);
    let yaml = format!("owner: t\nscripts:\n  {long}:\n    appType: JupyterLab\n    inline: x\n");
    assert_eq!(
        errors(&yaml),
        [format!(
            "m.yaml:3:3: error: script name `{long}` is not valid: it has 55 characters; the maximum is 54 (at scripts.{long})"
        )]
    );
}

#[test]
fn arns_must_be_lifecycle_configuration_arns() {
    let body = "    defaults:\n      jupyterLab:\n        scripts:\n          - arn: arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc\n          - arn: not-an-arn\n";
    assert_eq!(
        errors(&with_domain(body)),
        [
            "m.yaml:33:18: error: `arn:aws:sagemaker:us-east-1:123456789012:domain/d-abc` is not a lifecycle configuration ARN: this is a `domain` ARN, not a `studio-lifecycle-config` ARN (at domains.main.defaults.jupyterLab.scripts[0].arn)",
            "m.yaml:34:18: error: `not-an-arn` is not a lifecycle configuration ARN: an ARN looks like `arn:aws:sagemaker:REGION:ACCOUNT:TYPE/NAME` (at domains.main.defaults.jupyterLab.scripts[1].arn)",
        ]
    );
}

#[test]
fn domain_ids_are_checked() {
    let yaml = "owner: t\ndomains:\n  main:\n    id: D-ABC\n";
    assert_eq!(
        errors(yaml),
        [
            "m.yaml:4:9: error: domain id `D-ABC` is not valid: a domain id starts with `d-` (at domains.main.id)"
        ]
    );
}

#[test]
fn user_profile_names_are_checked_and_case_insensitively_unique() {
    let body = "    userProfiles:\n      Alice: {}\n      alice: {}\n      bad_name: {}\n";
    assert_eq!(
        errors(&with_domain(body)),
        [
            "m.yaml:32:7: error: user profile `alice` is the same as `Alice` (line 31): SageMaker ignores case in profile names (at domains.main.userProfiles.alice)",
            "m.yaml:33:7: error: user profile name `bad_name` is not valid: `_` is not allowed; use letters, digits and `-` (at domains.main.userProfiles.bad_name)",
        ]
    );
}

#[test]
fn the_owner_is_checked() {
    assert_eq!(
        errors("owner: team prod\n"),
        [
            "m.yaml:1:8: error: owner `team prod` is not valid: ` ` is not allowed; use letters, digits, `.`, `_` and `-` (at owner)"
        ]
    );
}

#[test]
fn reserved_tag_keys_are_refused() {
    let yaml = "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    inline: x\n    tags: { aws:x: y }\n";
    assert_eq!(
        errors(yaml),
        [
            "m.yaml:6:13: error: tag `aws:x` is not valid: keys starting with `aws:` or `studio-lcc:` are reserved (at scripts.a.tags.aws:x)"
        ]
    );
}

#[test]
fn adopt_must_name_a_valid_lcc() {
    let yaml =
        "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    inline: x\n    adopt: old_name\n";
    assert_eq!(
        errors(yaml),
        [
            "m.yaml:6:12: error: `adopt` names no valid LCC: `_` is not allowed; use letters, digits and `-` (at scripts.a.adopt)"
        ]
    );
}

#[test]
fn execution_roles_must_be_role_arns() {
    let body = "    userProfiles:\n      bob:\n        create: { executionRole: arn:aws:iam::123456789012:user/bob }\n";
    assert_eq!(
        errors(&with_domain(body)),
        [
            "m.yaml:32:34: error: `arn:aws:iam::123456789012:user/bob` is not an IAM role ARN: this is not a role ARN (`...:role/NAME`) (at domains.main.userProfiles.bob.create.executionRole)"
        ]
    );
}

#[test]
fn a_domain_needs_exactly_one_selector_and_may_be_managed_once() {
    let yaml = "owner: t\ndomains:\n  a:\n    id: d-abc\n  b:\n    id: d-abc\n  c: {}\n";
    assert_eq!(
        errors(yaml),
        [
            "m.yaml:5:3: error: domain `b` picks the same domain `d-abc` as `a` (at domains.b)",
            "m.yaml:7:6: error: missing required key `id` (at domains.c)",
        ]
    );
}

#[test]
fn the_diagnostic_display_includes_the_hint() {
    let found = diagnostics_in(
        Path::new("."),
        "owner: t\nscripts:\n  a:\n    appType: Lab\n",
    );
    let app_type = found
        .iter()
        .find(|d| d.path == "scripts.a.appType")
        .unwrap();
    assert_eq!(app_type.line, 4);
    assert_eq!(app_type.column, 14);
    assert_eq!(
        app_type.hint.as_deref(),
        Some("expected one of: `JupyterServer`, `KernelGateway`, `JupyterLab`, `CodeEditor`")
    );
}
