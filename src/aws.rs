//! Building the SageMaker client: the standard AWS chain, or static test credentials for the
//! sandbox. This is the only place that decides where calls go.

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_credential_types::Credentials;
use aws_sdk_sagemaker::Client;
use aws_sdk_sagemaker::config::Region;
use aws_sdk_sagemaker::error::{DisplayErrorContext, ProvideErrorMetadata};
use aws_smithy_runtime::client::retries::{RetryPartition, TokenBucket};
use aws_smithy_runtime_api::http::Response as HttpResponse;

/// Access key id of the static credentials used against the sandbox.
pub const SANDBOX_ACCESS_KEY_ID: &str = "AKIASANDBOXTESTKEY00";
/// Secret of the static credentials used against the sandbox.
pub const SANDBOX_SECRET_ACCESS_KEY: &str = "sandbox-secret-not-a-real-key";
/// Region used for the sandbox when none is given.
pub const SANDBOX_REGION: &str = "us-east-1";

/// Where and how to reach SageMaker.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    /// `--region`; the standard chain decides when absent.
    pub region: Option<String>,
    /// `--profile`; the standard chain decides when absent.
    pub profile: Option<String>,
    /// `--endpoint-url`, for the sandbox or a VPC endpoint.
    pub endpoint_url: Option<String>,
    /// Attempts per call, throttling retries included (at least 1).
    pub max_attempts: u32,
}

/// A client configured from the standard AWS chain: environment, shared profiles, SSO, web
/// identity (IRSA), container and instance metadata.
pub async fn client_from_env(options: &AwsOptions) -> Client {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config(options.max_attempts));
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let shared = loader.load().await;
    let config = aws_sdk_sagemaker::config::Builder::from(&shared)
        .retry_partition(retry_partition())
        .build();
    Client::from_conf(config)
}

/// A client for a sandbox endpoint with static test credentials: no credential provider,
/// profile file or metadata endpoint is ever consulted.
#[must_use]
pub fn sandbox_client(endpoint_url: &str, max_attempts: u32) -> Client {
    let credentials = Credentials::new(
        SANDBOX_ACCESS_KEY_ID,
        SANDBOX_SECRET_ACCESS_KEY,
        None,
        None,
        "studio-lcc-sandbox",
    );
    let config = aws_sdk_sagemaker::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(SANDBOX_REGION))
        .endpoint_url(endpoint_url)
        .credentials_provider(credentials)
        .retry_config(retry_config(max_attempts))
        .retry_partition(retry_partition())
        .build();
    Client::from_conf(config)
}

/// The SDK's retry quota is shared by every call in flight and, once spent, fails calls
/// without retrying whatever `max_attempts` says: a plan of a few hundred describes under
/// throttling never finishes. Each call here gets its own attempts instead; the reader and
/// apply bound the calls in flight (`--concurrency`), and backoff spaces the retries.
fn retry_partition() -> RetryPartition {
    RetryPartition::custom("studio-lcc")
        .token_bucket(TokenBucket::unlimited())
        .build()
}

/// Standard retries (throttling included) with jittered exponential backoff from 200 ms.
fn retry_config(max_attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(max_attempts.max(1))
        .with_initial_backoff(std::time::Duration::from_millis(200))
}

/// `code: message` for a failed SDK call, or the whole error chain when there is no code.
pub fn error_text<E>(err: &aws_sdk_sagemaker::error::SdkError<E, HttpResponse>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match (err.code(), err.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => DisplayErrorContext(err).to_string(),
    }
}

/// The AWS error code of a failed SDK call (`ResourceNotFound`, `ResourceInUse`, ...).
pub fn error_code<E>(err: &aws_sdk_sagemaker::error::SdkError<E, HttpResponse>) -> Option<&str>
where
    E: ProvideErrorMetadata,
{
    err.code()
}
