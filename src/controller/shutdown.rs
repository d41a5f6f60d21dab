//! Graceful shutdown: SIGTERM or SIGINT asks the loop to stop.
//!
//! After the signal no new apply step starts ([`Shutdown::is_requested`] feeds
//! [`crate::apply::Progress::should_stop`]); the step in flight runs to its end, waits
//! included, and the loop exits. `run` bounds the whole by `--shutdown-timeout`.

use std::sync::Arc;

use tokio::sync::watch;
use tracing::{info, warn};

/// A shutdown flag that can be awaited; clones share it.
#[derive(Debug, Clone)]
pub struct Shutdown {
    flag: Arc<watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown::new()
    }
}

impl Shutdown {
    /// A flag that is not set.
    #[must_use]
    pub fn new() -> Shutdown {
        Shutdown {
            flag: Arc::new(watch::Sender::new(false)),
        }
    }

    /// Asks for a shutdown.
    pub fn request(&self) {
        self.flag.send_replace(true);
    }

    /// Whether a shutdown was asked for.
    #[must_use]
    pub fn is_requested(&self) -> bool {
        *self.flag.borrow()
    }

    /// Completes once a shutdown is asked for.
    pub async fn requested(&self) {
        let mut seen = self.flag.subscribe();
        // NB: the sender lives in `self`, so `wait_for` cannot fail with a closed channel.
        let _ = seen.wait_for(|requested| *requested).await;
    }

    /// Sets the flag on the first SIGTERM or SIGINT, from a background task.
    ///
    /// # Errors
    ///
    /// The signal handlers cannot be installed.
    pub fn listen_for_signals(&self) -> std::io::Result<()> {
        use tokio::signal::unix::{SignalKind, signal};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let shutdown = self.clone();
        tokio::spawn(async move {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
            };
            info!(
                signal = name,
                "Shutting down: no new step starts; the step in flight finishes."
            );
            shutdown.request();
            // A second signal is a plea to hurry; the timeout still bounds the exit.
            tokio::select! {
                _ = term.recv() => {}
                _ = int.recv() => {}
            }
            warn!("Second signal received; still waiting for the step in flight.");
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_is_seen_by_every_clone_and_waiter() {
        let shutdown = Shutdown::new();
        let clone = shutdown.clone();
        let waiter = tokio::spawn(async move { clone.requested().await });
        assert!(!shutdown.is_requested());
        shutdown.request();
        waiter.await.unwrap();
        assert!(shutdown.is_requested());
        shutdown.requested().await;
    }
}
