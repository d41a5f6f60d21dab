//! The admin API (`/_sandbox/...`) over HTTP, and fault injection and call accounting as the
//! SDK sees them.

use serde_json::json;

use crate::support::{client, code, raw_call, raw_request, sandbox};

const JSON: [(&str, &str); 1] = [("Content-Type", "application/json")];

#[tokio::test]
async fn faults_set_over_http_throttle_calls_and_the_counts_show_every_attempt() {
    let sandbox = sandbox().await;
    let put = raw_request(
        &sandbox,
        "PUT",
        "/_sandbox/faults",
        &JSON,
        r#"{"throttle_probability": 1.0}"#,
    )
    .await;
    assert_eq!(put.status, 200);
    let get = raw_request(&sandbox, "GET", "/_sandbox/faults", &[], "").await;
    assert_eq!(get.json()["throttle_probability"], 1.0);

    let retrying = studio_lcc::aws::sandbox_client(&sandbox.endpoint_url(), 3);
    assert_eq!(
        code(retrying.list_domains().send().await),
        "ThrottlingException"
    );
    let raw = raw_call(&sandbox, "ListDomains", "{}").await;
    assert_eq!(
        (raw.status, raw.json()),
        (
            400,
            json!({"__type": "ThrottlingException", "message": "Rate exceeded"})
        )
    );

    let calls = raw_request(&sandbox, "GET", "/_sandbox/calls", &[], "")
        .await
        .json();
    assert_eq!(
        calls["operations"]["ListDomains"],
        json!({"calls": 4, "throttled": 4, "failed": 0, "errors": 0})
    );
    assert_eq!(sandbox.calls().total().throttled, 4);
}

#[tokio::test]
async fn injected_server_errors_are_500_internal_failure_and_counted_as_failed() {
    let sandbox = sandbox().await;
    let body = r#"{"server_error_probability": 1.0, "operations": ["ListDomains"]}"#;
    raw_request(&sandbox, "PUT", "/_sandbox/faults", &JSON, body).await;
    let failed = raw_call(&sandbox, "ListDomains", "{}").await;
    assert_eq!(failed.status, 500);
    assert_eq!(failed.json()["__type"], "InternalFailure");
    let other = raw_call(&sandbox, "ListStudioLifecycleConfigs", "{}").await;
    assert_eq!(
        other.status, 200,
        "faults apply only to the listed operations"
    );

    let stats = sandbox.calls();
    assert_eq!(stats.operation("ListDomains").failed, 1);
    assert_eq!(stats.operation("ListStudioLifecycleConfigs").calls, 1);
}

#[tokio::test]
async fn calls_are_reset_over_http_and_client_errors_are_counted_apart() {
    let sandbox = sandbox().await;
    let client = client(&sandbox);
    client.list_domains().send().await.unwrap();
    let _ = client
        .describe_domain()
        .domain_id("d-000000000000")
        .send()
        .await;
    let stats = sandbox.calls();
    assert_eq!(stats.operation("DescribeDomain").errors, 1);
    assert_eq!(stats.total().calls, 2);

    let reset = raw_request(&sandbox, "DELETE", "/_sandbox/calls", &[], "").await;
    assert_eq!(
        reset.json()["operations"]["ListDomains"]["calls"],
        1,
        "returns the counts it cleared"
    );
    assert_eq!(sandbox.calls().total().calls, 0);
}

#[tokio::test]
async fn seeding_and_armed_update_failures_work_over_http() {
    let sandbox = sandbox().await;
    let seeded = raw_request(
        &sandbox,
        "POST",
        "/_sandbox/seed/domain",
        &JSON,
        r#"{"name": "lab"}"#,
    )
    .await
    .json();
    let (id, arn) = (
        seeded["id"].as_str().unwrap(),
        seeded["arn"].as_str().unwrap(),
    );
    let profile = json!({"domain_id": id, "name": "alice"}).to_string();
    let created = raw_request(
        &sandbox,
        "POST",
        "/_sandbox/seed/user-profile",
        &JSON,
        &profile,
    )
    .await;
    assert_eq!(created.status, 200);

    let arm = json!({"resource_arn": arn, "reason": "Disk full"}).to_string();
    assert_eq!(
        raw_request(&sandbox, "POST", "/_sandbox/fail-next-update", &JSON, &arm)
            .await
            .status,
        204
    );
    let update = format!(
        r#"{{"DomainId": "{id}", "DefaultUserSettings": {{"DefaultLandingUri": "app:JupyterLab:"}}}}"#
    );
    assert_eq!(
        raw_call(&sandbox, "UpdateDomain", &update).await.status,
        200
    );
    let described = raw_call(
        &sandbox,
        "DescribeDomain",
        &format!(r#"{{"DomainId": "{id}"}}"#),
    )
    .await
    .json();
    assert_eq!(described["Status"], "Update_Failed");
    assert_eq!(described["FailureReason"], "Disk full");
    assert_eq!(
        described["DefaultUserSettings"]["DefaultLandingUri"],
        "studio::"
    );

    let delay = raw_request(
        &sandbox,
        "PUT",
        "/_sandbox/update-delay",
        &JSON,
        r#"{"millis": 60000}"#,
    )
    .await;
    assert_eq!(delay.json(), json!({"millis": 60000}));
    assert_eq!(
        raw_call(&sandbox, "UpdateDomain", &update).await.status,
        200
    );
    let described = raw_call(
        &sandbox,
        "DescribeDomain",
        &format!(r#"{{"DomainId": "{id}"}}"#),
    )
    .await
    .json();
    assert_eq!(described["Status"], "Updating");
}

#[tokio::test]
async fn responses_carry_a_request_id_and_the_json_content_type() {
    let sandbox = sandbox().await;
    let ok = raw_call(&sandbox, "ListDomains", "").await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json(), json!({"Domains": []}));
    assert_eq!(
        ok.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert!(ok.header("x-amzn-requestid").is_some());
}
