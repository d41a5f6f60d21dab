//! Logging setup: `tracing` to stderr, as text or JSON.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use tracing_subscriber::EnvFilter;

/// Whether logs are JSON, so that notes for people go through the log instead.
static JSON_LOGS: AtomicBool = AtomicBool::new(false);

/// A note for the person running the command (for example "created domain ... in the
/// sandbox"): a plain `note:` line on stderr, or an info log when logs are JSON, so that a
/// service's stderr stays one JSON object per line.
pub fn note(message: &str) {
    if JSON_LOGS.load(Ordering::Relaxed) {
        tracing::info!(note = %message, "Note.");
    } else {
        eprintln!("note: {message}");
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// JSON for services whose stderr is not a terminal, text otherwise.
    Auto,
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Text,
}

/// Installs the global subscriber. `filter` defaults to `info` for services, `warn` otherwise.
pub fn init(format: LogFormat, filter: Option<&str>, is_service: bool) {
    let default = if is_service { "info" } else { "warn" };
    let filter =
        EnvFilter::try_new(filter.unwrap_or(default)).unwrap_or_else(|_| EnvFilter::new(default));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Text => false,
        LogFormat::Auto => is_service && !std::io::stderr().is_terminal(),
    };
    JSON_LOGS.store(json, Ordering::Relaxed);
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none());
    // A second init (tests calling `run` twice) is harmless; ignore it.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}
