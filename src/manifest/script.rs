//! Script bytes: reading a script safely, checking its bytes, injecting `env`, hashing.
//!
//! The LCC content is the base64 of the exact bytes this module produces; the hash that names
//! the LCC is over the same bytes. Problems in a script point at the script's own file and
//! line (for `inline` scripts, at the line inside the manifest).

use std::path::{Component, Path, PathBuf};

use base64::Engine;
use sha2::{Digest, Sha256};

use super::diagnostic::{Severity, Sink};
use super::raw::{At, ScriptSpec};
use super::tree::Pos;
use crate::model::{MAX_ENCODED_CONTENT, MAX_SCRIPT_BYTES};

/// Where a script's lines live, to point diagnostics at them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A script file (shown as the manifest's folder joined with the relative path).
    File(PathBuf),
    /// An `inline` script in a manifest, whose line 1 starts at `first`. Block scalars
    /// (`inline: |`) keep one indentation, so every line starts at the same column.
    ///
    /// Known limitation: for a quoted `inline` string that spans lines, later lines are
    /// located as if the string were a block scalar.
    Inline { manifest: PathBuf, first: Pos },
}

impl Origin {
    /// The file and position of line `line` (1-based) of the script.
    pub(crate) fn locate(&self, line: u64) -> (PathBuf, Pos) {
        match self {
            Origin::File(path) => (path.clone(), Pos::new(line, 1)),
            Origin::Inline { manifest, first } => (
                manifest.clone(),
                Pos::new(first.line + line - 1, first.column),
            ),
        }
    }
}

/// A script's bytes and where they came from.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub(crate) bytes: Vec<u8>,
    pub(crate) origin: Origin,
}

/// Reports a problem at line `line` of the script.
pub(crate) fn report(
    sink: &mut Sink,
    origin: &Origin,
    severity: Severity,
    line: u64,
    path: &str,
    message: String,
    hint: Option<String>,
) {
    let (file, pos) = origin.locate(line);
    sink.push_at(severity, file, pos, path, message, hint);
}

/// Reads the script's bytes (`file` or `inline`).
pub(crate) fn read(
    spec: &ScriptSpec,
    base_dir: &Path,
    sink: &mut Sink,
    path: &str,
) -> Option<Source> {
    if let Some(inline) = &spec.inline {
        let origin = Origin::Inline {
            manifest: sink.file().to_path_buf(),
            first: inline.pos,
        };
        return Some(Source {
            bytes: inline.value.clone().into_bytes(),
            origin,
        });
    }
    let file = spec.file.as_ref()?;
    read_file(file, base_dir, sink, &format!("{path}.file"))
}

/// Reads a script file, refusing paths that leave the manifest's folder tree.
fn read_file(file: &At<String>, base_dir: &Path, sink: &mut Sink, path: &str) -> Option<Source> {
    let rel = Path::new(&file.value);
    if let Err(reason) = check_relative(rel) {
        let hint = "keep scripts in the manifest's folder, for example `scripts/setup.sh`";
        sink.error(
            file.pos,
            path,
            format!("script path `{}` {reason}", file.value),
            Some(hint.into()),
        );
        return None;
    }
    let full = base_dir.join(rel);
    let shown = shown_path(sink.file(), rel);
    if let Err(message) = check_inside(base_dir, &full, &file.value) {
        let hint = "copy the script into the manifest's folder instead of linking to it";
        sink.error(file.pos, path, message, Some(hint.into()));
        return None;
    }
    // NB: far above the 12,288 bytes an LCC holds, so the size check below still reports an
    // oversize script with its real size; only absurd files are refused unread.
    match super::load::read_regular(&full, 1024 * 1024) {
        Ok(bytes) => Some(Source {
            bytes,
            origin: Origin::File(shown),
        }),
        Err(err) => {
            let message = format!("cannot read script file `{}`: {err}", shown.display());
            let hint = "the path is relative to the manifest file".to_owned();
            sink.error(file.pos, path, message, Some(hint));
            None
        }
    }
}

/// The script path as shown to people: next to the manifest file as it was named.
fn shown_path(manifest: &Path, rel: &Path) -> PathBuf {
    manifest
        .parent()
        .map_or_else(|| rel.to_path_buf(), |dir| dir.join(rel))
}

/// A relative path with no `..`.
fn check_relative(rel: &Path) -> Result<(), &'static str> {
    if rel.as_os_str().is_empty() {
        return Err("is empty");
    }
    for component in rel.components() {
        match component {
            Component::Normal(_) | Component::CurDir => {}
            Component::ParentDir => return Err("leaves the manifest's folder (`..`)"),
            Component::RootDir | Component::Prefix(_) => return Err("is absolute"),
        }
    }
    Ok(())
}

/// After resolving symbolic links, `full` is still inside `base_dir`.
fn check_inside(base_dir: &Path, full: &Path, written: &str) -> Result<(), String> {
    let (Ok(base), Ok(target)) = (base_dir.canonicalize(), full.canonicalize()) else {
        return Ok(()); // a missing file is reported when it is read
    };
    if target.starts_with(&base) {
        Ok(())
    } else {
        Err(format!(
            "script path `{written}` is a symbolic link that leads out of the manifest's folder"
        ))
    }
}

/// Checks the bytes of a script and returns them ready for `env` injection.
///
/// Errors: a byte-order mark, NUL bytes, CR line endings (unless `normalize`), emptiness.
/// With `normalize`, CRLF and lone CR become LF.
pub(crate) fn check_bytes(
    source: &Source,
    normalize: bool,
    sink: &mut Sink,
    path: &str,
) -> Option<Vec<u8>> {
    let problems = byte_problems(&source.bytes, normalize);
    for (line, message, hint) in &problems {
        let hint = Some((*hint).to_owned());
        report(
            sink,
            &source.origin,
            Severity::Error,
            *line,
            path,
            message.clone(),
            hint,
        );
    }
    if !problems.is_empty() {
        return None;
    }
    Some(if normalize {
        normalize_line_endings(&source.bytes)
    } else {
        source.bytes.clone()
    })
}

/// The byte-level errors of a script: line, message and hint of each.
fn byte_problems(bytes: &[u8], normalize: bool) -> Vec<(u64, String, &'static str)> {
    let mut problems = Vec::new();
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        let hint = "save the file as UTF-8 without a BOM; the `#!` line must be the first bytes";
        problems.push((
            1,
            "script starts with a byte-order mark (BOM)".to_owned(),
            hint,
        ));
    }
    if let Some(line) = first_line_with(bytes, |b| b == 0) {
        problems.push((
            line,
            "script contains a NUL byte".to_owned(),
            "scripts must be text",
        ));
    }
    let cr_lines = lines_with_cr(bytes);
    if !normalize && !cr_lines.is_empty() {
        let hint = "convert the file to LF line endings, or set `normalizeLineEndings: true`";
        problems.push((cr_lines[0], cr_message(&cr_lines), hint));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let hint = "write the commands the app should run";
        problems.push((1, "script is empty".to_owned(), hint));
    }
    problems
}

fn cr_message(lines: &[u64]) -> String {
    let shown: Vec<String> = lines.iter().take(3).map(u64::to_string).collect();
    let more = if lines.len() > 3 {
        format!(" and {} more", lines.len() - 3)
    } else {
        String::new()
    };
    format!(
        "script has CR (Windows) line endings, which fail in Studio: line(s) {}{more}",
        shown.join(", ")
    )
}

/// The 1-based line of the first byte matching `pred`.
fn first_line_with(bytes: &[u8], pred: impl Fn(u8) -> bool) -> Option<u64> {
    let at = bytes.iter().position(|&b| pred(b))?;
    Some(line_of(bytes, at))
}

/// The 1-based line number of byte offset `at` (lines end at LF).
fn line_of(bytes: &[u8], at: usize) -> u64 {
    1 + bytes[..at].iter().filter(|&&b| b == b'\n').count() as u64
}

/// Every line that has a CR in it.
fn lines_with_cr(bytes: &[u8]) -> Vec<u64> {
    let mut lines: Vec<u64> = Vec::new();
    for (at, _) in bytes.iter().enumerate().filter(|(_, b)| **b == b'\r') {
        let line = line_of(bytes, at);
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    }
    lines
}

/// CRLF and lone CR to LF.
pub(crate) fn normalize_line_endings(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut iter = bytes.iter().peekable();
    while let Some(&b) = iter.next() {
        if b == b'\r' {
            if iter.peek() == Some(&&b'\n') {
                iter.next();
            }
            out.push(b'\n');
        } else {
            out.push(b);
        }
    }
    out
}

/// Shell-quotes a value in single quotes (`'` becomes `'\''`).
pub(crate) fn shell_quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "'\\''"))
}

/// Adds `export KEY='value'` lines (sorted by key) right after the `#!` line, or at the top
/// when there is none. No `env` leaves the bytes as they are.
pub(crate) fn inject_env(bytes: &[u8], env: &[(String, String)]) -> Vec<u8> {
    if env.is_empty() {
        return bytes.to_vec();
    }
    let mut sorted: Vec<&(String, String)> = env.iter().collect();
    sorted.sort();
    let exports: String = sorted
        .iter()
        .map(|(k, v)| format!("export {k}={}\n", shell_quote(v)))
        .collect();
    let split = if bytes.starts_with(b"#!") {
        bytes
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |nl| nl + 1)
    } else {
        0
    };
    let mut out = bytes[..split].to_vec();
    if !out.is_empty() && !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    out.extend_from_slice(exports.as_bytes());
    out.extend_from_slice(&bytes[split..]);
    out
}

/// Lowercase hex sha256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The size of the base64 content, when it is over the limit.
pub(crate) fn oversize(bytes: &[u8]) -> Option<String> {
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .len();
    (encoded > MAX_ENCODED_CONTENT).then(|| {
        format!(
            "script is too large: {} bytes, {encoded} characters in base64; the limit is \
             {MAX_ENCODED_CONTENT} base64 characters ({MAX_SCRIPT_BYTES} bytes)",
            bytes.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_goes_right_after_the_shebang_sorted_and_quoted() {
        let env = vec![
            ("B".to_owned(), "it's".to_owned()),
            ("A".to_owned(), "x".to_owned()),
        ];
        let out = inject_env(b"#!/bin/bash\necho hi\n", &env);
        let expected = "#!/bin/bash\nexport A='x'\nexport B='it'\\''s'\necho hi\n";
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn env_goes_on_top_without_a_shebang() {
        let env = vec![("A".to_owned(), "1".to_owned())];
        assert_eq!(inject_env(b"echo\n", &env), b"export A='1'\necho\n");
        assert_eq!(inject_env(b"#!/bin/sh", &env), b"#!/bin/sh\nexport A='1'\n");
    }

    #[test]
    fn crlf_and_cr_become_lf() {
        assert_eq!(normalize_line_endings(b"a\r\nb\rc\n"), b"a\nb\nc\n");
    }

    #[test]
    fn cr_lines_are_listed() {
        assert_eq!(lines_with_cr(b"a\r\nb\nc\r\n"), vec![1, 3]);
    }

    #[test]
    fn oversize_reports_both_sizes() {
        assert!(oversize(&[b'a'; 12_288]).is_none());
        let message = oversize(&[b'a'; 12_289]).unwrap();
        assert_eq!(
            message,
            "script is too large: 12289 bytes, 16388 characters in base64; the limit is 16384 \
             base64 characters (12288 bytes)"
        );
    }

    #[test]
    fn paths_may_not_leave_the_folder() {
        assert!(check_relative(Path::new("scripts/a.sh")).is_ok());
        assert!(check_relative(Path::new("../a.sh")).is_err());
        assert!(check_relative(Path::new("/etc/passwd")).is_err());
    }
}
