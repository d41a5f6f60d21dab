//! 1,000 reconcile cycles of `run` against an in-process sandbox, driven through
//! `studio_lcc::controller::reconcile_once`.
//!
//! Prints the process's memory (VmRSS, VmHWM from `/proc/self/status`) every 100 cycles, to
//! show that it stays flat, and the SageMaker calls of one steady-state cycle (from the
//! sandbox's counters). Run with `cargo bench --bench loop_cycles`.

use std::time::{Duration, Instant};

use studio_lcc::controller::health::Thresholds;
use studio_lcc::controller::{Context, Mode, Settings, reconcile_once};
use studio_lcc::sandbox::{self, SandboxConfig};

const CYCLES: u64 = 1_000;
const DOMAIN: &str = "d-benchloop0001";

const MANIFEST: &str = r#"owner: bench-loop
scripts:
  lab-setup:
    appType: JupyterLab
    inline: |
      #!/bin/bash
      set -eu
      echo lab
  kernel-setup:
    appType: KernelGateway
    inline: |
      #!/bin/bash
      set -eu
      echo kernel
domains:
  main:
    id: d-benchloop0001
    defaults:
      jupyterLab: { default: lab-setup }
      kernelGateway: { default: kernel-setup }
    spaceDefaults:
      jupyterLab: { default: lab-setup }
    userProfiles:
      alice:
        jupyterLab: { default: lab-setup }
    spaces:
      team-space:
        jupyterLab: { default: lab-setup }
"#;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime starts");
    runtime.block_on(bench());
}

async fn bench() {
    let sandbox = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    sandbox
        .seed_domain(Some(DOMAIN), None)
        .expect("domain is seeded");
    sandbox
        .seed_user_profile(DOMAIN, "alice")
        .expect("profile is seeded");
    sandbox
        .seed_space(DOMAIN, "team-space")
        .expect("space is seeded");
    let dir = tempfile::tempdir().expect("temp dir");
    let manifest = dir.path().join("studio-lcc.yaml");
    std::fs::write(&manifest, MANIFEST).expect("manifest is written");

    let client = studio_lcc::aws::sandbox_client(&sandbox.endpoint_url(), 3);
    let ctx = Context::new(&client, settings(manifest), thresholds());

    let first = reconcile_once(&ctx).await;
    println!(
        "cycle 1 (first apply): {} in {:?}",
        first.result(),
        first.duration
    );
    sandbox.reset_calls();
    let started = Instant::now();
    println!(
        "{:>6} {:>10} {:>10} {:>12}",
        "cycle", "VmRSS kB", "VmHWM kB", "last result"
    );
    for cycle in 2..=CYCLES {
        let report = reconcile_once(&ctx).await;
        assert!(
            report.is_success(),
            "cycle {cycle} failed: {:?}",
            report.outcome
        );
        if cycle % 100 == 0 {
            let (rss, hwm) = memory_kb();
            println!("{cycle:>6} {rss:>10} {hwm:>10} {:>12}", report.result());
        }
    }
    let steady = CYCLES - 1;
    let elapsed = started.elapsed();
    let per_cycle = elapsed.div_f64(steady as f64);
    println!("{steady} steady-state cycles in {elapsed:.2?} ({per_cycle:.2?} per cycle)");
    print_calls_per_cycle(&sandbox.calls(), steady);
}

fn settings(manifest: std::path::PathBuf) -> Settings {
    Settings {
        manifest,
        load: studio_lcc::manifest::LoadOptions::default(),
        mode: Mode::Apply,
        read: studio_lcc::live::ReadOptions { concurrency: 4 },
        apply: studio_lcc::apply::ApplyOptions {
            poll_interval: Duration::from_millis(20),
            ..studio_lcc::apply::ApplyOptions::default()
        },
    }
}

fn thresholds() -> Thresholds {
    Thresholds {
        stuck_after: Duration::from_secs(600),
        ready_within: Duration::from_secs(600),
    }
}

fn print_calls_per_cycle(calls: &studio_lcc::sandbox::CallStats, cycles: u64) {
    println!("SageMaker calls per steady-state cycle:");
    for (operation, counts) in &calls.operations {
        println!(
            "  {operation:<32} {:>6.2}",
            counts.calls as f64 / cycles as f64
        );
    }
    println!(
        "  {:<32} {:>6.2}",
        "total",
        calls.total().calls as f64 / cycles as f64
    );
}

/// `VmRSS` and `VmHWM` in kB, or zeros where `/proc` is not available.
fn memory_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}
