//! Helpers shared by the integration tests.

#![allow(dead_code)] // NB: each test module uses a different subset of these helpers.

use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use studio_lcc::sandbox::{self, Sandbox, SandboxConfig};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Base64 of a tiny shell script, as `openssl base64 -A` prints it.
pub const SCRIPT_B64: &str = "IyEvYmluL2Jhc2gKZWNobyBoZWxsbwo=";

/// A memory-only sandbox on a random loopback port.
pub async fn sandbox() -> Sandbox {
    sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts")
}

/// An SDK client for `sandbox` that does not retry (1 attempt), so counts are exact.
pub fn client(sandbox: &Sandbox) -> Client {
    studio_lcc::aws::sandbox_client(&sandbox.endpoint_url(), 1)
}

/// The error code (`__type`) of a failed SDK call.
pub fn code<T, E: ProvideErrorMetadata>(result: Result<T, E>) -> String {
    match result {
        Ok(_) => panic!("the call succeeded but an error was expected"),
        Err(err) => err.code().unwrap_or("<no code>").to_owned(),
    }
}

/// An LCC ARN in the sandbox's default account and region.
pub fn lcc_arn(name: &str) -> String {
    format!("arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/{name}")
}

/// Creates an LCC through the SDK and returns its ARN.
pub async fn create_lcc(client: &Client, name: &str, app_type: &str) -> String {
    client
        .create_studio_lifecycle_config()
        .studio_lifecycle_config_name(name)
        .studio_lifecycle_config_content(SCRIPT_B64)
        .studio_lifecycle_config_app_type(app_type.into())
        .send()
        .await
        .expect("LCC is created")
        .studio_lifecycle_config_arn
        .expect("create returns the ARN")
}

/// A raw HTTP response: status, lowercased headers and body.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl RawResponse {
    /// The first header called `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("the body is JSON")
    }
}

/// Sends one HTTP/1.1 request to the sandbox over a fresh connection.
pub async fn raw_request(
    sandbox: &Sandbox,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> RawResponse {
    let mut stream = tokio::net::TcpStream::connect(sandbox.local_addr())
        .await
        .unwrap();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    parse_response(&String::from_utf8(raw).unwrap())
}

/// Sends a SageMaker JSON 1.1 call with a raw body.
pub async fn raw_call(sandbox: &Sandbox, operation: &str, body: &str) -> RawResponse {
    let target = format!("SageMaker.{operation}");
    let headers = [
        ("X-Amz-Target", target.as_str()),
        ("Content-Type", "application/x-amz-json-1.1"),
    ];
    raw_request(sandbox, "POST", "/", &headers, body).await
}

fn parse_response(raw: &str) -> RawResponse {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .expect("a complete HTTP response");
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_owned()))
        .collect::<Vec<_>>();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v == "chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_owned()
    };
    RawResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, tail)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 {
            break;
        }
        out.push_str(&tail[..n]);
        rest = &tail[n + 2..];
    }
    out
}

/// DescribeDomain, which must succeed.
pub async fn describe_domain(
    client: &Client,
    id: &str,
) -> aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput {
    client
        .describe_domain()
        .domain_id(id)
        .send()
        .await
        .expect("DescribeDomain succeeds")
}

/// UpdateDomain with only `DefaultUserSettings`, which must succeed.
pub async fn update_domain_defaults(
    client: &Client,
    id: &str,
    settings: aws_sdk_sagemaker::types::UserSettings,
) {
    let request = client
        .update_domain()
        .domain_id(id)
        .default_user_settings(settings);
    request.send().await.expect("UpdateDomain succeeds");
}
