use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, Tag, TagEnd};
use serde::Deserialize;

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::document::{line_ending_before, Document};
use crate::fix::{Edit, Fix};
use crate::paths::absolute;
use crate::rule::{declare_rule, Rule, RuleSettings};

declare_rule! {
    /// ## What it does
    /// Flags bullet markers that differ from the document's style at the same nesting level,
    /// and pseudo-bullets: paragraphs written as list items with `–`, `—`, `•`, `·`, `▪`, `◦`
    /// or `‣` and a space, when two or more stand together or one stands next to a real list.
    ///
    /// ## Why
    /// A pseudo-bullet renders as a paragraph, not a list: the items lose their indentation
    /// and screen readers do not announce a list. Mixing `-` and `*` in one list splits it into
    /// two lists in CommonMark, with a gap between them.
    ///
    /// ## Example
    /// ```markdown
    /// – A supplier can join the alliance.
    ///
    /// - A retailer can join it too.
    ///
    /// * A bank can finance it.
    /// ```
    /// Not flagged: thematic breaks (`***`, `- - -`), emphasis at the start of a line, table
    /// cells, code, and dialogue: dash-led lines that follow a paragraph of narrative, each a
    /// whole sentence, with no real list beside them (a list follows a heading, a line ending
    /// in `:` or the page's start, or is made of fragments).
    ///
    /// ## Fix
    /// Rewrites the marker to the expected one, and puts a blank line between a pseudo-bullet
    /// and a line of text right above it, which renderers other than CommonMark's need before
    /// a list. Safe: the writer meant a list item.
    ///
    /// ## Options
    /// `style`: `"consistent"` (the first bullet marker used at each nesting level; a level
    /// is told by the lists around it, so bullets under `1.` form their own level), `"dash"`,
    /// `"asterisk"` or `"plus"`. Default: the style the site's markdownlint config names
    /// (`MD004`/`ul-style` in `.markdownlint.yaml`, `.yml` or `.json` next to `galley.toml`;
    /// without one, the nearest at or above the content root, up to the current folder),
    /// else `"consistent"`. `pseudo_bullets`: set to `false` to stop flagging pseudo-bullets.
    pub static META = {
        id: "list-marker-style",
        severity: Warning,
        fix: Always,
        summary: "bullet markers that break the document's style, and pseudo-bullets",
    };
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(try_from = "toml::Value")]
enum Style {
    #[default]
    Consistent,
    Dash,
    Asterisk,
    Plus,
}

/// By hand, for a message that lists the styles whatever was written (serde's says "unit
/// variant" of a number).
impl TryFrom<toml::Value> for Style {
    type Error = String;

    fn try_from(value: toml::Value) -> Result<Self, String> {
        const STYLES: &str = "`consistent`, `dash`, `asterisk`, `plus`";
        let toml::Value::String(name) = value else {
            return Err(format!(
                "`{value}` is not a style: expected a string, one of {STYLES}"
            ));
        };
        match name.as_str() {
            "consistent" => Ok(Style::Consistent),
            "dash" => Ok(Style::Dash),
            "asterisk" => Ok(Style::Asterisk),
            "plus" => Ok(Style::Plus),
            other => Err(format!(
                "unknown variant `{other}`, expected one of {STYLES}"
            )),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ListMarkerStyle {
    style: Style,
    pseudo_bullets: bool,
}

impl Default for ListMarkerStyle {
    fn default() -> Self {
        ListMarkerStyle {
            style: Style::Consistent,
            pseudo_bullets: true,
        }
    }
}

pub fn build(settings: &RuleSettings) -> Result<Box<dyn Rule>, String> {
    let mut rule = settings.options::<ListMarkerStyle>()?;
    if !settings.table.value.contains_key("style") {
        rule.style = markdownlint_style(settings.config).unwrap_or_default();
    }
    Ok(Box::new(rule))
}

/// The markdownlint configs whose bullet style this rule follows.
const MARKDOWNLINT_CONFIGS: [&str; 3] = [
    ".markdownlint.yaml",
    ".markdownlint.yml",
    ".markdownlint.json",
];

/// Where this rule looks for a markdownlint config, nearest first: beside `galley.toml`;
/// without one, in the folder the run is rooted at and the folders above it up to the
/// working folder (where markdownlint's own search ends).
pub fn markdownlint_candidates(config: &Config) -> Vec<PathBuf> {
    let working = std::env::current_dir().map(|working| absolute(&working));
    let dir = absolute(&config.dir);
    let folders: Vec<&Path> = match (&config.path, &working) {
        (None, Ok(working)) if dir.starts_with(working) => (dir.ancestors())
            .take_while(|folder| folder.starts_with(working))
            .collect(),
        _ => vec![&dir],
    };
    (folders.iter())
        .flat_map(|folder| MARKDOWNLINT_CONFIGS.map(|name| folder.join(name)))
        .collect()
}

/// The bullet style a site's markdownlint config asks for (`MD004: { style: dash }`): a site
/// that declares one wants it, where "consistent" would hold a page to its first marker.
fn markdownlint_style(config: &Config) -> Option<Style> {
    let text = (markdownlint_candidates(config).into_iter())
        .find(|path| path.is_file())
        .and_then(|path| std::fs::read_to_string(path).ok())?;
    // JSON is YAML too; a config that cannot be read names no style.
    let config = crate::frontmatter::yaml_to_json(&text).ok()?;
    let rule = config.get("MD004").or_else(|| config.get("ul-style"))?;
    match rule.get("style")?.as_str()? {
        "dash" => Some(Style::Dash),
        "asterisk" => Some(Style::Asterisk),
        "plus" => Some(Style::Plus),
        _ => None,
    }
}

fn wrong_marker(span: Range<usize>, found: char, expected: char) -> Diagnostic {
    Diagnostic::new(
        span.clone(),
        format!("list marker `{found}` differs from `{expected}` used at this level"),
    )
    .with_label(format!("expected `{expected}`"))
    .with_help(format!("use `{expected}` for every item at this level"))
    .with_fix(Fix::safe(
        format!("use `{expected}`"),
        vec![Edit::replace(span, expected.to_string())],
    ))
}

fn pseudo_bullet(doc: &Document, bullet: &PseudoBullet, expected: char) -> Diagnostic {
    let span = bullet.span.clone();
    let edit = if bullet.after_text {
        // Renderers other than CommonMark's need a blank line before a list that follows
        // text: end the text's line, repeating the line's quote markers or indentation.
        let line_start = doc.lines.line_start(doc.lines.line_of(span.start));
        let prefix = &doc.source[line_start..span.start];
        let line_ending = line_ending_before(doc.source, line_start);
        Edit::replace(
            line_start..span.end,
            format!("{}{line_ending}{prefix}{expected}", prefix.trim_end()),
        )
    } else {
        Edit::replace(span.clone(), expected.to_string())
    };
    Diagnostic::new(
        span,
        format!("pseudo-bullet `{}` instead of a list item", bullet.marker),
    )
    .with_label("this renders as a paragraph, not a list item")
    .with_help(format!(
        "start the line with `{expected} ` to make it a real list item"
    ))
    .with_fix(Fix::safe(
        format!("make it a `{expected}` list item"),
        vec![edit],
    ))
}

const PSEUDO_MARKERS: &[char] = &['–', '—', '•', '·', '▪', '◦', '‣'];

/// A block among its siblings in one container (the document, a quote, a list item).
enum Block {
    /// A paragraph with pseudo-bullet lines, at this list level.
    Pseudo(Vec<PseudoBullet>, Level),
    List,
    /// A paragraph of ordinary text that ends a sentence: what a dialogue follows, where a
    /// list follows a heading or a line ending in `:`.
    Narrative,
    Other,
}

/// The lines of one paragraph, or of a tight list item's own text, as they are read.
struct PseudoBullet {
    span: Range<usize>,
    marker: char,
    /// It opens the paragraph.
    first_line: bool,
    /// It follows a line of ordinary text in the same paragraph.
    after_text: bool,
}

struct InlineText {
    found: Vec<PseudoBullet>,
    /// The next event starts a new line.
    line_start: bool,
    in_tight_item: bool,
}

impl InlineText {
    fn into_block(self, level: Level) -> Option<Block> {
        (!self.found.is_empty()).then_some(Block::Pseudo(self.found, level))
    }
}

/// A list level: the kinds of the lists around a point (bullet or ordered), outermost first,
/// as one id. Level 0 is outside every list.
type Level = usize;

/// The levels met in a document, as a trie: each level is its parent level plus one list.
/// A level is made and compared in constant time however deep the nesting, where a path of
/// kinds would cost its depth each time (quadratic on a list nested 50,000 deep).
#[derive(Default)]
struct Levels(HashMap<(Level, bool), Level>);

impl Levels {
    /// The level inside a list of this kind (`bullet` or not) at `parent`.
    fn enter(&mut self, parent: Level, bullet: bool) -> Level {
        let next = self.0.len() + 1;
        *self.0.entry((parent, bullet)).or_insert(next)
    }

    /// That level, if the document has it.
    fn get(&self, parent: Level, bullet: bool) -> Option<Level> {
        self.0.get(&(parent, bullet)).copied()
    }
}

/// Whether `text` ends as a sentence does (`.`, `!`, `?`, `…`), inside quotes or brackets or
/// not.
fn ends_a_sentence(text: &str) -> bool {
    let text = text
        .trim_end()
        .trim_end_matches(['»', '”', '"', '’', '\'', ')']);
    text.ends_with(['.', '!', '?', '…'])
}

/// For each of `blocks`, whether it is part of a dialogue rather than a list (`– Kommer du?
/// – Ja, sa hun.`, as Norwegian and other languages write speech): a run of dash-led
/// paragraphs that follows a paragraph of narrative, has no real list beside it, and whose
/// lines each open a paragraph or follow another dash-led line, and end a sentence. A list
/// follows a heading, a line ending in `:` or the start of the page, or is made of fragments.
fn dialogue(doc: &Document, blocks: &[Block]) -> Vec<bool> {
    let mut verdicts = vec![false; blocks.len()];
    let mut start = 0;
    while start < blocks.len() {
        let run = blocks[start..]
            .iter()
            .take_while(|block| matches!(block, Block::Pseudo(..)))
            .count();
        if run == 0 {
            start += 1;
            continue;
        }
        let end = start + run;
        let after_narrative = start > 0 && matches!(blocks[start - 1], Block::Narrative);
        let list_beside = matches!(blocks.get(end), Some(Block::List));
        let spoken = blocks[start..end].iter().all(|block| match block {
            Block::Pseudo(found, _) => {
                found[0].first_line
                    && found.iter().all(|bullet| {
                        let line = doc.lines.line_of(bullet.span.start);
                        let line_end = doc.lines.line_range(doc.source, line).end;
                        ends_a_sentence(&doc.source[bullet.span.end..line_end])
                    })
            }
            _ => false,
        });
        if after_narrative && !list_beside && spoken {
            verdicts[start..end].fill(true);
        }
        start = end;
    }
    verdicts
}

fn pseudo_marker(source: &str, at: usize) -> Option<(Range<usize>, char)> {
    let mut chars = source[at..].chars();
    let marker = chars.next().filter(|c| PSEUDO_MARKERS.contains(c))?;
    (chars.next() == Some(' ')).then(|| (at..at + marker.len_utf8(), marker))
}

/// Whether `source` has a pseudo-marker and a space anywhere: most pages have none, and their
/// paragraphs need not be followed one by one. Every marker's first byte is one of the two.
fn may_hold_pseudo_bullets(source: &str) -> bool {
    memchr::memchr2_iter(0xE2, 0xC2, source.as_bytes())
        .any(|at| pseudo_marker(source, at).is_some())
}

/// The marker of the bullet list item at `range`, unless it is in template syntax (a "list"
/// in a Liquid `highlight` is a diff).
fn bullet_marker(doc: &Document, range: &Range<usize>) -> Option<(Range<usize>, char)> {
    let text = &doc.source[range.clone()];
    let at = range.start + text.len() - text.trim_start_matches([' ', '\t']).len();
    let templates = doc.templates();
    let past = templates.partition_point(|span| span.end <= at);
    if templates.get(past).is_some_and(|span| span.start <= at) {
        return None;
    }
    match doc.source[at..].chars().next() {
        Some(marker @ ('-' | '*' | '+')) => Some((at..at + 1, marker)),
        _ => None,
    }
}

impl Rule for ListMarkerStyle {
    fn check(&self, doc: &Document, out: &mut Vec<Diagnostic>) {
        let fixed = match self.style {
            Style::Consistent => None,
            Style::Dash => Some('-'),
            Style::Asterisk => Some('*'),
            Style::Plus => Some('+'),
        };
        // A level is the kinds of the lists around it (bullet or ordered), so a bullet list
        // nested in a numbered one is not held to the style of one nested in a bullet list.
        let mut levels = Levels::default();
        // By level: the marker it expects.
        let mut expected_at: Vec<Option<char>> = Vec::new();
        // The open lists, innermost last: whether each is a bullet list, and the level in it.
        let mut lists: Vec<(bool, Level)> = Vec::new();
        for (event, range) in &doc.events {
            match event {
                Event::Start(Tag::List(ordered)) => {
                    let level = lists.last().map_or(0, |&(_, level)| level);
                    let bullet = ordered.is_none();
                    lists.push((bullet, levels.enter(level, bullet)));
                }
                Event::End(TagEnd::List(_)) => {
                    lists.pop();
                }
                Event::Start(Tag::Item) => {
                    let Some(&(true, level)) = lists.last() else {
                        continue;
                    };
                    let Some((span, marker)) = bullet_marker(doc, range) else {
                        continue;
                    };
                    if expected_at.len() <= level {
                        expected_at.resize(level + 1, None);
                    }
                    let expected =
                        fixed.unwrap_or_else(|| *expected_at[level].get_or_insert(marker));
                    if marker != expected {
                        out.push(wrong_marker(span, marker, expected));
                    }
                }
                _ => {}
            }
        }
        if !self.pseudo_bullets || !may_hold_pseudo_bullets(doc.source) {
            return;
        }
        let found = pseudo_bullets(doc, &mut levels);
        for (bullet, level) in &found {
            let expected = fixed
                .or_else(|| {
                    let inner = levels.get(*level, true)?;
                    expected_at.get(inner).copied().flatten()
                })
                .unwrap_or('-');
            out.push(pseudo_bullet(doc, bullet, expected));
        }
    }
}

/// The pseudo-bullets of `doc` that stand with others and are not dialogue, each with its
/// list level. `levels` has the levels the marker pass met: entered again in the same order,
/// each keeps its id.
fn pseudo_bullets(doc: &Document, levels: &mut Levels) -> Vec<(PseudoBullet, Level)> {
    let source = doc.source;
    // Blocks by container, in order.
    let mut siblings: BTreeMap<usize, Vec<Block>> = BTreeMap::new();
    let mut containers = vec![0usize];
    let mut next_container = 1;
    let mut lists: Vec<Level> = Vec::new();
    let mut inline: Option<InlineText> = None;
    for (event, range) in &doc.events {
        let parent = *containers.last().unwrap_or(&0);
        let level = lists.last().copied().unwrap_or(0);
        let is_block_start = matches!(
            event,
            Event::Start(
                Tag::Paragraph
                    | Tag::List(_)
                    | Tag::BlockQuote(_)
                    | Tag::FootnoteDefinition(_)
                    | Tag::Heading { .. }
                    | Tag::CodeBlock(_)
                    | Tag::HtmlBlock
                    | Tag::MetadataBlock(_)
                    | Tag::Table(_)
            ) | Event::Rule
                | Event::End(TagEnd::Item)
        );
        // A tight item's own text ends where a block starts.
        if is_block_start && inline.as_ref().is_some_and(|text| text.in_tight_item) {
            if let Some(block) = inline.take().and_then(|text| text.into_block(level)) {
                siblings.entry(parent).or_default().push(block);
            }
        }
        match event {
            Event::Start(Tag::Paragraph) => {
                let first = pseudo_marker(source, range.start).map(|(span, marker)| PseudoBullet {
                    span,
                    marker,
                    first_line: true,
                    after_text: false,
                });
                inline = Some(InlineText {
                    found: first.into_iter().collect(),
                    line_start: false,
                    in_tight_item: false,
                });
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(text) = inline.as_mut() {
                    text.line_start = true;
                }
            }
            Event::End(TagEnd::Paragraph) => {
                if let Some(text) = inline.take() {
                    let block = text.into_block(level).unwrap_or_else(|| {
                        if ends_a_sentence(&source[range.clone()]) {
                            Block::Narrative
                        } else {
                            Block::Other
                        }
                    });
                    siblings.entry(parent).or_default().push(block);
                }
            }
            Event::Start(Tag::List(ordered)) => {
                siblings.entry(parent).or_default().push(Block::List);
                lists.push(levels.enter(level, ordered.is_none()));
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                containers.push(next_container);
                next_container += 1;
                // The item's first line is the item itself, never a pseudo-bullet.
                inline = Some(InlineText {
                    found: Vec::new(),
                    line_start: false,
                    in_tight_item: true,
                });
            }
            Event::Start(Tag::BlockQuote(_) | Tag::FootnoteDefinition(_)) => {
                siblings.entry(parent).or_default().push(Block::Other);
                containers.push(next_container);
                next_container += 1;
            }
            Event::End(TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition) => {
                containers.pop();
            }
            Event::Start(
                Tag::Heading { .. }
                | Tag::CodeBlock(_)
                | Tag::HtmlBlock
                | Tag::MetadataBlock(_)
                | Tag::Table(_),
            )
            | Event::Rule => siblings.entry(parent).or_default().push(Block::Other),
            _ => {}
        }
        // The first text of each line after the first may open with a pseudo-bullet.
        if let Some(text) = inline.as_mut() {
            if text.line_start && !matches!(event, Event::SoftBreak | Event::HardBreak) {
                text.line_start = false;
                if let Some((span, marker)) = pseudo_marker(source, range.start) {
                    let line = doc.lines.line_of(span.start);
                    let after_pseudo = text
                        .found
                        .last()
                        .is_some_and(|last| doc.lines.line_of(last.span.start) + 1 == line);
                    text.found.push(PseudoBullet {
                        span,
                        marker,
                        first_line: false,
                        // A tight item's first line is the item: a sublist may follow it.
                        after_text: !after_pseudo && !text.in_tight_item,
                    });
                }
            }
        }
    }

    let mut standing = Vec::new();
    for blocks in siblings.into_values() {
        let dialogue = dialogue(doc, &blocks);
        let listish = |other: Option<&Block>| match other {
            Some(Block::List) => true,
            Some(Block::Pseudo(items, _)) => items.iter().any(|item| item.first_line),
            _ => false,
        };
        let stands: Vec<bool> = (0..blocks.len())
            .map(|i| match &blocks[i] {
                Block::Pseudo(found, _) => {
                    let with_others = found.len() >= 2
                        || (found[0].first_line
                            && (listish(i.checked_sub(1).and_then(|p| blocks.get(p)))
                                || listish(blocks.get(i + 1))));
                    with_others && !dialogue[i]
                }
                _ => false,
            })
            .collect();
        for (block, stands) in blocks.into_iter().zip(stands) {
            if let (Block::Pseudo(found, level), true) = (block, stands) {
                standing.extend(found.into_iter().map(|bullet| (bullet, level)));
            }
        }
    }
    standing
}
