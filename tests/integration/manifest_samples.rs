//! Scripts in the style of AWS's public LCC samples load without errors (warnings allowed).
//!
//! The scripts are written for this test; they are only loaded, never run.

use std::path::Path;

use studio_lcc::manifest::{self, LoadOptions, Loaded};

/// Pip into every conda environment of a KernelGateway image, as the AWS samples do: the
/// install runs as the notebook user through a heredoc, in the foreground.
const PIP_IN_CONDA_ENVS: &str = r#"#!/bin/bash
# Installs PACKAGE into every conda environment of the kernel image.
set -eux

sudo -u sagemaker-user -i <<'INSTALL'
for env in /opt/conda/envs/*; do
    source /opt/conda/bin/activate "$(basename "$env")"
    pip install --upgrade "$PACKAGE"
    conda deactivate
done
INSTALL
"#;

/// An auto-shutdown extension installed from a local tarball in the background.
const AUTOSHUTDOWN_EXTENSION: &str = r#"#!/bin/bash
set -eux
TIMEOUT_IN_MINS=120
DIR=/home/sagemaker-user/.auto-shutdown
mkdir -p "$DIR"
echo "{\"timeout\": $TIMEOUT_IN_MINS}" > "$DIR/config.json"
nohup pip install --quiet "$DIR/extension.tar.gz" > /tmp/ext.log 2>&1 &
"#;

/// Git identity from `env`.
const GIT_SETUP: &str = r#"#!/bin/bash
set -eu
git config --global user.name "$YOUR_USER_NAME"
git config --global user.email "$YOUR_EMAIL_ADDRESS"
git config --global init.defaultBranch main
"#;

/// A manifest declaring `script` inline as script `s` of app type `app`.
fn manifest(script: &str, app: &str) -> String {
    let indented: String = script.lines().map(|l| format!("      {l}\n")).collect();
    format!("owner: samples\nscripts:\n  s:\n    appType: {app}\n    inline: |\n{indented}")
}

fn load(yaml: &str) -> Loaded {
    manifest::load_str(
        yaml,
        Path::new("."),
        Path::new("s.yaml"),
        &LoadOptions::default(),
    )
    .unwrap_or_else(|err| panic!("{err}"))
}

#[test]
fn aws_style_sample_scripts_have_no_errors() {
    for (script, app) in [
        (PIP_IN_CONDA_ENVS, "KernelGateway"),
        (AUTOSHUTDOWN_EXTENSION, "JupyterServer"),
        (GIT_SETUP, "JupyterServer"),
    ] {
        let loaded = load(&manifest(script, app));
        assert_eq!(loaded.desired.scripts.len(), 1);
        assert!(loaded.warnings.iter().all(|w| !w.is_error()));
    }
}

#[test]
fn the_foreground_pip_in_a_heredoc_is_a_warning_on_its_line() {
    let loaded = load(&manifest(PIP_IN_CONDA_ENVS, "KernelGateway"));
    let slow: Vec<String> = loaded
        .warnings
        .iter()
        .filter(|w| w.message.contains("foreground"))
        .map(|w| format!("{}:{}", w.line, w.column))
        .collect();
    assert_eq!(slow, ["13:7"]);
}
