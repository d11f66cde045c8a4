//! The fast path for the frontmatter most pages have: top-level `key: value` lines and lists
//! of scalars. One pass over the lines gives the JSON and every node's span exactly as saphyr
//! would (its scanner costs about as much as the Markdown parse); anything else is declined
//! (`None`) and left to saphyr. The tests hold the two equal on every block the fast path takes.

use std::borrow::Cow;
use std::ops::Range;

use saphyr::Scalar;
use serde_json::{Map, Value};

use super::{escape_pointer, scalar_to_json, FrontmatterData, NodeSpan};

/// Reads `source[yaml]` if it is simple enough; `None` declines.
pub(super) fn parse(source: &str, yaml: Range<usize>) -> Option<FrontmatterData> {
    let text = &source[yaml.clone()];
    // Tabs, control characters and BOMs have rules of their own in YAML: saphyr reads them.
    let unusual = |c: char| {
        c < ' ' && c != '\n' && c != '\r'
            || ('\u{7f}'..='\u{9f}').contains(&c)
            || matches!(c, '\u{feff}' | '\u{fffe}' | '\u{ffff}')
    };
    if text.contains(unusual) {
        return None;
    }
    let base = yaml.start;
    let mut object = Map::new();
    let mut nodes = vec![NodeSpan {
        pointer: String::new(),
        key: None,
        value: base..base + text.len(),
    }];
    let mut first_key = None;
    // A key written without a value, and the list items read under it so far.
    let mut open: Option<OpenKey> = None;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let at = line_start;
        line_start += line.len();
        let content = line.strip_suffix('\n').unwrap_or(line);
        let content = content.strip_suffix('\r').unwrap_or(content);
        if content.contains('\r') {
            return None;
        }
        let unindented = content.trim_start_matches(' ');
        if unindented.is_empty() || unindented.starts_with('#') {
            continue;
        }
        let indent = content.len() - unindented.len();
        if let Some(item) = unindented.strip_prefix("- ") {
            let open = open.as_mut()?;
            if *open.indent.get_or_insert(indent) != indent {
                return None;
            }
            let value_at = at + indent + 2 + (item.len() - item.trim_start_matches(' ').len());
            let written = scalar(item.trim_start_matches(' '), base + value_at)?;
            open.start
                .get_or_insert(base + if indent == 0 { value_at } else { at + indent });
            open.items.push(written);
            continue;
        }
        if indent > 0 {
            return None;
        }
        if let Some(open) = open.take() {
            open.close(base + at, &mut object, &mut nodes);
        }
        let key_len = content
            .bytes()
            .take_while(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b' '))
            .count();
        let key_text = &content[..key_len];
        let rest = content[key_len..].strip_prefix(':')?;
        let odd_key = key_text.starts_with(['-', '.']) || key_text.ends_with(' ');
        if key_len == 0 || key_len > 256 || odd_key {
            return None;
        }
        let name = match scalar_to_json(&Scalar::parse_from_cow(Cow::Borrowed(key_text))) {
            Value::String(name) => name,
            other => other.to_string(),
        };
        if object.contains_key(&name) {
            return None;
        }
        let key = base + at..base + at + key_len;
        first_key.get_or_insert(key.start);
        let value = rest.trim_start_matches(' ');
        if value.is_empty() {
            open = Some(OpenKey {
                name,
                key,
                indent: None,
                start: None,
                items: Vec::new(),
            });
            continue;
        }
        if !rest.starts_with(' ') {
            return None;
        }
        let value_at = base + at + key_len + 1 + (rest.len() - value.len());
        let pointer = format!("/{}", escape_pointer(&name));
        if value.starts_with('[') {
            let (span, items) = flow_list(value, value_at)?;
            let list = list_nodes(pointer, key, span, items, &mut nodes);
            object.insert(name, list);
            continue;
        }
        let written = scalar(value, value_at)?;
        nodes.push(NodeSpan {
            pointer,
            key: Some(key),
            value: written.span,
        });
        object.insert(name, written.value);
    }
    if let Some(open) = open.take() {
        open.close(base + text.len(), &mut object, &mut nodes);
    }
    let Some(first_key) = first_key else {
        // Only comments and blank lines: saphyr reads no document at all.
        return Some(FrontmatterData {
            value: Value::Object(Map::new()),
            nodes: Vec::new(),
        });
    };
    nodes[0].value.start = first_key;
    Some(FrontmatterData {
        value: Value::Object(object),
        nodes,
    })
}

/// A key written without a value on its line, and the list items read under it.
struct OpenKey {
    name: String,
    key: Range<usize>,
    /// The indentation of its items' `-`.
    indent: Option<usize>,
    /// Where saphyr starts the list: at the first `-`, or, when the items are not indented,
    /// at the first item's value.
    start: Option<usize>,
    items: Vec<Written>,
}

impl OpenKey {
    /// Records the key's value, which ends where the next key starts (`end`): null without
    /// items (saphyr places it at the colon), else the list.
    fn close(self, end: usize, object: &mut Map<String, Value>, nodes: &mut Vec<NodeSpan>) {
        let pointer = format!("/{}", escape_pointer(&self.name));
        let Some(start) = self.start else {
            nodes.push(NodeSpan {
                pointer,
                key: Some(self.key.clone()),
                value: self.key.end..self.key.end,
            });
            object.insert(self.name, Value::Null);
            return;
        };
        let list = list_nodes(pointer, self.key, start..end, self.items, nodes);
        object.insert(self.name, list);
    }
}

/// Records a list's node (at `pointer`, named by `key`, spanning `span`) and its items' nodes,
/// in saphyr's order; returns the list's JSON.
fn list_nodes(
    pointer: String,
    key: Range<usize>,
    span: Range<usize>,
    items: Vec<Written>,
    nodes: &mut Vec<NodeSpan>,
) -> Value {
    nodes.push(NodeSpan {
        pointer: pointer.clone(),
        key: Some(key),
        value: span,
    });
    let mut values = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        nodes.push(NodeSpan {
            pointer: format!("{pointer}/{i}"),
            key: None,
            value: item.span,
        });
        values.push(item.value);
    }
    Value::Array(values)
}

/// A scalar as written: where it stands and what it means.
struct Written {
    span: Range<usize>,
    value: Value,
}

/// The scalar that fills the rest of a line (`text`, starting at file offset `at`): a plain
/// one, or one quoted with nothing after the closing quote; `None` for anything else.
fn scalar(text: &str, at: usize) -> Option<Written> {
    let quoted = |quote: char| {
        let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
        // No escapes (`\"`, `''`) and no quote inside: the value is the text between.
        (!inner.contains([quote, '\\'])).then(|| Written {
            span: at..at + text.len(),
            value: Value::String(inner.to_string()),
        })
    };
    match text.chars().next()? {
        '"' => quoted('"'),
        '\'' => quoted('\''),
        '-' | '?' | ':' | ',' | '[' | ']' | '{' | '}' | '#' | '&' | '*' | '!' | '|' | '>' | '%'
        | '@' | '`' => None,
        _ => {
            let plain = text.trim_end_matches(' ');
            let breaks_a_plain = |pair: &[u8]| pair == b": " || pair == b" #";
            if plain.as_bytes().windows(2).any(breaks_a_plain) || plain.ends_with(':') {
                return None;
            }
            Some(Written {
                span: at..at + plain.len(),
                value: scalar_to_json(&Scalar::parse_from_cow(Cow::Borrowed(plain))),
            })
        }
    }
}

/// A one-line flow list of scalars (`[a, 'b', 5]`, nothing after it) at file offset `at`:
/// saphyr's span for the list (from `[` to just before `]`) and its items.
fn flow_list(text: &str, at: usize) -> Option<(Range<usize>, Vec<Written>)> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    if inner.contains(['[', ']', '{', '}', '#', ':']) {
        return None;
    }
    let mut items = Vec::new();
    let mut item_start = 1;
    let pieces: Vec<&str> = inner.split(',').collect();
    for (i, piece) in pieces.iter().enumerate() {
        let item = piece.trim_matches(' ');
        let last = i + 1 == pieces.len();
        if item.is_empty() {
            // Only `[]`, `[ ]` and a comma after the last item hold no item.
            if !last || i > 0 && pieces.len() == 1 {
                return None;
            }
        } else {
            // saphyr spans a quoted item up to the next comma, spaces and all.
            if item.starts_with(['"', '\'']) && piece.ends_with(' ') {
                return None;
            }
            let lead = piece.len() - piece.trim_start_matches(' ').len();
            items.push(scalar(item, at + item_start + lead)?);
        }
        item_start += piece.len() + 1;
    }
    Some((at..at + text.len() - 1, items))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use proptest::prelude::*;

    use super::*;
    use crate::frontmatter::{parse_with_saphyr, Frontmatter};

    /// The fast path either declines or agrees with saphyr on the value and every span.
    fn agrees(yaml: &str) -> Result<bool, String> {
        let Some(fast) = parse(yaml, 0..yaml.len()) else {
            return Ok(false);
        };
        let slow = parse_with_saphyr(yaml, 0..yaml.len())
            .map_err(|problem| format!("{yaml:?}: saphyr says {problem:?}"))?;
        if fast.value != slow.value || fast.nodes != slow.nodes {
            return Err(format!(
                "{yaml:?}:\n fast {} {:?}\n saphyr {} {:?}",
                fast.value, fast.nodes, slow.value, slow.nodes
            ));
        }
        Ok(true)
    }

    const LINES: &[&str] = &[
        "title: Hei",
        "title: \"Hei du\"",
        "q: 'x'",
        "tags:",
        "tags: ",
        "empty:",
        "n: 5",
        "n: -1",
        "n: 1.5",
        "n: .inf",
        "n: 0x1f",
        "n: +3",
        "n: 1e3",
        "b: true",
        "b: False",
        "z: ~",
        "z: null",
        "1: one",
        "null: b",
        "1.5: d",
        "a-b: c",
        "a.b: c",
        "lang: nb",
        "c: C#",
        "u: a:b",
        "u: x y  ",
        "u: før og etter",
        "u: 2024-01-02",
        "u: a [b]",
        "u: a, b",
        "q: ''",
        "q: \"\"",
        "q: \"a\\\"b\"",
        "q: 'it''s'",
        "q: 'x' ",
        "q: 'x' # c",
        "k: v # c",
        "k: v:",
        "k: a: b",
        "k: [a, b]",
        "k: [ a , b ]",
        "k: []",
        "k: [ ]",
        "k: [a,b,]",
        "k: [a b, 5]",
        "k: [a]  ",
        "k: [a] # c",
        "k: ['a', \"b\"]",
        "k: [a,,b]",
        "k: [,]",
        "k: [a:b]",
        "k: [a, [b]]",
        "k: [-a]",
        "k: [a, 'b c' ]",
        "k: [a, \"b, c\"]",
        "k: {a: b}",
        "k: |",
        "k: >",
        "k: &a x",
        "k: *a",
        "k: !t x",
        "k: @x",
        "k: `x",
        "k: %x",
        "k: -x",
        "k:x",
        "k : x",
        "k:  x",
        "k: # c",
        "\"k\": x",
        "a b: c",
        "a  b: c",
        "a b : c",
        "Module Name: x",
        "? k",
        "ø: x",
        "title: Hei",
        "  - a",
        "  - 'b'",
        "  - \"c\"",
        "  - b c",
        "  - 5",
        "  -",
        "  - a: b",
        "  - - a",
        "- a",
        "- b",
        "    - c",
        "  # c",
        "# c",
        "",
        "  ",
        "  y",
        "    y",
        "...",
        "k: v\tw",
        "k:\tv",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20_000))]
        #[test]
        fn the_fast_path_agrees_with_saphyr(
            lines in prop::collection::vec(prop::sample::select(LINES), 0..9),
            ending in prop::sample::select(&["\n", "\r\n"][..]),
            last_ending in any::<bool>(),
        ) {
            let mut yaml = lines.join(ending);
            if last_ending && !lines.is_empty() {
                yaml.push_str(ending);
            }
            agrees(&yaml).map_err(TestCaseError::fail)?;
        }
    }

    #[test]
    fn common_blocks_take_the_fast_path() {
        for yaml in [
            "title: Aksjer\ndescription: \"Hva er en aksje?\"\ntags:\n  - økonomi\n  - 'aksjer'\n",
            "# comment\nweight: 5\ndraft: false\naliases:\n- /old\n- /older\n\nz:\n",
            "keywords: [aksjer, 'fond', 2024]\r\n",
            "",
        ] {
            assert_eq!(agrees(yaml), Ok(true), "{yaml:?}");
        }
        for yaml in [
            "a:\n  b: c\n",
            "a: |\n  x\n",
            "a: x\n  y\n",
            "a: {x: 1}\n",
            "a: 1\na: 2\n",
        ] {
            assert_eq!(agrees(yaml), Ok(false), "{yaml:?}");
        }
    }

    /// Every frontmatter block of the sample corpus and, when they sit beside the repository,
    /// of the shared real sites.
    #[test]
    fn real_frontmatter_agrees_with_saphyr() {
        let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut roots = vec![repository.join("seeds"), repository.join("tests")];
        let corpora = repository.join("../shared/corpora");
        if corpora.is_dir() {
            roots.push(corpora);
        } else {
            eprintln!("no {}: the shared sites are not checked", corpora.display());
        }
        let (mut blocks, mut fast) = (0, 0);
        for root in roots {
            for entry in ignore::WalkBuilder::new(root).build().flatten() {
                let path = entry.path();
                if !path
                    .extension()
                    .is_some_and(|ext| ext == "md" || ext == "mdx")
                {
                    continue;
                }
                let Ok(source) = std::fs::read_to_string(path) else {
                    continue;
                };
                let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
                let Some(block) = Frontmatter::split(&source, start) else {
                    continue;
                };
                if !block.closed {
                    continue;
                }
                let opening = source[block.range.clone()].find('\n').map_or(0, |i| i + 1);
                let yaml_start = block.range.start + opening;
                let closing = source[..block.range.end].trim_end_matches(['\r', '\n']);
                let yaml_end = closing.rfind('\n').map_or(yaml_start, |i| i + 1);
                let yaml = &source[yaml_start..yaml_end.max(yaml_start)];
                blocks += 1;
                match agrees(yaml) {
                    Ok(taken) => fast += usize::from(taken),
                    Err(difference) => panic!("{}: {difference}", path.display()),
                }
            }
        }
        eprintln!("{fast} of {blocks} frontmatter blocks took the fast path");
        assert!(blocks > 0 && fast > 0);
    }
}
