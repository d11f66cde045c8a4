//! What vouches for an unchanged file without reading it, as git's index does: its device,
//! inode, size, mode, and modification and change times, as one number. A replay reads a
//! file only when that number differs from the one recorded; the record keeps the hash of
//! the text read.
//!
//! A file changed within [`SETTLING`] of a run's start is recorded with no number (0), and is
//! read by every run until it settles: file systems keep times to a tick (2 s on FAT, 1 s on
//! some others, a scheduler tick on Linux), and a second change within the tick of the first,
//! after it was read, would leave every time as it was.

use std::fs::Metadata;
use std::path::Path;
use std::time::{Duration, SystemTime};

/// How long before a run's start a file's last change must be for its times to vouch for it.
const SETTLING: Duration = Duration::from_secs(3);

/// The number that vouches for `path`'s text as a run that started at `started` reads it;
/// 0 when it cannot be asked (see [`settled_key_of`]).
pub(super) fn settled_key(path: &Path, started: SystemTime) -> u64 {
    std::fs::metadata(path).map_or(0, |metadata| settled_key_of(&metadata, started))
}

/// The number that vouches for the text of a file with `metadata`; 0 when it changed less
/// than [`SETTLING`] before `started`, its times are not kept, or the platform gives no
/// inode (every such file is read).
#[cfg(unix)]
pub(super) fn settled_key_of(metadata: &Metadata, started: SystemTime) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Some(settled) = nanos_before(started) else {
        return 0;
    };
    let nanos = |seconds: i64, nanos: i64| i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    let modified = nanos(metadata.mtime(), metadata.mtime_nsec());
    let changed = nanos(metadata.ctime(), metadata.ctime_nsec());
    // A file system that keeps no times (some FUSE mounts give the epoch) vouches for nothing.
    if modified >= settled || changed >= settled || modified <= 0 || changed <= 0 {
        return 0;
    }
    let mut bytes = [0; 60];
    bytes[..8].copy_from_slice(&metadata.dev().to_le_bytes());
    bytes[8..16].copy_from_slice(&metadata.ino().to_le_bytes());
    bytes[16..24].copy_from_slice(&metadata.size().to_le_bytes());
    bytes[24..40].copy_from_slice(&modified.to_le_bytes());
    bytes[40..56].copy_from_slice(&changed.to_le_bytes());
    bytes[56..].copy_from_slice(&metadata.mode().to_le_bytes());
    xxhash_rust::xxh3::xxh3_64(&bytes).max(1)
}

#[cfg(not(unix))]
pub(super) fn settled_key_of(_: &Metadata, _: SystemTime) -> u64 {
    0
}

/// `started` less [`SETTLING`], in nanoseconds since the Unix epoch.
#[cfg(unix)]
fn nanos_before(started: SystemTime) -> Option<i128> {
    let since_epoch = started
        .checked_sub(SETTLING)?
        .duration_since(SystemTime::UNIX_EPOCH);
    i128::try_from(since_epoch.ok()?.as_nanos()).ok()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.md");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn a_file_whose_times_are_not_kept_has_no_key() {
        let (_dir, path) = file("# A\n");
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::UNIX_EPOCH).unwrap();
        let later = SystemTime::now() + Duration::from_secs(60);
        assert_eq!(settled_key(&path, later), 0);
    }

    #[test]
    fn a_file_changed_just_before_the_run_has_no_key() {
        let (_dir, path) = file("# A\n");
        assert_eq!(settled_key(&path, SystemTime::now()), 0);
        assert_eq!(
            settled_key(&path.with_extension("gone"), SystemTime::now()),
            0
        );
    }

    #[test]
    fn a_settled_file_keeps_its_key_until_it_is_written_or_touched() {
        let (_dir, path) = file("# A\n");
        let later = SystemTime::now() + Duration::from_secs(60);
        let key = settled_key(&path, later);
        assert_ne!(key, 0);
        assert_eq!(settled_key(&path, later), key);
        // The same size, and the old modification time put back: the change time moved.
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::write(&path, "# B\n").unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(modified).unwrap();
        assert_ne!(settled_key(&path, later), key);
        // A file put in its place under the same name is another inode.
        let rewritten = settled_key(&path, later);
        let other = path.with_extension("new");
        std::fs::write(&other, "# B\n").unwrap();
        std::fs::rename(&other, &path).unwrap();
        assert_ne!(settled_key(&path, later), rewritten);
    }
}
