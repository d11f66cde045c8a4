//! A run over a few files stays on the calling thread, with the cache or without: a
//! pre-commit hook or an editor checks a file or two, and a thread pool (a thread a core)
//! costs more to start than such a check. Alone in its test binary, so that no other test's
//! threads are counted.

mod common;

use std::fs;

use common::corpus;
use galley_linter::config::Config;
use galley_linter::engine::{DiskCache, Linter};

#[cfg(target_os = "linux")]
#[test]
fn a_few_files_are_checked_and_replayed_without_a_thread_pool() {
    let threads = || fs::read_dir("/proc/self/task").unwrap().count();
    let b = "# B\n\n## Part\n\nText ,more.\n";
    let dir = corpus(&[("a.md", "# A\n\nSee [b](b.md#part).\n"), ("b.md", b)]);
    let inputs = vec![dir.path().to_path_buf()];
    let linter = Linter::new(Config::defaults_at(dir.path()), &inputs).unwrap();
    let before = threads();
    // Without the cache, then the usual cached run, the whole run replayed, and a changed
    // page (its prose only) replayed with the others.
    linter.check(&inputs, false, None, &());
    assert_eq!(threads(), before, "without the cache");
    let changed_prose = b.replace("more.", "more, again.");
    // Each run's text of `b.md`, and whether the run was replayed whole, or its unchanged
    // files only.
    let runs = [
        (b, (false, false)),
        (b, (true, false)),
        (&changed_prose[..], (false, true)),
    ];
    for (run, (text, replayed)) in runs.into_iter().enumerate() {
        fs::write(dir.path().join("b.md"), text).unwrap();
        let cache = DiskCache::open(&linter, &dir.path().join(".cache"));
        let outcome = linter.check_cached(&inputs, false, &(), &cache);
        assert_eq!(outcome.findings.len(), 1, "run {run}");
        let usage = cache.usage();
        assert_eq!(
            (usage.replayed, usage.replayed_unchanged),
            replayed,
            "run {run}"
        );
        assert_eq!(threads(), before, "run {run}");
    }
}
