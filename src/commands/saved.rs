//! Saved plans: the plan plus the desired state it was made from, as one JSON file.

use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::model::DesiredState;
use crate::plan::Plan;

/// Version of the saved-plan file format.
pub const SAVED_PLAN_VERSION: u32 = 1;

/// What `plan --out` writes and `apply FILE` reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedPlan {
    /// [`SAVED_PLAN_VERSION`].
    pub format_version: u32,
    /// The desired state, scripts included, so apply needs no manifest.
    pub desired: DesiredState,
    /// The plan, with the live values each step assumed.
    pub plan: Plan,
}

impl SavedPlan {
    /// Writes the plan atomically (temporary file, then rename).
    ///
    /// # Errors
    ///
    /// The file cannot be written.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_vec_pretty(self).context("failed to encode the plan")?;
        let tmp = path.with_extension("tmp");
        std::fs::write(&tmp, text)
            .with_context(|| format!("failed to write `{}`", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("failed to write `{}`", path.display()))
    }

    /// Reads a saved plan.
    ///
    /// # Errors
    ///
    /// The file cannot be read, is not a saved plan, or is of another format version.
    pub fn read(path: &Path) -> anyhow::Result<SavedPlan> {
        let text = std::fs::read(path)
            .with_context(|| format!("failed to read saved plan `{}`", path.display()))?;
        let saved: SavedPlan = serde_json::from_slice(&text)
            .with_context(|| format!("`{}` is not a saved studio-lcc plan", path.display()))?;
        if saved.format_version != SAVED_PLAN_VERSION {
            anyhow::bail!(
                "`{}` is saved-plan format {}, this studio-lcc reads format {SAVED_PLAN_VERSION}",
                path.display(),
                saved.format_version
            );
        }
        Ok(saved)
    }
}
