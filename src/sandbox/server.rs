//! The HTTP side: SageMaker's JSON 1.1 protocol on `POST /`, the admin API under
//! `/_sandbox/`, and the state shared by both.
//!
//! A SageMaker call goes: read `X-Amz-Target` → count the call → inject latency and faults →
//! parse the body (`SerializationException`) → validate against the model
//! (`ValidationException`) → run the operation → write the state file if it changed state.
//! SigV4 and `amz-sdk-*` headers are ignored: any credentials are accepted.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::Value;
use tracing::{debug, error};

use super::calls::CallStats;
use super::error::{ApiError, ErrorKind, SandboxError};
use super::faults::Faults;
use super::ops::{self, World};
use super::persist;
use super::shapes::MODEL;
use super::validate::validate_input;

/// Content type of the awsJson1_1 protocol.
const AMZ_JSON: &str = "application/x-amz-json-1.1";

/// State shared by the server, the admin API and the Rust handle.
#[derive(Debug)]
pub(crate) struct Shared {
    pub world: Mutex<World>,
    pub faults: Mutex<Faults>,
    pub calls: Mutex<CallStats>,
    pub state_path: Option<PathBuf>,
}

impl Shared {
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        self.faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn calls(&self) -> MutexGuard<'_, CallStats> {
        self.calls
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Writes the state file (when there is one) from `world`.
    pub fn persist(&self, world: &World) -> Result<(), SandboxError> {
        match &self.state_path {
            Some(path) => persist::save(path, &world.arns, &world.store),
            None => Ok(()),
        }
    }
}

/// The whole HTTP surface.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", post(sagemaker).fallback(wrong_method))
        .nest("/_sandbox", super::admin::router())
        .with_state(shared)
}

async fn sagemaker(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let operation = target(&headers);
    let result = handle(&shared, &operation, &body).await;
    let outcome = result.as_ref().err().map(|e| e.kind);
    shared.calls().record(&operation, outcome);
    debug!(operation = %operation, error = ?outcome, "Handled request.");
    respond(result)
}

/// Any method but POST on `/`: SageMaker's JSON protocol only posts.
async fn wrong_method() -> Response {
    let message = "The JSON 1.1 protocol takes POST requests only.";
    let mut response = respond(Err(ApiError::new(
        ErrorKind::UnknownOperation,
        message.to_owned(),
    )));
    *response.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
    response
}

async fn handle(shared: &Shared, operation: &str, body: &[u8]) -> Result<Value, ApiError> {
    if MODEL.operation(operation).is_none() {
        let message = if operation.is_empty() {
            "Missing X-Amz-Target header: the operation is not named.".to_owned()
        } else {
            format!("Operation {operation} is not supported by this service.")
        };
        return Err(ApiError::new(ErrorKind::UnknownOperation, message));
    }
    let decision = shared.faults().decide(operation);
    if !decision.delay.is_zero() {
        tokio::time::sleep(decision.delay).await;
    }
    if let Some(fault) = decision.fault {
        return Err(fault);
    }
    let input = validate_input(operation, &parse_body(body)?)?;
    let mut world = shared.world();
    let output = ops::dispatch(&mut world, operation, &input)?;
    if ops::is_mutating(operation) {
        shared.persist(&world).map_err(|err| {
            error!(error = %err, "Failed to write the sandbox state file.");
            ApiError::new(
                ErrorKind::InternalFailure,
                "The sandbox could not save its state.",
            )
        })?;
    }
    Ok(output)
}

/// The operation named by `X-Amz-Target: SageMaker.<Operation>` (empty when absent).
fn target(headers: &HeaderMap) -> String {
    let value = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    value.strip_prefix("SageMaker.").unwrap_or(value).to_owned()
}

/// The JSON object in the body; an empty body counts as `{}`.
fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_slice(body).map_err(|err| {
        ApiError::serialization(format!("The request body is not valid JSON: {err}."))
    })
}

fn respond(result: Result<Value, ApiError>) -> Response {
    let (status, body) = match result {
        Ok(body) => (StatusCode::OK, body),
        Err(err) => (err.kind.status(), err.body()),
    };
    let mut response = (status, body.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(AMZ_JSON));
    let request_id = uuid::Uuid::new_v4().to_string();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}
