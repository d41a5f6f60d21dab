//! The admin API under `/_sandbox/`: faults, call accounting, status timing, armed update
//! failures and seeding, as JSON over HTTP. The SageMaker protocol only ever uses `POST /`,
//! so these paths never clash with it. `docs/sandbox.md` lists every route.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::calls::CallStats;
use super::faults::FaultConfig;
use super::ops::seed;
use super::server::Shared;

/// The extractor of the shared state.
type SharedState = State<Arc<Shared>>;

/// The `/_sandbox` routes.
pub(crate) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/health", get(|| async { Json(json!({"status": "ok"})) }))
        .route("/faults", get(get_faults).put(put_faults))
        .route("/calls", get(get_calls).delete(delete_calls))
        .route("/update-delay", get(get_update_delay).put(put_update_delay))
        .route("/create-delay", get(get_create_delay).put(put_create_delay))
        .route("/fail-next-update", post(fail_next_update))
        .route("/seed/domain", post(seed_domain))
        .route("/seed/user-profile", post(seed_user_profile))
        .route("/seed/space", post(seed_space))
}

/// A delay in milliseconds, as the admin API reads and writes it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Millis {
    millis: u64,
}

/// The body of `POST /_sandbox/fail-next-update`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FailNextUpdate {
    resource_arn: String,
    reason: String,
}

/// The body of `POST /_sandbox/seed/domain`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct SeedDomain {
    id: Option<String>,
    name: Option<String>,
}

/// The body of `POST /_sandbox/seed/user-profile` and `/seed/space`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedChild {
    domain_id: String,
    name: String,
}

async fn get_faults(State(shared): SharedState) -> Json<FaultConfig> {
    Json(shared.faults().config().clone())
}

async fn put_faults(
    State(shared): SharedState,
    Json(config): Json<FaultConfig>,
) -> Json<FaultConfig> {
    shared.faults().set(config.clone());
    Json(config)
}

async fn get_calls(State(shared): SharedState) -> Json<CallStats> {
    Json(shared.calls().clone())
}

/// Resets the counters and returns what they were.
async fn delete_calls(State(shared): SharedState) -> Json<CallStats> {
    Json(std::mem::take(&mut *shared.calls()))
}

async fn get_update_delay(State(shared): SharedState) -> Json<Millis> {
    Json(to_millis(shared.world().update_delay))
}

async fn put_update_delay(State(shared): SharedState, Json(m): Json<Millis>) -> Json<Millis> {
    shared.world().update_delay = Duration::from_millis(m.millis);
    Json(m)
}

async fn get_create_delay(State(shared): SharedState) -> Json<Millis> {
    Json(to_millis(shared.world().create_delay))
}

async fn put_create_delay(State(shared): SharedState, Json(m): Json<Millis>) -> Json<Millis> {
    shared.world().create_delay = Duration::from_millis(m.millis);
    Json(m)
}

async fn fail_next_update(
    State(shared): SharedState,
    Json(req): Json<FailNextUpdate>,
) -> StatusCode {
    shared
        .world()
        .pending_failures
        .insert(req.resource_arn.to_lowercase(), req.reason);
    StatusCode::NO_CONTENT
}

/// Seeds a domain; the body (`{"id"?, "name"?}`) may be left out.
async fn seed_domain(State(shared): SharedState, body: axum::body::Bytes) -> Response {
    let req: SeedDomain = if body.iter().all(u8::is_ascii_whitespace) {
        SeedDomain::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(req) => req,
            Err(err) => return (StatusCode::BAD_REQUEST, err.to_string()).into_response(),
        }
    };
    let mut world = shared.world();
    let seeded = seed::domain(&mut world, req.id.as_deref(), req.name.as_deref());
    let saved = seeded.and_then(|d| persisted(&shared, &world).map(|()| d));
    answer(saved.map(|d| json!(d)))
}

async fn seed_user_profile(State(shared): SharedState, Json(req): Json<SeedChild>) -> Response {
    let mut world = shared.world();
    let seeded = seed::user_profile(&mut world, &req.domain_id, &req.name);
    answer(
        seeded
            .and_then(|()| persisted(&shared, &world))
            .map(|()| json!({})),
    )
}

async fn seed_space(State(shared): SharedState, Json(req): Json<SeedChild>) -> Response {
    let mut world = shared.world();
    let seeded = seed::space(&mut world, &req.domain_id, &req.name);
    answer(
        seeded
            .and_then(|()| persisted(&shared, &world))
            .map(|()| json!({})),
    )
}

fn persisted(shared: &Shared, world: &super::ops::World) -> Result<(), super::error::ApiError> {
    shared.persist(world).map_err(|err| {
        super::error::ApiError::new(super::error::ErrorKind::InternalFailure, err.to_string())
    })
}

fn answer(result: Result<serde_json::Value, super::error::ApiError>) -> Response {
    match result {
        Ok(body) => Json(body).into_response(),
        Err(err) => (err.kind.status(), Json(err.body())).into_response(),
    }
}

fn to_millis(d: Duration) -> Millis {
    Millis {
        millis: u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
    }
}
