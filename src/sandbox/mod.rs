//! The sandbox: a local, wire-compatible SageMaker Studio control plane.
//!
//! It serves SageMaker's JSON 1.1 protocol for the 26 Studio operations in `model.json` (the
//! botocore extract), with AWS's documented behaviour: validation from the model's
//! constraints, immutable LCCs, `ResourceInUse` on clashes and on deleting a used LCC, patch
//! updates, statuses that pass through `Pending` and `Updating`, paging and tags. It injects
//! faults and counts calls. `docs/sandbox.md` describes it and every known difference from AWS.
//!
//! Start one inside a process with [`start`] (tests, `--sandbox`), or as a server with
//! `studio-lcc sandbox` ([`cli`]).
//!
//! Where to read: [`server`] routes a call; `validate` checks it against the model; `ops`
//! holds one file per resource kind; `store` and `persist` keep the account.

mod admin;
mod calls;
pub mod cli;
mod error;
mod faults;
mod merge;
mod ops;
mod persist;
mod server;
mod shapes;
mod store;
mod validate;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tracing::info;

pub use self::calls::{CallStats, OperationCalls};
pub use self::error::SandboxError;
pub use self::faults::{FaultConfig, Latency, TokenBucket};
pub use self::ops::seed::SeededDomain;
use self::ops::{Arns, World};
use self::server::Shared;

/// How to run a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Where to listen; port 0 picks a free port. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// The state file; `None` keeps the account in memory only.
    pub state_path: Option<PathBuf>,
    /// The emulated account id. Default `123456789012`.
    pub account_id: String,
    /// The emulated region. Default `us-east-1`.
    pub region: String,
    /// Time a created domain, user profile, space or app stays `Pending`. Default 0.
    pub create_delay: Duration,
    /// Time an updated domain, user profile or space stays `Updating`. Default 0.
    pub update_delay: Duration,
    /// Faults to inject from the start. Default none.
    pub faults: FaultConfig,
}

impl Default for SandboxConfig {
    fn default() -> SandboxConfig {
        SandboxConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            state_path: None,
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            create_delay: Duration::ZERO,
            update_delay: Duration::ZERO,
            faults: FaultConfig::default(),
        }
    }
}

/// A running sandbox. Dropping it stops the server without writing the state file again;
/// [`Sandbox::shutdown`] stops it and flushes the state.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

/// Starts a sandbox: loads the state file, binds the listener and serves in the background.
///
/// # Errors
///
/// The state file cannot be read, is corrupt or belongs to another account or region; or the
/// listen address cannot be bound.
pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
    let arns = Arns {
        account_id: config.account_id.clone(),
        region: config.region.clone(),
    };
    let store = match &config.state_path {
        Some(path) => persist::load(path, &arns)?,
        None => store::Store::default(),
    };
    let mut world = World::new(store, arns);
    world.create_delay = config.create_delay;
    world.update_delay = config.update_delay;
    let shared = Arc::new(Shared {
        world: Mutex::new(world),
        faults: Mutex::new(faults::Faults::new(config.faults.clone())),
        calls: Mutex::new(CallStats::default()),
        state_path: config.state_path.clone(),
    });
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| SandboxError::Bind {
            addr: config.listen,
            source,
        })?;
    let addr = listener.local_addr().map_err(SandboxError::Serve)?;
    let (stop, stopped) = oneshot::channel::<()>();
    let app = server::router(Arc::clone(&shared));
    let task = tokio::spawn(async move {
        let until_stopped = async move {
            let _ = stopped.await;
        };
        axum::serve(listener, app)
            .with_graceful_shutdown(until_stopped)
            .await
    });
    info!(endpoint = %format!("http://{addr}"), "Sandbox listening.");
    Ok(Sandbox {
        shared,
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

impl Sandbox {
    /// The endpoint URL for clients, for example `http://127.0.0.1:45123`.
    #[must_use]
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the sandbox listens on.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A snapshot of the call counters.
    #[must_use]
    pub fn calls(&self) -> CallStats {
        self.shared.calls().clone()
    }

    /// Sets every call counter back to zero.
    pub fn reset_calls(&self) {
        *self.shared.calls() = CallStats::default();
    }

    /// The faults currently injected.
    #[must_use]
    pub fn faults(&self) -> FaultConfig {
        self.shared.faults().config().clone()
    }

    /// Replaces the injected faults (token buckets start full again).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared.faults().set(faults);
    }

    /// Sets the time an updated resource stays `Updating` (applies to later updates).
    pub fn set_update_delay(&self, delay: Duration) {
        self.shared.world().update_delay = delay;
    }

    /// Sets the time a created resource stays `Pending` (applies to later creates).
    pub fn set_create_delay(&self, delay: Duration) {
        self.shared.world().create_delay = delay;
    }

    /// Arms a failure: the next update of `resource_arn` (a domain, user profile or space) is
    /// accepted, passes through `Updating`, then ends `Update_Failed` with `reason` as its
    /// `FailureReason`, and its patch is not applied.
    pub fn fail_next_update(&self, resource_arn: &str, reason: &str) {
        let mut world = self.shared.world();
        world
            .pending_failures
            .insert(resource_arn.to_lowercase(), reason.to_owned());
    }

    /// Returns the domain with this id (or, without an id, this name), creating it
    /// `InService` with realistic settings when it does not exist.
    ///
    /// # Errors
    ///
    /// The id is not a valid domain id, or the state file cannot be written.
    pub fn seed_domain(
        &self,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Result<SeededDomain, SandboxError> {
        let mut world = self.shared.world();
        let seeded = ops::seed::domain(&mut world, id, name).map_err(seed_error)?;
        self.shared.persist(&world)?;
        Ok(seeded)
    }

    /// Creates the user profile `InService` in `domain_id` unless it exists.
    ///
    /// # Errors
    ///
    /// The domain does not exist, the name is invalid, or the state file cannot be written.
    pub fn seed_user_profile(&self, domain_id: &str, name: &str) -> Result<(), SandboxError> {
        let mut world = self.shared.world();
        ops::seed::user_profile(&mut world, domain_id, name).map_err(seed_error)?;
        self.shared.persist(&world)
    }

    /// Creates a shared JupyterLab space `InService` in `domain_id` unless it exists.
    ///
    /// # Errors
    ///
    /// The domain does not exist, the name is invalid, or the state file cannot be written.
    pub fn seed_space(&self, domain_id: &str, name: &str) -> Result<(), SandboxError> {
        let mut world = self.shared.world();
        ops::seed::space(&mut world, domain_id, name).map_err(seed_error)?;
        self.shared.persist(&world)
    }

    /// Stops serving (in-flight calls finish) and writes the state file one last time.
    ///
    /// # Errors
    ///
    /// The server task failed, or the state file cannot be written.
    pub async fn shutdown(mut self) -> Result<(), SandboxError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let served = task
                .await
                .map_err(|e| SandboxError::Serve(std::io::Error::other(e)))?;
            served.map_err(SandboxError::Serve)?;
        }
        let world = self.shared.world();
        self.shared.persist(&world)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn seed_error(err: error::ApiError) -> SandboxError {
    SandboxError::Seed(format!("{}: {}", err.kind.wire_name(), err.message))
}
