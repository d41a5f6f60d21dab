//! Diagnostics: one problem found while loading a manifest, with its exact place.
//!
//! Every check in the loader reports through a [`Sink`], so that loading collects every
//! problem in one pass instead of stopping at the first.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::tree::Pos;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The manifest cannot be used.
    Error,
    /// A likely mistake; an error under `--strict`.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem, with the file, line and column it is about.
///
/// `line` and `column` are 1-based; both are 0 only when a problem has no place in a file (a
/// folder without manifests, for example).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The manifest or script file the problem is in.
    pub file: PathBuf,
    /// 1-based line.
    pub line: u64,
    /// 1-based column.
    pub column: u64,
    /// Where in the document, as dotted keys (`domains.main.defaults.jupyterLab.default`).
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// Whether this is an error (as opposed to a warning).
    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The sort key that lists diagnostics in reading order.
    fn order_key(&self) -> (&Path, u64, u64, Severity) {
        (&self.file, self.line, self.column, self.severity)
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.display();
        write!(
            f,
            "{file}:{}:{}: {}: {}",
            self.line, self.column, self.severity, self.message
        )?;
        if !self.path.is_empty() {
            write!(f, " (at {})", self.path)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics into reading order: by file, line, column.
pub(crate) fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
}

/// Collects the diagnostics of one manifest file (and the script files it names).
#[derive(Debug)]
pub(crate) struct Sink {
    /// The manifest file diagnostics point into unless told otherwise.
    file: PathBuf,
    /// Everything reported so far.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Sink {
    /// A sink for problems in `file`.
    pub(crate) fn new(file: &Path) -> Sink {
        Sink {
            file: file.to_path_buf(),
            diagnostics: Vec::new(),
        }
    }

    /// The manifest file this sink reports on.
    pub(crate) fn file(&self) -> &Path {
        &self.file
    }

    /// Reports an error at `pos` in the manifest.
    pub(crate) fn error(&mut self, pos: Pos, path: &str, message: String, hint: Option<String>) {
        let file = self.file.clone();
        self.push_at(Severity::Error, file, pos, path, message, hint);
    }

    /// Reports a warning at `pos` in the manifest.
    pub(crate) fn warn(&mut self, pos: Pos, path: &str, message: String, hint: Option<String>) {
        let file = self.file.clone();
        self.push_at(Severity::Warning, file, pos, path, message, hint);
    }

    /// Reports a problem in another file (a script file).
    pub(crate) fn push_at(
        &mut self,
        severity: Severity,
        file: PathBuf,
        pos: Pos,
        path: &str,
        message: String,
        hint: Option<String>,
    ) {
        self.diagnostics.push(Diagnostic {
            severity,
            file,
            line: pos.line,
            column: pos.column,
            path: path.to_owned(),
            message,
            hint,
        });
    }
}

/// The candidate closest to `word`, when one is close enough to be a likely typo: a few
/// edits away (transpositions count as one), or sharing most of its letters in order.
pub(crate) fn suggest<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word = word.to_lowercase();
    let max_edits = (word.chars().count() / 3).max(1);
    candidates
        .into_iter()
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let edits = strsim::damerau_levenshtein(&word, &lower);
            let similar = strsim::jaro_winkler(&word, &lower) >= 0.85;
            (edits <= max_edits || similar).then_some((edits, c))
        })
        .min_by_key(|(edits, _)| *edits)
        .map(|(_, c)| c)
}

/// A "did you mean" hint, or the list of valid words when nothing is close.
pub(crate) fn did_you_mean(word: &str, candidates: &[&str]) -> String {
    match suggest(word, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None if candidates.is_empty() => "nothing is allowed here".to_owned(),
        None => format!("expected one of: {}", backticked(candidates)),
    }
}

/// `a`, `b`, `c` with backticks, for hints.
pub(crate) fn backticked(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_place_path_and_hint() {
        let d = Diagnostic {
            severity: Severity::Error,
            file: PathBuf::from("studio-lcc.yaml"),
            line: 3,
            column: 5,
            path: "scripts.x".into(),
            message: "bad".into(),
            hint: Some("fix it".into()),
        };
        assert_eq!(
            d.to_string(),
            "studio-lcc.yaml:3:5: error: bad (at scripts.x)\n  hint: fix it"
        );
    }

    #[test]
    fn suggest_finds_close_words_only() {
        assert_eq!(suggest("appTyp", ["appType", "file"]), Some("appType"));
        assert_eq!(suggest("zzz", ["appType", "file"]), None);
    }
}
