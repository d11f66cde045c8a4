//! The pack's tests: rule files, scopes, fixes, the default pack, the locators.

use std::ops::Range;
use std::sync::LazyLock;

use regex_automata::meta;

use super::parse::parse_rule;
use super::*;
use crate::document::Document;
use crate::rule::Rule;

fn rule(yaml: &str) -> Result<PackRule, String> {
    parse_rule("r.yaml", yaml, "test", Compile::Now)
}

fn found(rule: &PackRule, text: &str) -> Vec<String> {
    let doc = Document::parse(text);
    let mut out = Vec::new();
    rule.check(&doc, &mut out);
    out.into_iter()
        .map(|d| format!("{}|{}", &text[d.span.clone()], d.message))
        .collect()
}

const BASE: &str = "id: t\nmessage: \"found {match}\"\ndescription: A test.\n";

#[test]
fn bad_files_name_their_place() {
    let cases = [
        (
            format!("{BASE}pattern: '(unclosed'\n"),
            "r.yaml:4:10: bad regex",
        ),
        (
            format!("{BASE}pattern: x\nscope: sideways\n"),
            "r.yaml:5:8: unknown scope `sideways`",
        ),
        (
            format!("{BASE}pattern: x\ncolour: red\n"),
            "r.yaml:5:1: unknown key `colour`",
        ),
        (
            format!("{BASE}pattern: x\nwords: [a]\n"),
            "r.yaml:1:1: a rule has exactly one of",
        ),
        (
            "id: t\nid: u\n".to_string(),
            "r.yaml:2:1: duplicate key `id`",
        ),
        (
            format!("{BASE}words: {{a: 1}}\n"),
            "r.yaml:4:12: a replacement is a string",
        ),
        (
            format!("{BASE}pattern: x\nunless-hanging-indent: yes please\n"),
            "r.yaml:5:24: `unless-hanging-indent` is true or false",
        ),
    ];
    for (yaml, expected) in cases {
        let error = rule(&yaml).unwrap_err();
        assert!(error.starts_with(expected), "{yaml}\n=> {error}");
    }
}

#[test]
fn a_fix_template_names_only_groups_the_pattern_has() {
    let yaml = format!("{BASE}pattern: '(?P<word>a)b'\nfix: '$5${{nope}}'\n");
    let error = rule(&yaml).unwrap_err();
    assert!(
        error.starts_with("r.yaml:5:6: `fix` names the group `5`"),
        "{error}"
    );
    let yaml = format!("{BASE}pattern: '(?P<word>a)b'\nfix: '$$${{word}}${{1}}x$word'\n");
    assert!(rule(&yaml).is_ok());
    let yaml = format!("{BASE}pattern: '(?P<word>a)b'\nfix: '${{word}}${{nope}}'\n");
    assert!(rule(&yaml).unwrap_err().contains("the group `nope`"));
}

#[test]
fn a_rule_file_nested_too_deep_is_an_error_not_a_crash() {
    let yaml = format!("{BASE}pattern: x\nexamples:\n{}1\n", "- ".repeat(12_000));
    let error = rule(&yaml).unwrap_err();
    assert!(
        error.starts_with("r.yaml:6:") && error.ends_with("nested deeper than 100 levels"),
        "{error}"
    );
}

#[test]
fn scopes_keep_to_their_text() {
    let prose = rule(&format!("{BASE}pattern: 'x+'\n")).unwrap();
    let text = "---\nt: xx\n---\nxa `xb` [xc](/xd) <b>xe</b>\n\n```\nxf\n```\n";
    // `xa`, the link text `xc`, and `xe` between inline tags; not code, destinations or
    // frontmatter.
    assert_eq!(found(&prose, text), ["x|found x", "x|found x", "x|found x"]);
    let raw = rule(&format!("{BASE}pattern: 'x[a-z]'\nscope: raw\n")).unwrap();
    assert_eq!(found(&raw, text).len(), 7);
    let link = rule(&format!("{BASE}pattern: 'x.'\nscope: link-text\n")).unwrap();
    assert_eq!(found(&link, text), ["xc|found xc"]);
    let heading = rule(&format!("{BASE}pattern: '\\.$'\nscope: heading\n")).unwrap();
    assert_eq!(found(&heading, "# Tittel.\n\nTekst.\n"), [".|found ."]);
    let key = rule(&format!(
        "{BASE}pattern: '^.{{5,}}$'\nscope: frontmatter.title\n"
    ))
    .unwrap();
    assert_eq!(
        found(&key, "---\ntitle: \"Lang tittel\"\n---\n"),
        ["Lang tittel|found Lang tittel"]
    );
}

#[test]
fn patterns_fix_with_captures_and_respect_unless() {
    let r = rule(&format!(
        "{BASE}pattern: '(\\d+) ?%'\nfix: '$1 %'\nunless: ['^\\d+ %$']\n"
    ))
    .unwrap();
    let doc = Document::parse("25% og 30 %\n");
    let mut out = Vec::new();
    r.check(&doc, &mut out);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].fix.as_ref().unwrap().edits[0].replacement, "25 %");
}

#[test]
fn unless_hanging_indent_spares_text_aligned_with_an_indented_neighbour() {
    let r = rule(&format!(
        "{BASE}pattern: '\\S  +\\S'\nunless-hanging-indent: true\n"
    ))
    .unwrap();
    let aligned = "`a`:  Første linje,\n      fortsatt.\n";
    let above = "`bb`: Første linje,\n      fortsatt.\n`a`:  Neste.\n";
    let elsewhere = "`a`:  Første linje,\n   fortsatt.\n";
    let unindented = "`a`:  Første\n`b`:  Andre\n";
    let count = |text: &str| {
        let mut out = Vec::new();
        r.check(&Document::parse(text), &mut out);
        out.len()
    };
    assert_eq!(
        [aligned, above, elsewhere, unindented].map(count),
        [0, 0, 1, 2]
    );
}

#[test]
fn words_are_whole_words_with_case_kept() {
    let r = rule("id: t\nmessage: '{match} -> {replacement}'\ndescription: D.\nwords:\n  gratis ressurser: komplementære ressurser\n  idag: i dag\n").unwrap();
    assert_eq!(
        found(&r, "Gratis  ressurser finnes. Idag, ikke idagen.\n"),
        [
            "Gratis  ressurser|Gratis  ressurser -> Komplementære ressurser",
            "Idag|Idag -> I dag"
        ]
    );
}

#[test]
fn frontmatter_fields_match_the_first_heading() {
    let r = rule("id: t\nmessage: 'title {value} is not {expected}'\ndescription: D.\nfrontmatter: {field: title, equals: first-heading}\n").unwrap();
    assert_eq!(
        found(&r, "---\ntitle: Aksje\n---\n# Aksjer\n"),
        ["Aksje|title Aksje is not Aksjer"]
    );
    assert!(found(&r, "---\ntitle: Aksje\n---\n# Aksje\n").is_empty());
}

#[test]
fn the_default_pack_loads_and_its_examples_hold() {
    let rules: Vec<Arc<PackRule>> = default_pack().unwrap().into_iter().map(Arc::new).collect();
    assert!(
        rules.len() >= 8,
        "the default pack has {} rules",
        rules.len()
    );
    assert_eq!(test_examples(&rules), Vec::<String>::new());
    for rule in &rules {
        assert!(
            !rule.flag_examples.is_empty() && !rule.pass_examples.is_empty(),
            "{} needs examples",
            rule.meta.id
        );
    }
}

/// Every match `pattern` finds range by range, with or without its locator.
fn matches_in(pattern: &Pattern, source: &str, ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    pattern.for_each_candidate(source, ranges, |range| {
        let text = &source[range.clone()];
        found.extend(
            pattern
                .regex()
                .find_iter(text)
                .map(|m| range.start + m.start()..range.start + m.end()),
        );
    });
    found
}

proptest::proptest! {
    /// The locator only skips ranges that hold no match: look-around assertions at range
    /// edges, matches that would run across a gap, ranges that touch.
    #[test]
    fn the_locator_skips_only_ranges_without_matches(
        source in "[ab .\n\"-]{0,40}",
        cuts in proptest::collection::vec(0usize..40, 0..8),
        which in 0usize..9,
    ) {
        const PATTERNS: [&str; 9] = [
            r"^a", r"b$", r"(?m)^a b", r"\ba\b", r"\Bb",
            r#""[^"]+""#, r"a +b", r"\.\.", r"(?i)A-B",
        ];
        let regex = || RuleRegex::compiled(PATTERNS[which], false).unwrap();
        let with_locator = Pattern::new(regex(), false, true);
        proptest::prop_assert!(with_locator.locator().is_some());
        let without = Pattern::new(regex(), false, false);
        // Sorted cut points, taken in pairs as ranges: apart, touching or empty.
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(source.len())).collect();
        cuts.sort_unstable();
        let ranges: Vec<Range<usize>> = cuts.chunks_exact(2).map(|p| p[0]..p[1]).collect();
        proptest::prop_assert_eq!(
            matches_in(&with_locator, &source, &ranges),
            matches_in(&without, &source, &ranges)
        );
    }
}

#[test]
fn sparse_scopes_and_empty_matching_twins_have_no_locator() {
    let searching_alone = |pattern: &str, ignore_case: bool, dense: bool| {
        Pattern::new(
            RuleRegex::deferred(pattern, ignore_case),
            ignore_case,
            dense,
        )
    };
    assert!(searching_alone("a", false, false).locator().is_none());
    // Without `^`, the twin of `^x?` matches the empty string, so everywhere.
    assert!(searching_alone("^x?", false, true).locator().is_none());
    assert!(searching_alone(r"\bidag\b", true, true).locator().is_some());
}

/// Four prose rules as one pack (sharing one search), and each alone.
static SHARING: LazyLock<(Vec<PackRule>, Vec<PackRule>)> = LazyLock::new(|| {
    let files: Vec<PackFile> = [
        r"pattern: '^a'",
        r"pattern: ['b$', '\ba\b\s']",
        r"pattern: '(\S)  +(\S)'",
        "words: [ab, b a]",
    ]
    .iter()
    .enumerate()
    .map(|(i, matcher)| {
        let text = format!("id: r{i}\nmessage: m\ndescription: D.\n{matcher}\n");
        PackFile::new(format!("r{i}.yaml"), text)
    })
    .collect();
    let alone = files
        .iter()
        .map(|file| parse_rule(&file.name, &file.text, "test", Compile::Now).unwrap())
        .collect();
    (parse_pack(files, "test", Compile::Now).unwrap(), alone)
});

type Spans = Vec<Range<usize>>;

/// The first rule of `pack` that finds other spans in `source` than the same rule loaded
/// alone (`alone`, in the pack's order): its id, and the spans of each.
fn first_difference(
    pack: &[PackRule],
    alone: &[PackRule],
    source: &str,
) -> Option<(&'static str, Spans, Spans)> {
    let doc = Document::parse(source);
    let spans = |rule: &PackRule| {
        let mut out = Vec::new();
        rule.check(&doc, &mut out);
        out.into_iter().map(|d| d.span).collect::<Spans>()
    };
    pack.iter().zip(alone).find_map(|(shared, alone)| {
        let (with, without) = (spans(shared), spans(alone));
        (with != without).then_some((alone.meta.id, with, without))
    })
}

proptest::proptest! {
    /// The search a pack's prose rules share finds what each rule finds alone.
    #[test]
    fn a_shared_search_finds_what_each_rule_finds_alone(
        source in "[ab \"`.*\n-]{0,60}",
    ) {
        let (pack, alone) = &*SHARING;
        proptest::prop_assert!(pack.iter().all(|rule| rule.shared.is_some()));
        proptest::prop_assert_eq!(first_difference(pack, alone, &source), None);
    }
}

/// The default pack compiles its regexes on first use, from the JSON `build.rs` read of its
/// YAML: here every file is read and every regex compiled and checked as a user's pack is
/// when it loads.
#[test]
fn the_default_pack_compiles_whole() {
    let as_a_users: Vec<PackFile> = (default_pack_files().into_iter())
        .map(|file| PackFile::new(file.name, file.text))
        .collect();
    let rules = parse_pack(as_a_users, DEFAULT_PACK_NAME, Compile::Now).unwrap();
    assert_eq!(rules.len(), default_pack().unwrap().len());
}

/// What `build.rs` read of each default rule file is what the engine reads of it.
#[test]
fn the_default_pack_is_read_at_build_time_as_at_run_time() {
    let files = default_pack_files();
    assert!(files.len() >= 10, "{} files", files.len());
    for file in files {
        let read = parse_yaml(&file.text, 0..file.text.len()).unwrap().value;
        assert_eq!(file.value.as_ref(), Some(&read), "{}", file.name);
    }
}

/// A deferred regex, compiled from its own text or from its locator's parse, finds what the
/// same regex compiled while loading finds.
#[test]
fn deferred_regexes_find_what_compiled_ones_find() {
    let text = "Ei aksje, to AKSJER og aksjeselskap.";
    for (pattern, ignore_case) in [(r"\baksje\w*", true), (r"aksje(r)?\b", false)] {
        let deferred = RuleRegex::deferred(pattern, ignore_case);
        let from_parse = Pattern::new(RuleRegex::deferred(pattern, ignore_case), ignore_case, true);
        let compiled = RuleRegex::compiled(pattern, ignore_case).unwrap();
        let spans =
            |regex: &meta::Regex| regex.find_iter(text).map(|m| m.range()).collect::<Vec<_>>();
        assert_eq!(spans(&deferred), spans(&compiled), "{pattern}");
        assert_eq!(spans(from_parse.regex()), spans(&compiled), "{pattern}");
        assert!(!spans(&deferred).is_empty(), "{pattern}");
    }
}

/// A range shorter than any match is not searched, so a regex that only such ranges reach is
/// never compiled: the default pack's length limit on short descriptions.
#[test]
fn ranges_shorter_than_a_match_compile_nothing() {
    let rules = default_pack().unwrap();
    let rule = rules
        .iter()
        .find(|rule| rule.meta.id == "description-length")
        .unwrap();
    let Matcher::Pattern { patterns, .. } = &rule.matcher else {
        panic!("description-length is a pattern rule");
    };
    let regex = || &patterns[0].regex;
    assert!(found(rule, "---\ndescription: Kort.\n---\n").is_empty());
    assert!(!regex().is_compiled());
    let long = "ord ".repeat(41);
    assert_eq!(
        found(rule, &format!("---\ndescription: {long}\n---\n")).len(),
        1
    );
    assert!(regex().is_compiled());
}

/// A rule for another language compiles nothing on a page where it has a range to search:
/// the page's language is asked first.
#[test]
fn a_page_in_another_language_compiles_nothing() {
    let rules = default_pack().unwrap();
    let rule = (rules.iter())
        .find(|rule| rule.meta.id == "bokmal-spelling")
        .unwrap();
    let page = |language: &str| format!("---\nlang: {language}\n---\n\nVi ses idag.\n");
    assert!(found(rule, &page("en")).is_empty());
    assert!(!rule.is_compiled());
    assert_eq!(found(rule, &page("nb")).len(), 1);
    assert!(rule.is_compiled());
}

#[test]
fn reloading_a_pack_makes_no_new_metadata() {
    let first = default_pack().unwrap();
    let second = default_pack().unwrap();
    for (a, b) in first.iter().zip(&second) {
        assert!(std::ptr::eq(a.meta, b.meta), "{}", a.meta.id);
    }
}

/// `rules/compiled/`: the default pack's shared prose search, determinized. Rebuilt and
/// compared here; `GALLEY_UPDATE_PREBUILT=1 cargo test -p galley_linter prebuilt` writes
/// it again after the pack's prose patterns (or regex-automata) change.
#[test]
fn the_prebuilt_prose_search_is_the_default_packs() {
    use regex_automata::dfa::{dense, StartKind};

    let pack = default_pack().unwrap();
    let shared = pack.iter().find_map(|rule| rule.shared.clone()).unwrap();
    let nfa = locate::twins_nfa(&shared.twins()).unwrap();
    // Unanchored only, as every candidate search is; minimised, so that the table checked
    // as it is read is smaller.
    let config = dense::Config::new()
        .start_kind(StartKind::Unanchored)
        .minimize(true);
    let dfa = dense::Builder::new()
        .configure(config)
        .build_from_nfa(&nfa)
        .unwrap();
    let (bytes, padding) = dfa.to_bytes_little_endian();
    let (sources, bytes) = (shared.sources(), &bytes[padding..]);
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/compiled");
    let (sources_file, automaton_file) = (
        folder.join("prose-search.json"),
        folder.join("prose-search.dfa"),
    );
    if std::env::var_os("GALLEY_UPDATE_PREBUILT").is_some() {
        std::fs::write(&sources_file, format!("{sources}\n")).unwrap();
        std::fs::write(&automaton_file, bytes).unwrap();
        // The binary embeds the files as they were when it was built: checked on the next run.
        return;
    }
    let stale = "rules/compiled/ is stale: run `GALLEY_UPDATE_PREBUILT=1 cargo test -p galley_linter prebuilt`";
    let on_disk = std::fs::read_to_string(&sources_file).unwrap();
    assert_eq!(on_disk.trim_end(), sources, "{stale}");
    assert!(std::fs::read(&automaton_file).unwrap() == bytes, "{stale}");
    // What the binary embeds (a build after the files changed) is used for this pack.
    if cfg!(target_endian = "little") {
        assert!(prebuilt::prose_locator(&sources).is_some(), "{stale}");
    }
}

/// The default pack's rules, loaded as a pack (sharing the prebuilt search) and each alone.
static DEFAULT_SHARING: LazyLock<(Vec<PackRule>, Vec<PackRule>)> = LazyLock::new(|| {
    let alone = (default_pack_files().iter())
        .map(|file| parse_rule(&file.name, &file.text, DEFAULT_PACK_NAME, Compile::Now).unwrap())
        .collect();
    (default_pack().unwrap(), alone)
});

proptest::proptest! {
    /// The default pack's prebuilt search finds what each of its rules finds alone.
    #[test]
    fn the_prebuilt_search_finds_what_each_default_rule_finds_alone(
        words in proptest::collection::vec(
            proptest::sample::select(&[
                "idag", "Igår", "forøvrig", "etterhvert", "blandt", "gratis", "ressurser",
                "eventuelt", "vil", "aktuelle", "kostnader", "ord", "æøå", "\"", "”", "’", "»",
                ")", "]", ".", "!", "--", "-", "`", "*", " ", "  ", "   ", "\u{a0}", "\n",
                "\n\n", "> ", "# ", "[a](/b)",
            ][..]),
            0..40,
        ),
    ) {
        // In Norwegian, which some of the rules keep to.
        let source = format!("---\nlang: nb\n---\n{}", words.concat());
        let (pack, alone) = &*DEFAULT_SHARING;
        proptest::prop_assert_eq!(first_difference(pack, alone, &source), None);
    }
}
