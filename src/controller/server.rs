//! The HTTP endpoints of `run`: `/healthz`, `/readyz` and `/metrics`.
//!
//! Checks answer 200 with a short text when they pass and 503 with the reason when they fail.
//! `/metrics` answers in the OpenMetrics text format, which Prometheus scrapes.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::State as Extract;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;
use tracing::{error, info};

use super::health::{Check, State};
use super::metrics::Metrics;

/// Content type of `/metrics`.
pub const METRICS_CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// What the handlers read.
#[derive(Debug, Clone)]
struct Shared {
    health: Arc<State>,
    metrics: Arc<Metrics>,
}

/// The routes, over the loop's health state and metrics.
pub fn router(health: Arc<State>, metrics: Arc<Metrics>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .with_state(Shared { health, metrics })
}

/// Binds `addr`, logs the bound address (port 0 picks a free one) and serves in the
/// background until the process exits.
///
/// # Errors
///
/// The address cannot be bound.
pub async fn spawn(addr: SocketAddr, router: Router) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    info!(addr = %bound, "Serving /healthz, /readyz and /metrics.");
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            error!(error = %err, "The HTTP server stopped.");
        }
    });
    Ok(bound)
}

async fn healthz(Extract(shared): Extract<Shared>) -> Response {
    check_response(&shared.health.liveness(Instant::now()))
}

async fn readyz(Extract(shared): Extract<Shared>) -> Response {
    check_response(&shared.health.readiness(Instant::now()))
}

async fn metrics_text(Extract(shared): Extract<Shared>) -> Response {
    (
        [(header::CONTENT_TYPE, METRICS_CONTENT_TYPE)],
        shared.metrics.encode(),
    )
        .into_response()
}

fn check_response(check: &Check) -> Response {
    let status = if check.is_pass() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, format!("{}\n", check.text())).into_response()
}
