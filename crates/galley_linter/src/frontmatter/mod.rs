//! The YAML frontmatter block: split off at byte 0 and parsed once (with saphyr, or the fast
//! path of [`simple`] for plain `key: value` blocks), keeping the position of every key and
//! value so that diagnostics can point at them.

use std::ops::Range;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::Value;

mod simple;

#[derive(Debug, Clone)]
pub struct Frontmatter {
    /// The whole block, delimiters and final line ending included.
    pub range: Range<usize>,
    /// The byte range of the opening `---` line, without its line ending.
    pub opening_line: Range<usize>,
    /// Whether a closing `---` (or `...`) line was found.
    pub closed: bool,
    pub content: Result<FrontmatterData, FrontmatterProblem>,
}

/// The parsed block as JSON (for schema validation) with the spans of its nodes.
#[derive(Debug, Clone, Default)]
pub struct FrontmatterData {
    pub value: Value,
    pub nodes: Vec<NodeSpan>,
}

/// Where one node of the frontmatter sits, by its JSON pointer (`/keywords/0`).
#[derive(Debug, Clone, PartialEq)]
pub struct NodeSpan {
    pub pointer: String,
    /// The span of the mapping key naming this node, if it is a mapping value.
    pub key: Option<Range<usize>>,
    pub value: Range<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FrontmatterProblem {
    Unterminated,
    InvalidYaml {
        message: String,
        span: Range<usize>,
    },
    DuplicateKey {
        key: String,
        span: Range<usize>,
    },
    NotMapping {
        kind: &'static str,
        span: Range<usize>,
    },
    /// Sequences and mappings nested deeper than [`MAX_DEPTH`].
    TooDeep {
        span: Range<usize>,
    },
}

/// The deepest nesting of sequences and mappings galley reads. saphyr's loader, and the
/// conversion to JSON after it, recurse once per level: a hostile file nested thousands deep
/// would overflow the stack, so the depth is measured first on saphyr's event stream, which
/// does not recurse. No frontmatter, schema or rule file needs a tenth of this.
pub const MAX_DEPTH: usize = 100;

/// The message for [`FrontmatterProblem::TooDeep`].
pub fn too_deep_message() -> String {
    format!("nested deeper than {MAX_DEPTH} levels")
}

/// The character index where `text` first nests deeper than [`MAX_DEPTH`], if it does. A
/// syntax error ends the measure: the loader reports it, and stops there too. (saphyr's
/// scanner refuses flow collections nested past 255 itself, reading ahead: that is too deep.)
fn too_deep_at(text: &str) -> Option<usize> {
    if !may_be_too_deep(text) {
        return None;
    }
    let mut depth = 0usize;
    for event in saphyr_parser::Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(error) if error.info() == "recursion limit exceeded" => {
                return Some(error.marker().index())
            }
            Err(_) => return None,
        };
        match event {
            saphyr_parser::Event::SequenceStart(..) | saphyr_parser::Event::MappingStart(..) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(span.start.index());
                }
            }
            saphyr_parser::Event::SequenceEnd | saphyr_parser::Event::MappingEnd => {
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    None
}

/// Whether `text` may nest deeper than [`MAX_DEPTH`], by a bound that costs one pass over the
/// bytes instead of a parse: every level of nesting takes a flow bracket, or more indentation,
/// or an indicator (`-`, `?`, `:`) on its line. Real frontmatter stays far below it.
fn may_be_too_deep(text: &str) -> bool {
    let brackets = text.bytes().filter(|&b| b == b'[' || b == b'{').count();
    let deepest_line = text
        .lines()
        .map(|line| {
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            indent
                + line
                    .bytes()
                    .filter(|&b| matches!(b, b'-' | b'?' | b':'))
                    .count()
        })
        .max()
        .unwrap_or(0);
    1 + brackets + deepest_line > MAX_DEPTH
}

impl FrontmatterData {
    /// The top-level string value of `key`, if there is one.
    pub fn str_value(&self, key: &str) -> Option<&str> {
        self.value.get(key)?.as_str()
    }

    /// The top-level strings of `key`: its value when it is a string, or the strings of its
    /// list (`aliases: [/a, /b]`).
    pub fn str_values(&self, key: &str) -> Vec<&str> {
        match self.value.get(key) {
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        }
    }

    /// The node whose pointer is the longest prefix of `pointer`.
    pub fn closest_node(&self, pointer: &str) -> Option<&NodeSpan> {
        self.nodes
            .iter()
            .filter(|node| {
                pointer == node.pointer
                    || (pointer.starts_with(&node.pointer)
                        && pointer.as_bytes().get(node.pointer.len()) == Some(&b'/'))
            })
            .max_by_key(|node| node.pointer.len())
    }
}

fn is_delimiter(line: &str, marks: &[&str]) -> bool {
    let line = line
        .trim_end_matches(['\r', '\n'])
        .trim_end_matches([' ', '\t']);
    marks.contains(&line)
}

impl Frontmatter {
    /// Finds a frontmatter block starting at `start` (after any BOM); `None` when the file does
    /// not open with a `---` line.
    pub fn split(source: &str, start: usize) -> Option<Frontmatter> {
        let rest = &source[start..];
        let first_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        if !is_delimiter(&rest[..first_end], &["---"]) {
            return None;
        }
        let opening_line = start..start + rest[..first_end].trim_end_matches(['\r', '\n']).len();
        let yaml_start = start + first_end;
        let mut line_start = yaml_start;
        while line_start < source.len() {
            let line_end = source[line_start..]
                .find('\n')
                .map_or(source.len(), |i| line_start + i + 1);
            if is_delimiter(&source[line_start..line_end], &["---", "..."]) {
                let yaml = yaml_start..line_start;
                let content = parse_yaml(source, yaml.clone());
                return Some(Frontmatter {
                    range: start..line_end,
                    opening_line,
                    closed: true,
                    content,
                });
            }
            line_start = line_end;
        }
        Some(Frontmatter {
            range: start..source.len(),
            opening_line,
            closed: false,
            content: Err(FrontmatterProblem::Unterminated),
        })
    }

    pub fn data(&self) -> Option<&FrontmatterData> {
        self.content.as_ref().ok()
    }
}

/// Converts saphyr's character positions (relative to the YAML text) into file byte offsets.
struct Positions<'a> {
    yaml: &'a str,
    base: usize,
    /// Byte offset of each character, only built when the text is not ASCII.
    char_offsets: Option<Vec<usize>>,
}

impl<'a> Positions<'a> {
    fn new(yaml: &'a str, base: usize) -> Self {
        let char_offsets =
            (!yaml.is_ascii()).then(|| yaml.char_indices().map(|(i, _)| i).collect());
        Positions {
            yaml,
            base,
            char_offsets,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        let local = match &self.char_offsets {
            None => char_index.min(self.yaml.len()),
            Some(offsets) => offsets.get(char_index).copied().unwrap_or(self.yaml.len()),
        };
        self.base + local
    }

    fn span(&self, span: &saphyr_parser::Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        start..self.byte(span.end.index()).max(start)
    }

    /// A span from a marker to the end of its line, for errors that have only a point.
    fn point_to_line_end(&self, char_index: usize) -> Range<usize> {
        let start = self.byte(char_index) - self.base;
        let end = self.yaml[start..]
            .find(['\r', '\n'])
            .map_or(self.yaml.len(), |i| start + i);
        self.base + start..self.base + end.max(start)
    }
}

/// Parses the YAML at `source[yaml]` into JSON, keeping the byte span of every node; the top
/// level must be a mapping (or empty). Simple blocks take a fast path that gives what saphyr
/// would.
pub fn parse_yaml(source: &str, yaml: Range<usize>) -> Result<FrontmatterData, FrontmatterProblem> {
    match simple::parse(source, yaml.clone()) {
        Some(data) => Ok(data),
        None => parse_with_saphyr(source, yaml),
    }
}

fn parse_with_saphyr(
    source: &str,
    yaml: Range<usize>,
) -> Result<FrontmatterData, FrontmatterProblem> {
    let text = &source[yaml.clone()];
    let positions = Positions::new(text, yaml.start);
    if let Some(at) = too_deep_at(text) {
        return Err(FrontmatterProblem::TooDeep {
            span: positions.point_to_line_end(at),
        });
    }
    let documents = MarkedYaml::load_from_str(text).map_err(|error| {
        let span = positions.point_to_line_end(error.marker().index());
        if error.info().contains("duplicated key") {
            let key_text = &source[span.clone()];
            let key = key_text
                .split(':')
                .next()
                .unwrap_or(key_text)
                .trim()
                .trim_matches(['"', '\''])
                .to_string();
            let key_span = span.start..span.start + key_text.find(':').unwrap_or(key_text.len());
            FrontmatterProblem::DuplicateKey {
                key,
                span: key_span,
            }
        } else {
            FrontmatterProblem::InvalidYaml {
                message: error.info().to_string(),
                span,
            }
        }
    })?;
    let Some(root) = documents.first() else {
        return Ok(FrontmatterData {
            value: Value::Object(Default::default()),
            nodes: Vec::new(),
        });
    };
    let mut nodes = Vec::new();
    let value = to_json(root, String::new(), None, &positions, &mut nodes);
    match value {
        Value::Object(_) => Ok(FrontmatterData { value, nodes }),
        // An empty block is an empty mapping, not an error.
        Value::Null => Ok(FrontmatterData {
            value: Value::Object(Default::default()),
            nodes: Vec::new(),
        }),
        other => Err(FrontmatterProblem::NotMapping {
            kind: json_kind(&other),
            span: positions.span(&root.span),
        }),
    }
}

/// Reads a whole YAML text (a schema file) as JSON; the error names its line and column.
pub fn yaml_to_json(text: &str) -> Result<Value, String> {
    if let Some(at) = too_deep_at(text) {
        let before: String = text.chars().take(at).collect();
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map_or(0, |last| last.chars().count())
            + 1;
        return Err(format!("{line}:{column}: {}", too_deep_message()));
    }
    let documents = MarkedYaml::load_from_str(text).map_err(|error| {
        let marker = error.marker();
        format!("{}:{}: {}", marker.line(), marker.col() + 1, error.info())
    })?;
    let positions = Positions::new(text, 0);
    Ok(documents
        .first()
        .map(|root| to_json(root, String::new(), None, &positions, &mut Vec::new()))
        .unwrap_or(Value::Null))
}

pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

fn to_json(
    node: &MarkedYaml,
    pointer: String,
    key: Option<std::ops::Range<usize>>,
    positions: &Positions,
    nodes: &mut Vec<NodeSpan>,
) -> Value {
    let span = positions.span(&node.span);
    let value = match &node.data {
        YamlData::Value(scalar) => scalar_to_json(scalar),
        YamlData::Representation(text, _, _) => Value::String(text.to_string()),
        YamlData::Tagged(_, inner) => {
            return to_json(inner, pointer, key, positions, nodes);
        }
        YamlData::Sequence(items) => {
            nodes.push(NodeSpan {
                pointer: pointer.clone(),
                key,
                value: span,
            });
            return Value::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        to_json(item, format!("{pointer}/{i}"), None, positions, nodes)
                    })
                    .collect(),
            );
        }
        YamlData::Mapping(mapping) => {
            nodes.push(NodeSpan {
                pointer: pointer.clone(),
                key,
                value: span,
            });
            let mut object = serde_json::Map::new();
            for (k, v) in mapping {
                let name = match to_json(k, String::new(), None, positions, &mut Vec::new()) {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                let child_pointer = format!("{pointer}/{}", escape_pointer(&name));
                let key_span = positions.span(&k.span);
                let value = to_json(v, child_pointer, Some(key_span), positions, nodes);
                object.insert(name, value);
            }
            return Value::Object(object);
        }
        YamlData::Alias(_) | YamlData::BadValue => Value::Null,
    };
    nodes.push(NodeSpan {
        pointer,
        key,
        value: span,
    });
    value
}

fn scalar_to_json(scalar: &Scalar) -> Value {
    match scalar {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::from(*i),
        Scalar::FloatingPoint(f) => serde_json::Number::from_f64(f.into_inner())
            .map_or_else(|| Value::String(f.to_string()), Value::Number),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

/// A key as a JSON pointer segment (`a/b` is `a~1b`).
pub fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(source: &str) -> Frontmatter {
        Frontmatter::split(source, 0).expect("a frontmatter block")
    }

    #[test]
    fn keys_and_values_have_byte_spans() {
        let source = "---\ntitle: Første\nkeywords: [a, b]\n---\nbody";
        let fm = split(source);
        let data = fm.data().unwrap();
        assert_eq!(data.str_value("title"), Some("Første"));
        let keywords = data.closest_node("/keywords/1").unwrap();
        assert_eq!(keywords.pointer, "/keywords/1");
        assert_eq!(&source[keywords.value.clone()], "b");
        let title = data.closest_node("/title").unwrap();
        assert_eq!(&source[title.key.clone().unwrap()], "title");
        assert_eq!(
            &source[fm.range.clone()],
            "---\ntitle: Første\nkeywords: [a, b]\n---\n"
        );
    }

    #[test]
    fn crlf_blocks_close() {
        let fm = split("---\r\ntitle: x\r\n---\r\nbody");
        assert!(fm.closed);
        assert_eq!(fm.data().unwrap().str_value("title"), Some("x"));
    }

    #[test]
    fn unterminated_block() {
        let fm = split("---\ntitle: x\n\nbody");
        assert_eq!(fm.content.unwrap_err(), FrontmatterProblem::Unterminated);
    }

    #[test]
    fn duplicate_key_points_at_the_second_key() {
        let source = "---\ntitle: a\ntitle: b\n---\n";
        match split(source).content {
            Err(FrontmatterProblem::DuplicateKey { key, span }) => {
                assert_eq!(key, "title");
                assert_eq!(span.start, source.rfind("title").unwrap());
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_list_is_not_a_mapping() {
        let problem = split("---\n- a\n- b\n---\n").content.unwrap_err();
        assert!(matches!(
            problem,
            FrontmatterProblem::NotMapping {
                kind: "a sequence",
                ..
            }
        ));
    }

    #[test]
    fn deep_nesting_is_a_problem_not_a_stack_overflow() {
        let source = format!("---\nx:\n{}1\n---\n", "- ".repeat(3000));
        let problem = split(&source).content.unwrap_err();
        let FrontmatterProblem::TooDeep { span } = problem else {
            panic!("unexpected {problem:?}");
        };
        assert_eq!(source[..span.start].matches('\n').count(), 2);
        for depth in [150, 3000, 20_000] {
            let flow = format!("x: {}{}", "[".repeat(depth), "]".repeat(depth));
            let error = yaml_to_json(&flow).unwrap_err();
            assert!(
                error.contains("nested deeper than 100 levels"),
                "{depth}: {error}"
            );
        }
        let fine = format!("---\nx:\n{}1\n---\n", "- ".repeat(MAX_DEPTH - 1));
        assert!(split(&fine).content.is_ok());
    }

    #[test]
    fn empty_block_is_an_empty_mapping() {
        let fm = split("---\n---\n");
        assert_eq!(fm.data().unwrap().value, serde_json::json!({}));
    }
}
