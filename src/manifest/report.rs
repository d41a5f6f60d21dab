//! Rendering of `validate` results: text for people, JSON for tools, GitHub annotations.

use std::fmt::Write;

use serde_json::json;

use super::{Diagnostic, Loaded, ManifestError};

/// What `validate` found.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Valid, possibly with warnings.
    Valid(Loaded),
    /// Invalid, with every problem.
    Invalid(Vec<Diagnostic>),
    /// Could not even be read.
    Failed(String),
}

impl Outcome {
    /// Sorts a load result into the three cases.
    pub(crate) fn from_result(result: Result<Loaded, ManifestError>) -> Outcome {
        match result {
            Ok(loaded) => Outcome::Valid(loaded),
            Err(ManifestError::Invalid { diagnostics }) => Outcome::Invalid(diagnostics),
            Err(other) => Outcome::Failed(error_chain(&other)),
        }
    }

    pub(crate) fn is_valid(&self) -> bool {
        matches!(self, Outcome::Valid(_))
    }

    fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Outcome::Valid(loaded) => &loaded.warnings,
            Outcome::Invalid(diagnostics) => diagnostics,
            Outcome::Failed(_) => &[],
        }
    }
}

/// An error and its sources on one line.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let _ = write!(text, ": {s}");
        source = s.source();
    }
    text
}

fn counts(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

/// Text: each diagnostic, then a summary line.
pub(crate) fn text(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in outcome.diagnostics() {
        let _ = writeln!(out, "{d}");
    }
    let (errors, warnings) = counts(outcome.diagnostics());
    match outcome {
        Outcome::Valid(loaded) => {
            let d = &loaded.desired;
            let slots: usize = d.domains.iter().map(|d| d.slots.len()).sum();
            let _ = writeln!(
                out,
                "manifest is valid: {} file(s), {} script version(s), {} domain(s), {slots} \
                 slot(s), {warnings} warning(s)",
                loaded.files.len(),
                d.scripts.len(),
                d.domains.len()
            );
        }
        Outcome::Invalid(_) => {
            let _ = writeln!(
                out,
                "manifest is invalid: {errors} error(s), {warnings} warning(s)"
            );
        }
        Outcome::Failed(message) => {
            let _ = writeln!(out, "error: {message}");
        }
    }
    out
}

/// JSON: `{valid, errors, warnings, diagnostics, files, scripts}`.
pub(crate) fn json(outcome: &Outcome) -> String {
    let (errors, warnings) = counts(outcome.diagnostics());
    let mut doc = json!({
        "valid": outcome.is_valid(),
        "errors": errors,
        "warnings": warnings,
        "diagnostics": outcome.diagnostics(),
    });
    match outcome {
        Outcome::Valid(loaded) => {
            doc["files"] = json!(loaded.files);
            doc["scripts"] = loaded
                .desired
                .scripts
                .iter()
                .map(|s| {
                    json!({
                        "script": s.script, "variant": s.variant, "lccName": s.lcc_name,
                        "appType": s.app_type, "sha256": s.sha256, "bytes": s.content.len(),
                    })
                })
                .collect();
        }
        Outcome::Failed(message) => doc["error"] = json!(message),
        Outcome::Invalid(_) => {}
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

/// GitHub Actions workflow commands (`::error file=...,line=...,col=...::message`).
pub(crate) fn github(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in outcome.diagnostics() {
        let kind = if d.is_error() { "error" } else { "warning" };
        let mut message = format!("{} (at {})", d.message, d.path);
        if let Some(hint) = &d.hint {
            let _ = write!(message, "\nhint: {hint}");
        }
        let file = escape_property(&d.file.display().to_string());
        let _ = writeln!(
            out,
            "::{kind} file={file},line={},col={},title=studio-lcc::{}",
            d.line,
            d.column,
            escape_data(&message)
        );
    }
    if let Outcome::Failed(message) = outcome {
        let _ = writeln!(out, "::error title=studio-lcc::{}", escape_data(message));
    }
    out
}

/// Escapes a workflow command's message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::manifest::Severity;

    fn diagnostic() -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            file: PathBuf::from("a,b.yaml"),
            line: 2,
            column: 3,
            path: "scripts.x".into(),
            message: "100% bad".into(),
            hint: Some("fix".into()),
        }
    }

    #[test]
    fn github_annotations_escape_properties_and_data() {
        let outcome = Outcome::Invalid(vec![diagnostic()]);
        assert_eq!(
            github(&outcome),
            "::warning file=a%2Cb.yaml,line=2,col=3,title=studio-lcc::100%25 bad (at scripts.x)%0Ahint: fix\n"
        );
    }

    #[test]
    fn json_counts_errors_and_warnings() {
        let doc: serde_json::Value =
            serde_json::from_str(&json(&Outcome::Invalid(vec![diagnostic()]))).unwrap();
        assert_eq!(doc["valid"], false);
        assert_eq!(doc["warnings"], 1);
        assert_eq!(doc["diagnostics"][0]["line"], 2);
    }
}
