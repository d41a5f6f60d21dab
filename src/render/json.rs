//! The plan as JSON, with a versioned envelope (documented in `docs/plan-format.md`).

use serde::Serialize;

use crate::plan::{Plan, Summary};

/// Version of the JSON plan format; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Envelope<'a> {
    format_version: u32,
    has_changes: bool,
    summary: Summary,
    #[serde(flatten)]
    plan: &'a Plan,
}

/// The plan as pretty JSON.
#[must_use]
pub fn json(plan: &Plan) -> String {
    let envelope = Envelope {
        format_version: JSON_FORMAT_VERSION,
        has_changes: plan.has_changes(),
        summary: plan.summary(),
        plan,
    };
    let mut out = serde_json::to_string_pretty(&envelope).unwrap_or_default();
    out.push('\n');
    out
}
