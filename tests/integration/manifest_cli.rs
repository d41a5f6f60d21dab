//! `studio-lcc validate` and `studio-lcc schema`, run as the built binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the binary with `args` in the crate root; `GITHUB_ACTIONS` is cleared unless given.
fn run(args: &[&str], github: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_studio-lcc"));
    command
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("GITHUB_ACTIONS");
    if github {
        command.env("GITHUB_ACTIONS", "true");
    }
    command.output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Every example folder under `manifests/`.
fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("manifests");
    let mut dirs: Vec<PathBuf> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("studio-lcc.yaml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_example_manifest_validates_strictly() {
    let dirs = examples();
    assert!(
        dirs.len() >= 5,
        "expected the example manifests, found {dirs:?}"
    );
    for dir in dirs {
        let output = run(
            &["validate", "--strict", "-f", dir.to_str().unwrap()],
            false,
        );
        assert!(
            output.status.success(),
            "{}: {}",
            dir.display(),
            stdout(&output)
        );
        assert!(
            stdout(&output).starts_with("manifest is valid: 1 file(s)"),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn every_example_starts_with_the_schema_comment() {
    for dir in examples() {
        let text = fs::read_to_string(dir.join("studio-lcc.yaml")).unwrap();
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            "# yaml-language-server: $schema=../../docs/studio-lcc.schema.json"
        );
    }
}

/// A manifest with five problems at once.
const BROKEN: &str = "\
owner: team
scripts:
  setup:
    appType: JupyterLab
    file: setup.sh
    envv: {}
domains:
  main:
    id: d-abc
    defaults:
      jupyterLab: { default: stup }
      jupyterServer: { builtIn: setup }
    spaceDefaults:
      codeEditor: { default: setup }
";

#[test]
fn validate_lists_every_problem_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("studio-lcc.yaml");
    fs::write(&manifest, BROKEN).unwrap();
    fs::write(dir.path().join("setup.sh"), "#!/bin/bash\r\nset -e\r\n").unwrap();
    let output = run(&["validate", "-f", manifest.to_str().unwrap()], false);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let m = manifest.display();
    let script = dir.path().join("setup.sh");
    let s = script.display();
    let firsts: Vec<&str> = text.lines().filter(|l| !l.starts_with("  hint:")).collect();
    assert_eq!(
        firsts,
        [
            format!(
                "{s}:1:1: error: script has CR (Windows) line endings, which fail in Studio: line(s) 1, 2 (at scripts.setup.file)"
            ),
            format!(
                "{m}:3:3: warning: script `setup` is not attached to any slot (at scripts.setup)"
            ),
            format!("{m}:6:5: error: unknown key `envv` (at scripts.setup.envv)"),
            format!(
                "{m}:11:30: error: unknown script `stup` (at domains.main.defaults.jupyterLab.default)"
            ),
            format!(
                "{m}:12:33: error: JupyterServer has no built-in lifecycle configuration (at domains.main.defaults.jupyterServer.builtIn)"
            ),
            format!(
                "{m}:14:7: error: `spaceDefaults` has no `codeEditor`: SageMaker's DefaultSpaceSettings has no Code Editor settings (at domains.main.spaceDefaults.codeEditor)"
            ),
            "manifest is invalid: 5 error(s), 1 warning(s)".to_owned(),
        ]
    );
    assert!(text.contains("  hint: did you mean `env`?"));
    assert!(text.contains("  hint: did you mean `setup`?"));
}

#[test]
fn validate_json_is_one_document_for_tools() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.yaml");
    fs::write(
        &manifest,
        "owner: t\nscripts:\n  a:\n    appType: Lab\n    inline: x\n",
    )
    .unwrap();
    let output = run(
        &[
            "validate",
            "--format",
            "json",
            "-f",
            manifest.to_str().unwrap(),
        ],
        false,
    );
    assert_eq!(output.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["errors"], 1);
    let first = &doc["diagnostics"][0];
    assert_eq!(
        (first["line"].as_u64(), first["column"].as_u64()),
        (Some(4), Some(14))
    );
    assert_eq!(first["path"], "scripts.a.appType");
    assert_eq!(first["severity"], "error");
}

#[test]
fn validate_under_github_actions_prints_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.yaml");
    fs::write(
        &manifest,
        "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    inline: echo\n",
    )
    .unwrap();
    let output = run(&["validate", "-f", manifest.to_str().unwrap()], true);
    assert!(output.status.success());
    let file = manifest
        .display()
        .to_string()
        .replace(':', "%3A")
        .replace(',', "%2C");
    let text = stdout(&output);
    let expected = format!(
        "::warning file={file},line=5,col=13,title=studio-lcc::script has no `#!` line (at scripts.a.inline)%0Ahint: start the script with `#!/bin/bash`"
    );
    assert!(text.lines().any(|l| l == expected), "{text}");
}

#[test]
fn strict_turns_warnings_into_errors() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("m.yaml");
    fs::write(&manifest, "owner: t\nscripts:\n  a:\n    appType: JupyterLab\n    inline: |\n      #!/bin/bash\n      pip install x\n").unwrap();
    let path = manifest.to_str().unwrap();
    let lenient = run(&["validate", "-f", path], false);
    assert!(lenient.status.success(), "{}", stdout(&lenient));
    assert!(
        stdout(&lenient).contains("3 warning(s)"),
        "{}",
        stdout(&lenient)
    );
    let strict = run(&["validate", "--strict", "-f", path], false);
    assert_eq!(strict.status.code(), Some(1));
    let text = stdout(&strict);
    assert!(text.contains(&format!("{path}:7:7: error: `pip install` runs in the foreground; start-up fails when the script runs longer than 5 minutes (at scripts.a.inline)")), "{text}");
    assert!(
        text.contains(&format!(
            "{path}:6:7: error: script does not stop on errors (no `set -e`)"
        )),
        "{text}"
    );
}

#[test]
fn a_missing_manifest_is_reported_and_fails() {
    let output = run(&["validate", "-f", "no/such/studio-lcc.yaml"], false);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with("error: failed to read `no/such/studio-lcc.yaml`: "));
}

#[test]
fn a_folder_of_manifests_is_merged_and_duplicates_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let script = "    appType: JupyterLab\n    inline: |\n      #!/bin/bash\n      set -e\n";
    fs::write(
        dir.path().join("a.yaml"),
        format!("owner: t\nscripts:\n  x:\n{script}"),
    )
    .unwrap();
    fs::write(
        dir.path().join("b.yaml"),
        "owner: t\ndomains:\n  main:\n    id: d-abc\n    defaults:\n      jupyterLab: { default: x }\n",
    )
    .unwrap();
    let path = dir.path().to_str().unwrap();
    let merged = run(&["validate", "-f", path], false);
    assert!(
        stdout(&merged).starts_with(
            "manifest is valid: 2 file(s), 1 script version(s), 1 domain(s), 1 slot(s)"
        ),
        "{}",
        stdout(&merged)
    );
    fs::write(
        dir.path().join("c.yaml"),
        format!("owner: u\nscripts:\n  x:\n{script}"),
    )
    .unwrap();
    let clash = run(&["validate", "-f", path], false);
    assert_eq!(clash.status.code(), Some(1));
    let c = dir.path().join("c.yaml");
    let a = dir.path().join("a.yaml");
    let text = stdout(&clash);
    assert!(
        text.contains(&format!(
            "{}:1:8: error: owner `u` differs from owner `t` in {}",
            c.display(),
            a.display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{}:3:3: error: script `x` is also defined in {}",
            c.display(),
            a.display()
        )),
        "{text}"
    );
}

#[test]
fn schema_output_matches_the_published_schema_file() {
    let output = run(&["schema"], false);
    assert!(output.status.success());
    let published = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/studio-lcc.schema.json"),
    )
    .unwrap();
    assert_eq!(
        stdout(&output),
        published,
        "docs/studio-lcc.schema.json is stale: run `cargo run -- schema > docs/studio-lcc.schema.json`"
    );
}
