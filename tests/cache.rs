//! The cache on disk: whatever changed between two runs (a file, the config, the schema, a
//! pack, a page elsewhere, the cache itself), a run with the cache reports exactly what a run
//! without it does; and a run on unchanged files takes them from the cache.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{corpus, galley};

/// A run's JSON report and exit code, with the cache or without.
fn report(dir: &Path, cached: bool) -> (String, Option<i32>) {
    let mut cmd = galley(dir);
    cmd.args(["check", "--format", "json", "."]);
    if !cached {
        cmd.arg("--no-cache");
    }
    let output = cmd.output().unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        output.status.code(),
    )
}

/// The cached run's report, after checking it is the uncached one's.
fn cached_report_matches(dir: &Path) -> String {
    let cached = report(dir, true);
    let fresh = report(dir, false);
    assert_eq!(cached, fresh, "cached and uncached runs differ");
    cached.0
}

/// `(reused, linted)` as `--verbose` tells them.
fn cache_use(dir: &Path) -> (usize, usize) {
    let output: Output = galley(dir)
        .args(["check", "--verbose", "--format", "json", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let line = stderr
        .lines()
        .find(|line| line.contains("files reused"))
        .unwrap_or_else(|| panic!("no cache note in {stderr}"));
    let numbers: Vec<usize> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|part| part.parse().ok())
        .collect();
    let n = numbers.len();
    (numbers[n - 2], numbers[n - 1])
}

/// Warms the cache, changes something with `change`, and checks that the cached run agrees
/// with an uncached one and that the change did show in the findings.
fn after_change(files: &[(&str, &str)], change: impl FnOnce(&Path)) {
    let dir = corpus(files);
    let before = cached_report_matches(dir.path());
    change(dir.path());
    let after = cached_report_matches(dir.path());
    assert_ne!(before, after, "the change should change the findings");
}

const LINKED: &str = "# A\n\nSee [b](b.md) and [c](c.md#part).\n";
const B: &str = "# B\n\nText , with a stray comma.\n";
const C: &str = "# C\n\n## Part\n\nText.\n";

#[test]
fn a_warm_run_takes_unchanged_files_from_the_cache() {
    let dir = corpus(&[("a.md", LINKED), ("b.md", B), ("c.md", C)]);
    assert_eq!(cache_use(dir.path()), (0, 3));
    assert_eq!(cache_use(dir.path()), (3, 0));
    fs::write(dir.path().join("b.md"), "# B\n\nText.\n").unwrap();
    assert_eq!(cache_use(dir.path()), (2, 1));
    assert_eq!(cache_use(dir.path()), (3, 0));
    let ignore = fs::read_to_string(dir.path().join(".galley_cache/.gitignore")).unwrap();
    assert!(ignore.lines().any(|line| line == "*"), "{ignore}");
}

#[test]
fn a_changed_file_is_linted_again() {
    after_change(&[("a.md", LINKED), ("b.md", B), ("c.md", C)], |dir| {
        fs::write(dir.join("b.md"), "# B\n\nText, fixed.\n").unwrap();
    });
}

#[test]
fn a_changed_config_is_a_new_run_key() {
    let files = [
        ("galley.toml", "[rules]\n"),
        ("a.md", LINKED),
        ("b.md", B),
        ("c.md", C),
    ];
    after_change(&files, |dir| {
        let config = "[rules.stray-punctuation]\nlevel = \"off\"\n";
        fs::write(dir.join("galley.toml"), config).unwrap();
    });
}

#[test]
fn a_changed_schema_is_a_new_run_key() {
    let schema = |required: &str| {
        format!("{{\"type\": \"object\", \"required\": [{required}], \"properties\": {{\"title\": {{\"type\": \"string\"}}}}}}")
    };
    let page = "---\ntitle: A\n---\n\n# A\n\nText.\n";
    let files = [
        ("galley.toml", "[frontmatter]\nschema = \"schema.json\"\n"),
        ("schema.json", &schema("\"title\"")),
        ("a.md", page),
    ];
    after_change(&files, |dir| {
        fs::write(dir.join("schema.json"), schema("\"title\", \"author\"")).unwrap();
    });
}

#[test]
fn a_changed_pack_is_a_new_run_key() {
    let rule = |word: &str| {
        format!("id: house-word\nmessage: \"write `{{replacement}}`\"\ndescription: The house word.\nwords:\n  {word}: House\nexamples:\n  flag: [\"a {word} b\\n\"]\n  pass: [\"a House b\\n\"]\n")
    };
    let files = [
        ("galley.toml", "[rules]\npacks = [\"pack\"]\n"),
        ("pack/house-word.yaml", &rule("shack")),
        ("a.md", "# A\n\nA shack and a hut.\n"),
    ];
    after_change(&files, |dir| {
        fs::write(dir.join("pack/house-word.yaml"), rule("hut")).unwrap();
    });
}

#[test]
fn a_deleted_page_breaks_the_links_to_it_in_cached_pages() {
    after_change(&[("a.md", LINKED), ("b.md", B), ("c.md", C)], |dir| {
        fs::remove_file(dir.join("c.md")).unwrap();
    });
}

#[test]
fn a_new_page_heals_the_links_to_it_in_cached_pages() {
    after_change(&[("a.md", LINKED), ("b.md", B)], |dir| {
        fs::write(dir.join("c.md"), C).unwrap();
    });
}

#[test]
fn a_corrupted_cache_is_a_miss_and_is_written_again() {
    let dir = corpus(&[("a.md", LINKED), ("b.md", B), ("c.md", C)]);
    let expected = cached_report_matches(dir.path());
    let mut shards = 0;
    for run in fs::read_dir(dir.path().join(".galley_cache")).unwrap() {
        let run = run.unwrap().path();
        if !run.is_dir() {
            continue;
        }
        for (i, shard) in fs::read_dir(&run).unwrap().enumerate() {
            let shard = shard.unwrap().path();
            let mut bytes = fs::read(&shard).unwrap();
            // Torn (cut short), flipped and garbage shards.
            match i % 3 {
                0 => bytes.truncate(bytes.len() / 2),
                1 => *bytes.last_mut().unwrap() ^= 0x55,
                _ => bytes = b"not a shard at all".to_vec(),
            }
            fs::write(&shard, bytes).unwrap();
            shards += 1;
        }
    }
    assert!(shards > 0, "the first run wrote no shard");
    assert_eq!(cache_use(dir.path()), (0, 3));
    assert_eq!(cached_report_matches(dir.path()), expected);
    assert_eq!(cache_use(dir.path()), (3, 0));
}

#[test]
fn two_runs_at_once_both_report_right_and_leave_a_sound_cache() {
    let mut files: Vec<(String, String)> = Vec::new();
    for i in 0..300 {
        let text = format!(
            "# Page {i}\n\nSee [next](p{}.md) , and [gone](gone{i}.md).\n",
            i + 1
        );
        files.push((format!("p{i}.md"), text));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let dir = corpus(&files);
    let expected = report(dir.path(), false);
    let spawn = || {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("galley"))
            .current_dir(dir.path())
            .args(["check", "--format", "json", "."])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (spawn(), spawn());
    for child in [first, second] {
        let output = child.wait_with_output().unwrap();
        let got = (
            String::from_utf8(output.stdout).unwrap(),
            output.status.code(),
        );
        assert_eq!(got, expected);
    }
    assert_eq!(report(dir.path(), true), expected);
    assert_eq!(cache_use(dir.path()), (300, 0));
}

#[test]
fn fixes_and_no_cache_write_no_cache() {
    let dir = corpus(&[("a.md", B)]);
    galley(dir.path())
        .args(["check", "--no-cache", "."])
        .output()
        .unwrap();
    galley(dir.path())
        .args(["check", "--fix", "."])
        .output()
        .unwrap();
    assert!(!dir.path().join(".galley_cache").exists());
}

#[test]
fn the_cache_goes_where_the_config_or_the_environment_says() {
    let dir = corpus(&[
        ("galley.toml", "[cache]\ndir = \"build/lint-cache\"\n"),
        ("a.md", B),
    ]);
    let expected = report(dir.path(), false);
    assert_eq!(report(dir.path(), true), expected);
    assert!(dir.path().join("build/lint-cache/.gitignore").is_file());
    let elsewhere = tempfile::tempdir().unwrap();
    galley(dir.path())
        .env("GALLEY_CACHE_DIR", elsewhere.path())
        .args(["check", "."])
        .output()
        .unwrap();
    assert!(elsewhere.path().join("CACHEDIR.TAG").is_file());
    // The cache's folder under the content root holds no page: the walk skips it.
    assert_eq!(report(dir.path(), true), expected);
}

/// Whether the last `--verbose` run says it replayed the run before.
fn replayed(dir: &Path) -> bool {
    let output = galley(dir)
        .args(["check", "--verbose", "--format", "json", "."])
        .output()
        .unwrap();
    String::from_utf8(output.stderr)
        .unwrap()
        .contains("the last run's findings replayed")
}

#[test]
fn an_unchanged_corpus_is_replayed_with_the_same_report_in_every_format() {
    let suppressed = "# D\n\n<!-- galley-disable-next-line stray-punctuation -->\n\
                      Fine , here.\n\n<!-- galley-disable-next-line empty-blockquote -->\nText.\n";
    let dir = corpus(&[
        ("a.md", LINKED),
        ("b.md", B),
        ("c.md", C),
        ("d.md", suppressed),
    ]);
    assert!(!replayed(dir.path()), "a cold cache has nothing to replay");
    assert!(replayed(dir.path()));
    for format in ["human", "concise", "json", "sarif", "github"] {
        let run = |cached: bool| {
            let mut cmd = galley(dir.path());
            cmd.args(["check", "--format", format, "."]);
            if !cached {
                cmd.arg("--no-cache");
            }
            let output = cmd.output().unwrap();
            (output.stdout, output.status.code())
        };
        assert_eq!(run(true), run(false), "{format}");
    }
    assert!(replayed(dir.path()));
}

#[test]
fn an_edit_of_the_same_length_is_not_replayed() {
    after_change(&[("a.md", LINKED), ("b.md", B), ("c.md", C)], |dir| {
        fs::write(dir.join("b.md"), B.replace("Text ,", "Text.,")).unwrap();
        assert_eq!(
            B.len(),
            fs::metadata(dir.join("b.md")).unwrap().len() as usize
        );
    });
}

#[test]
fn a_linked_file_deleted_or_restored_is_seen_though_no_page_changed() {
    let page = "# A\n\n![logo](img/logo.png)\n";
    let dir = corpus(&[("a.md", page), ("img/logo.png", "png")]);
    let clean = cached_report_matches(dir.path());
    fs::remove_file(dir.path().join("img/logo.png")).unwrap();
    assert!(!replayed(dir.path()));
    let broken = cached_report_matches(dir.path());
    assert_ne!(clean, broken);
    assert!(broken.contains("broken-link"), "{broken}");
    fs::write(dir.path().join("img/logo.png"), "png").unwrap();
    assert!(!replayed(dir.path()));
    assert_eq!(cached_report_matches(dir.path()), clean);
}

#[test]
fn a_run_from_another_folder_is_not_replayed() {
    let dir = corpus(&[("docs/a.md", LINKED), ("docs/b.md", B), ("docs/c.md", C)]);
    let from_root = |args: &[&str]| {
        let output = galley(dir.path()).args(args).output().unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    from_root(&["check", "--format", "concise", "docs"]);
    let output = galley(&dir.path().join("docs"))
        .args(["check", "--verbose", "--format", "concise", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(!stderr.contains("replayed"), "{stderr}");
    assert!(String::from_utf8(output.stdout).unwrap().contains("b.md"));
}

#[test]
fn a_changed_markdownlint_config_is_a_new_run_key() {
    let files = [
        (".markdownlint.yaml", "MD004:\n  style: dash\n"),
        ("a.md", "# A\n\nText.\n\n* one\n* two\n"),
    ];
    after_change(&files, |dir| {
        fs::write(
            dir.join(".markdownlint.yaml"),
            "MD004:\n  style: asterisk\n",
        )
        .unwrap();
    });
}

/// A cached run's JSON report, checked against an uncached run's, with its cache note.
fn cached_run(dir: &Path) -> (String, String) {
    cached_run_of(dir, &["."])
}

/// A run over some files, as a pre-commit hook makes it: its report (after checking it is
/// the uncached one's) and its cache note.
fn cached_run_of(dir: &Path, files: &[&str]) -> (String, String) {
    let run = |cached: bool| {
        let mut cmd = galley(dir);
        cmd.args(["check", "--verbose", "--format", "json"])
            .args(files);
        if !cached {
            cmd.arg("--no-cache");
        }
        cmd.output().unwrap()
    };
    let (cached, fresh) = (run(true), run(false));
    assert_eq!(
        (&cached.stdout, cached.status.code()),
        (&fresh.stdout, fresh.status.code()),
        "cached and uncached runs differ"
    );
    (
        String::from_utf8(cached.stdout).unwrap(),
        String::from_utf8(cached.stderr).unwrap(),
    )
}

const OTHERS_REPLAYED: &str = "the others' findings replayed";
const A_WITH_BROKEN: &str = "# A\n\nSee [b](b.md), [c](c.md#part) and [d](d.md).\n";

#[test]
fn an_edit_other_pages_cannot_see_leaves_their_findings_replayed() {
    let dir = corpus(&[("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)]);
    cached_run(dir.path());
    // Prose only: the page's anchors and keys stay as they were.
    fs::write(dir.path().join("c.md"), C.replace("Text.", "Text , again.")).unwrap();
    let (found, note) = cached_run(dir.path());
    assert!(note.contains(OTHERS_REPLAYED), "{note}");
    assert!(note.contains("2 files reused, 1 linted"), "{note}");
    assert!(found.contains("c.md") && found.contains("d.md"), "{found}");
    let (_, note) = cached_run(dir.path());
    assert!(note.contains("nothing changed"), "{note}");
}

#[test]
fn an_anchor_gone_from_a_changed_page_breaks_the_links_to_it() {
    let dir = corpus(&[("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)]);
    let (before, _) = cached_run(dir.path());
    fs::write(dir.path().join("c.md"), C.replace("## Part", "## Section")).unwrap();
    let (after, note) = cached_run(dir.path());
    assert!(!note.contains(OTHERS_REPLAYED), "{note}");
    assert!(
        after.contains("#part") && !before.contains("#part"),
        "{after}"
    );
}

/// The one run folder a test's cache holds.
fn run_folder(dir: &Path) -> std::path::PathBuf {
    let runs: Vec<_> = fs::read_dir(dir.join(".galley_cache"))
        .unwrap()
        .map(|run| run.unwrap().path())
        .filter(|run| run.is_dir())
        .collect();
    assert_eq!(runs.len(), 1, "{runs:?}");
    runs[0].clone()
}

/// The files of the run folder whose names start with `prefix`.
fn run_files(dir: &Path, prefix: &str) -> Vec<std::path::PathBuf> {
    fs::read_dir(run_folder(dir))
        .unwrap()
        .map(|file| file.unwrap().path())
        .filter(|file| {
            file.file_name()
                .unwrap()
                .to_str()
                .unwrap()
                .starts_with(prefix)
        })
        .collect()
}

/// The pages file of the one record the cache holds.
fn pages_file(dir: &Path) -> std::path::PathBuf {
    let pages = run_files(dir, "pages-");
    assert_eq!(pages.len(), 1, "{pages:?}");
    pages[0].clone()
}

#[test]
fn a_changed_page_goes_the_usual_way_when_the_pages_file_is_missing_torn_or_foreign() {
    let dir = corpus(&[("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)]);
    cached_run(dir.path());
    let pages = pages_file(dir.path());
    let whole = fs::read(&pages).unwrap();
    let spoilt: [Option<Vec<u8>>; 3] = [
        None,
        Some(whole[..whole.len() / 2].to_vec()),
        Some(whole.iter().map(|byte| byte ^ 0x20).collect()),
    ];
    for (round, spoilt) in spoilt.into_iter().enumerate() {
        match spoilt {
            None => fs::remove_file(&pages).unwrap(),
            Some(bytes) => fs::write(&pages, bytes).unwrap(),
        }
        let text = C.replace("Text.", &format!("Text , round {round}."));
        fs::write(dir.path().join("c.md"), text).unwrap();
        // Checked against an uncached run.
        let (_, note) = cached_run(dir.path());
        assert!(!note.contains(OTHERS_REPLAYED), "round {round}: {note}");
        // The usual run wrote the pages file again, whole.
        assert_eq!(fs::read(&pages).unwrap(), whole, "round {round}");
    }
}

#[test]
fn a_changed_page_of_a_corpus_read_in_parallel_is_replayed_as_in_a_small_one() {
    // Past 64 files the files are read in parallel, and the pages file is decoded beside
    // the reading from the first changed text on.
    let pages: Vec<(String, String)> = (0..100)
        .map(|n| {
            let next = (n + 1) % 100;
            let text = format!(
                "# Page {n}\n\n## Part {n}\n\nSee [next](p{next}.md#part-{next}) and [gone](p{n}.md#part-{next}).\n"
            );
            (format!("p{n}.md"), text)
        })
        .collect();
    let files: Vec<(&str, &str)> = (pages.iter())
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let dir = corpus(&files);
    cached_run(dir.path());
    let changed = dir.path().join("p50.md");
    let text = format!(
        "{}\nMore , and [a](p7.md#part-9) [b](p8.md#part-8).\n",
        pages[50].1
    );
    fs::write(&changed, text).unwrap();
    let (found, note) = cached_run(dir.path());
    assert!(note.contains(OTHERS_REPLAYED), "{note}");
    assert!(note.contains("99 files reused, 1 linted"), "{note}");
    assert!(found.contains("p7.md#part-9"), "{found}");
    // A torn pages file, decoded beside the reading, sends the run the usual way.
    let pages_file = pages_file(dir.path());
    let whole = fs::read(&pages_file).unwrap();
    fs::write(&pages_file, &whole[..whole.len() - 1]).unwrap();
    fs::write(&changed, &pages[50].1).unwrap();
    let (_, note) = cached_run(dir.path());
    assert!(!note.contains(OTHERS_REPLAYED), "{note}");
    assert_eq!(fs::read(&pages_file).unwrap(), whole);
}

#[test]
fn a_page_linted_alone_is_stored_for_the_runs_after() {
    let dir = corpus(&[("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)]);
    cached_run(dir.path());
    fs::write(dir.path().join("c.md"), C.replace("Text.", "Text , again.")).unwrap();
    let (_, note) = cached_run(dir.path());
    assert!(note.contains(OTHERS_REPLAYED), "{note}");
    // A heading renamed sends the next run through the shards: the page linted alone last
    // time is taken from them.
    fs::write(dir.path().join("b.md"), B.replace("# B", "# Bee")).unwrap();
    assert_eq!(cache_use(dir.path()), (2, 1));
    assert_eq!(cache_use(dir.path()), (3, 0));
}

#[test]
fn a_link_added_to_a_changed_page_is_checked_and_its_file_asked_again() {
    let dir = corpus(&[("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)]);
    cached_run(dir.path());
    let with_image = format!("{B}\n![logo](img/logo.png)\n");
    fs::write(dir.path().join("b.md"), with_image).unwrap();
    let (found, note) = cached_run(dir.path());
    assert!(note.contains(OTHERS_REPLAYED), "{note}");
    assert!(found.contains("img/logo.png"), "{found}");
    // The changed page's question is recorded with the others': the image that now exists
    // is seen though no page changed.
    fs::create_dir(dir.path().join("img")).unwrap();
    fs::write(dir.path().join("img/logo.png"), "png").unwrap();
    let (found, note) = cached_run(dir.path());
    assert!(!note.contains("nothing changed"), "{note}");
    assert!(!found.contains("img/logo.png"), "{found}");
}

#[test]
fn a_changed_redirect_is_a_new_run_key() {
    let book = |from: &str| {
        format!("[book]\ntitle = \"x\"\n\n[output.html.redirect]\n\"{from}\" = \"new.html\"\n")
    };
    let files = [
        ("book.toml", book("old.html")),
        ("src/new.md", "# New\n".to_string()),
        ("src/a.md", "# A\n\n[old](old.html)\n".to_string()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    after_change(&files, |dir| {
        fs::write(dir.join("book.toml"), book("older.html")).unwrap();
    });
}

/// A docfx docset whose `docs` folder is published under `guide`, with the page `a.md`
/// and, at the repository's root, the file `name`, rewritten from `before` to `after`
/// between two runs.
fn after_a_docfx_file_changes(name: &str, before: &str, after: &str, a: &str) {
    let docfx =
        r#"{"build": {"content": [{"src": "docs", "dest": "guide", "files": ["**/*.md"]}]}}"#;
    let files = [
        ("docset/docfx.json", docfx),
        (name, before),
        ("docset/docs/new.md", "# New\n\n## Part\n"),
        ("docset/docs/a.md", a),
    ];
    after_change(&files, |dir| fs::write(dir.join(name), after).unwrap());
}

#[test]
fn a_changed_base_path_in_a_docfx_publishing_config_is_a_new_run_key() {
    let publishing = |base: &str| {
        let docset = format!(r#"{{"build_source_folder": "docset", "base_path": "/{base}"}}"#);
        format!(r#"{{"docsets_to_publish": [{docset}]}}"#)
    };
    after_a_docfx_file_changes(
        ".openpublishing.publish.config.json",
        &publishing("old"),
        &publishing("other"),
        "# A\n\n[new](/old/guide/new#nowhere)\n",
    );
}

#[test]
fn a_moved_file_changed_in_a_docfx_redirection_file_is_a_new_run_key() {
    let redirection = |moved: &str| {
        format!(
            r#"{{"redirections": [{{"source_path": "docset/docs/{moved}", "redirect_url": "/guide/new"}}]}}"#
        )
    };
    after_a_docfx_file_changes(
        ".openpublishing.redirection.json",
        &redirection("old.md"),
        &redirection("older.md"),
        "# A\n\n[old](old.md)\n",
    );
}

#[test]
fn a_run_over_one_page_takes_the_others_from_the_run_that_linted_them() {
    let c = "---\npermalink: /c\n---\n# C\n\n## Part\n\nText.\n";
    let deep = format!("---\npermalink: /deeper\n---\n{}x\n", ">".repeat(2000));
    let a = "# A\n\nSee [b]({% link b.md %}#part), [c](/c#part), [deep](/deeper), [d](d.md).\n";
    let dir = corpus(&[
        ("_config.yml", "title: Site\n"),
        ("a.md", a),
        (
            "b.md",
            "# B\n\n## Part\n\nSee [a]({% link a.md %}) , and [c](c.md).\n",
        ),
        ("c.md", c),
        ("deep.md", &deep),
    ]);
    cached_run(dir.path());
    // The other pages come from the entries the whole run left, not read again for their
    // links; but for the page over its budget, whose linted summary is an empty page's (not
    // at its permalink).
    let (found, note) = cached_run_of(dir.path(), &["a.md"]);
    assert!(note.contains("3 files reused, 1 linted"), "{note}");
    assert!(
        found.contains("d.md") && !found.contains("/deeper"),
        "{found}"
    );
    // A page changed since is read again: its anchor gone breaks the link to it.
    fs::write(dir.path().join("c.md"), c.replace("## Part", "## Other")).unwrap();
    let (found, note) = cached_run_of(dir.path(), &["a.md"]);
    assert!(note.contains("3 files reused, 1 linted"), "{note}");
    assert!(found.contains("/c#part"), "{found}");
}

#[test]
fn runs_over_the_site_and_over_a_page_replay_their_own_records() {
    let dir = corpus(&[("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)]);
    cached_run(dir.path());
    let (_, note) = cached_run_of(dir.path(), &["a.md"]);
    assert!(!note.contains("nothing changed"), "{note}");
    for _ in 0..2 {
        let (_, note) = cached_run(dir.path());
        assert!(note.contains("nothing changed"), "{note}");
        let (_, note) = cached_run_of(dir.path(), &["a.md"]);
        assert!(note.contains("nothing changed"), "{note}");
    }
    // The latest three are kept: the whole site's, replayed last, outlives two more parts.
    cached_run(dir.path());
    cached_run_of(dir.path(), &["b.md"]);
    cached_run_of(dir.path(), &["c.md"]);
    assert_eq!(run_files(dir.path(), "replay-").len(), 3);
    assert_eq!(run_files(dir.path(), "pages-").len(), 3);
    let (_, note) = cached_run(dir.path());
    assert!(note.contains("nothing changed"), "{note}");
    let (_, note) = cached_run_of(dir.path(), &["a.md"]);
    assert!(!note.contains("nothing changed"), "{note}");
    // The record just written is kept whatever the others' times say (a clock ahead, a file
    // system that keeps only seconds).
    let ahead = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    for record in run_files(dir.path(), "replay-") {
        let file = fs::File::options().write(true).open(record).unwrap();
        file.set_modified(ahead).unwrap();
    }
    cached_run_of(dir.path(), &["a.md", "c.md"]);
    assert_eq!(run_files(dir.path(), "replay-").len(), 3);
    let (_, note) = cached_run_of(dir.path(), &["a.md", "c.md"]);
    assert!(note.contains("nothing changed"), "{note}");
}

/// How many files the `--verbose` note says were taken unread.
fn unread(note: &str) -> usize {
    let Some(line) = note.lines().find(|line| line.contains("not read")) else {
        return 0;
    };
    let count = line.split(' ').find_map(|word| word.parse().ok());
    count.unwrap_or_else(|| panic!("no count in {line}"))
}

/// Past the time a file's times take to vouch for it (3 s, then a margin).
fn settle() {
    std::thread::sleep(std::time::Duration::from_millis(3200));
}

#[test]
fn a_settled_file_with_findings_is_shown_from_the_record_where_it_keeps_what_the_report_shows() {
    let dir = corpus(&[("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)]);
    // The human report: each finding's lines (a stray comma, a link to a missing page).
    let human = |cached: bool| {
        let mut cmd = galley(dir.path());
        cmd.args(["check", "--verbose", "."]);
        if !cached {
            cmd.arg("--no-cache");
        }
        let output = cmd.output().unwrap();
        let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
        (text(output.stdout), text(output.stderr))
    };
    let fresh = human(false).0;
    assert!(
        fresh.contains("Text , with") && fresh.contains("[d](d.md)"),
        "{fresh}"
    );
    human(true);
    settle();
    human(true);
    let (shown, note) = human(true);
    assert!(note.contains("nothing changed"), "{note}");
    assert_eq!(unread(&note), 3, "{note}");
    assert_eq!(shown, fresh);
    // The record keeps lines; a JSON report shows the same from them, unread as well.
    let (found, note) = cached_run(dir.path());
    assert_eq!(unread(&note), 3, "{note}");
    assert!(found.contains("d.md"), "{found}");
}

#[test]
fn a_run_that_shows_more_of_a_file_than_its_record_keeps_reads_it() {
    let dir = corpus(&[("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)]);
    cached_run(dir.path());
    settle();
    cached_run(dir.path());
    assert_eq!(unread(&cached_run(dir.path()).1), 3);
    // The JSON runs' record keeps the flagged text alone: a human report reads the two files
    // with findings for their lines.
    let human = |cached: bool| {
        let mut cmd = galley(dir.path());
        cmd.args(["check", "--verbose", "."]);
        if !cached {
            cmd.arg("--no-cache");
        }
        cmd.output().unwrap()
    };
    let (cached, fresh) = (human(true), human(false));
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    assert_eq!(text(cached.stdout), text(fresh.stdout));
    assert_eq!(unread(&text(cached.stderr)), 1);
}

#[test]
fn a_settled_file_is_taken_unread_until_its_inode_size_or_times_change() {
    let pages = [("a.md", A_WITH_BROKEN), ("b.md", B), ("c.md", C)];
    let (early, late) = (corpus(&pages), corpus(&pages));
    // Just written, every file is read, and recorded with nothing to vouch for it.
    let (before, note) = cached_run(early.path());
    assert_eq!(unread(&note), 0, "{note}");
    settle();
    // Settled: a replay reads them once more and records what vouches for them, as a first
    // run does; the run after either takes every file unread, the two with findings shown
    // from the excerpts the record keeps.
    for dir in [&early, &late] {
        assert_eq!(unread(&cached_run(dir.path()).1), 0);
        let (found, note) = cached_run(dir.path());
        assert!(note.contains("nothing changed"), "{note}");
        assert_eq!(unread(&note), 3, "{note}");
        assert_eq!(found, before);
    }
    // The same length, its modification time put back, and settled again: its change time
    // still tells the edit.
    let c = early.path().join("c.md");
    let modified = fs::metadata(&c).unwrap().modified().unwrap();
    fs::write(&c, C.replace("Text.", "Tex .")).unwrap();
    let file = fs::File::options().write(true).open(&c).unwrap();
    file.set_modified(modified).unwrap();
    assert_eq!(fs::metadata(&c).unwrap().len() as usize, C.len());
    settle();
    let (after, note) = cached_run(early.path());
    assert_eq!(unread(&note), 2, "{note}");
    assert_ne!(after, before, "the edit is linted");
}
