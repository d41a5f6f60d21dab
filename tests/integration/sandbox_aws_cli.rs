//! The AWS blog walkthrough for Studio LCCs, run with the AWS CLI unchanged except for
//! `--endpoint-url`: a second client that nobody here wrote.
//!
//! Without `aws` on the PATH the test prints that it skipped and passes, unless
//! `STUDIO_LCC_REQUIRE_AWS_CLI=1` (set by CI) makes the skip a failure.

use std::path::Path;

use serde_json::{Value, json};
use tokio::process::Command;

use crate::support::sandbox;

/// The script the walkthrough attaches.
const SCRIPT: &str = "#!/bin/bash\nset -eux\necho 'Studio is starting'\n";

/// Runs `aws sagemaker <args> --endpoint-url <endpoint>` with static test credentials and no
/// config or credential files, and returns the JSON it prints.
pub(crate) struct AwsCli<'a> {
    pub(crate) endpoint: String,
    pub(crate) home: &'a Path,
}

impl AwsCli<'_> {
    pub(crate) async fn sagemaker(&self, args: &[&str]) -> Value {
        let output = Command::new("aws")
            .arg("sagemaker")
            .args(args)
            .args(["--endpoint-url", &self.endpoint, "--output", "json"])
            .envs([
                ("AWS_ACCESS_KEY_ID", studio_lcc::aws::SANDBOX_ACCESS_KEY_ID),
                (
                    "AWS_SECRET_ACCESS_KEY",
                    studio_lcc::aws::SANDBOX_SECRET_ACCESS_KEY,
                ),
                ("AWS_DEFAULT_REGION", "us-east-1"),
                ("AWS_EC2_METADATA_DISABLED", "true"),
                ("AWS_PAGER", ""),
            ])
            .env("AWS_CONFIG_FILE", self.home.join("no-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.home.join("no-credentials"),
            )
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_REGION")
            .env_remove("AWS_ENDPOINT_URL")
            .env_remove("AWS_ENDPOINT_URL_SAGEMAKER")
            .output()
            .await
            .expect("aws runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success(),
            "aws sagemaker {args:?} failed: {stderr}"
        );
        if stdout.trim().is_empty() {
            json!({})
        } else {
            serde_json::from_str(&stdout).expect("aws prints JSON")
        }
    }
}

/// Whether `aws` can run here; panics instead of skipping when CI requires it.
pub(crate) async fn aws_cli_available() -> bool {
    let found = Command::new("aws")
        .arg("--version")
        .output()
        .await
        .is_ok_and(|o| o.status.success());
    let required = std::env::var("STUDIO_LCC_REQUIRE_AWS_CLI").is_ok_and(|v| v == "1");
    assert!(
        found || !required,
        "STUDIO_LCC_REQUIRE_AWS_CLI=1 but the AWS CLI (`aws`) is not installed"
    );
    if !found {
        println!("skipped: the AWS CLI (`aws`) is not installed");
    }
    found
}

/// `openssl base64 -A -in <script>`, as the walkthrough encodes the script.
pub(crate) async fn openssl_base64(script: &Path) -> String {
    let output = Command::new("openssl")
        .args(["base64", "-A", "-in"])
        .arg(script)
        .output()
        .await;
    let output = output.expect("openssl runs");
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

#[tokio::test]
async fn the_aws_blog_walkthrough_works_with_the_aws_cli() {
    if !aws_cli_available().await {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let sandbox = sandbox().await;
    let domain = sandbox.seed_domain(None, Some("walkthrough")).unwrap();
    let cli = AwsCli {
        endpoint: sandbox.endpoint_url(),
        home: dir.path(),
    };
    let script = dir.path().join("my-script.sh");
    std::fs::write(&script, SCRIPT).unwrap();
    let content = openssl_base64(&script).await;

    // Step 1: one LCC per Studio Classic app type.
    let kg = cli
        .sagemaker(&[
            "create-studio-lifecycle-config",
            "--studio-lifecycle-config-name",
            "my-kg-lcc",
            "--studio-lifecycle-config-content",
            &content,
            "--studio-lifecycle-config-app-type",
            "KernelGateway",
        ])
        .await;
    let js = cli
        .sagemaker(&[
            "create-studio-lifecycle-config",
            "--studio-lifecycle-config-name",
            "my-js-lcc",
            "--studio-lifecycle-config-content",
            &content,
            "--studio-lifecycle-config-app-type",
            "JupyterServer",
        ])
        .await;
    let kg_arn = kg["StudioLifecycleConfigArn"].as_str().unwrap().to_owned();
    let js_arn = js["StudioLifecycleConfigArn"].as_str().unwrap().to_owned();
    assert_eq!(
        js_arn,
        "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/my-js-lcc"
    );

    // Step 2: a user profile with the KernelGateway LCC, then an update that keeps it.
    let kg_settings =
        json!({"KernelGatewayAppSettings": {"LifecycleConfigArns": [kg_arn]}}).to_string();
    cli.sagemaker(&[
        "create-user-profile",
        "--domain-id",
        &domain.id,
        "--user-profile-name",
        "data-scientist",
        "--user-settings",
        &kg_settings,
    ])
    .await;
    cli.sagemaker(&[
        "update-user-profile",
        "--domain-id",
        &domain.id,
        "--user-profile-name",
        "data-scientist",
        "--user-settings",
        &kg_settings,
    ])
    .await;

    // Step 3: the JupyterServer LCC as the domain default.
    let js_settings = json!({"JupyterServerAppSettings": {
        "DefaultResourceSpec": {"LifecycleConfigArn": js_arn, "InstanceType": "system"},
        "LifecycleConfigArns": [js_arn],
    }})
    .to_string();
    cli.sagemaker(&[
        "update-domain",
        "--domain-id",
        &domain.id,
        "--default-user-settings",
        &js_settings,
    ])
    .await;

    // Step 4: the describe calls show the result.
    let lcc = cli
        .sagemaker(&[
            "describe-studio-lifecycle-config",
            "--studio-lifecycle-config-name",
            "my-js-lcc",
        ])
        .await;
    assert_eq!(lcc["StudioLifecycleConfigContent"], content);
    assert_eq!(lcc["StudioLifecycleConfigAppType"], "JupyterServer");
    let profile = cli
        .sagemaker(&[
            "describe-user-profile",
            "--domain-id",
            &domain.id,
            "--user-profile-name",
            "data-scientist",
        ])
        .await;
    assert_eq!(profile["Status"], "InService");
    assert_eq!(
        profile["UserSettings"]["KernelGatewayAppSettings"]["LifecycleConfigArns"],
        json!([kg_arn])
    );
    let described = cli
        .sagemaker(&["describe-domain", "--domain-id", &domain.id])
        .await;
    let js_out = &described["DefaultUserSettings"]["JupyterServerAppSettings"];
    assert_eq!(js_out["DefaultResourceSpec"]["LifecycleConfigArn"], js_arn);
    assert_eq!(js_out["DefaultResourceSpec"]["InstanceType"], "system");
    assert_eq!(js_out["LifecycleConfigArns"], json!([js_arn]));
    assert!(
        described["DefaultUserSettings"]["ExecutionRole"].is_string(),
        "the patch kept the role"
    );
    let listed = cli.sagemaker(&["list-studio-lifecycle-configs"]).await;
    assert_eq!(
        listed["StudioLifecycleConfigs"].as_array().map(Vec::len),
        Some(2)
    );
}
