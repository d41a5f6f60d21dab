//! Loading: a manifest file or a folder of them, from disk or from a string.

use std::fs;
use std::path::{Path, PathBuf};

use super::decode::Decoder;
use super::desired::{Resolver, Unit};
use super::diagnostic::{self, Diagnostic, Severity, Sink};
use super::tree;
use super::{LoadOptions, Loaded, ManifestError};

/// The largest manifest file read; a larger one is refused before it is read.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// Reads a regular file of at most `limit` bytes. Anything else (a FIFO, a device, a folder,
/// a larger file) is refused without reading it, so a stray path cannot hang or exhaust memory.
pub(crate) fn read_regular(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    if meta.len() > limit {
        let message = format!(
            "{} bytes, more than the {limit} bytes studio-lcc reads",
            meta.len()
        );
        return Err(std::io::Error::other(message));
    }
    fs::read(path)
}

/// Loads the manifest at `path`: one file, or every `*.yaml`/`*.yml` file directly in a folder.
pub(crate) fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, ManifestError> {
    let files = manifest_files(path)?;
    let mut units = Vec::new();
    let mut diagnostics = Vec::new();
    for file in &files {
        let text = read_regular(file, MAX_MANIFEST_BYTES).map_err(|source| ManifestError::Io {
            path: file.clone(),
            source,
        })?;
        let base_dir = file
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let base_dir = if base_dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            base_dir
        };
        match decode_bytes(&text, &base_dir, file, &mut diagnostics) {
            Some(unit) => units.push(unit),
            None => continue,
        }
    }
    finish(units, diagnostics, files, options)
}

/// Loads a manifest from a string; `file_name` is used in diagnostics and script paths are
/// relative to `base_dir`.
pub(crate) fn load_str(
    yaml: &str,
    base_dir: &Path,
    file_name: &Path,
    options: &LoadOptions,
) -> Result<Loaded, ManifestError> {
    let mut diagnostics = Vec::new();
    let units: Vec<Unit> = decode_text(yaml, base_dir, file_name, &mut diagnostics)
        .into_iter()
        .collect();
    finish(units, diagnostics, vec![file_name.to_path_buf()], options)
}

/// The manifest files `path` names, sorted.
fn manifest_files(path: &Path) -> Result<Vec<PathBuf>, ManifestError> {
    let meta = fs::metadata(path).map_err(|source| ManifestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let entries = fs::read_dir(path).map_err(|source| ManifestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(ManifestError::NoManifests {
            dir: path.to_path_buf(),
        });
    }
    Ok(files)
}

/// Decodes a file's bytes; invalid UTF-8 is a diagnostic.
fn decode_bytes(
    bytes: &[u8],
    base_dir: &Path,
    file: &Path,
    out: &mut Vec<Diagnostic>,
) -> Option<Unit> {
    match std::str::from_utf8(bytes) {
        Ok(text) => decode_text(text, base_dir, file, out),
        Err(err) => {
            let mut sink = Sink::new(file);
            let line = 1 + bytes[..err.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            let message = "the manifest is not valid UTF-8".to_owned();
            sink.error(
                tree::Pos::new(line, 1),
                "",
                message,
                Some("save the file as UTF-8".into()),
            );
            out.extend(sink.diagnostics);
            None
        }
    }
}

/// Parses and decodes one manifest text. `None` when it cannot be used at all.
fn decode_text(
    text: &str,
    base_dir: &Path,
    file: &Path,
    out: &mut Vec<Diagnostic>,
) -> Option<Unit> {
    let mut sink = Sink::new(file);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let node = match tree::parse(text) {
        Ok(node) => node,
        Err(err) => {
            sink.error(err.pos, "", err.message, err.hint);
            out.extend(sink.diagnostics);
            return None;
        }
    };
    let manifest = Decoder::new(&mut sink).manifest(&node);
    let owner_written = matches!(&node.value, tree::Value::Map(entries)
        if entries.iter().any(|(k, _)| k.value == tree::Value::Str("owner".into())));
    out.extend(sink.diagnostics);
    Some(Unit {
        file: file.to_path_buf(),
        base_dir: base_dir.to_path_buf(),
        manifest: manifest?,
        owner_written,
    })
}

/// Resolves the decoded files and sorts out errors and warnings.
fn finish(
    units: Vec<Unit>,
    mut diagnostics: Vec<Diagnostic>,
    files: Vec<PathBuf>,
    options: &LoadOptions,
) -> Result<Loaded, ManifestError> {
    let desired = if units.is_empty() {
        None
    } else {
        let (desired, more) = Resolver::new(&units).resolve();
        diagnostics.extend(more);
        desired
    };
    if options.strict {
        for d in &mut diagnostics {
            d.severity = Severity::Error;
        }
    }
    diagnostic::sort(&mut diagnostics);
    match desired {
        Some(desired) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(Loaded {
            desired,
            warnings: diagnostics,
            files,
        }),
        _ => Err(ManifestError::Invalid { diagnostics }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("small.yaml");
        fs::write(&small, "owner: o\n").unwrap();
        assert_eq!(read_regular(&small, 100).unwrap(), b"owner: o\n");

        let big = dir.path().join("big.sh");
        fs::File::create(&big)
            .unwrap()
            .set_len(2 * 1024 * 1024)
            .unwrap();
        let err = read_regular(&big, 1024 * 1024).unwrap_err().to_string();
        assert!(err.contains("2097152 bytes, more than"), "{err}");

        let fifo = dir.path().join("fifo.sh");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        assert_eq!(
            read_regular(&fifo, 100).unwrap_err().to_string(),
            "not a regular file"
        );
        assert!(
            read_regular(dir.path(), 100).is_err(),
            "a folder is refused"
        );
    }
}
