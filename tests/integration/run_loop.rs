//! `studio-lcc run` as a process against an in-process sandbox: convergence after edits,
//! detect mode, broken manifests, SIGTERM during an apply, readiness under faults.
//!
//! Each test starts the built binary with static test credentials and the sandbox's loopback
//! endpoint, reads its JSON logs from stderr, and polls its HTTP endpoints for conditions with
//! generous deadlines (no timing assertions).

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_sagemaker::Client;
use studio_lcc::controller::iam::{READ_OPERATIONS, WRITE_OPERATIONS};
use studio_lcc::sandbox::{FaultConfig, Sandbox};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::support;

const DOMAIN: &str = "d-runloop00001";
const OWNER: &str = "run-loop-test";
/// Text inside every test script; it must never reach the logs.
const SECRET_MARKER: &str = "script-body-marker-7f3a";
const DEADLINE: Duration = Duration::from_secs(60);

/// A manifest whose one script prints `version`.
fn manifest(version: &str) -> String {
    format!(
        r#"owner: {OWNER}
scripts:
  lab-setup:
    appType: JupyterLab
    inline: |
      #!/bin/bash
      set -eu
      echo "{SECRET_MARKER} {version}"
domains:
  main:
    id: {DOMAIN}
    defaults:
      jupyterLab: {{ default: lab-setup }}
    spaceDefaults:
      jupyterLab: {{ default: lab-setup }}
    userProfiles:
      new-hire:
        create: true
        jupyterLab: {{ default: lab-setup }}
    spaces:
      team-space:
        jupyterLab: {{ default: lab-setup }}
"#
    )
}

/// A folder with a manifest in it, edited by atomic rename like an editor or git-sync.
struct ManifestDir {
    dir: tempfile::TempDir,
}

impl ManifestDir {
    fn new(text: &str) -> ManifestDir {
        let dir = ManifestDir {
            dir: tempfile::tempdir().unwrap(),
        };
        dir.write(text);
        dir
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("studio-lcc.yaml")
    }

    fn write(&self, text: &str) {
        let tmp = self.dir.path().join(".studio-lcc.yaml.tmp");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, self.path()).unwrap();
    }

    /// The LCC name the manifest's script resolves to.
    fn lcc_name(&self) -> String {
        let loaded = studio_lcc::manifest::load(&self.path(), &Default::default()).unwrap();
        loaded.desired.scripts[0].lcc_name.clone()
    }
}

/// A sandbox with the domain and the space the manifest names.
async fn seeded_sandbox() -> Sandbox {
    let sandbox = support::sandbox().await;
    sandbox.seed_domain(Some(DOMAIN), None).unwrap();
    sandbox.seed_space(DOMAIN, "team-space").unwrap();
    sandbox
}

/// A running `studio-lcc run` (or `run --once`) process and its stderr lines.
struct RunProcess {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    _home: tempfile::TempDir,
}

impl RunProcess {
    fn start(sandbox: &Sandbox, manifest: &Path, extra: &[&str]) -> RunProcess {
        let home = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_studio-lcc"));
        command
            .args(["--log-format", "json", "run", "-f"])
            .arg(manifest)
            .args(["--endpoint-url", &sandbox.endpoint_url()])
            .args([
                "--max-attempts",
                "1",
                "--poll-interval",
                "50ms",
                "--max-backoff",
                "1s",
            ])
            .args(extra)
            .env("AWS_ACCESS_KEY_ID", studio_lcc::aws::SANDBOX_ACCESS_KEY_ID)
            .env(
                "AWS_SECRET_ACCESS_KEY",
                studio_lcc::aws::SANDBOX_SECRET_ACCESS_KEY,
            )
            .env("AWS_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", home.path().join("no-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.path().join("no-credentials"),
            )
            .env_remove("AWS_PROFILE")
            .env_remove("STUDIO_LCC_ENDPOINT_URL")
            .env_remove("STUDIO_LCC_LOG")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("studio-lcc starts");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        RunProcess {
            child,
            lines,
            _home: home,
        }
    }

    fn logs(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    fn has_log(&self, needles: &[&str]) -> bool {
        self.logs()
            .iter()
            .any(|line| needles.iter().all(|n| line.contains(n)))
    }

    /// The address printed in the "Serving" log line.
    async fn addr(&self) -> SocketAddr {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let found = self.logs().iter().find_map(|line| {
                let value: serde_json::Value = serde_json::from_str(line).ok()?;
                value["fields"]["addr"].as_str()?.parse().ok()
            });
            if let Some(addr) = found {
                return addr;
            }
            assert!(
                Instant::now() < deadline,
                "no listen address in logs:\n{:#?}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    async fn exit_status(&mut self) -> ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "process did not exit:\n{:#?}",
                self.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for RunProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET `path` on `addr`: status and body.
async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    (status, body.to_owned())
}

/// The value of the first metric line that starts with `series`.
async fn metric(addr: SocketAddr, series: &str) -> Option<f64> {
    let (_, text) = get(addr, "/metrics").await;
    text.lines()
        .find(|line| line.starts_with(series))
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

/// Polls `check` until it holds; panics with `what` after the deadline.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + DEADLINE;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// LCC names of the defaults of the domain, the space defaults, the user profile and the
/// space, in that order.
async fn defaults(client: &Client) -> Vec<Option<String>> {
    let domain = client
        .describe_domain()
        .domain_id(DOMAIN)
        .send()
        .await
        .unwrap();
    let lab = |s: Option<&aws_sdk_sagemaker::types::JupyterLabAppSettings>| {
        s?.default_resource_spec()?
            .lifecycle_config_arn()
            .map(str::to_owned)
    };
    let user = lab(domain
        .default_user_settings()
        .and_then(|s| s.jupyter_lab_app_settings()));
    let space = lab(domain
        .default_space_settings()
        .and_then(|s| s.jupyter_lab_app_settings()));
    let profile = client
        .describe_user_profile()
        .domain_id(DOMAIN)
        .user_profile_name("new-hire")
        .send()
        .await
        .ok();
    let profile = lab(profile
        .as_ref()
        .and_then(|p| p.user_settings()?.jupyter_lab_app_settings()));
    let shared = client
        .describe_space()
        .domain_id(DOMAIN)
        .space_name("team-space")
        .send()
        .await
        .unwrap();
    let shared = shared
        .space_settings()
        .and_then(|s| {
            s.jupyter_lab_app_settings()?
                .default_resource_spec()?
                .lifecycle_config_arn()
        })
        .map(str::to_owned);
    [user, space, profile, shared]
        .into_iter()
        .map(|arn| Some(arn?.rsplit('/').next()?.to_owned()))
        .collect()
}

async fn converged_to(client: &Client, lcc: &str) -> bool {
    defaults(client)
        .await
        .iter()
        .all(|name| name.as_deref() == Some(lcc))
}

async fn lcc_names(client: &Client) -> Vec<String> {
    let page = client.list_studio_lifecycle_configs().send().await.unwrap();
    page.studio_lifecycle_configs()
        .iter()
        .filter_map(|c| c.studio_lifecycle_config_name().map(str::to_owned))
        .collect()
}

fn write_calls(sandbox: &Sandbox) -> u64 {
    let calls = sandbox.calls();
    WRITE_OPERATIONS
        .iter()
        .map(|op| calls.operation(op).calls)
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_converges_after_a_manifest_edit_without_a_restart() {
    let sandbox = seeded_sandbox().await;
    let client = support::client(&sandbox);
    let dir = ManifestDir::new(&manifest("v1"));
    let v1 = dir.lcc_name();
    // A long interval: only the edit can start the second cycle in time.
    let mut run = RunProcess::start(
        &sandbox,
        &dir.path(),
        &["--interval", "10m", "--listen", "127.0.0.1:0"],
    );
    let addr = run.addr().await;
    eventually("v1 is rolled out", || converged_to(&client, &v1)).await;
    eventually("ready", || async { get(addr, "/readyz").await.0 == 200 }).await;

    dir.write(&manifest("v2"));
    let v2 = dir.lcc_name();
    eventually("v2 is rolled out", || converged_to(&client, &v2)).await;
    eventually("v1 is deleted", || async {
        !lcc_names(&client).await.contains(&v1)
    })
    .await;
    assert!(run.has_log(&["\"Manifest changed; starting a cycle.\""]));
    assert!(run.has_log(&[
        "\"Change applied.\"",
        &format!("update-space:{DOMAIN}/team-space")
    ]));
    let applied = metric(addr, "studio_lcc_cycles_total{result=\"applied\"}").await;
    assert!(applied >= Some(2.0), "{applied:?}");
    assert_eq!(get(addr, "/healthz").await.0, 200);

    let seen = operations_seen(addr).await;
    assert_policy_covers(&seen);
    let leaked: Vec<String> = run
        .logs()
        .into_iter()
        .filter(|line| line.contains(SECRET_MARKER))
        .collect();
    assert!(leaked.is_empty(), "script content in logs: {leaked:#?}");

    run.terminate();
    assert_eq!(run.exit_status().await.code(), Some(0));
}

/// Every operation in `studio_lcc_aws_calls_total`.
async fn operations_seen(addr: SocketAddr) -> Vec<String> {
    let (_, text) = get(addr, "/metrics").await;
    let mut ops: Vec<String> = text
        .lines()
        .filter_map(|line| line.strip_prefix("studio_lcc_aws_calls_total{operation=\""))
        .filter_map(|rest| rest.split('"').next().map(str::to_owned))
        .collect();
    ops.sort();
    ops.dedup();
    ops
}

/// The operations the code called are exactly on the policy's list, and every write that
/// this scenario exercises is allowed by the printed policy.
fn assert_policy_covers(seen: &[String]) {
    for op in [
        "CreateStudioLifecycleConfig",
        "UpdateDomain",
        "CreateUserProfile",
        "UpdateSpace",
    ] {
        assert!(seen.iter().any(|s| s == op), "{op} not exercised: {seen:?}");
    }
    let output = Command::new(env!("CARGO_BIN_EXE_studio-lcc"))
        .args(["iam-policy", "--owner", OWNER])
        .output()
        .unwrap();
    assert!(output.status.success());
    let policy: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let allowed = studio_lcc::controller::iam::sagemaker_actions(&policy);
    for op in seen {
        assert!(
            allowed.contains(op),
            "`{op}` is called but not in the IAM policy"
        );
        let listed =
            READ_OPERATIONS.contains(&op.as_str()) || WRITE_OPERATIONS.contains(&op.as_str());
        assert!(listed, "`{op}` is called but not in the operation list");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detect_mode_changes_nothing_and_shows_the_drift_in_metrics() {
    let sandbox = seeded_sandbox().await;
    let dir = ManifestDir::new(&manifest("v1"));
    let run = RunProcess::start(
        &sandbox,
        &dir.path(),
        &[
            "--mode",
            "detect",
            "--interval",
            "1s",
            "--listen",
            "127.0.0.1:0",
        ],
    );
    let addr = run.addr().await;
    eventually("two drift cycles", || async {
        metric(addr, "studio_lcc_cycles_total{result=\"drift\"}").await >= Some(2.0)
    })
    .await;
    let pending = metric(addr, "studio_lcc_pending_changes").await.unwrap();
    // Create the version, update the domain, create the profile, update the space.
    assert!(pending >= 4.0, "pending changes: {pending}");
    assert_eq!(write_calls(&sandbox), 0, "{}", sandbox.calls());
    assert_eq!(get(addr, "/readyz").await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_manifest_applies_nothing_and_the_next_valid_edit_resumes() {
    let sandbox = seeded_sandbox().await;
    let client = support::client(&sandbox);
    let dir = ManifestDir::new(&manifest("v1"));
    let v1 = dir.lcc_name();
    let run = RunProcess::start(
        &sandbox,
        &dir.path(),
        &["--interval", "1s", "--listen", "127.0.0.1:0"],
    );
    let addr = run.addr().await;
    eventually("v1 is rolled out", || converged_to(&client, &v1)).await;
    eventually("ready", || async { get(addr, "/readyz").await.0 == 200 }).await;
    let writes = write_calls(&sandbox);

    // A new script version that names a script that does not exist.
    dir.write(&manifest("v2").replace(
        "{ default: lab-setup }\n    userProfiles",
        "{ default: lab-setpu }\n    userProfiles",
    ));
    eventually("the load failure is counted", || async {
        metric(addr, "studio_lcc_manifest_load_failures_total").await >= Some(1.0)
    })
    .await;
    assert!(run.has_log(&["\"ERROR\"", "\"result\":\"invalid_manifest\"", "lab-setpu"]));
    eventually("not ready", || async {
        get(addr, "/readyz").await.0 == 503
    })
    .await;
    assert_eq!(
        write_calls(&sandbox),
        writes,
        "a broken manifest must apply nothing"
    );
    assert!(converged_to(&client, &v1).await);

    dir.write(&manifest("v2"));
    let v2 = dir.lcc_name();
    eventually("v2 is rolled out", || converged_to(&client, &v2)).await;
    eventually("ready again", || async {
        get(addr, "/readyz").await.0 == 200
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_during_an_apply_exits_cleanly_and_the_next_run_converges() {
    let sandbox = seeded_sandbox().await;
    let client = support::client(&sandbox);
    sandbox.set_update_delay(Duration::from_secs(2));
    let dir = ManifestDir::new(&manifest("v1"));
    let v1 = dir.lcc_name();
    let mut run = RunProcess::start(
        &sandbox,
        &dir.path(),
        &["--interval", "10m", "--listen", "127.0.0.1:0"],
    );
    eventually("the domain update is in flight", || async {
        sandbox.calls().operation("UpdateDomain").calls >= 1
    })
    .await;
    run.terminate();
    assert_eq!(run.exit_status().await.code(), Some(0), "{:#?}", run.logs());
    assert!(run.has_log(&["\"Stopped cleanly.\""]));
    assert!(
        run.has_log(&["\"Change skipped.\"", "shutting down"]),
        "{:#?}",
        run.logs()
    );
    assert!(
        !converged_to(&client, &v1).await,
        "the shutdown should have cut the apply short"
    );

    sandbox.set_update_delay(Duration::from_millis(100));
    let mut again = RunProcess::start(&sandbox, &dir.path(), &["--once"]);
    assert_eq!(
        again.exit_status().await.code(),
        Some(0),
        "{:#?}",
        again.logs()
    );
    assert!(converged_to(&client, &v1).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_false_while_sagemaker_fails_and_true_after() {
    let sandbox = seeded_sandbox().await;
    let dir = ManifestDir::new(&manifest("v1"));
    let run = RunProcess::start(
        &sandbox,
        &dir.path(),
        &["--interval", "1s", "--listen", "127.0.0.1:0"],
    );
    let addr = run.addr().await;
    eventually("ready", || async { get(addr, "/readyz").await.0 == 200 }).await;

    sandbox.set_faults(FaultConfig {
        server_error_probability: 1.0,
        ..FaultConfig::default()
    });
    eventually("not ready", || async {
        get(addr, "/readyz").await.0 == 503
    })
    .await;
    let (_, reason) = get(addr, "/readyz").await;
    assert!(reason.contains("failed to read live state"), "{reason}");
    let errors = metric(
        addr,
        "studio_lcc_aws_calls_total{operation=\"ListStudioLifecycleConfigs\",outcome=\"error\"}",
    )
    .await;
    assert!(errors >= Some(1.0), "{errors:?}");
    assert_eq!(
        get(addr, "/healthz").await.0,
        200,
        "failing calls do not make the loop stuck"
    );

    sandbox.set_faults(FaultConfig::default());
    eventually("ready again", || async {
        get(addr, "/readyz").await.0 == 200
    })
    .await;
}
