//! Every error case a user of the sandbox depends on, with its exact error type.

use aws_sdk_sagemaker::types::{
    AppType, JupyterLabAppSettings, JupyterServerAppSettings, ResourceSpec, SpaceSettings,
    UserSettings,
};

use aws_sdk_sagemaker::error::ProvideErrorMetadata;

use crate::support::{SCRIPT_B64, client, code, create_lcc, raw_call, sandbox};

#[tokio::test]
async fn deleting_an_lcc_that_a_domain_refers_to_is_resource_in_use() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    let lcc = create_lcc(&client, "lab", "JupyterLab").await;
    let lab = JupyterLabAppSettings::builder()
        .lifecycle_config_arns(&lcc)
        .build();
    let settings = UserSettings::builder()
        .jupyter_lab_app_settings(lab)
        .build();
    crate::support::update_domain_defaults(&client, &domain.id, settings).await;

    let delete = client
        .delete_studio_lifecycle_config()
        .studio_lifecycle_config_name("lab");
    assert_eq!(code(delete.clone().send().await), "ResourceInUse");

    let lab = JupyterLabAppSettings::builder()
        .set_lifecycle_config_arns(Some(vec![]))
        .build();
    let detach = UserSettings::builder()
        .jupyter_lab_app_settings(lab)
        .build();
    crate::support::update_domain_defaults(&client, &domain.id, detach).await;
    delete.send().await.expect("a detached LCC can be deleted");
}

#[tokio::test]
async fn deleting_an_lcc_that_an_in_service_app_uses_is_resource_in_use() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    sandbox.seed_space(&domain.id, "shared").unwrap();
    let lcc = create_lcc(&client, "lab", "JupyterLab").await;
    let spec = ResourceSpec::builder().lifecycle_config_arn(&lcc).build();
    let (c, id) = (&client, &domain.id);
    c.create_app()
        .domain_id(id)
        .space_name("shared")
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .resource_spec(spec)
        .send()
        .await
        .unwrap();
    let described = c
        .describe_app()
        .domain_id(id)
        .space_name("shared")
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .unwrap();
    assert_eq!(described.status().map(|s| s.as_str()), Some("InService"));

    let delete = client
        .delete_studio_lifecycle_config()
        .studio_lifecycle_config_name("lab");
    assert_eq!(code(delete.clone().send().await), "ResourceInUse");

    c.delete_app()
        .domain_id(id)
        .space_name("shared")
        .app_type(AppType::JupyterLab)
        .app_name("default")
        .send()
        .await
        .unwrap();
    delete
        .send()
        .await
        .expect("an LCC used only by a deleted app can be deleted");
}

#[tokio::test]
async fn a_duplicate_lcc_name_is_resource_in_use() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    create_lcc(&client, "dup", "JupyterLab").await;
    let again = client
        .create_studio_lifecycle_config()
        .studio_lifecycle_config_name("dup")
        .studio_lifecycle_config_content(SCRIPT_B64)
        .studio_lifecycle_config_app_type("CodeEditor".into())
        .send()
        .await;
    assert_eq!(code(again), "ResourceInUse");
}

#[tokio::test]
async fn an_invalid_name_is_a_validation_exception_in_coral_format() {
    let sandbox = sandbox().await;
    let response = raw_call(
        &sandbox,
        "CreateStudioLifecycleConfig",
        r#"{"StudioLifecycleConfigName":"no_underscores","StudioLifecycleConfigContent":"eA==","StudioLifecycleConfigAppType":"JupyterLab"}"#,
    )
    .await;
    assert_eq!(response.status, 400);
    let body = response.json();
    assert_eq!(body["__type"], "ValidationException");
    assert_eq!(
        body["Message"],
        "1 validation error detected: Value 'no_underscores' at 'studioLifecycleConfigName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$"
    );
}

#[tokio::test]
async fn content_over_the_limit_or_not_base64_is_a_validation_exception() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let create = |content: String| {
        client
            .create_studio_lifecycle_config()
            .studio_lifecycle_config_name("big")
            .studio_lifecycle_config_content(content)
            .studio_lifecycle_config_app_type("JupyterLab".into())
            .send()
    };
    assert_eq!(
        code(create("A".repeat(16_388)).await),
        "ValidationException"
    );
    assert_eq!(
        code(create("not base64!".into()).await),
        "ValidationException"
    );
    create("A".repeat(16_384))
        .await
        .expect("exactly 16384 characters is allowed");
}

#[tokio::test]
async fn an_lcc_of_the_wrong_app_type_in_a_slot_is_a_validation_exception() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    let kg = create_lcc(&client, "kg", "KernelGateway").await;
    let spec = ResourceSpec::builder()
        .lifecycle_config_arn(&kg)
        .instance_type("system".into())
        .build();
    let js = JupyterServerAppSettings::builder()
        .default_resource_spec(spec)
        .lifecycle_config_arns(&kg)
        .build();
    let settings = UserSettings::builder()
        .jupyter_server_app_settings(js)
        .build();
    let update = client
        .update_domain()
        .domain_id(&domain.id)
        .default_user_settings(settings)
        .send()
        .await;
    assert_eq!(code(update), "ValidationException");

    let missing = crate::support::lcc_arn("never-created");
    let lab = JupyterLabAppSettings::builder()
        .lifecycle_config_arns(missing)
        .build();
    let settings = UserSettings::builder()
        .jupyter_lab_app_settings(lab)
        .build();
    let update = client
        .update_domain()
        .domain_id(&domain.id)
        .default_user_settings(settings)
        .send()
        .await;
    assert_eq!(code(update), "ValidationException");
}

#[tokio::test]
async fn an_update_while_updating_is_resource_in_use() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    sandbox.seed_user_profile(&domain.id, "alice").unwrap();
    sandbox.set_update_delay(std::time::Duration::from_secs(3600));
    let settings = UserSettings::builder()
        .default_landing_uri("studio::")
        .build();
    let update = client
        .update_user_profile()
        .domain_id(&domain.id)
        .user_profile_name("alice")
        .user_settings(settings);
    update.clone().send().await.unwrap();
    assert_eq!(code(update.send().await), "ResourceInUse");
}

#[tokio::test]
async fn app_type_in_update_space_is_refused() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    let domain = sandbox.seed_domain(None, None).unwrap();
    sandbox.seed_space(&domain.id, "shared").unwrap();
    let settings = SpaceSettings::builder()
        .app_type(AppType::JupyterLab)
        .build();
    let result = client
        .update_space()
        .domain_id(&domain.id)
        .space_name("shared")
        .space_settings(settings)
        .send()
        .await;
    let err = result.unwrap_err();
    assert_eq!(err.code(), Some("ValidationException"));
    assert_eq!(
        err.message(),
        Some("Updating AppType for Space is not supported.")
    );
}

#[tokio::test]
async fn missing_resources_are_resource_not_found() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    assert_eq!(
        code(
            client
                .describe_domain()
                .domain_id("d-000000000000")
                .send()
                .await
        ),
        "ResourceNotFound"
    );
    let describe = client
        .describe_studio_lifecycle_config()
        .studio_lifecycle_config_name("nope");
    assert_eq!(code(describe.send().await), "ResourceNotFound");
}

#[tokio::test]
async fn malformed_json_is_a_serialization_exception() {
    let sandbox = sandbox().await;
    let response = raw_call(&sandbox, "ListDomains", "{\"MaxResults\": ").await;
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["__type"], "SerializationException");
    let wrong_type = raw_call(&sandbox, "ListDomains", r#"{"MaxResults": "ten"}"#).await;
    assert_eq!(wrong_type.json()["__type"], "SerializationException");
}

#[tokio::test]
async fn an_unknown_operation_is_unknown_operation_exception() {
    let sandbox = sandbox().await;
    let response = raw_call(&sandbox, "CreateNotebookInstance", "{}").await;
    assert_eq!(response.status, 400);
    assert_eq!(response.json()["__type"], "UnknownOperationException");
    assert!(
        response
            .header("x-amzn-requestid")
            .is_some_and(|id| !id.is_empty())
    );
}

#[tokio::test]
async fn a_get_or_a_missing_target_is_answered_with_a_request_id_and_a_clear_message() {
    let sandbox = crate::support::sandbox().await;
    let get = crate::support::raw_request(&sandbox, "GET", "/", &[], "").await;
    assert_eq!(get.status, 405);
    assert!(get.header("x-amzn-requestid").is_some());

    let headers = [("Content-Type", "application/x-amz-json-1.1")];
    let untargeted = crate::support::raw_request(&sandbox, "POST", "/", &headers, "{}").await;
    assert_eq!(untargeted.status, 400);
    assert!(
        untargeted.json()["Message"]
            .as_str()
            .unwrap()
            .contains("X-Amz-Target")
    );
}

#[tokio::test]
async fn lcc_names_differing_in_case_are_two_lccs_with_their_own_tags() {
    let sandbox = crate::support::sandbox().await;
    let client = crate::support::client(&sandbox);
    let upper = crate::support::create_lcc(&client, "Foo-1234abcd", "JupyterLab").await;
    let lower = crate::support::create_lcc(&client, "foo-1234abcd", "JupyterLab").await;
    let tag = aws_sdk_sagemaker::types::Tag::builder()
        .key("team")
        .value("a")
        .build();
    client
        .add_tags()
        .resource_arn(&lower)
        .tags(tag)
        .send()
        .await
        .unwrap();

    let tags = |arn: String| {
        let client = client.clone();
        async move {
            client
                .list_tags()
                .resource_arn(arn)
                .send()
                .await
                .unwrap()
                .tags
                .unwrap()
        }
    };
    assert_eq!(tags(lower).await.len(), 1);
    assert!(
        tags(upper).await.is_empty(),
        "tags of `foo-...` must not show on `Foo-...`"
    );
}
