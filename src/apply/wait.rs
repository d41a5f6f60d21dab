//! Waiting for a domain, user profile or space to be `InService` again.
//!
//! botocore has no waiters for these resources; this polls Describe, as Terraform does.
//! `Pending` and `Updating` mean wait; `InService` means done; `Update_Failed`, `Failed` and
//! `Delete_Failed` end the wait with AWS's `FailureReason`.

use std::time::Duration;

use aws_sdk_sagemaker::Client;
use tokio::time::{Instant, sleep};
use tracing::debug;

use super::ApplyOptions;
use aws_sdk_sagemaker::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::http::Response as HttpResponse;

use crate::aws::error_text;
use crate::plan::Resource;

/// What to wait for.
pub(super) struct Target {
    domain_id: String,
    resource: Resource,
}

impl Target {
    pub(super) fn of(domain_id: &str, resource: &Resource) -> Target {
        Target {
            domain_id: domain_id.to_owned(),
            resource: resource.clone(),
        }
    }

    fn describe(&self) -> String {
        match &self.resource {
            Resource::Domain => format!("domain `{}`", self.domain_id),
            Resource::UserProfile(name) => format!("user profile `{name}`"),
            Resource::Space(name) => format!("space `{name}`"),
        }
    }
}

/// Polls until the resource is `InService`.
pub(super) async fn in_service(
    client: &Client,
    target: &Target,
    options: &ApplyOptions,
) -> Result<(), String> {
    let timeout = match target.resource {
        Resource::Domain => options.domain_timeout,
        _ => options.resource_timeout,
    };
    let deadline = Instant::now() + timeout;
    loop {
        let (status, reason) = match status(client, target).await {
            Ok(found) => found,
            // A poll that stays throttled or meets a server error after the client's retries
            // says nothing about the resource: poll again until the deadline.
            Err(Poll::Transient(message)) => (TRANSIENT.to_owned(), Some(message)),
            Err(Poll::Failed(message)) => return Err(message),
        };
        debug!(resource = %target.describe(), status = %status, "Polled status.");
        match status.as_str() {
            "InService" => return Ok(()),
            "Pending" | "Updating" | TRANSIENT => {}
            _ => return Err(failure(target, &status, reason)),
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "{} still `{status}` after {}s",
                target.describe(),
                timeout.as_secs()
            ));
        }
        sleep(options.poll_interval.min(Duration::from_secs(60))).await;
    }
}

/// The status recorded for a poll that failed for a passing reason.
const TRANSIENT: &str = "unknown (the status read failed)";

/// Why a status read failed.
enum Poll {
    /// Throttling or a server error: worth polling again.
    Transient(String),
    /// Anything else.
    Failed(String),
}

fn poll_error<E>(target: &Target, err: &aws_sdk_sagemaker::error::SdkError<E, HttpResponse>) -> Poll
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let message = format!(
        "failed to read the status of {}: {}",
        target.describe(),
        error_text(err)
    );
    let transient = matches!(
        err.code(),
        Some("ThrottlingException" | "InternalFailure" | "ServiceUnavailable")
    ) || matches!(err, aws_sdk_sagemaker::error::SdkError::DispatchFailure(_));
    if transient {
        Poll::Transient(message)
    } else {
        Poll::Failed(message)
    }
}

fn failure(target: &Target, status: &str, reason: Option<String>) -> String {
    let reason = reason.unwrap_or_else(|| "no reason given".to_owned());
    format!("{} is `{status}`: {reason}", target.describe())
}

async fn status(client: &Client, target: &Target) -> Result<(String, Option<String>), Poll> {
    let id = &target.domain_id;
    let text = |s: Option<String>| s.unwrap_or_default();
    match &target.resource {
        Resource::Domain => {
            let out = client.describe_domain().domain_id(id).send().await;
            let out = out.map_err(|e| poll_error(target, &e))?;
            Ok((
                text(out.status.map(|s| s.as_str().to_owned())),
                out.failure_reason,
            ))
        }
        Resource::UserProfile(name) => {
            let request = client
                .describe_user_profile()
                .domain_id(id)
                .user_profile_name(name);
            let out = request.send().await.map_err(|e| poll_error(target, &e))?;
            Ok((
                text(out.status.map(|s| s.as_str().to_owned())),
                out.failure_reason,
            ))
        }
        Resource::Space(name) => {
            let request = client.describe_space().domain_id(id).space_name(name);
            let out = request.send().await.map_err(|e| poll_error(target, &e))?;
            Ok((
                text(out.status.map(|s| s.as_str().to_owned())),
                out.failure_reason,
            ))
        }
    }
}
