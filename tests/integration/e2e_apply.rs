//! End-to-end: the `studio-lcc` binary plans and applies against a sandbox over HTTP.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::types::{
    AppType, CustomImage, KernelGatewayAppSettings, ResourceSpec, Tag, UserSettings,
};
use studio_lcc::sandbox::{FaultConfig, Latency, Sandbox};

use crate::cli_support::{Run, Workdir};
use crate::support::{self, lcc_arn};

const DOMAIN: &str = "d-examplemain01";
const DOMAIN_ARN: &str = "arn:aws:sagemaker:us-east-1:123456789012:domain/d-examplemain01";
const APPLY: &[&str] = &[
    "apply",
    "--yes",
    "--poll-interval",
    "50ms",
    "--max-attempts",
    "12",
];
const PLAN: &[&str] = &["plan", "--detailed-exitcode", "--max-attempts", "12"];

/// A sandbox holding the quickstart's domain and space, and a copy of the quickstart.
async fn quickstart() -> (Sandbox, Client, Workdir) {
    let sandbox = support::sandbox().await;
    sandbox.seed_domain(Some(DOMAIN), None).unwrap();
    sandbox.seed_space(DOMAIN, "team-space").unwrap();
    let client = support::client(&sandbox);
    (sandbox, client, Workdir::example("quickstart"))
}

async fn apply(sandbox: &Sandbox, work: &Workdir) -> Run {
    work.run(&sandbox.endpoint_url(), APPLY).await
}

async fn plan(sandbox: &Sandbox, work: &Workdir) -> Run {
    work.run(&sandbox.endpoint_url(), PLAN).await
}

/// LCC names per script, as the manifest currently resolves them.
fn versions(work: &Workdir) -> BTreeMap<String, Vec<String>> {
    let options = studio_lcc::manifest::LoadOptions::default();
    let loaded = studio_lcc::manifest::load(&work.manifest(), &options).unwrap();
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for version in loaded.desired.scripts {
        names
            .entry(version.script)
            .or_default()
            .push(version.lcc_name);
    }
    names
}

fn lab_setup(work: &Workdir) -> String {
    versions(work)["lab-setup"][0].clone()
}

async fn lcc_exists(client: &Client, name: &str) -> bool {
    let result = client
        .describe_studio_lifecycle_config()
        .studio_lifecycle_config_name(name)
        .send()
        .await;
    match result {
        Ok(_) => true,
        Err(err) => {
            assert_eq!(support::code::<(), _>(Err(err)), "ResourceNotFound");
            false
        }
    }
}

async fn lcc_names(client: &Client) -> Vec<String> {
    let out = client
        .list_studio_lifecycle_configs()
        .max_results(100)
        .send()
        .await
        .unwrap();
    let configs = out.studio_lifecycle_configs.unwrap_or_default();
    configs
        .into_iter()
        .filter_map(|c| c.studio_lifecycle_config_name)
        .collect()
}

fn edit_lab_setup(work: &Workdir) {
    work.edit_script("lab-setup.sh", "echo \"Installing", "echo \"Now installing");
}

#[tokio::test(flavor = "multi_thread")]
async fn first_apply_attaches_everything_and_the_next_plan_is_empty() {
    let (sandbox, client, work) = quickstart().await;
    plan(&sandbox, &work).await.expect_code(2);

    let run = apply(&sandbox, &work).await;
    run.expect_code(0);
    assert!(
        run.stdout
            .contains("Plan: 4 to create, 2 to update, 0 to delete, 0 kept.")
    );

    let domain = client
        .describe_domain()
        .domain_id(DOMAIN)
        .send()
        .await
        .unwrap();
    let lab = domain
        .default_user_settings
        .unwrap()
        .jupyter_lab_app_settings
        .unwrap();
    let arn = lcc_arn(&lab_setup(&work));
    assert_eq!(lab.lifecycle_config_arns, Some(vec![arn.clone()]));
    assert_eq!(
        lab.default_resource_spec.unwrap().lifecycle_config_arn,
        Some(arn)
    );
    let alice = client
        .describe_user_profile()
        .domain_id(DOMAIN)
        .user_profile_name("alice");
    assert_eq!(
        alice.send().await.unwrap().status.unwrap().as_str(),
        "InService"
    );

    let run = plan(&sandbox, &work).await;
    run.expect_code(0);
    assert!(run.stdout.contains("No changes."));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edited_script_rolls_out_to_every_reference_and_retires_the_old_version() {
    let (sandbox, client, work) = quickstart().await;
    apply(&sandbox, &work).await.expect_code(0);
    let old = lab_setup(&work);

    // References the manifest does not name: a profile and a space on the old version.
    sandbox.seed_user_profile(DOMAIN, "bob").unwrap();
    let lab = aws_sdk_sagemaker::types::JupyterLabAppSettings::builder()
        .lifecycle_config_arns(lcc_arn(&old))
        .default_resource_spec(
            ResourceSpec::builder()
                .lifecycle_config_arn(lcc_arn(&old))
                .build(),
        )
        .build();
    let bob = UserSettings::builder()
        .jupyter_lab_app_settings(lab)
        .build();
    let request = client
        .update_user_profile()
        .domain_id(DOMAIN)
        .user_profile_name("bob");
    request.user_settings(bob).send().await.unwrap();
    sandbox.seed_space(DOMAIN, "other").unwrap();
    let space_lab = aws_sdk_sagemaker::types::SpaceJupyterLabAppSettings::builder()
        .default_resource_spec(
            ResourceSpec::builder()
                .lifecycle_config_arn(lcc_arn(&old))
                .build(),
        )
        .build();
    let settings =
        aws_sdk_sagemaker::types::SpaceSettings::builder().jupyter_lab_app_settings(space_lab);
    let request = client.update_space().domain_id(DOMAIN).space_name("other");
    request
        .space_settings(settings.build())
        .send()
        .await
        .unwrap();

    edit_lab_setup(&work);
    let new = lab_setup(&work);
    let run = plan(&sandbox, &work).await;
    run.expect_code(2);
    for expected in [
        format!("+ create lifecycle config `{new}`"),
        "-echo \"Installing".to_owned(),
        "+echo \"Now installing".to_owned(),
        format!("~ update domain `{DOMAIN}`"),
        "~ update user profile `bob`".to_owned(),
        "~ update space `other`".to_owned(),
        "~ update space `team-space`".to_owned(),
        format!("- delete lifecycle config `{old}`"),
    ] {
        assert!(
            run.stdout.contains(&expected),
            "missing `{expected}` in:\n{}",
            run.stdout
        );
    }

    apply(&sandbox, &work).await.expect_code(0);
    assert!(
        !lcc_exists(&client, &old).await,
        "the old version is deleted"
    );
    let bob = client
        .describe_user_profile()
        .domain_id(DOMAIN)
        .user_profile_name("bob");
    let bob = bob
        .send()
        .await
        .unwrap()
        .user_settings
        .unwrap()
        .jupyter_lab_app_settings
        .unwrap();
    assert_eq!(bob.lifecycle_config_arns, Some(vec![lcc_arn(&new)]));
    plan(&sandbox, &work).await.expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_version_a_running_app_uses_is_kept_until_the_app_is_gone() {
    let (sandbox, client, work) = quickstart().await;
    apply(&sandbox, &work).await.expect_code(0);
    let old = lab_setup(&work);
    let spec = ResourceSpec::builder()
        .lifecycle_config_arn(lcc_arn(&old))
        .build();
    let app = client
        .create_app()
        .domain_id(DOMAIN)
        .space_name("team-space");
    let app = app
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .resource_spec(spec);
    app.send().await.unwrap();

    edit_lab_setup(&work);
    let run = apply(&sandbox, &work).await;
    run.expect_code(0);
    assert!(
        run.stdout
            .contains(&format!("= keep lifecycle config `{old}`")),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("JupyterLab app `default` of space `team-space`")
    );
    assert!(lcc_exists(&client, &old).await);

    let delete = client
        .delete_app()
        .domain_id(DOMAIN)
        .space_name("team-space");
    delete
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .unwrap();
    let run = apply(&sandbox, &work).await;
    run.expect_code(0);
    assert!(
        run.stdout
            .contains(&format!("- delete lifecycle config `{old}`"))
    );
    assert!(!lcc_exists(&client, &old).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_update_keeps_the_old_version_and_the_next_apply_converges() {
    let (sandbox, client, work) = quickstart().await;
    apply(&sandbox, &work).await.expect_code(0);
    let old = lab_setup(&work);
    let reason = "execution role cannot be assumed by SageMaker";
    sandbox.fail_next_update(DOMAIN_ARN, reason);

    edit_lab_setup(&work);
    let run = apply(&sandbox, &work).await;
    run.expect_code(1);
    assert!(run.stderr.contains(reason), "{}", run.stderr);
    assert!(run.stderr.contains("Update_Failed"), "{}", run.stderr);
    assert!(
        lcc_exists(&client, &old).await,
        "the old version must survive a failed update"
    );

    apply(&sandbox, &work).await.expect_code(0);
    assert!(!lcc_exists(&client, &old).await);
    plan(&sandbox, &work).await.expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_killed_after_the_create_is_finished_by_the_next_run_without_duplicates() {
    let (sandbox, client, work) = quickstart().await;
    apply(&sandbox, &work).await.expect_code(0);
    edit_lab_setup(&work);
    let new = lab_setup(&work);
    sandbox.set_faults(FaultConfig {
        latency: Some(Latency {
            min_ms: 5_000,
            max_ms: 5_000,
        }),
        operations: vec!["UpdateDomain".to_owned()],
        ..FaultConfig::default()
    });
    sandbox.reset_calls();

    let manifest = work.manifest();
    let endpoint = sandbox.endpoint_url();
    let mut args: Vec<&str> = APPLY.to_vec();
    args.extend([
        "-f",
        manifest.to_str().unwrap(),
        "--endpoint-url",
        &endpoint,
    ]);
    let mut command = work.command(&args);
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = command.spawn().unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while sandbox
        .calls()
        .operation("CreateStudioLifecycleConfig")
        .calls
        == 0
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "apply never created the new version"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().await.unwrap();
    assert!(
        lcc_exists(&client, &new).await,
        "the kill came after the create"
    );

    sandbox.set_faults(FaultConfig::default());
    apply(&sandbox, &work).await.expect_code(0);
    plan(&sandbox, &work).await.expect_code(0);
    let lab_versions: Vec<String> = lcc_names(&client)
        .await
        .into_iter()
        .filter(|n| n.starts_with("lab-setup-"))
        .collect();
    assert_eq!(lab_versions, vec![new]);
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_converges_with_thirty_percent_of_calls_throttled() {
    let (sandbox, _client, work) = quickstart().await;
    sandbox.set_faults(FaultConfig {
        throttle_probability: 0.3,
        ..FaultConfig::default()
    });
    apply(&sandbox, &work).await.expect_code(0);
    edit_lab_setup(&work);
    apply(&sandbox, &work).await.expect_code(0);
    plan(&sandbox, &work).await.expect_code(0);
    assert!(
        sandbox.calls().total().throttled > 0,
        "the sandbox did throttle"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_saved_plan_is_refused_and_changes_nothing() {
    let (sandbox, client, work) = quickstart().await;
    apply(&sandbox, &work).await.expect_code(0);
    edit_lab_setup(&work);
    let new = lab_setup(&work);
    let saved = work.dir.path().join("plan.json");
    let mut args: Vec<&str> = PLAN.to_vec();
    args.extend(["--out", saved.to_str().unwrap()]);
    work.run(&sandbox.endpoint_url(), &args)
        .await
        .expect_code(2);

    // Someone changes a managed slot after the plan was saved.
    let kg = KernelGatewayAppSettings::builder()
        .set_lifecycle_config_arns(Some(vec![]))
        .build();
    let settings = UserSettings::builder()
        .kernel_gateway_app_settings(kg)
        .build();
    let update = client
        .update_domain()
        .domain_id(DOMAIN)
        .default_user_settings(settings);
    update.send().await.unwrap();

    let endpoint = sandbox.endpoint_url();
    let args = [
        "apply",
        saved.to_str().unwrap(),
        "--yes",
        "--endpoint-url",
        &endpoint,
    ];
    let run = Run::from(work.command(&args).output().await.unwrap());
    run.expect_code(1);
    assert!(run.stderr.contains("stale"), "{}", run.stderr);
    assert!(
        !lcc_exists(&client, &new).await,
        "nothing from the stale plan was applied"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn settings_the_tool_does_not_manage_are_left_exactly_as_they_were() {
    let (sandbox, client, work) = quickstart().await;
    let foreign = support::create_lcc(&client, "hand-made-editor", "CodeEditor").await;
    let image = CustomImage::builder()
        .image_name("team-image")
        .app_image_config_name("team-config");
    let kg = KernelGatewayAppSettings::builder()
        .custom_images(image.build())
        .default_resource_spec(
            ResourceSpec::builder()
                .instance_type("ml.t3.large".into())
                .build(),
        )
        .build();
    let editor = aws_sdk_sagemaker::types::CodeEditorAppSettings::builder()
        .lifecycle_config_arns(foreign)
        .build();
    let settings = UserSettings::builder()
        .execution_role("arn:aws:iam::123456789012:role/team-studio-role")
        .kernel_gateway_app_settings(kg)
        .code_editor_app_settings(editor)
        .build();
    client
        .update_domain()
        .domain_id(DOMAIN)
        .default_user_settings(settings)
        .send()
        .await
        .unwrap();
    let before = client
        .describe_domain()
        .domain_id(DOMAIN)
        .send()
        .await
        .unwrap();
    let before = before.default_user_settings.unwrap();

    apply(&sandbox, &work).await.expect_code(0);

    let after = client
        .describe_domain()
        .domain_id(DOMAIN)
        .send()
        .await
        .unwrap();
    let after = after.default_user_settings.unwrap();
    assert_eq!(after.execution_role, before.execution_role);
    assert_eq!(
        after.code_editor_app_settings,
        before.code_editor_app_settings
    );
    let (kg_before, kg_after) = (
        before.kernel_gateway_app_settings.unwrap(),
        after.kernel_gateway_app_settings.unwrap(),
    );
    assert_eq!(kg_after.custom_images, kg_before.custom_images);
    let instance = |s: &KernelGatewayAppSettings| {
        s.default_resource_spec
            .as_ref()
            .and_then(|r| r.instance_type.clone())
    };
    assert_eq!(instance(&kg_after), instance(&kg_before));
    assert_ne!(
        kg_after.lifecycle_config_arns, kg_before.lifecycle_config_arns,
        "managed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_name_taken_by_another_owner_is_a_conflict_and_nothing_changes() {
    let (sandbox, client, work) = quickstart().await;
    let name = lab_setup(&work);
    let tag = Tag::builder()
        .key("studio-lcc:owner")
        .value("another-team")
        .build();
    client
        .create_studio_lifecycle_config()
        .studio_lifecycle_config_name(&name)
        .studio_lifecycle_config_content(support::SCRIPT_B64)
        .studio_lifecycle_config_app_type("JupyterLab".into())
        .tags(tag)
        .send()
        .await
        .unwrap();

    let run = apply(&sandbox, &work).await;
    run.expect_code(1);
    assert!(
        run.stdout
            .contains(&format!("conflict on lifecycle config `{name}`")),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("owned by `another-team`"));
    assert_eq!(
        lcc_names(&client).await,
        vec![name],
        "nothing created, nothing deleted"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_readme_main_command_plans_and_applies_on_a_fresh_sandbox() {
    let work = Workdir::example("quickstart");
    let args = ["apply", "--sandbox", "--yes", "-f", "manifest"];
    let run = Run::from(work.command(&args).output().await.unwrap());
    run.expect_code(0);
    assert!(
        run.stdout.contains("+ create lifecycle config `lab-setup-"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("Apply finished: 6 step(s) done, 0 failed"),
        "{}",
        run.stderr
    );
    assert!(work.dir.path().join(".studio-lcc/sandbox.json").exists());

    let args = ["plan", "--sandbox", "--detailed-exitcode", "-f", "manifest"];
    Run::from(work.command(&args).output().await.unwrap()).expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn plans_render_as_versioned_json_and_as_markdown() {
    let (sandbox, _client, work) = quickstart().await;
    apply(&sandbox, &work).await.expect_code(0);
    let old = lab_setup(&work);
    edit_lab_setup(&work);

    let run = work
        .run(&sandbox.endpoint_url(), &["plan", "--format", "json"])
        .await;
    run.expect_code(0);
    let plan: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(plan["formatVersion"], 1);
    assert_eq!(plan["summary"]["delete"], 1);
    let actions: Vec<&str> = plan["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["createLcc", "updateDomain", "updateSpace", "deleteLcc"]
    );
    assert_eq!(plan["steps"][0]["replaces"]["name"], old.as_str());

    let run = work
        .run(&sandbox.endpoint_url(), &["plan", "--format", "markdown"])
        .await;
    run.expect_code(0);
    assert!(run.stdout.contains("```diff\n"), "{}", run.stdout);
    assert!(
        run.stdout.contains(&format!("delete `{old}`")),
        "{}",
        run.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_without_a_terminal_or_yes_changes_nothing() {
    let (sandbox, client, work) = quickstart().await;
    let run = work.run(&sandbox.endpoint_url(), &["apply"]).await;
    run.expect_code(1);
    assert!(run.stderr.contains("pass --yes"), "{}", run.stderr);
    assert!(lcc_names(&client).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rate_limited_plan_still_reads_every_profile() {
    let (sandbox, _client, work) = quickstart().await;
    apply(&sandbox, &work).await.expect_code(0);
    for i in 0..150 {
        sandbox
            .seed_user_profile(DOMAIN, &format!("user-{i:03}"))
            .unwrap();
    }
    edit_lab_setup(&work);
    sandbox.set_faults(FaultConfig {
        throttle_bucket: Some(studio_lcc::sandbox::TokenBucket {
            rate_per_second: 20.0,
            burst: 5,
        }),
        ..FaultConfig::default()
    });

    let args = [
        "plan",
        "--detailed-exitcode",
        "--concurrency",
        "8",
        "--max-attempts",
        "30",
    ];
    let run = work.run(&sandbox.endpoint_url(), &args).await;
    run.expect_code(2);
    let calls = sandbox.calls();
    assert!(
        calls.operation("DescribeUserProfile").throttled > 0,
        "the bucket did throttle"
    );
    assert!(
        calls.operation("DescribeUserProfile").calls > 150,
        "every profile was described"
    );
}
