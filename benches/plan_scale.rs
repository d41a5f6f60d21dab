//! Benchmark: `studio-lcc plan` against a sandbox account of one domain, 2,000 user profiles,
//! 300 spaces and 50 LCCs, with 20 ms of latency on every call.
//!
//! It prints, for the steady state and for the plan right after a script edit: the calls per
//! operation, the wall time against the bound `1.5 x calls x latency / concurrency`, and the
//! peak memory (max RSS) of the `studio-lcc` process. Run it with `cargo bench --bench
//! plan_scale`. It asserts nothing about time; the figures are for reading.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use studio_lcc::sandbox::{self, FaultConfig, Latency, Sandbox, SandboxConfig};

const DOMAIN: &str = "d-bench0000001";
const PROFILES: usize = 2_000;
const SPACES: usize = 300;
const FOREIGN_LCCS: usize = 45;
const LATENCY_MS: u64 = 20;
const CONCURRENCY: u32 = 16;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build();
    let runtime = runtime.expect("runtime starts");
    let sandbox = runtime
        .block_on(sandbox::start(SandboxConfig::default()))
        .expect("sandbox");
    let work = tempfile::TempDir::new().expect("temp dir");
    runtime.block_on(populate(&sandbox, work.path()));
    println!(
        "account: 1 domain, {PROFILES} user profiles, {SPACES} spaces, 50 LCCs; latency {LATENCY_MS} ms; concurrency {CONCURRENCY}\n"
    );

    sandbox.set_faults(FaultConfig {
        latency: Some(Latency {
            min_ms: LATENCY_MS,
            max_ms: LATENCY_MS,
        }),
        ..FaultConfig::default()
    });
    measure("steady state", &sandbox, work.path());

    let script = work.path().join("scripts/lab-a.sh");
    let text = std::fs::read_to_string(&script).expect("script");
    std::fs::write(&script, text.replace("echo lab-a", "echo lab-a edited")).expect("edit");
    measure("after a script edit", &sandbox, work.path());
}

/// Builds the account: profiles, spaces, foreign LCCs, the manifest's first apply, and old
/// references in profiles and spaces that the manifest does not name.
async fn populate(sandbox: &Sandbox, dir: &Path) {
    sandbox.seed_domain(Some(DOMAIN), None).expect("domain");
    for i in 0..PROFILES {
        sandbox
            .seed_user_profile(DOMAIN, &format!("user-{i:04}"))
            .expect("profile");
    }
    for i in 0..SPACES {
        sandbox
            .seed_space(DOMAIN, &format!("space-{i:03}"))
            .expect("space");
    }
    let client = studio_lcc::aws::sandbox_client(&sandbox.endpoint_url(), 1);
    for i in 0..FOREIGN_LCCS {
        client
            .create_studio_lifecycle_config()
            .studio_lifecycle_config_name(format!("team-lcc-{i:02}"))
            .studio_lifecycle_config_content("IyEvYmluL2Jhc2gKZWNobyBoaQo=")
            .studio_lifecycle_config_app_type("KernelGateway".into())
            .send()
            .await
            .expect("foreign LCC");
    }
    write_manifest(dir);
    let status = tool(
        dir,
        &sandbox.endpoint_url(),
        &["apply", "--yes", "--poll-interval", "20ms"],
    );
    assert!(status.0.success(), "the first apply converges");
    reference_from_unnamed(&client, sandbox).await;
}

fn write_manifest(dir: &Path) {
    std::fs::create_dir_all(dir.join("scripts")).expect("scripts dir");
    let mut yaml = String::from("owner: bench\nscripts:\n");
    for (name, app) in [
        ("lab-a", "JupyterLab"),
        ("lab-b", "JupyterLab"),
        ("kg-a", "KernelGateway"),
        ("kg-b", "KernelGateway"),
        ("editor", "CodeEditor"),
    ] {
        std::fs::write(
            dir.join(format!("scripts/{name}.sh")),
            format!("#!/bin/bash\nset -eu\necho {name}\n"),
        )
        .expect("script");
        yaml.push_str(&format!(
            "  {name}:\n    appType: {app}\n    file: scripts/{name}.sh\n"
        ));
    }
    yaml.push_str(&format!(
        "domains:\n  main:\n    id: {DOMAIN}\n    defaults:\n"
    ));
    yaml.push_str("      jupyterLab: { default: lab-a, scripts: [lab-b] }\n      kernelGateway: { default: kg-a, scripts: [kg-b] }\n      codeEditor: { default: editor }\n");
    yaml.push_str("    spaceDefaults:\n      jupyterLab: { default: lab-a }\n    userProfiles:\n");
    for i in 0..10 {
        yaml.push_str(&format!(
            "      user-{i:04}:\n        kernelGateway: {{ default: kg-b }}\n"
        ));
    }
    yaml.push_str("    spaces:\n");
    for i in 0..5 {
        yaml.push_str(&format!(
            "      space-{i:03}:\n        jupyterLab: {{ default: lab-a }}\n"
        ));
    }
    std::fs::write(dir.join("studio-lcc.yaml"), yaml).expect("manifest");
}

/// 200 unnamed profiles and 50 unnamed spaces pick the current `lab-a` version by hand.
async fn reference_from_unnamed(client: &aws_sdk_sagemaker::Client, sandbox: &Sandbox) {
    use aws_sdk_sagemaker::types::{
        JupyterLabAppSettings, ResourceSpec, SpaceJupyterLabAppSettings, SpaceSettings,
        UserSettings,
    };
    let listed = client
        .list_studio_lifecycle_configs()
        .name_contains("lab-a")
        .send()
        .await;
    let arn = listed
        .expect("list")
        .studio_lifecycle_configs
        .unwrap_or_default()[0]
        .studio_lifecycle_config_arn
        .clone()
        .expect("arn");
    let spec = ResourceSpec::builder().lifecycle_config_arn(&arn).build();
    for i in (100..PROFILES).step_by(10).take(200) {
        let lab = JupyterLabAppSettings::builder()
            .lifecycle_config_arns(&arn)
            .default_resource_spec(spec.clone())
            .build();
        let settings = UserSettings::builder()
            .jupyter_lab_app_settings(lab)
            .build();
        client
            .update_user_profile()
            .domain_id(DOMAIN)
            .user_profile_name(format!("user-{i:04}"))
            .user_settings(settings)
            .send()
            .await
            .expect("profile update");
    }
    for i in (10..SPACES).step_by(5).take(50) {
        let lab = SpaceJupyterLabAppSettings::builder()
            .default_resource_spec(spec.clone())
            .build();
        let settings = SpaceSettings::builder()
            .jupyter_lab_app_settings(lab)
            .build();
        client
            .update_space()
            .domain_id(DOMAIN)
            .space_name(format!("space-{i:03}"))
            .space_settings(settings)
            .send()
            .await
            .expect("space update");
    }
    let _ = sandbox;
}

/// Runs `plan` once and prints its calls, time and memory.
fn measure(label: &str, sandbox: &Sandbox, dir: &Path) {
    sandbox.reset_calls();
    let concurrency = CONCURRENCY.to_string();
    let started = Instant::now();
    let (status, max_rss_kb) = tool(
        dir,
        &sandbox.endpoint_url(),
        &["plan", "--detailed-exitcode", "--concurrency", &concurrency],
    );
    let wall = started.elapsed();
    let overhead = start_up_time(dir);
    let calls = sandbox.calls();
    let per_op: BTreeMap<String, u64> = calls
        .operations
        .iter()
        .map(|(op, c)| (op.clone(), c.calls))
        .filter(|(_, n)| *n > 0)
        .collect();
    let total: u64 = per_op.values().sum();
    let bound = Duration::from_millis(total * LATENCY_MS) * 3 / (2 * CONCURRENCY);
    println!("== plan, {label} (exit {:?})", status.code());
    for (op, n) in &per_op {
        println!("  {op:<34} {n:>6}");
    }
    println!("  {:<34} {total:>6}", "total calls");
    let aws_time = wall.saturating_sub(overhead);
    println!(
        "  process start-up and manifest load {:>6} ms  (`studio-lcc validate` on the same manifest)",
        overhead.as_millis()
    );
    println!(
        "  time in AWS calls (wall - start-up) {:>5} ms  ({})",
        aws_time.as_millis(),
        if aws_time <= bound {
            "within the bound"
        } else {
            "over the bound"
        }
    );
    println!(
        "  wall time                          {:>6} ms  (bound 1.5 x calls x latency / concurrency = {} ms, {})",
        wall.as_millis(),
        bound.as_millis(),
        if wall <= bound { "within" } else { "OVER" }
    );
    println!(
        "  peak memory of studio-lcc          {:>6} KiB ({:.1} MB, target < 64 MB)\n",
        max_rss_kb,
        max_rss_kb as f64 / 1024.0
    );
}

/// How long the binary takes to start, load the manifest and exit, with no AWS call.
fn start_up_time(dir: &Path) -> Duration {
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_studio-lcc"))
        .args(["validate", "-f", dir.to_str().expect("utf-8 path")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("studio-lcc starts");
    assert!(status.success(), "the bench manifest validates");
    started.elapsed()
}

/// Runs the binary, waits for it with `wait4` and returns its status and max RSS in KiB.
fn tool(dir: &Path, endpoint: &str, args: &[&str]) -> (std::process::ExitStatus, i64) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_studio-lcc"));
    command.args(args).args([
        "-f",
        dir.to_str().expect("utf-8 path"),
        "--endpoint-url",
        endpoint,
    ]);
    command
        .env("AWS_ACCESS_KEY_ID", "AKIABENCHBENCHBENCH0")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_REGION", "us-east-1");
    command
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"));
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let child = command.spawn().expect("studio-lcc starts");
    wait_with_rusage(child)
}

fn wait_with_rusage(child: std::process::Child) -> (std::process::ExitStatus, i64) {
    use std::os::unix::process::ExitStatusExt;
    let pid = i32::try_from(child.id()).expect("pid");
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; pid is our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: valid pointers to locals; the child is not waited for anywhere else.
    let rc = unsafe { libc::wait4(pid, &raw mut status, 0, &raw mut usage) };
    assert_eq!(rc, pid, "wait4 reaps the child");
    (std::process::ExitStatus::from_raw(status), usage.ru_maxrss)
}
