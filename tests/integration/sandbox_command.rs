//! `studio-lcc sandbox` as a process: it prints its endpoint once ready, serves, and on
//! SIGTERM stops cleanly, prints its call counts and leaves its state file behind.

use std::process::Stdio;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::Command;

#[cfg(unix)]
#[tokio::test]
async fn the_command_serves_until_sigterm_and_prints_call_counts() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("sandbox.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_studio-lcc"))
        .args(["sandbox", "--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("studio-lcc starts");
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).await.unwrap();
    let endpoint = first
        .trim()
        .strip_prefix("studio-lcc sandbox listening on ")
        .expect("endpoint line")
        .to_owned();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");

    let client = studio_lcc::aws::sandbox_client(&endpoint, 1);
    client.list_domains().send().await.unwrap();
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().unwrap().to_string())
        .status()
        .await;
    assert!(status.unwrap().success());

    let exit = child.wait().await.unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert!(exit.success(), "exit status {exit:?}");
    let list_domains = rest
        .lines()
        .find(|l| l.starts_with("ListDomains"))
        .expect("a ListDomains line");
    assert_eq!(list_domains.split_whitespace().nth(1), Some("1"));
    assert!(state.exists(), "the state file is written at shutdown");
}
