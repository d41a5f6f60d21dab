//! The state file: the emulated account as JSON, replaced atomically after every change.
//!
//! A missing file is a new, empty account. A file that cannot be read or parsed is an error
//! naming the file: the sandbox never silently starts empty over someone's state.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::error::SandboxError;
use super::ops::Arns;
use super::store::Store;

/// Version of the state document; bumped when its layout changes incompatibly.
const FORMAT: u32 = 1;

/// Distinguishes temporary files of concurrent writers in one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// The state document as read.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    format: u32,
    account_id: String,
    region: String,
    store: Store,
}

/// The state document as written (borrows the store instead of copying it).
#[derive(Serialize)]
struct StateFileRef<'a> {
    format: u32,
    account_id: &'a str,
    region: &'a str,
    store: &'a Store,
}

/// Loads the store from `path` (an empty store when the file does not exist).
pub(crate) fn load(path: &Path, arns: &Arns) -> Result<Store, SandboxError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Store::default()),
        Err(source) => {
            return Err(SandboxError::StateUnreadable {
                path: path.into(),
                source,
            });
        }
    };
    let file: StateFile =
        serde_json::from_str(&text).map_err(|source| SandboxError::StateCorrupt {
            path: path.into(),
            source,
        })?;
    if file.format != FORMAT || file.account_id != arns.account_id || file.region != arns.region {
        return Err(SandboxError::StateMismatch {
            path: path.into(),
            expected: format!("{}/{} (format {FORMAT})", arns.account_id, arns.region),
            found: format!(
                "{}/{} (format {})",
                file.account_id, file.region, file.format
            ),
        });
    }
    Ok(file.store)
}

/// Writes the store to `path` atomically: a temporary file beside it, synced, then renamed.
pub(crate) fn save(path: &Path, arns: &Arns, store: &Store) -> Result<(), SandboxError> {
    let wrap = |source| SandboxError::StateWrite {
        path: path.into(),
        source,
    };
    let file = StateFileRef {
        format: FORMAT,
        account_id: &arns.account_id,
        region: &arns.region,
        store,
    };
    let bytes = serde_json::to_vec_pretty(&file)
        .map_err(std::io::Error::other)
        .map_err(wrap)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(wrap)?;
    }
    let temp = temp_path(path);
    let written = write_synced(&temp, &bytes).and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written.map_err(wrap)
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

fn temp_path(path: &Path) -> PathBuf {
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp-{}-{n}", std::process::id()));
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::store::Record;

    fn arns() -> Arns {
        Arns {
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
        }
    }

    #[test]
    fn a_saved_store_loads_back_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested/state.json");
        let mut store = Store::default();
        store
            .lccs
            .insert("a".into(), Record::new(serde_json::Map::new()));
        save(&path, &arns(), &store).unwrap();
        assert_eq!(load(&path, &arns()).unwrap().lccs.len(), 1);
        let files = std::fs::read_dir(path.parent().unwrap()).unwrap().count();
        assert_eq!(files, 1);
    }

    #[test]
    fn a_missing_file_is_an_empty_account_and_a_corrupt_one_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert!(load(&path, &arns()).unwrap().lccs.is_empty());
        std::fs::write(&path, "{\"format\": 1, \"acc").unwrap();
        let err = load(&path, &arns()).unwrap_err();
        assert!(matches!(err, SandboxError::StateCorrupt { .. }));
        assert!(err.to_string().contains("state.json"));
    }

    #[test]
    fn another_accounts_state_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        save(&path, &arns(), &Store::default()).unwrap();
        let other = Arns {
            account_id: "210987654321".into(),
            region: "us-east-1".into(),
        };
        assert!(matches!(
            load(&path, &other),
            Err(SandboxError::StateMismatch { .. })
        ));
    }
}
