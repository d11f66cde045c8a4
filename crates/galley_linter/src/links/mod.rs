//! The per-file summary that cross-file rules work on (a page's keys, anchors and outgoing
//! links), and the corpus-wide index that resolves links against those summaries.

mod anchors;
mod headings;
mod index;
mod suggest;
mod summary;
mod tabs;
mod templated;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

pub use anchors::Anchors;
pub use headings::{github_anchor, Heading};
pub use index::{LinkIndex, Target};
pub use suggest::{closest, Candidate};
pub use summary::{Folder, PageSummary, TemplateLink};
pub use tabs::page_tab_anchors;
pub use templated::TemplateKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    Link,
    Image,
    /// A reference definition (`[label]: /target`); reference-style usages are checked here.
    Definition,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LinkRecord {
    pub kind: LinkKind,
    /// Boxed: a summary keeps every link of its page until the run ends.
    pub dest: Box<str>,
    /// Where the destination is written, for fixes that replace it.
    pub dest_span: Range<usize>,
}

static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[A-Za-z][A-Za-z0-9+.\-]*:").expect("valid regex"));

/// Whether a link destination points inside the site (not `https:`, `mailto:`, `//host`, ...).
pub fn is_internal(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with("//") && !SCHEME.is_match(dest)
}

/// Joins `path` onto `base` and resolves `.` and `..`; `None` when it climbs out of the root.
/// Written into one string as it goes (every link of a corpus passes here).
pub fn normalize(base: Option<&str>, path: &str) -> Option<String> {
    let mut joined = String::with_capacity(base.map_or(0, str::len) + path.len() + 1);
    let push = |joined: &mut String, part: &str| {
        if !joined.is_empty() {
            joined.push('/');
        }
        joined.push_str(part);
    };
    for part in base.into_iter().flat_map(|base| base.split('/')) {
        if !part.is_empty() {
            push(&mut joined, part);
        }
    }
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if joined.is_empty() => return None,
            ".." => joined.truncate(joined.rfind('/').unwrap_or(0)),
            part => push(&mut joined, part),
        }
    }
    Some(joined)
}

/// Splits a destination into its percent-decoded path and fragment, dropping any query.
pub fn split_destination(dest: &str) -> (Cow<'_, str>, Option<Cow<'_, str>>) {
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    let decode = |s| percent_encoding::percent_decode_str(s).decode_utf8_lossy();
    (decode(path), fragment.map(decode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_split_and_decode() {
        assert_eq!(
            split_destination("/a%20b?x=1#F%C3%B8rste"),
            (Cow::from("/a b"), Some(Cow::from("Første")))
        );
    }

    #[test]
    fn normalize_stays_in_the_root() {
        assert_eq!(normalize(Some("a/b"), "../c/./d").as_deref(), Some("a/c/d"));
        assert_eq!(normalize(None, "../x"), None);
        assert_eq!(normalize(Some("a"), "../../x"), None);
        assert_eq!(
            normalize(Some("/a//b/"), "/c//d/").as_deref(),
            Some("a/b/c/d")
        );
    }

    /// The parts of `base` and `path` in a list, `..` taking the last one off: the join by
    /// another way.
    fn normalize_by_parts(base: Option<&str>, path: &str) -> Option<String> {
        let mut parts: Vec<&str> = base
            .map(|base| base.split('/').filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                part => parts.push(part),
            }
        }
        Some(parts.join("/"))
    }

    proptest::proptest! {
        #[test]
        fn normalize_joins_as_a_list_of_parts_does(
            base in proptest::option::of("(a|b\\.c|\\.\\.|\\.|/|ø){0,5}"),
            path in "(a|d|\\.\\.|\\.|/|é){0,8}",
        ) {
            proptest::prop_assert_eq!(
                normalize(base.as_deref(), &path),
                normalize_by_parts(base.as_deref(), &path)
            );
        }
    }
}
