//! Every rule's fixtures: `tests/fixtures/<rule>/flag/*` must be flagged by the rule and
//! `pass/*` must not. Each flagged file's report and its fixed text (with `--fix`, and with
//! `--unsafe-fixes` where that differs) are an insta snapshot. The harness also holds each rule
//! to its declared fix ability. A `galley.toml` in the rule's folder configures the run (a
//! schema, a link root); other rules are switched off.

use std::path::{Path, PathBuf};

use galley_linter::config::Config;
use galley_linter::engine::{Fixing, Linter};
use galley_linter::finding::CheckOutcome;
use galley_linter::fix::FixMode;
use galley_linter::report::{self, Format};
use galley_linter::rule::FixAbility;
use galley_linter::rules::{find_rule, BUILTIN_RULES};

fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

fn check_one(rule_dir: &Path, rule: &str, file: &Path, fixing: Option<Fixing>) -> CheckOutcome {
    let config_path = rule_dir.join("galley.toml");
    let config = if config_path.is_file() {
        Config::load(&config_path).expect("fixture config loads")
    } else {
        Config::defaults_at(rule_dir)
    };
    let inputs = [file.to_path_buf()];
    let linter = Linter::selecting(config, &inputs, &[rule]).expect("fixture rules build");
    linter.check(&inputs, false, fixing, &())
}

/// The fixture's text after its fixes (none written), or the text as it is.
fn fixed_text(rule_dir: &Path, rule: &str, file: &Path, mode: FixMode) -> String {
    let fixing = Fixing { mode, write: false };
    let outcome = check_one(rule_dir, rule, file, Some(fixing));
    match outcome.fixed.first() {
        Some(fixed) => fixed.texts().1.to_string(),
        None => std::fs::read_to_string(file).unwrap(),
    }
}

fn render(outcome: &CheckOutcome) -> String {
    let mut human = Vec::new();
    report::write(&mut human, Format::Human, outcome, false).unwrap();
    let mut concise = Vec::new();
    report::write(&mut concise, Format::Concise, outcome, false).unwrap();
    format!(
        "{}\n----- concise -----\n{}",
        String::from_utf8(human).unwrap(),
        String::from_utf8(concise).unwrap()
    )
}

#[test]
fn every_rule_has_fixtures() {
    for entry in BUILTIN_RULES {
        let dir = Path::new("tests/fixtures").join(entry.meta.id);
        assert!(
            !fixture_files(&dir.join("flag")).is_empty(),
            "{} has no flag fixtures",
            entry.meta.id
        );
        assert!(
            !fixture_files(&dir.join("pass")).is_empty(),
            "{} has no pass fixtures",
            entry.meta.id
        );
    }
}

#[test]
fn fixtures() {
    let mut failures = Vec::new();
    for entry in BUILTIN_RULES {
        let id = entry.meta.id;
        let rule_dir = Path::new("tests/fixtures").join(id);
        let meta = find_rule(id).unwrap().meta;
        for file in fixture_files(&rule_dir.join("flag")) {
            let outcome = check_one(&rule_dir, id, &file, None);
            let found: Vec<_> = outcome
                .findings
                .iter()
                .filter(|f| f.diagnostic.rule == id)
                .collect();
            if found.is_empty() {
                failures.push(format!(
                    "{}: expected `{id}` findings, got none",
                    file.display()
                ));
            }
            for finding in &found {
                let message = &finding.diagnostic.message;
                if !message.starts_with(|c: char| c.is_lowercase() || c == '`')
                    || message.ends_with('.')
                {
                    failures.push(format!(
                        "{}: messages start lowercase and end without a period: {message}",
                        file.display()
                    ));
                }
                let has_fix = finding.diagnostic.fix.is_some();
                match meta.fix {
                    FixAbility::Always if !has_fix => failures.push(format!(
                        "{}:{}: `{id}` declares it always fixes, but this finding has no fix",
                        file.display(),
                        finding.start.line
                    )),
                    FixAbility::Never if has_fix => failures.push(format!(
                        "{}:{}: `{id}` declares it never fixes, but this finding has a fix",
                        file.display(),
                        finding.start.line
                    )),
                    _ => {}
                }
            }
            let name = format!("{id}__{}", file.file_name().unwrap().to_string_lossy());
            insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
                let safe = fixed_text(&rule_dir, id, &file, FixMode::SafeOnly);
                let all = fixed_text(&rule_dir, id, &file, FixMode::All);
                let mut shown = format!("{}\n----- fixed with --fix -----\n{safe}", render(&outcome));
                if all != safe {
                    shown.push_str(&format!("\n----- fixed with --fix --unsafe-fixes -----\n{all}"));
                }
                insta::assert_snapshot!(name, shown);
            });
        }
        for file in fixture_files(&rule_dir.join("pass")) {
            let outcome = check_one(&rule_dir, id, &file, None);
            for finding in outcome.findings.iter().filter(|f| f.diagnostic.rule == id) {
                failures.push(format!(
                    "{}:{}:{}: must not be flagged, got: {}",
                    file.display(),
                    finding.start.line,
                    finding.start.column,
                    finding.diagnostic.message
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
}
