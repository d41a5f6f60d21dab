//! The manifest's JSON Schema, generated from the [`super::raw`] types.

use super::raw::ManifestFile;

/// The JSON Schema of a manifest file, pretty-printed with a trailing newline.
#[must_use]
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(ManifestFile);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
