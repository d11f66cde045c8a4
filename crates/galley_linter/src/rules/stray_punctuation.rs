use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::fix::{Edit, Fix};
use crate::prose::TextRun;
use crate::rule::{declare_rule, Rule, RuleSettings};

declare_rule! {
    /// ## What it does
    /// Flags doubled or clashing punctuation in prose (`,.` `.,` `..` `,,` `;;` `,;` `!.`
    /// `?.` ...), also right after a link or emphasis (`[x](/y),.`), and whitespace before
    /// `,` `.` or `;` (`word ,next`).
    ///
    /// ## Why
    /// These are traces of editing and machine translation: a sentence was cut or joined and
    /// its old mark stayed behind. Readers see them at once; spell checkers do not.
    ///
    /// ## Example
    /// ```markdown
    /// The deal is simpler than a [joint venture](/jointventure),. where both sides invest.
    /// Costs rise ,and margins fall..
    /// ```
    /// Not flagged: the ellipsis (`...`, `…`), `?!` and `!!`, abbreviations before a comma
    /// (`e.g.,` `f.eks.,` `bl.a.,` `osv.,`: see the option below), single initials (`J.,`),
    /// numbers (`1,000.50`), URLs and paths (`../x`, `'..'`), names in code
    /// (`crate::_features`), Russian `?..` and `!..`, code, link destinations, HTML and
    /// frontmatter.
    ///
    /// ## Fix
    /// Whitespace before a mark: delete it, or move it behind the mark when a word follows
    /// (`rise ,and` becomes `rise, and`) (safe). A doubled `,,` `;;` `::`: keep one (safe).
    /// A doubled `..`: keep one period (unsafe: an ellipsis may have been meant). Clashing
    /// marks: keep the mark the next word asks for, the comma before a lowercase word and the
    /// full stop (or `?`, `!`) before a capital or at the end (unsafe: it guesses the
    /// writer's intent).
    ///
    /// ## Options
    /// `abbreviations`: words that end in a period and may stand before a comma, compared
    /// without case. Setting it replaces the default list: `e.g.` `i.e.` `etc.` `cf.` `vs.`
    /// `al.` `approx.` `incl.` `no.` `vol.` `pp.` `ed.` `mr.` `mrs.` `ms.` `dr.` `prof.`
    /// `inc.` `ltd.` `co.` `corp.` `jr.` `sr.` `st.` `f.eks.` `bl.a.` `osv.` `dvs.` `mv.`
    /// `m.m.` `m.fl.` `o.l.` `ca.` `jf.` `inkl.` `evt.` `ev.` `pga.` `mht.` `nr.` `kl.`
    /// `dr.philos.` `cand.mag.` `cand.real.` `cand.jur.` `cand.med.`. Letters joined by dots
    /// (`U.S.,` `Ph.D.,`) need no entry.
    pub static META = {
        id: "stray-punctuation",
        severity: Warning,
        fix: Always,
        summary: "doubled or clashing punctuation, and whitespace before punctuation",
    };
}

const DEFAULT_ABBREVIATIONS: &[&str] = &[
    "e.g.", "i.e.", "etc.", "cf.", "vs.", "al.", "approx.", "incl.", "no.", "vol.", "pp.", "ed.",
    "mr.", "mrs.", "ms.", "dr.", "prof.", "inc.", "ltd.", "co.", "corp.", "jr.", "sr.", "st.",
    "f.eks.", "bl.a.", "osv.", "dvs.", "mv.", "m.m.", "m.fl.", "o.l.", "ca.", "jf.", "inkl.",
    "evt.", "ev.", "pga.", "mht.", "nr.", "kl.",
];

/// Norwegian degrees, part of the default list (too long for the grid above).
const DEFAULT_DEGREES: &[&str] = &[
    "dr.philos.",
    "cand.mag.",
    "cand.real.",
    "cand.jur.",
    "cand.med.",
];

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StrayPunctuation {
    abbreviations: Vec<String>,
}

impl Default for StrayPunctuation {
    fn default() -> Self {
        StrayPunctuation {
            abbreviations: DEFAULT_ABBREVIATIONS
                .iter()
                .chain(DEFAULT_DEGREES)
                .map(|a| a.to_string())
                .collect(),
        }
    }
}

pub fn build(settings: &RuleSettings) -> Result<Box<dyn Rule>, String> {
    let mut rule: StrayPunctuation = settings.options()?;
    for abbreviation in &mut rule.abbreviations {
        *abbreviation = abbreviation.to_lowercase();
    }
    Ok(Box::new(rule))
}

fn clashing_marks(span: Range<usize>, marks: &str, keep: char, safe: bool) -> Diagnostic {
    let all_same = marks.chars().all(|c| c == keep);
    let message = if all_same {
        format!("doubled punctuation `{marks}`")
    } else {
        format!("clashing punctuation `{marks}`")
    };
    let fix_message = format!("keep `{keep}`");
    let edit = Edit::replace(span.clone(), keep.to_string());
    let fix = if safe {
        Fix::safe(fix_message, vec![edit])
    } else {
        Fix::unsafe_(fix_message, vec![edit])
    };
    Diagnostic::new(span, message)
        .with_label("one mark is enough")
        .with_help(format!("write `{keep}` alone"))
        .with_fix(fix)
}

/// `space` is the whitespace before `mark`; when a word follows the mark directly
/// (`rise ,and`), the space moves behind the mark instead of vanishing.
fn space_before(space: Range<usize>, mark: char, word_follows: bool) -> Diagnostic {
    let fix = if word_follows {
        let mark_end = space.end + mark.len_utf8();
        Fix::safe(
            "move the space after the mark",
            vec![Edit::replace(space.start..mark_end, format!("{mark} "))],
        )
    } else {
        Fix::safe("remove the space", vec![Edit::delete(space.clone())])
    };
    Diagnostic::new(space, format!("space before `{mark}`"))
        .with_label("remove this space")
        .with_help("punctuation follows the word directly")
        .with_fix(fix)
}

/// ASCII only: `may_hold_a_finding` looks them up by byte.
const MARKS: &[char] = &['.', ',', ';', ':', '!', '?'];

/// URLs, e-mail addresses and anything path-like, where dots and commas are not prose.
static NOT_PROSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b[a-z][a-z0-9+.\-]*://\S*|\bwww\.\S*|\S*[/\\]\S*|\S+@\S+\.\S+")
        .expect("valid regex")
});

/// An ellipsis spaced out (`. . .`), maybe across a line break.
static SPACED_ELLIPSIS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\.[ \t]*(?:\r?\n[ \t>]*)?\.").expect("valid regex"));

/// What stands before the last letter of a spaced abbreviation: a lone letter and a dot, then
/// a space (`т. ` of `т. д.`).
static SPACED_ABBREVIATION_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\w.])\w\. $").expect("valid regex"));

/// Whether the line holding `at` is a table row (`| a ; b |`), read as such or not.
fn in_table_row(doc: &Document, at: usize) -> bool {
    let line_start = doc.lines.line_start(doc.lines.line_of(at));
    doc.source[line_start..at]
        .trim_start_matches([' ', '\t', '>'])
        .starts_with('|')
}

/// A blank line: where the paragraph ends, and the look-ahead for the next word stops. Lines
/// end in LF, CRLF or a lone CR (classic Mac); a CRLF is one line end, never two.
static BLANK_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\r\n|\n)[ \t>]*(?:\r\n|\r|\n)|\r[ \t>]*(?:\r\n|\r)").expect("valid regex")
});

fn is_closing(c: char) -> bool {
    matches!(
        c,
        ')' | ']' | '}' | '"' | '\'' | '»' | '”' | '’' | '*' | '_' | '~' | '<'
    )
}

/// Two marks side by side, or a space before a mark: without either, a run holds nothing to
/// flag, and most runs are skipped on this byte scan alone.
fn may_hold_a_finding(text: &str) -> bool {
    // By table: this scans every byte of prose.
    const IS_MARK: [bool; 256] = {
        let mut table = [false; 256];
        let mut i = 0;
        while i < MARKS.len() {
            table[MARKS[i] as usize] = true;
            i += 1;
        }
        table
    };
    let bytes = text.as_bytes();
    bytes
        .iter()
        .zip(&bytes[1.min(bytes.len())..])
        .any(|(&before, &mark)| {
            IS_MARK[usize::from(mark)]
                && (IS_MARK[usize::from(before)] || before == b' ' || before == b'\t')
        })
}

fn is_line_end(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// What punctuation may directly follow: a letter, a digit, or a closing mark.
fn ends_a_word(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c,
            ')' | ']' | '}' | '"' | '\'' | '»' | '”' | '’' | '*' | '_' | '`' | '%'
        )
}

fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '"' | '\'' | '«' | '“' | '‘' | '„')
}

/// Whether a mark sequence ends where a word boundary allows punctuation to end.
fn ends_at_boundary(next: Option<char>) -> bool {
    next.is_none_or(|c| c.is_whitespace() || is_closing(c))
}

/// The ranges of `text` that are not prose, with the marks that end a sentence after a URL
/// or path left out of them (`see ../x,.` still has its `,.` checked).
fn not_prose(text: &str) -> Vec<Range<usize>> {
    NOT_PROSE
        .find_iter(text)
        .map(|m| m.start()..m.start() + m.as_str().trim_end_matches(MARKS).len())
        .collect()
}

impl StrayPunctuation {
    /// Whether the text just before a `.` (ending at `end`) is an abbreviation or an initial.
    fn is_abbreviation(&self, text: &str, end: usize) -> bool {
        let word_start = text[..end]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| c.is_alphabetic() || c == '.')
            .last()
            .map_or(end, |(i, _)| i);
        let word = &text[word_start..end];
        let mut chars = word.chars();
        let initial = matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
        // Letters joined by dots (`P.S`, `e.g`, `U.S`, and degrees: `Ph.D`, `M.Sc`), or spaced
        // as Russian and German write them (`т. д`, `z. B`): the last letter of an
        // abbreviation.
        let one_letter = |part: &str| part.chars().count() == 1;
        let dotted = word.contains('.')
            && word
                .split('.')
                .all(|part| (1..=2).contains(&part.chars().count()))
            && word.split('.').any(one_letter);
        let spaced = one_letter(word) && SPACED_ABBREVIATION_START.is_match(&text[..word_start]);
        initial || dotted || spaced || {
            let with_dot = format!("{}.", word.to_lowercase());
            self.abbreviations.contains(&with_dot)
        }
    }

    fn check_run(&self, doc: &Document, run: &TextRun, out: &mut Vec<Diagnostic>) {
        let text = &doc.source[run.range.clone()];
        if !may_hold_a_finding(text) {
            return;
        }
        let base = run.range.start;
        let excluded = not_prose(text);
        let is_excluded = |at: usize| excluded.iter().any(|range| range.contains(&at));
        let escaped_start = base > 0 && doc.source.as_bytes()[base - 1] == b'\\';
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut i = 0;
        while i < chars.len() {
            let (start, c) = chars[i];
            if !MARKS.contains(&c) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < chars.len() && MARKS.contains(&chars[j].1) {
                j += 1;
            }
            let end = chars.get(j).map_or(text.len(), |&(at, _)| at);
            // Where the run stops, the source goes on: `ascii::` + a code span is one token.
            let next = match chars.get(j) {
                Some(&(_, c)) => Some(c),
                None => doc.source[run.range.end..]
                    .chars()
                    .next()
                    .filter(|c| !is_line_end(*c)),
            };
            // Doubled marks follow a word, a closing mark or an inline element, not a space
            // or a symbol (`<!,`).
            // A quote after a space opens: `'..'` is a path in quotes, not a word's marks.
            let after_word = match i.checked_sub(1) {
                Some(before) => {
                    ends_a_word(chars[before].1)
                        && !(matches!(chars[before].1, '\'' | '"')
                            && before.checked_sub(1).map_or(!run.after_inline, |b| {
                                chars[b].1.is_whitespace() || is_opening(chars[b].1)
                            }))
                }
                None => run.after_inline,
            };
            let escaped = start == 0 && escaped_start;
            if !is_excluded(start) && !escaped {
                check_space_before(doc, base, &chars, i, run.after_inline, out);
                if j - i >= 2 && after_word {
                    self.check_sequence(doc, text, base, start..end, next, out);
                }
            }
            i = j;
        }
    }
}

/// Whitespace before a mark, unless the mark is spaced by the language's or the text's own
/// rules.
fn check_space_before(
    doc: &Document,
    base: usize,
    chars: &[(usize, char)],
    i: usize,
    after_inline: bool,
    out: &mut Vec<Diagnostic>,
) {
    let (at, mark) = chars[i];
    if !matches!(mark, ',' | '.' | ';') || i == 0 || !matches!(chars[i - 1].1, ' ' | '\t') {
        return;
    }
    let mut k = i;
    while k > 0 && matches!(chars[k - 1].1, ' ' | '\t') {
        k -= 1;
    }
    let before = k.checked_sub(1).map(|before| chars[before].1);
    let preceded = match before {
        Some(c) => !is_opening(c),
        None => after_inline,
    };
    let next = chars.get(i + 1).map(|&(_, c)| c);
    let mark_is_prose = match mark {
        // Not an ellipsis, spaced (`. . .`) or not, nor a leading dot (`.NET`).
        '.' => {
            ends_at_boundary(next)
                && !SPACED_ELLIPSIS.is_match(&doc.source[base + at..])
                && before != Some('.')
        }
        ',' => !next.is_some_and(|c| c.is_ascii_digit()),
        // French spaces `;` (as it does `:`, `!` and `?`); a table cell's ` ; ` parts
        // values (`JA ; NEI`).
        _ => {
            let spaced_by_french = doc.language().is_some_and(|language| language == "fr");
            let separates_values =
                next.is_some_and(char::is_whitespace) && in_table_row(doc, base + at);
            !(matches!(next, Some(')' | '-' | '(')) || spaced_by_french || separates_values)
        }
    };
    if preceded && mark_is_prose {
        let word_follows = next.is_some_and(char::is_alphanumeric);
        out.push(space_before(
            base + chars[k].0..base + at,
            mark,
            word_follows,
        ));
    }
}

impl StrayPunctuation {
    fn check_sequence(
        &self,
        doc: &Document,
        text: &str,
        base: usize,
        mut range: Range<usize>,
        next: Option<char>,
        out: &mut Vec<Diagnostic>,
    ) {
        let marks = &text[range.clone()];
        let is_ellipsis_with = |s: &str| s.len() <= 1;
        if marks.chars().all(|c| c == '.') && marks.len() >= 3
            || marks.strip_prefix("...").is_some_and(is_ellipsis_with)
            || marks.strip_suffix("...").is_some_and(is_ellipsis_with)
            || marks.chars().all(|c| c == '!' || c == '?')
            || !ends_at_boundary(next)
        {
            return;
        }
        // A drive or provider name ends in a colon (`C:.`, `Alias:, Cert:, Env:`), and so
        // does an emoji code (`:bug:.`); an IPv6 address holds `::` (`2001:db8::1`).
        let before = &text[..range.start];
        if (marks == ":," || marks == ":.") && (names_a_drive(before) || ends_an_emoji(before))
            || marks.starts_with("::") && in_an_address(before)
            // Russian ends a question or an exclamation left hanging so: `Что?..`, `Да!..`.
            || (marks == "?.." || marks == "!..") && ends_in_cyrillic(before)
            // A path in code: `crate::_features`, `io::_print`.
            || marks == "::" && continues_a_name(&doc.source[base + range.end..])
            // A name in code ends in `!` or `?` (`validate_permalink!:`, an optional
            // `preloadedState?,`).
            || marks.starts_with(['!', '?']) && ends_an_identifier(before)
            // A multiplicity: `1..*`, or `1..` in a table cell.
            || marks == ".."
                && before.ends_with(|c: char| c.is_ascii_digit())
                && (next == Some('*') || in_table_row(doc, base + range.start))
        {
            return;
        }
        // `e.g.,` is fine; `etc..` is still a doubled period.
        if marks.starts_with('.')
            && !marks[1..].starts_with('.')
            && self.is_abbreviation(text, range.start)
        {
            range.start += 1;
            if range.len() < 2 {
                return;
            }
        }
        let marks = &text[range.clone()];
        let first = marks.chars().next().unwrap_or('.');
        let all_same = marks.chars().all(|c| c == first);
        let span = base + range.start..base + range.end;
        let (keep, safe) = if all_same {
            (first, first != '.')
        } else {
            (intended_mark(marks, &doc.source[span.end..]), false)
        };
        out.push(clashing_marks(span, marks, keep, safe));
    }
}

/// Whether the last letter of `before` is Cyrillic.
fn ends_in_cyrillic(before: &str) -> bool {
    before
        .chars()
        .rev()
        .find(|c| c.is_alphabetic())
        .is_some_and(|c| ('\u{0400}'..='\u{04FF}').contains(&c))
}

/// Whether `after` goes on with a name that starts with `_` (`_features`): `::` between two
/// names is a path, and that `_` opens no emphasis.
fn continues_a_name(after: &str) -> bool {
    let mut chars = after.chars();
    chars.next() == Some('_') && chars.next().is_some_and(char::is_alphanumeric)
}

/// Whether the word before a colon is a drive or provider name (`C`, `Cert`, `HKLM`): one
/// capitalised word, directly before the colon.
fn names_a_drive(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    let starts_upper = word.chars().last().is_some_and(|c| c.is_ascii_uppercase());
    // A drive letter may be written in lowercase (`partition d:.`).
    let drive_letter = word.len() == 1 && word.chars().all(|c| c.is_ascii_alphabetic());
    (1..=12).contains(&word.len()) && starts_upper || drive_letter
}

/// Whether the token before the marks reads as a name in code: it holds `_` or `#`, or a
/// lowercase letter right before a capital (`preloadedState`).
fn ends_an_identifier(before: &str) -> bool {
    let token = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default();
    let token = token.trim_start_matches(|c: char| !c.is_alphanumeric());
    let camel_case = token
        .chars()
        .zip(token.chars().skip(1))
        .any(|(a, b)| a.is_lowercase() && b.is_uppercase());
    token.contains(['_', '#']) || camel_case
}

/// Whether the text before a colon ends an emoji code's name (`:bug`).
fn ends_an_emoji(before: &str) -> bool {
    let name = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '+');
    name.len() < before.len() && name.ends_with(':')
}

/// Whether the text before `::` is the start of an IPv6 address (hex groups and colons).
fn in_an_address(before: &str) -> bool {
    let token = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default();
    !token.is_empty()
        && token.chars().all(|c| c.is_ascii_hexdigit() || c == ':')
        && token.chars().any(|c| c.is_ascii_digit())
}

/// The mark the writer most likely meant: a pause before a lowercase word of the same
/// paragraph, an ending before a capital or at the paragraph's end.
fn intended_mark(marks: &str, after: &str) -> char {
    let paragraph_rest = BLANK_LINE
        .find(after)
        .map_or(after, |blank| &after[..blank.start()]);
    let next_word = paragraph_rest.chars().find(|c| c.is_alphanumeric());
    let continues = next_word.is_some_and(char::is_lowercase);
    let find = |wanted: &[char]| marks.chars().find(|c| wanted.contains(c));
    let preferred = if continues {
        find(&[',', ';', ':'])
    } else {
        find(&['?', '!']).or_else(|| find(&['.']))
    };
    preferred.unwrap_or_else(|| marks.chars().next().unwrap_or('.'))
}

impl Rule for StrayPunctuation {
    fn check(&self, doc: &Document, out: &mut Vec<Diagnostic>) {
        for run in &doc.prose().runs {
            self.check_run(doc, run, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_blank_line_ends_the_paragraph_whatever_the_line_endings() {
        for end in ["\n", "\r\n", "\r"] {
            let blank = format!("{end}{end}and more");
            assert_eq!(intended_mark(",.", &blank), '.', "{blank:?}");
            let quoted_blank = format!("{end}>{end}and more");
            assert_eq!(intended_mark(",.", &quoted_blank), '.', "{quoted_blank:?}");
            // One line end: the paragraph goes on.
            let same_paragraph = format!("{end}and more");
            assert_eq!(
                intended_mark(",.", &same_paragraph),
                ',',
                "{same_paragraph:?}"
            );
        }
    }
}
