//! The per-file summary that cross-file rules work on (a page's keys, anchors and outgoing
//! links), and the corpus-wide index that resolves links against those summaries.

mod anchors;
mod folded_keys;
mod headings;
mod index;
mod suggest;
mod summary;
mod tabs;
mod templated;

use std::borrow::Cow;
use std::ops::Range;

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

/// Whether a link destination points inside the site (not `https:`, `mailto:`, `//host`, ...).
pub fn is_internal(dest: &str) -> bool {
    !dest.is_empty() && !dest.starts_with("//") && !has_scheme(dest)
}

/// Whether `dest` starts with a URI scheme and its colon: a letter, then letters, digits, `+`,
/// `.` or `-` (RFC 3986). Read by hand: a regex for it cost a one-page run more to compile
/// than every link of the page cost to check.
fn has_scheme(dest: &str) -> bool {
    let bytes = dest.as_bytes();
    let scheme = bytes
        .iter()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
        .count();
    scheme > 0 && bytes[0].is_ascii_alphabetic() && bytes.get(scheme) == Some(&b':')
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
        /// The scheme read by hand is the one the RFC's grammar, as a regex, reads.
        #[test]
        fn a_scheme_is_read_as_the_rfc_grammar_reads_it(dest in "[a-zA-Z0-9+.:/#ø_-]{0,12}") {
            let grammar = regex::Regex::new(r"^[A-Za-z][A-Za-z0-9+.\-]*:").unwrap();
            proptest::prop_assert_eq!(has_scheme(&dest), grammar.is_match(&dest), "{}", dest);
        }

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
