//! Paths as the engine compares them: absolute and normalised without touching the disk.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use rayon::slice::ParallelSliceMut;

/// The path as text, U+FFFD for bytes that are not UTF-8. `Path::to_string_lossy` checks
/// the bytes chunk by chunk, several times slower than the plain check that a path almost
/// always passes; this runs for every file of a corpus, more than once.
pub fn text(path: &Path) -> Cow<'_, str> {
    match path.to_str() {
        Some(text) => Cow::Borrowed(text),
        None => path.to_string_lossy(),
    }
}

/// Lexically absolute and normalised (`a/../b` is `b`), without touching the file system.
pub fn absolute(path: &Path) -> PathBuf {
    absolute_or_as_is(path).into_owned()
}

/// [`absolute`], borrowing `path` when it is absolute and normal already, as the paths of a
/// walk of an absolute folder are: no copy for every file of a corpus.
pub fn absolute_or_as_is(path: &Path) -> Cow<'_, Path> {
    // The current folder is asked once: this runs for every file of a corpus.
    static CURRENT_DIR: OnceLock<PathBuf> = OnceLock::new();
    let absolute = if path.is_absolute() {
        Cow::Borrowed(path)
    } else {
        // A walk of `.` gives `./a/b.md`: its `.` is dropped before the join, or every path
        // of the corpus would take the slow way below.
        Cow::Owned(join(
            CURRENT_DIR.get_or_init(|| std::env::current_dir().unwrap_or_default()),
            without_dot(path),
        ))
    };
    if is_normal(&absolute) {
        return absolute;
    }
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::ParentDir => {
                normal.pop();
            }
            Component::CurDir => {}
            other => normal.push(other),
        }
    }
    Cow::Owned(normal)
}

/// `folder.join(relative)` for a relative path, in one allocation of the right size:
/// `Path::join` grows its buffer and reads `relative`'s components to tell whether it has a
/// root, at a cost that shows in a run over `.` (every path of the corpus is joined).
fn join(folder: &Path, relative: &Path) -> PathBuf {
    #[cfg(unix)]
    {
        use std::ffi::OsString;
        use std::os::unix::ffi::{OsStrExt, OsStringExt};
        let (folder, relative) = (
            folder.as_os_str().as_bytes(),
            relative.as_os_str().as_bytes(),
        );
        if !relative.starts_with(b"/") {
            let mut joined = Vec::with_capacity(folder.len() + 1 + relative.len());
            joined.extend_from_slice(folder);
            if !folder.is_empty() && !folder.ends_with(b"/") {
                joined.push(b'/');
            }
            joined.extend_from_slice(relative);
            return PathBuf::from(OsString::from_vec(joined));
        }
    }
    folder.join(relative)
}

/// `path` without a leading `./`, told from its bytes where it can be (`Path::strip_prefix`
/// goes through components, both ends of them).
fn without_dot(path: &Path) -> &Path {
    #[cfg(unix)]
    {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        match path.as_os_str().as_bytes().strip_prefix(b"./") {
            // `.//a` is `./a`: what follows must not read as a path from the root.
            Some(rest) => {
                let start = rest.iter().take_while(|&&byte| byte == b'/').count();
                Path::new(OsStr::from_bytes(&rest[start..]))
            }
            None => path,
        }
    }
    #[cfg(not(unix))]
    path.strip_prefix(".").unwrap_or(path)
}

/// Whether an absolute path is already what [`absolute`] would make of it: no `.` or `..`
/// part and no doubled or trailing separator (as the paths of a walk are), told from its
/// bytes, which is much cheaper than going through its components.
fn is_normal(path: &Path) -> bool {
    if !cfg!(unix) {
        return false;
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    if bytes == b"/" {
        return true;
    }
    if !bytes.starts_with(b"/") || bytes.ends_with(b"/") {
        return false;
    }
    // Only `//`, `/.` and `/..` can make a path other than normal; most paths hold neither
    // pair, and two searches for them cost less than looking after every separator.
    static PAIRS: OnceLock<[memchr::memmem::Finder<'static>; 2]> = OnceLock::new();
    let [doubled, dotted] = PAIRS.get_or_init(|| [b"//", b"/."].map(memchr::memmem::Finder::new));
    if doubled.find(bytes).is_some() {
        return false;
    }
    dotted.find(bytes).is_none()
        || memchr::memchr_iter(b'/', bytes).all(|at| {
            !matches!(
                &bytes[at + 1..],
                [b'.'] | [b'.', b'/', ..] | [b'.', b'.'] | [b'.', b'.', b'/', ..]
            )
        })
}

/// `Path::file_name`, told from the bytes when the path ends in a plain name (as a walk's
/// paths do): `Path::file_name` goes through components from the back, and this runs for
/// every file of a walk.
pub fn file_name(path: &Path) -> Option<&OsStr> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let name = memchr::memrchr(b'/', bytes).map_or(bytes, |at| &bytes[at + 1..]);
        if !matches!(name, b"" | b"." | b"..") {
            return Some(OsStr::from_bytes(name));
        }
    }
    path.file_name()
}

/// Whether `path`'s extension is one of `extensions` (as written: `MD` is not `md`).
pub fn has_extension(path: &Path, extensions: &[String]) -> bool {
    extension(path)
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| extensions.iter().any(|wanted| wanted == ext))
}

/// `Path::extension`, through [`file_name`].
pub fn extension(path: &Path) -> Option<&OsStr> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = file_name(path)?.as_bytes();
        match memchr::memrchr(b'.', name) {
            Some(0) | None => None,
            Some(dot) => Some(OsStr::from_bytes(&name[dot + 1..])),
        }
    }
    #[cfg(not(unix))]
    path.extension()
}

/// Sorts `paths` in the order of their components (as `Path`'s `Ord` has it: `a/b` before
/// `a-b`), told from their bytes, which is much cheaper than comparing components. The same
/// order as `sort` for the paths of one walk: the folder walked as written, then plain
/// names, one separator apart.
pub fn sort_by_components(paths: &mut [PathBuf]) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        // Compared where they first differ, in place: a key apiece, or one buffer of keys,
        // is fresh memory for every file of a corpus, and its page faults cost more than
        // the comparisons.
        paths.par_sort_unstable_by(|a, b| {
            separators_first(a.as_os_str().as_bytes(), b.as_os_str().as_bytes())
        });
    }
    #[cfg(not(unix))]
    paths.par_sort();
}

/// `a` against `b` byte by byte, a separator before any byte a name can hold.
#[cfg(unix)]
fn separators_first(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    let at = first_difference(a, b);
    match (a.get(at), b.get(at)) {
        (Some(&x), Some(&y)) => {
            let rank = |byte: u8| if byte == b'/' { 0 } else { byte };
            rank(x).cmp(&rank(y))
        }
        _ => a.len().cmp(&b.len()),
    }
}

/// Where `a` and `b` first differ (the shorter one's length if one starts the other), sixteen
/// bytes at a time: the paths of one corpus share long beginnings.
#[cfg(unix)]
fn first_difference(a: &[u8], b: &[u8]) -> usize {
    let word = |bytes: &[u8]| u128::from_le_bytes(bytes.try_into().unwrap_or_default());
    let mut at = 0;
    for (x, y) in a.chunks_exact(16).zip(b.chunks_exact(16)) {
        let difference = word(x) ^ word(y);
        if difference != 0 {
            // Little-endian: the lowest differing bit is in the first differing byte.
            return at + difference.trailing_zeros() as usize / 8;
        }
        at += 16;
    }
    at + (a[at..].iter().zip(&b[at..]))
        .take_while(|(x, y)| x == y)
        .count()
}

/// `path` below `root` (`Path::strip_prefix`), for paths [`absolute`] made; told from their
/// bytes where it can be.
pub fn below<'p>(path: &'p Path, root: &Path) -> Option<&'p Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let root = root.as_os_str().as_bytes();
        let rest = path.as_os_str().as_bytes().strip_prefix(root)?;
        let rest = match rest.strip_prefix(b"/") {
            Some(rest) => rest,
            None if rest.is_empty() || root.ends_with(b"/") => rest,
            None => return None,
        };
        Some(Path::new(std::ffi::OsStr::from_bytes(rest)))
    }
    #[cfg(not(unix))]
    path.strip_prefix(root).ok()
}

/// The deepest folder holding every given path.
pub fn common_folder(paths: &[PathBuf]) -> PathBuf {
    let folders: Vec<PathBuf> = paths
        .iter()
        .map(|path| absolute(path))
        .map(|path| {
            if path.is_dir() {
                path
            } else {
                path.parent().map(Path::to_path_buf).unwrap_or(path)
            }
        })
        .collect();
    let Some(first) = folders.first() else {
        return absolute(Path::new("."));
    };
    let mut common = first.clone();
    while !folders.iter().all(|folder| folder.starts_with(&common)) {
        if !common.pop() {
            break;
        }
    }
    common
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_path_already_normal_is_kept_and_others_are_normalised() {
        assert_eq!(absolute(Path::new("/a/b.md")), Path::new("/a/b.md"));
        assert_eq!(absolute(Path::new("/a/./b/../c.md")), Path::new("/a/c.md"));
        assert_eq!(absolute(Path::new("/a//b/")), Path::new("/a/b"));
        assert_eq!(absolute(Path::new("/a/.hidden")), Path::new("/a/.hidden"));
        assert_eq!(absolute(Path::new("/")), Path::new("/"));
        assert_eq!(
            below(Path::new("/a/b"), Path::new("/")),
            Some(Path::new("a/b"))
        );
        assert_eq!(below(Path::new("/a"), Path::new("/a")), Some(Path::new("")));
        assert_eq!(below(Path::new("/ab"), Path::new("/a")), None);
    }

    proptest! {
        /// However a relative path starts (`./`, `.`, `..`, doubled separators), it is the
        /// current folder joined to it, `.` and `..` worked out.
        #[test]
        fn relative_paths_are_joined_to_the_current_folder(path in "[./a]{0,8}") {
            let path = Path::new(&path);
            prop_assume!(!path.is_absolute());
            let mut expected = PathBuf::new();
            for part in std::env::current_dir().unwrap().join(path).components() {
                match part {
                    Component::ParentDir => {
                        expected.pop();
                    }
                    Component::CurDir => {}
                    other => expected.push(other),
                }
            }
            prop_assert_eq!(absolute(path), expected);
        }

        /// The one-allocation join gives the bytes `Path::join` gives.
        #[test]
        fn a_join_is_byte_for_byte_paths_join(folder in "/?[a/]{0,6}", relative in "[./a]{0,6}") {
            let (folder, relative) = (Path::new(&folder), Path::new(&relative));
            let (ours, std) = (join(folder, relative), folder.join(relative));
            prop_assert_eq!(ours.as_os_str(), std.as_os_str());
        }

        /// The byte-level `file_name`, `extension` and normal-path check say what `Path`'s
        /// components say.
        #[test]
        fn names_and_extensions_are_read_as_components_read_them(path in "/?[./am]{0,10}") {
            let path = Path::new(&path);
            prop_assert_eq!(file_name(path), path.file_name());
            prop_assert_eq!(extension(path), path.extension());
            if path.is_absolute() {
                let components: PathBuf = path.components().collect();
                let normal = components.as_os_str() == path.as_os_str()
                    && !path.components().any(|part| part == Component::ParentDir);
                prop_assert_eq!(is_normal(path), normal, "{:?}", path);
            }
        }

        /// Compared where they first differ, sixteen bytes at a time, two paths (with long
        /// shared beginnings, as a corpus's are) sort as their bytes do with every
        /// separator made the lowest byte.
        #[cfg(unix)]
        #[test]
        fn paths_compare_as_their_bytes_with_separators_lowest(
            shared in "[-./0a]{0,40}",
            a in "[-./0a]{0,12}",
            b in "[-./0a]{0,12}",
        ) {
            let (a, b) = (format!("{shared}{a}"), format!("{shared}{b}"));
            let key = |path: &str| -> Vec<u8> {
                path.bytes().map(|byte| if byte == b'/' { 0 } else { byte }).collect()
            };
            prop_assert_eq!(separators_first(a.as_bytes(), b.as_bytes()), key(&a).cmp(&key(&b)));
        }

        // Names with the bytes that sort near the separator: `-`, `.`, `0`.
        #[test]
        fn walk_paths_sort_and_strip_as_their_components_do(
            a in proptest::collection::vec("[-./0a]{1,3}", 1..4),
            b in proptest::collection::vec("[-./0a]{1,3}", 1..4),
        ) {
            let plain = |parts: &[String]| -> Option<PathBuf> {
                let names: Vec<&str> = parts.iter().map(String::as_str).collect();
                let ok = names.iter().all(|n| !n.contains('/') && !matches!(*n, "." | ".."));
                ok.then(|| PathBuf::from(format!("./docs/{}", names.join("/"))))
            };
            if let (Some(a), Some(b)) = (plain(&a), plain(&b)) {
                let mut sorted = vec![a.clone(), b.clone()];
                sort_by_components(&mut sorted);
                prop_assert!(sorted[0] <= sorted[1], "{:?}", sorted);
                let components: PathBuf = (std::env::current_dir().unwrap().join(&a))
                    .components()
                    .filter(|part| *part != Component::CurDir)
                    .collect();
                let (root, a) = (absolute(Path::new("./docs")), absolute(&a));
                prop_assert_eq!(&a, &components);
                prop_assert_eq!(below(&a, &root), a.strip_prefix(&root).ok());
                prop_assert_eq!(below(&root, &a), root.strip_prefix(&a).ok());
            }
        }
    }
}
