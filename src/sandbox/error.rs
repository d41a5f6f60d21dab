//! Errors: [`SandboxError`] for the Rust API, [`ApiError`] for what goes on the wire.

use std::path::PathBuf;

use axum::http::StatusCode;

/// What can go wrong starting, seeding or stopping a sandbox.
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The listen address could not be bound.
    #[error("failed to listen on `{addr}`")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why binding failed.
        #[source]
        source: std::io::Error,
    },
    /// The state file exists but could not be read.
    #[error("failed to read sandbox state file `{}`", path.display())]
    StateUnreadable {
        /// The state file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The state file is not a sandbox state document.
    #[error("sandbox state file `{}` is corrupt; fix or remove it", path.display())]
    StateCorrupt {
        /// The state file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// The state file belongs to another account or region.
    #[error("sandbox state file `{}` holds account `{found}`, not `{expected}`", path.display())]
    StateMismatch {
        /// The state file.
        path: PathBuf,
        /// `account/region` of this sandbox.
        expected: String,
        /// `account/region` recorded in the file.
        found: String,
    },
    /// The state file could not be written.
    #[error("failed to write sandbox state file `{}`", path.display())]
    StateWrite {
        /// The state file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The server task ended with an error.
    #[error("the sandbox server failed")]
    Serve(#[source] std::io::Error),
    /// A seed call was refused by the emulated API (for example a missing domain).
    #[error("seeding failed: {0}")]
    Seed(String),
}

/// The SageMaker error types the sandbox answers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorKind {
    Validation,
    ResourceInUse,
    ResourceNotFound,
    Serialization,
    UnknownOperation,
    Throttling,
    InternalFailure,
    ServiceUnavailable,
}

impl ErrorKind {
    /// The `__type` sent on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            ErrorKind::Validation => "ValidationException",
            ErrorKind::ResourceInUse => "ResourceInUse",
            ErrorKind::ResourceNotFound => "ResourceNotFound",
            ErrorKind::Serialization => "SerializationException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
            ErrorKind::Throttling => "ThrottlingException",
            ErrorKind::InternalFailure => "InternalFailure",
            ErrorKind::ServiceUnavailable => "ServiceUnavailable",
        }
    }

    /// The HTTP status AWS uses for this error type.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::InternalFailure => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// Whether this is an injected or internal server fault (counted as `failed`).
    pub fn is_server_fault(self) -> bool {
        matches!(
            self,
            ErrorKind::InternalFailure | ErrorKind::ServiceUnavailable
        )
    }
}

/// An error answer of the emulated API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            kind,
            message: message.into(),
        }
    }

    pub fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Validation, message)
    }

    pub fn in_use(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::ResourceInUse, message)
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::ResourceNotFound, message)
    }

    pub fn serialization(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Serialization, message)
    }

    /// The JSON body: `__type` plus `Message` (`message` for throttling, as AWS sends it).
    pub fn body(&self) -> serde_json::Value {
        let message_key = if self.kind == ErrorKind::Throttling {
            "message"
        } else {
            "Message"
        };
        serde_json::json!({ "__type": self.kind.wire_name(), message_key: self.message })
    }
}
