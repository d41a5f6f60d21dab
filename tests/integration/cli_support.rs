//! Running the `studio-lcc` binary against a sandbox, as a user would.

#![allow(dead_code)] // NB: each test module uses a different subset of these helpers.

use std::path::{Path, PathBuf};
use std::process::Output;

use tempfile::TempDir;

/// A scratch folder holding a copy of a manifest folder from `manifests/`.
pub struct Workdir {
    pub dir: TempDir,
}

impl Workdir {
    /// Copies `manifests/<name>` into a new temporary folder.
    pub fn example(name: &str) -> Workdir {
        let dir = TempDir::new().unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("manifests")
            .join(name);
        copy_tree(&source, &dir.path().join("manifest"));
        Workdir { dir }
    }

    /// A folder with one manifest file written from `yaml` and the given scripts.
    pub fn inline(yaml: &str, scripts: &[(&str, &str)]) -> Workdir {
        let dir = TempDir::new().unwrap();
        let root = dir.path().join("manifest");
        std::fs::create_dir_all(root.join("scripts")).unwrap();
        std::fs::write(root.join("studio-lcc.yaml"), yaml).unwrap();
        for (name, body) in scripts {
            std::fs::write(root.join("scripts").join(name), body).unwrap();
        }
        Workdir { dir }
    }

    /// The manifest folder.
    pub fn manifest(&self) -> PathBuf {
        self.dir.path().join("manifest")
    }

    /// Replaces `from` with `to` in a script of the manifest folder.
    pub fn edit_script(&self, script: &str, from: &str, to: &str) {
        let path = self.manifest().join("scripts").join(script);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "`{from}` is not in {}", path.display());
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    /// A command for the binary in this folder, with the sandbox's static credentials and no
    /// access to any real AWS configuration or metadata endpoint.
    pub fn command(&self, args: &[&str]) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_studio-lcc"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .kill_on_drop(true);
        isolate(&mut command, self.dir.path());
        command
    }

    /// Runs the binary against `endpoint` with `-f <manifest>` and waits for it.
    pub async fn run(&self, endpoint: &str, args: &[&str]) -> Run {
        let manifest = self.manifest();
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["-f", manifest.to_str().unwrap(), "--endpoint-url", endpoint]);
        let output = self.command(&all).output().await.unwrap();
        Run::from(output)
    }
}

/// Points every AWS setting at static test values and non-existent files.
pub fn isolate(command: &mut tokio::process::Command, dir: &Path) {
    command
        .env("AWS_ACCESS_KEY_ID", "AKIATESTTESTTESTTEST")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.join("no-aws-credentials"),
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env("NO_COLOR", "1");
}

/// A finished run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Asserts the exit code, showing the output when it differs.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
