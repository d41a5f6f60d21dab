//! The sandbox driven through the real `aws-sdk-sagemaker` client: round trips, patch
//! semantics, statuses and paging.

use aws_sdk_sagemaker::types::{
    AppType, JupyterLabAppSettings, KernelGatewayAppSettings, ResourceSpec,
    StudioLifecycleConfigAppType, UserSettings,
};

use crate::support::{SCRIPT_B64, client, create_lcc, lcc_arn, sandbox};

#[tokio::test]
async fn an_lcc_round_trips_through_the_sdk() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);

    let arn = create_lcc(&client, "install-tools", "JupyterLab").await;
    assert_eq!(arn, lcc_arn("install-tools"));

    let described = client
        .describe_studio_lifecycle_config()
        .studio_lifecycle_config_name("install-tools")
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.studio_lifecycle_config_content(),
        Some(SCRIPT_B64)
    );
    assert_eq!(
        described.studio_lifecycle_config_app_type(),
        Some(&StudioLifecycleConfigAppType::JupyterLab)
    );
    assert!(described.creation_time().is_some());

    let listed = client.list_studio_lifecycle_configs().send().await.unwrap();
    let names: Vec<_> = listed
        .studio_lifecycle_configs()
        .iter()
        .filter_map(|c| c.studio_lifecycle_config_name())
        .collect();
    assert_eq!(names, ["install-tools"]);

    client
        .delete_studio_lifecycle_config()
        .studio_lifecycle_config_name("install-tools")
        .send()
        .await
        .unwrap();
    let listed = client.list_studio_lifecycle_configs().send().await.unwrap();
    assert!(listed.studio_lifecycle_configs().is_empty());
}

#[tokio::test]
async fn a_seeded_domain_is_in_service_with_realistic_settings() {
    let sandbox = sandbox().await;
    let domain = sandbox
        .seed_domain(Some("d-abcdefghijkl"), Some("team"))
        .unwrap();
    assert_eq!(
        domain.arn,
        "arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl"
    );
    assert_eq!(
        sandbox.seed_domain(Some("d-abcdefghijkl"), None).unwrap(),
        domain
    );

    let described = client(&sandbox)
        .describe_domain()
        .domain_id(&domain.id)
        .send()
        .await
        .unwrap();
    assert_eq!(described.domain_name(), Some("team"));
    assert_eq!(described.status().map(|s| s.as_str()), Some("InService"));
    let settings = described.default_user_settings().unwrap();
    assert!(settings.execution_role().is_some());
    let spec = settings
        .jupyter_server_app_settings()
        .unwrap()
        .default_resource_spec()
        .unwrap();
    assert_eq!(spec.instance_type().map(|t| t.as_str()), Some("system"));
}

#[tokio::test]
async fn an_update_of_one_list_leaves_every_other_stored_field_identical() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    let kg_image = aws_sdk_sagemaker::types::CustomImage::builder()
        .image_name("my-image")
        .app_image_config_name("my-config")
        .build();
    let kg = KernelGatewayAppSettings::builder()
        .custom_images(kg_image)
        .build();
    let setup = UserSettings::builder()
        .kernel_gateway_app_settings(kg)
        .build();
    crate::support::update_domain_defaults(&client, &domain.id, setup).await;
    let before = crate::support::describe_domain(&client, &domain.id).await;

    let lcc = create_lcc(&client, "lab-setup", "JupyterLab").await;
    let lab = JupyterLabAppSettings::builder()
        .lifecycle_config_arns(&lcc)
        .build();
    let patch = UserSettings::builder()
        .jupyter_lab_app_settings(lab)
        .build();
    crate::support::update_domain_defaults(&client, &domain.id, patch).await;
    let after = crate::support::describe_domain(&client, &domain.id).await;

    let (b, a) = (
        before.default_user_settings().unwrap(),
        after.default_user_settings().unwrap(),
    );
    assert_eq!(
        a.jupyter_lab_app_settings()
            .unwrap()
            .lifecycle_config_arns(),
        std::slice::from_ref(&lcc)
    );
    assert_eq!(a.execution_role(), b.execution_role());
    assert_eq!(
        a.kernel_gateway_app_settings(),
        b.kernel_gateway_app_settings()
    );
    assert_eq!(
        a.jupyter_server_app_settings(),
        b.jupyter_server_app_settings()
    );
    assert_eq!(a.code_editor_app_settings(), b.code_editor_app_settings());
    assert_eq!(a.sharing_settings(), b.sharing_settings());
    assert_eq!(
        a.jupyter_lab_app_settings()
            .unwrap()
            .default_resource_spec(),
        b.jupyter_lab_app_settings()
            .unwrap()
            .default_resource_spec()
    );
    assert_eq!(
        after.default_space_settings(),
        before.default_space_settings()
    );
    assert_eq!(
        a.kernel_gateway_app_settings()
            .unwrap()
            .custom_images()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_empty_list_clears_and_none_clears_the_default() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    sandbox.seed_user_profile(&domain.id, "alice").unwrap();
    let lcc = create_lcc(&client, "kg-setup", "KernelGateway").await;
    let spec = ResourceSpec::builder()
        .lifecycle_config_arn(&lcc)
        .instance_type("ml.t3.medium".into())
        .build();
    let kg = KernelGatewayAppSettings::builder()
        .lifecycle_config_arns(&lcc)
        .default_resource_spec(spec)
        .build();
    let set = UserSettings::builder()
        .kernel_gateway_app_settings(kg)
        .build();
    client
        .update_user_profile()
        .domain_id(&domain.id)
        .user_profile_name("alice")
        .user_settings(set)
        .send()
        .await
        .unwrap();

    let none_spec = ResourceSpec::builder().lifecycle_config_arn("None").build();
    let kg = KernelGatewayAppSettings::builder()
        .set_lifecycle_config_arns(Some(vec![]))
        .default_resource_spec(none_spec)
        .build();
    let clear = UserSettings::builder()
        .kernel_gateway_app_settings(kg)
        .build();
    client
        .update_user_profile()
        .domain_id(&domain.id)
        .user_profile_name("ALICE")
        .user_settings(clear)
        .send()
        .await
        .unwrap();

    let described = client
        .describe_user_profile()
        .domain_id(&domain.id)
        .user_profile_name("Alice")
        .send()
        .await
        .unwrap();
    assert_eq!(described.user_profile_name(), Some("alice"));
    let kg = described
        .user_settings()
        .unwrap()
        .kernel_gateway_app_settings()
        .unwrap();
    assert!(
        kg.lifecycle_config_arns.as_ref().is_some_and(Vec::is_empty),
        "[] is kept as []"
    );
    let spec = kg.default_resource_spec().unwrap();
    assert_eq!(spec.lifecycle_config_arn(), None);
    assert_eq!(
        spec.instance_type().map(|t| t.as_str()),
        Some("ml.t3.medium")
    );
    client
        .delete_studio_lifecycle_config()
        .studio_lifecycle_config_name("kg-setup")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_update_passes_through_updating_and_a_create_through_pending() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    sandbox.set_update_delay(std::time::Duration::from_secs(3600));
    let patch = UserSettings::builder()
        .default_landing_uri("studio::")
        .build();
    crate::support::update_domain_defaults(&client, &domain.id, patch).await;
    let described = crate::support::describe_domain(&client, &domain.id).await;
    assert_eq!(described.status().map(|s| s.as_str()), Some("Updating"));

    sandbox.set_create_delay(std::time::Duration::from_secs(3600));
    client
        .create_user_profile()
        .domain_id(&domain.id)
        .user_profile_name("bob")
        .send()
        .await
        .unwrap();
    let bob = client
        .describe_user_profile()
        .domain_id(&domain.id)
        .user_profile_name("bob")
        .send()
        .await
        .unwrap();
    assert_eq!(bob.status().map(|s| s.as_str()), Some("Pending"));
}

#[tokio::test]
async fn a_failed_update_ends_update_failed_without_its_patch_and_can_be_retried() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    let lcc = create_lcc(&client, "lab", "JupyterLab").await;
    sandbox.fail_next_update(&domain.arn, "Injected failure");
    let lab = JupyterLabAppSettings::builder()
        .lifecycle_config_arns(&lcc)
        .build();
    let patch = UserSettings::builder()
        .jupyter_lab_app_settings(lab)
        .build();
    crate::support::update_domain_defaults(&client, &domain.id, patch.clone()).await;

    let failed = crate::support::describe_domain(&client, &domain.id).await;
    assert_eq!(failed.status().map(|s| s.as_str()), Some("Update_Failed"));
    assert_eq!(failed.failure_reason(), Some("Injected failure"));
    let lab = failed
        .default_user_settings()
        .unwrap()
        .jupyter_lab_app_settings()
        .unwrap();
    assert!(lab.lifecycle_config_arns().is_empty());

    crate::support::update_domain_defaults(&client, &domain.id, patch).await;
    let fixed = crate::support::describe_domain(&client, &domain.id).await;
    assert_eq!(fixed.status().map(|s| s.as_str()), Some("InService"));
    assert_eq!(fixed.failure_reason(), None);
    let lab = fixed
        .default_user_settings()
        .unwrap()
        .jupyter_lab_app_settings()
        .unwrap();
    assert_eq!(lab.lifecycle_config_arns(), [lcc]);
}

#[tokio::test]
async fn two_hundred_fifty_user_profiles_page_with_size_100_and_with_the_default() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    for i in 0..250 {
        sandbox
            .seed_user_profile(&domain.id, &format!("user-{i:03}"))
            .unwrap();
    }
    for (page_size, expected_pages) in [(Some(100), 3), (None, 25)] {
        let (mut names, mut pages, mut token) = (Vec::new(), 0, None);
        loop {
            let page = client
                .list_user_profiles()
                .domain_id_equals(&domain.id)
                .set_max_results(page_size)
                .set_next_token(token)
                .send()
                .await
                .unwrap();
            pages += 1;
            names.extend(
                page.user_profiles()
                    .iter()
                    .filter_map(|p| p.user_profile_name().map(str::to_owned)),
            );
            token = page.next_token().map(str::to_owned);
            if token.is_none() {
                break;
            }
        }
        let expected: Vec<String> = (0..250).map(|i| format!("user-{i:03}")).collect();
        assert_eq!(names, expected);
        assert_eq!(pages, expected_pages);
    }
}

#[tokio::test]
async fn a_deleted_app_stays_listed_as_deleted() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    sandbox.seed_space(&domain.id, "shared").unwrap();
    let create = client
        .create_app()
        .domain_id(&domain.id)
        .space_name("shared")
        .app_type(AppType::JupyterLab)
        .app_name("default");
    create.send().await.unwrap();
    let delete = client
        .delete_app()
        .domain_id(&domain.id)
        .space_name("shared")
        .app_type(AppType::JupyterLab)
        .app_name("default");
    delete.send().await.unwrap();
    let apps = client
        .list_apps()
        .domain_id_equals(&domain.id)
        .send()
        .await
        .unwrap();
    let statuses: Vec<_> = apps
        .apps()
        .iter()
        .filter_map(|a| a.status())
        .map(|s| s.as_str())
        .collect();
    assert_eq!(statuses, ["Deleted"]);
}

#[tokio::test]
async fn tags_are_added_listed_and_deleted() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let arn = create_lcc(&client, "tagged", "CodeEditor").await;
    let tag = |k: &str, v: &str| {
        aws_sdk_sagemaker::types::Tag::builder()
            .key(k)
            .value(v)
            .build()
    };
    client
        .add_tags()
        .resource_arn(&arn)
        .tags(tag("owner", "a"))
        .tags(tag("team", "ml"))
        .send()
        .await
        .unwrap();
    client
        .add_tags()
        .resource_arn(&arn)
        .tags(tag("owner", "b"))
        .send()
        .await
        .unwrap();
    client
        .delete_tags()
        .resource_arn(&arn)
        .tag_keys("team")
        .send()
        .await
        .unwrap();
    let tags = client.list_tags().resource_arn(&arn).send().await.unwrap();
    let pairs: Vec<_> = tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(pairs, [(Some("owner"), Some("b"))]);
}
