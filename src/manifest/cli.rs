//! `validate` and `schema`, and the `-f` argument other commands reuse.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::report::{self, Outcome};
use super::{LoadOptions, Loaded, ManifestError};

/// Where the manifest is and how strictly to load it; flattened into every command that reads
/// a manifest.
#[derive(Debug, Clone, clap::Args)]
pub struct ManifestArgs {
    /// Manifest file, or a folder whose `*.yaml`/`*.yml` files are merged.
    #[arg(short = 'f', long = "file", default_value = "studio-lcc.yaml")]
    pub path: PathBuf,
    /// Treat warnings as errors.
    #[arg(long)]
    pub strict: bool,
}

impl ManifestArgs {
    /// The load options these arguments ask for.
    #[must_use]
    pub fn load_options(&self) -> LoadOptions {
        LoadOptions {
            strict: self.strict,
        }
    }

    /// Loads the manifest.
    ///
    /// # Errors
    ///
    /// See [`super::load`].
    pub fn load(&self) -> Result<Loaded, ManifestError> {
        super::load(&self.path, &self.load_options())
    }
}

/// Output format of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ValidateFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON document for tools.
    Json,
}

/// Arguments of `studio-lcc validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// The manifest.
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: ValidateFormat,
}

/// Arguments of `studio-lcc schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {}

/// Runs `validate`: prints the result and exits 0 when the manifest is valid, 1 when not.
///
/// With `GITHUB_ACTIONS=true`, every diagnostic is also printed as a workflow annotation (on
/// stdout after the text, on stderr with `--format json`).
///
/// # Errors
///
/// Only when stdout cannot be written.
pub fn validate(args: &ValidateArgs) -> anyhow::Result<ExitCode> {
    let outcome = Outcome::from_result(args.manifest.load());
    let mut out = std::io::stdout().lock();
    let rendered = match args.format {
        ValidateFormat::Text => report::text(&outcome),
        ValidateFormat::Json => report::json(&outcome),
    };
    out.write_all(rendered.as_bytes())?;
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true") {
        // NB: with JSON, stdout stays one JSON document; the runner reads annotations from
        // stderr as well.
        let annotations = report::github(&outcome);
        match args.format {
            ValidateFormat::Text => out.write_all(annotations.as_bytes())?,
            ValidateFormat::Json => std::io::stderr().write_all(annotations.as_bytes())?,
        }
    }
    out.flush()?;
    Ok(if outcome.is_valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Runs `schema`: prints the manifest's JSON Schema.
///
/// # Errors
///
/// Only when stdout cannot be written.
pub fn schema(_args: &SchemaArgs) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    out.write_all(super::schema::schema_json().as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
