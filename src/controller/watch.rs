//! Noticing manifest edits, and waiting for the next cycle.
//!
//! A cheap poll (about once a second) hashes the contents of the manifest's folder tree: the
//! manifest files and every script they may read. Hashing contents, not modification times or
//! inodes, makes the check indifferent to how a file changed: an editor's rename, a git-sync
//! worktree switch, or the symbolic-link swap Kubernetes does when a mounted ConfigMap changes
//! (`..data` repointed to a new hidden folder). Hidden entries (names starting with `.`) are
//! not walked themselves; the visible links that point into them are followed.
//!
//! Known limitation: the walk is bounded ([`MAX_FILES`] files, [`MAX_BYTES`] bytes,
//! [`MAX_DEPTH`] levels), so an edit past those bounds in a very large folder is only picked
//! up at the next interval. Keep the manifest in a folder of its own.

use std::future::Future;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::time::{Instant, MissedTickBehavior};

/// Most files hashed per poll.
pub const MAX_FILES: usize = 2_000;
/// Most bytes read per poll.
pub const MAX_BYTES: u64 = 32 * 1024 * 1024;
/// Deepest folder level walked below the manifest's folder.
pub const MAX_DEPTH: usize = 8;

/// Why the wait between cycles ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The requeue delay passed.
    Timer,
    /// The manifest changed.
    Changed,
    /// A shutdown was asked for.
    Shutdown,
}

/// Something polled for a change while waiting.
pub trait ChangeProbe {
    /// Whether something changed since the last call.
    fn changed(&mut self) -> impl Future<Output = bool> + Send;
}

/// Waits `delay`, polling `probe` every `poll`, until the delay passes, the probe sees a
/// change, or `stop` completes.
pub async fn wait(
    delay: Duration,
    poll: Duration,
    probe: &mut impl ChangeProbe,
    stop: impl Future<Output = ()>,
) -> Wake {
    let timer = tokio::time::sleep_until(Instant::now() + delay);
    let mut ticks = tokio::time::interval_at(Instant::now() + poll, poll);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    tokio::pin!(timer, stop);
    loop {
        tokio::select! {
            biased;
            () = &mut stop => return Wake::Shutdown,
            () = &mut timer => return Wake::Timer,
            _ = ticks.tick() => {
                if probe.changed().await {
                    return Wake::Changed;
                }
            }
        }
    }
}

/// Watches the manifest at a path (a file or a folder) by fingerprint.
#[derive(Debug)]
pub struct ManifestWatch {
    path: PathBuf,
    seen: u64,
}

impl ManifestWatch {
    /// Starts watching; the current contents count as seen.
    pub async fn new(path: PathBuf) -> ManifestWatch {
        let seen = fingerprint_in_background(path.clone()).await;
        ManifestWatch { path, seen }
    }

    /// Marks the current contents as seen (call before loading the manifest).
    pub async fn mark(&mut self) {
        self.seen = fingerprint_in_background(self.path.clone()).await;
    }
}

impl ChangeProbe for ManifestWatch {
    async fn changed(&mut self) -> bool {
        let now = fingerprint_in_background(self.path.clone()).await;
        let changed = now != self.seen;
        self.seen = now;
        changed
    }
}

async fn fingerprint_in_background(path: PathBuf) -> u64 {
    // A failed task (a panic while hashing) reads as "unchanged"; the interval still runs.
    tokio::task::spawn_blocking(move || fingerprint(&path))
        .await
        .unwrap_or(0)
}

/// A hash of the contents of the manifest at `path` and of its folder tree (the folder itself
/// when `path` is a folder, else the file's folder). A missing path hashes too, so its return
/// is a change.
#[must_use]
pub fn fingerprint(path: &Path) -> u64 {
    let mut walk = Walk {
        hasher: DefaultHasher::new(),
        files: 0,
        bytes: 0,
    };
    walk.file(path);
    let root = if path.is_dir() {
        path
    } else {
        path.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    };
    walk.folder(root, 0);
    walk.hasher.finish()
}

/// The running state of one fingerprint.
struct Walk {
    hasher: DefaultHasher,
    files: usize,
    bytes: u64,
}

impl Walk {
    fn folder(&mut self, dir: &Path, depth: usize) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
            .map(|e| e.path())
            .collect();
        paths.sort();
        for path in paths {
            if path.is_dir() && depth < MAX_DEPTH {
                self.folder(&path, depth + 1);
            } else if path.is_file() {
                self.file(&path);
            }
        }
    }

    fn file(&mut self, path: &Path) {
        if self.files >= MAX_FILES || self.bytes >= MAX_BYTES {
            return;
        }
        self.files += 1;
        path.hash(&mut self.hasher);
        let mut content = Vec::new();
        let read = std::fs::File::open(path)
            .and_then(|f| f.take(MAX_BYTES - self.bytes).read_to_end(&mut content));
        match read {
            Ok(n) => {
                self.bytes += n as u64;
                content.hash(&mut self.hasher);
            }
            Err(err) => err.kind().hash(&mut self.hasher),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_changes_with_content_and_survives_a_configmap_link_swap() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        // The layout Kubernetes mounts: visible links into `..data`, itself a link to a
        // hidden, timestamped folder.
        std::fs::create_dir(root.join("..v1")).unwrap();
        std::fs::write(root.join("..v1/studio-lcc.yaml"), "owner: a\n").unwrap();
        std::os::unix::fs::symlink("..v1", root.join("..data")).unwrap();
        std::os::unix::fs::symlink("..data/studio-lcc.yaml", root.join("studio-lcc.yaml")).unwrap();
        let before = fingerprint(root);
        assert_eq!(before, fingerprint(root));

        std::fs::create_dir(root.join("..v2")).unwrap();
        std::fs::write(root.join("..v2/studio-lcc.yaml"), "owner: b\n").unwrap();
        std::os::unix::fs::symlink("..v2", root.join("..data.tmp")).unwrap();
        std::fs::rename(root.join("..data.tmp"), root.join("..data")).unwrap();
        assert_ne!(before, fingerprint(root));
    }

    #[test]
    fn fingerprint_of_a_file_covers_the_scripts_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("studio-lcc.yaml");
        std::fs::write(&manifest, "owner: a\n").unwrap();
        std::fs::create_dir(dir.path().join("scripts")).unwrap();
        std::fs::write(dir.path().join("scripts/a.sh"), "#!/bin/bash\n").unwrap();
        let before = fingerprint(&manifest);
        std::fs::write(dir.path().join("scripts/a.sh"), "#!/bin/bash\necho\n").unwrap();
        assert_ne!(before, fingerprint(&manifest));
    }

    /// Reports a change on its `n`-th poll.
    struct ChangesOnPoll {
        polls: u32,
        n: u32,
    }

    impl ChangeProbe for ChangesOnPoll {
        async fn changed(&mut self) -> bool {
            self.polls += 1;
            self.polls == self.n
        }
    }

    #[tokio::test(start_paused = true)]
    async fn wait_ends_at_the_requeue_delay_when_nothing_changes() {
        let mut probe = ChangesOnPoll {
            polls: 0,
            n: u32::MAX,
        };
        let start = Instant::now();
        let wake = wait(
            Duration::from_secs(30),
            Duration::from_secs(1),
            &mut probe,
            never(),
        )
        .await;
        assert_eq!(wake, Wake::Timer);
        assert_eq!(start.elapsed(), Duration::from_secs(30));
        assert_eq!(probe.polls, 29);
    }

    #[tokio::test(start_paused = true)]
    async fn wait_ends_at_the_first_poll_that_sees_a_change() {
        let mut probe = ChangesOnPoll { polls: 0, n: 3 };
        let start = Instant::now();
        let wake = wait(
            Duration::from_secs(300),
            Duration::from_secs(1),
            &mut probe,
            never(),
        )
        .await;
        assert_eq!(wake, Wake::Changed);
        assert_eq!(start.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn wait_ends_when_a_shutdown_is_asked_for() {
        let mut probe = ChangesOnPoll {
            polls: 0,
            n: u32::MAX,
        };
        let stop = tokio::time::sleep(Duration::from_millis(2_500));
        let wake = wait(
            Duration::from_secs(300),
            Duration::from_secs(1),
            &mut probe,
            stop,
        )
        .await;
        assert_eq!(wake, Wake::Shutdown);
        assert_eq!(probe.polls, 2);
    }

    async fn never() {
        std::future::pending::<()>().await;
    }
}
