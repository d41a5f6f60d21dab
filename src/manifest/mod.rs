//! The manifest: YAML in, a validated [`crate::model::DesiredState`] out.
//!
//! Loading runs in stages, each reporting every problem it finds into a list of
//! [`Diagnostic`]s rather than stopping at the first:
//!
//! 1. `tree`: parse the YAML (with a budget against alias bombs) into values that know their
//!    line and column;
//! 2. `decode`: check keys and types against the [`raw`] types (the same types the JSON
//!    Schema is generated from);
//! 3. `desired`: resolve names, read and check scripts (`script`, `lint`), inject `env`, hash,
//!    and build the normalised [`crate::model::DesiredState`].
//!
//! Start with [`load`] (a file or folder) or [`load_str`] (tests).

pub mod cli;
mod decode;
mod desired;
mod diagnostic;
pub(crate) mod lint;
mod load;
pub(crate) mod names;
pub mod raw;
mod report;
pub mod schema;
pub(crate) mod script;
mod tree;

use std::fmt;
use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Severity};
pub use tree::Pos;

use crate::model::DesiredState;

/// How to load.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Treat warnings as errors.
    pub strict: bool,
}

/// A loaded, valid manifest.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The normalised desired state.
    pub desired: DesiredState,
    /// Warnings (empty under `strict`, where they are errors).
    pub warnings: Vec<Diagnostic>,
    /// The manifest files read, in order.
    pub files: Vec<PathBuf>,
}

/// Why a manifest could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The manifest has problems; every one found is listed.
    #[error("{}", Problems(diagnostics))]
    Invalid {
        /// Every problem, errors and warnings, in reading order.
        diagnostics: Vec<Diagnostic>,
    },
    /// A manifest file or folder could not be read.
    #[error("failed to read `{}`", path.display())]
    Io {
        /// The path that failed.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A folder was given that holds no `*.yaml` or `*.yml` file.
    #[error("no manifest (`*.yaml` or `*.yml`) in folder `{}`", dir.display())]
    NoManifests {
        /// The folder.
        dir: PathBuf,
    },
}

/// Display of a diagnostic list: the counts, then each one.
struct Problems<'a>(&'a [Diagnostic]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.0.iter().filter(|d| d.is_error()).count();
        let warnings = self.0.len() - errors;
        write!(
            f,
            "manifest is invalid: {errors} error(s), {warnings} warning(s)"
        )?;
        for d in self.0 {
            write!(f, "\n{d}")?;
        }
        Ok(())
    }
}

/// Loads the manifest at `path`: a file, or a folder whose `*.yaml`/`*.yml` files are merged
/// (one owner; any duplicate script, domain or selector is an error).
///
/// # Errors
///
/// [`ManifestError::Invalid`] with every problem found; [`ManifestError::Io`] when a path
/// cannot be read; [`ManifestError::NoManifests`] for a folder without manifests.
pub fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, ManifestError> {
    load::load(path, options)
}

/// Loads a manifest from a string, as if it were the file `file_name` in folder `base_dir`
/// (script `file:` paths are relative to `base_dir`).
///
/// # Errors
///
/// [`ManifestError::Invalid`] with every problem found.
pub fn load_str(
    yaml: &str,
    base_dir: &Path,
    file_name: &Path,
    options: &LoadOptions,
) -> Result<Loaded, ManifestError> {
    load::load_str(yaml, base_dir, file_name, options)
}

#[cfg(test)]
mod tests;
