//! The state file: it survives a restart, and a bad file is an error, never an empty account.

use studio_lcc::sandbox::{self, SandboxConfig, SandboxError};

use crate::support::{client, create_lcc};

fn config(path: &std::path::Path) -> SandboxConfig {
    SandboxConfig {
        state_path: Some(path.to_owned()),
        ..SandboxConfig::default()
    }
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state/sandbox.json");
    let first = sandbox::start(config(&path)).await.unwrap();
    let domain = first.seed_domain(None, Some("persisted")).unwrap();
    first.seed_user_profile(&domain.id, "alice").unwrap();
    create_lcc(&client(&first), "kept", "JupyterLab").await;
    first.shutdown().await.unwrap();

    let second = sandbox::start(config(&path)).await.unwrap();
    let client = client(&second);
    let described = client
        .describe_studio_lifecycle_config()
        .studio_lifecycle_config_name("kept")
        .send()
        .await;
    assert!(described.is_ok());
    let profile = client
        .describe_user_profile()
        .domain_id(&domain.id)
        .user_profile_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(profile.status().map(|s| s.as_str()), Some("InService"));
    let domains = client.list_domains().send().await.unwrap();
    assert_eq!(domains.domains().len(), 1);
}

#[tokio::test]
async fn every_change_is_on_disk_before_the_call_returns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    let running = sandbox::start(config(&path)).await.unwrap();
    create_lcc(&client(&running), "written-now", "CodeEditor").await;
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("written-now"));
    drop(running);
}

#[tokio::test]
async fn a_corrupt_state_file_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sandbox.json");
    std::fs::write(&path, "{ this is not json").unwrap();
    let err = sandbox::start(config(&path)).await.unwrap_err();
    assert!(matches!(err, SandboxError::StateCorrupt { .. }), "{err:?}");
    assert!(err.to_string().contains(&path.display().to_string()));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "{ this is not json",
        "the file is left alone"
    );
}

#[tokio::test]
async fn an_unreadable_state_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    // A directory where the file should be cannot be read as a file on any platform.
    let path = dir.path().join("sandbox.json");
    std::fs::create_dir(&path).unwrap();
    let err = sandbox::start(config(&path)).await.unwrap_err();
    assert!(
        matches!(err, SandboxError::StateUnreadable { .. }),
        "{err:?}"
    );
}
