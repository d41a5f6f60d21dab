//! Errors and small conversions shared by the reader's calls.

use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sagemaker::types::StudioLifecycleConfigDetails;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::live::LiveLcc;
use crate::model::AppType;

/// A failure while reading live state.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A SageMaker call failed after the client's retries.
    #[error("failed to {action}: {message}")]
    CallFailed {
        /// What the reader was doing.
        action: String,
        /// AWS's error code and message.
        message: String,
    },
    /// SageMaker returned data the reader cannot use.
    #[error("unexpected answer from SageMaker: {0}")]
    Unexpected(String),
}

impl ReadError {
    pub(crate) fn call<E>(action: &str, err: &SdkError<E, HttpResponse>) -> ReadError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        ReadError::CallFailed {
            action: action.to_owned(),
            message: crate::aws::error_text(err),
        }
    }
}

/// Whether a call failed because the resource does not exist.
pub(crate) fn is_not_found<E: ProvideErrorMetadata>(err: &SdkError<E, HttpResponse>) -> bool {
    err.code() == Some("ResourceNotFound")
}

/// A listed LCC; entries without a name, ARN or known app type are skipped.
pub(super) fn lcc_from_details(item: StudioLifecycleConfigDetails) -> Option<LiveLcc> {
    let app_type = AppType::from_wire(item.studio_lifecycle_config_app_type?.as_str())?;
    Some(LiveLcc {
        name: item.studio_lifecycle_config_name?,
        arn: item.studio_lifecycle_config_arn?,
        app_type,
        created: item.creation_time.map_or(0.0, |t| t.as_secs_f64()),
        tags: None,
        content: None,
    })
}

/// The script bytes of a described LCC.
pub(super) fn decode_content(name: &str, content: Option<&str>) -> Result<Vec<u8>, ReadError> {
    let content = content.unwrap_or_default();
    STANDARD
        .decode(content)
        .map_err(|e| ReadError::Unexpected(format!("content of `{name}` is not base64: {e}")))
}
