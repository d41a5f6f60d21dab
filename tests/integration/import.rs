//! `studio-lcc import` end to end: a domain set up by hand, as the AWS blog post does it,
//! imported, adopted with one apply, then changed through the manifest like any other.
//!
//! The set-up runs once with the AWS CLI (skipped without `aws`, unless
//! `STUDIO_LCC_REQUIRE_AWS_CLI=1`) and once with the Rust SDK, so the import itself is always
//! covered.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{
    JupyterServerAppSettings, KernelGatewayAppSettings, ResourceSpec, UserSettings,
};
use base64::Engine;
use serde_json::json;
use studio_lcc::sandbox::Sandbox;
use tempfile::TempDir;

use crate::cli_support::{Run, Workdir};
use crate::sandbox_aws_cli::{AwsCli, aws_cli_available, openssl_base64};
use crate::support::{self, lcc_arn};

/// The script the blog post attaches.
const SCRIPT: &str = "#!/bin/bash\nset -eux\necho 'Studio is starting'\n";
const DOMAIN_NAME: &str = "walkthrough";
const OWNER: &str = "blog";
const APPLY: &[&str] = &[
    "apply",
    "--yes",
    "--poll-interval",
    "50ms",
    "--max-attempts",
    "12",
];
const PLAN: &[&str] = &["plan", "--detailed-exitcode", "--max-attempts", "12"];

/// The blog's set-up done with the SDK: two LCCs, a user profile with its own KernelGateway
/// list, and the JupyterServer LCC as the domain default. Returns the domain id.
async fn blog_setup_with_sdk(sandbox: &Sandbox, client: &Client) -> String {
    let domain = sandbox.seed_domain(None, Some(DOMAIN_NAME)).unwrap();
    let content = base64::engine::general_purpose::STANDARD.encode(SCRIPT);
    for (name, app_type) in [
        ("my-kg-lcc", "KernelGateway"),
        ("my-js-lcc", "JupyterServer"),
    ] {
        let create = client
            .create_studio_lifecycle_config()
            .studio_lifecycle_config_name(name)
            .studio_lifecycle_config_content(&content);
        let create = create.studio_lifecycle_config_app_type(app_type.into());
        create.send().await.unwrap();
    }
    let kg = KernelGatewayAppSettings::builder()
        .lifecycle_config_arns(lcc_arn("my-kg-lcc"))
        .build();
    let profile = client
        .create_user_profile()
        .domain_id(&domain.id)
        .user_profile_name("data-scientist");
    let settings = UserSettings::builder()
        .kernel_gateway_app_settings(kg)
        .build();
    profile.user_settings(settings).send().await.unwrap();
    let spec = ResourceSpec::builder()
        .lifecycle_config_arn(lcc_arn("my-js-lcc"))
        .instance_type("system".into())
        .build();
    let js = JupyterServerAppSettings::builder()
        .default_resource_spec(spec)
        .lifecycle_config_arns(lcc_arn("my-js-lcc"))
        .build();
    let update = client.update_domain().domain_id(&domain.id);
    let settings = UserSettings::builder()
        .jupyter_server_app_settings(js)
        .build();
    update.default_user_settings(settings).send().await.unwrap();
    domain.id
}

/// The blog's set-up done with the AWS CLI, scripts encoded with `openssl base64 -A`.
async fn blog_setup_with_aws_cli(sandbox: &Sandbox, home: &Path) {
    let domain = sandbox.seed_domain(None, Some(DOMAIN_NAME)).unwrap();
    let cli = AwsCli {
        endpoint: sandbox.endpoint_url(),
        home,
    };
    let script = home.join("my-script.sh");
    std::fs::write(&script, SCRIPT).unwrap();
    let content = openssl_base64(&script).await;
    for (name, app_type) in [
        ("my-kg-lcc", "KernelGateway"),
        ("my-js-lcc", "JupyterServer"),
    ] {
        cli.sagemaker(&[
            "create-studio-lifecycle-config",
            "--studio-lifecycle-config-name",
            name,
            "--studio-lifecycle-config-content",
            &content,
            "--studio-lifecycle-config-app-type",
            app_type,
        ])
        .await;
    }
    let kg = json!({"KernelGatewayAppSettings": {"LifecycleConfigArns": [lcc_arn("my-kg-lcc")]}});
    let kg = kg.to_string();
    for verb in ["create-user-profile", "update-user-profile"] {
        cli.sagemaker(&[
            verb,
            "--domain-id",
            &domain.id,
            "--user-profile-name",
            "data-scientist",
            "--user-settings",
            &kg,
        ])
        .await;
    }
    let js = json!({"JupyterServerAppSettings": {
        "DefaultResourceSpec": {"LifecycleConfigArn": lcc_arn("my-js-lcc"), "InstanceType": "system"},
        "LifecycleConfigArns": [lcc_arn("my-js-lcc")],
    }});
    cli.sagemaker(&[
        "update-domain",
        "--domain-id",
        &domain.id,
        "--default-user-settings",
        &js.to_string(),
    ])
    .await;
}

/// A scratch folder; the import goes to its `manifest` folder so the plan and apply helpers
/// of [`Workdir`] find it.
fn workdir() -> Workdir {
    Workdir {
        dir: TempDir::new().unwrap(),
    }
}

/// Runs `studio-lcc import` for the blog's domain into `out`, plus `extra` flags.
async fn import(sandbox: &Sandbox, work: &Workdir, out: &Path, extra: &[&str]) -> Run {
    let endpoint = sandbox.endpoint_url();
    let mut args = vec![
        "import",
        "--domain",
        DOMAIN_NAME,
        "--owner",
        OWNER,
        "--out",
        out.to_str().unwrap(),
        "--endpoint-url",
        &endpoint,
    ];
    args.extend(extra);
    Run::from(work.command(&args).output().await.unwrap())
}

/// Every file under `dir`, by relative path.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                out.insert(path.strip_prefix(dir).unwrap().to_path_buf(), bytes);
            }
        }
    }
    out
}

/// Import, a plan that only tags, an apply, and an empty plan.
async fn import_and_adopt(sandbox: &Sandbox, work: &Workdir) {
    import(sandbox, work, &work.manifest(), &[])
        .await
        .expect_code(0);
    let written = std::fs::read(work.manifest().join("scripts/my-js-lcc.sh")).unwrap();
    assert_eq!(
        written,
        SCRIPT.as_bytes(),
        "the script holds the exact bytes"
    );

    let run = work.run(&sandbox.endpoint_url(), PLAN).await;
    run.expect_code(2);
    let changes: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with(['+', '-', '~', '!', '=']))
        .collect();
    assert_eq!(
        changes,
        [
            "~ tag lifecycle config `my-js-lcc` as owned",
            "~ tag lifecycle config `my-kg-lcc` as owned",
        ],
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("Plan: 0 to create, 2 to update, 0 to delete, 0 kept.")
    );

    work.run(&sandbox.endpoint_url(), APPLY)
        .await
        .expect_code(0);
    let run = work.run(&sandbox.endpoint_url(), PLAN).await;
    run.expect_code(0);
    assert!(run.stdout.contains("No changes."), "{}", run.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_domain_set_up_with_the_aws_cli_is_imported_and_adopted_without_changes() {
    if !aws_cli_available().await {
        return;
    }
    let sandbox = support::sandbox().await;
    let work = workdir();
    blog_setup_with_aws_cli(&sandbox, work.dir.path()).await;
    import_and_adopt(&sandbox, &work).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_domain_set_up_with_the_sdk_is_imported_and_adopted_without_changes() {
    let sandbox = support::sandbox().await;
    let client = support::client(&sandbox);
    blog_setup_with_sdk(&sandbox, &client).await;
    let work = workdir();
    import_and_adopt(&sandbox, &work).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn editing_an_imported_script_rolls_out_a_new_version_and_deletes_the_imported_lcc() {
    let sandbox = support::sandbox().await;
    let client = support::client(&sandbox);
    let domain_id = blog_setup_with_sdk(&sandbox, &client).await;
    let work = workdir();
    import_and_adopt(&sandbox, &work).await;

    // A reference the manifest does not name, made after the import.
    sandbox
        .seed_user_profile(&domain_id, "late-joiner")
        .unwrap();
    let kg = KernelGatewayAppSettings::builder()
        .lifecycle_config_arns(lcc_arn("my-kg-lcc"))
        .build();
    let update = client
        .update_user_profile()
        .domain_id(&domain_id)
        .user_profile_name("late-joiner");
    let settings = UserSettings::builder()
        .kernel_gateway_app_settings(kg)
        .build();
    update.user_settings(settings).send().await.unwrap();

    work.edit_script("my-kg-lcc.sh", "Studio is starting", "Kernel is starting");
    let run = work.run(&sandbox.endpoint_url(), PLAN).await;
    run.expect_code(2);
    for expected in [
        "+ create lifecycle config `my-kg-lcc-",
        "-echo 'Studio is starting'",
        "+echo 'Kernel is starting'",
        "~ update user profile `data-scientist`",
        "~ update user profile `late-joiner`",
        "- delete lifecycle config `my-kg-lcc`",
    ] {
        assert!(
            run.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            run.stdout
        );
    }

    work.run(&sandbox.endpoint_url(), APPLY)
        .await
        .expect_code(0);
    let gone = client
        .describe_studio_lifecycle_config()
        .studio_lifecycle_config_name("my-kg-lcc")
        .send()
        .await;
    assert_eq!(support::code(gone), "ResourceNotFound");
    for profile in ["data-scientist", "late-joiner"] {
        let described = client
            .describe_user_profile()
            .domain_id(&domain_id)
            .user_profile_name(profile);
        let settings = described.send().await.unwrap().user_settings.unwrap();
        let list = settings
            .kernel_gateway_app_settings
            .unwrap()
            .lifecycle_config_arns
            .unwrap();
        assert_eq!(list.len(), 1);
        assert!(
            list[0].starts_with(&lcc_arn("my-kg-lcc-")),
            "{profile} still has {list:?}"
        );
    }
    work.run(&sandbox.endpoint_url(), PLAN).await.expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_imported_manifest_validates_and_importing_again_gives_the_same_files() {
    let sandbox = support::sandbox().await;
    let client = support::client(&sandbox);
    blog_setup_with_sdk(&sandbox, &client).await;
    let work = workdir();
    import(&sandbox, &work, &work.manifest(), &[])
        .await
        .expect_code(0);
    let manifest = work.manifest();
    let mut validate = work.command(&["validate", "-f", manifest.to_str().unwrap()]);
    Run::from(validate.output().await.unwrap()).expect_code(0);

    let again = work.dir.path().join("again");
    import(&sandbox, &work, &again, &[]).await.expect_code(0);
    assert_eq!(files(&again), files(&manifest));

    // Once adopted, the LCCs carry the owner's tags; the import still reads the same.
    work.run(&sandbox.endpoint_url(), APPLY)
        .await
        .expect_code(0);
    let adopted = work.dir.path().join("adopted");
    import(&sandbox, &work, &adopted, &[]).await.expect_code(0);
    assert_eq!(files(&adopted), files(&manifest));
}

#[tokio::test(flavor = "multi_thread")]
async fn import_refuses_a_folder_that_is_not_empty_unless_forced() {
    let sandbox = support::sandbox().await;
    let client = support::client(&sandbox);
    blog_setup_with_sdk(&sandbox, &client).await;
    let work = workdir();
    let out = work.manifest();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "mine").unwrap();

    let run = import(&sandbox, &work, &out, &[]).await;
    run.expect_code(1);
    assert!(run.stderr.contains("is not empty"), "{}", run.stderr);
    assert!(!out.join("studio-lcc.yaml").exists());

    import(&sandbox, &work, &out, &["--force"])
        .await
        .expect_code(0);
    assert!(out.join("studio-lcc.yaml").exists());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}
