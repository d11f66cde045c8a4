//! Where the time of one `galley check` goes: `stage_costs DIR` reads every `.md` file under
//! DIR into memory, then, on one thread and file by file as `check` does, times each stage:
//! parsing, the prose view, the page summary and each rule; then the link index and the
//! cross-file rules over the summaries. Times are summed over the files (each timed call adds
//! some 20 ns of clock reading). See BENCHMARKS.md.

use std::io::{self, Write};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use std::{env, fs, process};

use galley_linter::config::Config;
use galley_linter::document::Document;
use galley_linter::engine::Linter;
use galley_linter::links::{LinkIndex, PageSummary};

/// Runs `stage` and adds its time to `total`.
fn timed<T>(total: &mut Duration, stage: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let value = stage();
    *total += start.elapsed();
    value
}

fn main() {
    let Some(dir) = env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: stage_costs DIR");
        process::exit(2);
    };
    let linter = Config::discover(&dir)
        .and_then(|config| Linter::new(config, std::slice::from_ref(&dir)))
        .unwrap_or_else(|error| {
            eprintln!("stage_costs: {error}");
            process::exit(2);
        });
    let config = linter.config();
    let rules = linter.rules();
    let mut read = Duration::ZERO;
    let sources: Vec<(PathBuf, String)> = timed(&mut read, || {
        ignore::WalkBuilder::new(&dir)
            .require_git(false)
            .build()
            .filter_map(Result::ok)
            .map(ignore::DirEntry::into_path)
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .filter_map(|path| fs::read_to_string(&path).ok().map(|text| (path, text)))
            .collect()
    });
    let (mut markdown, mut frontmatter, mut parse, mut prose, mut summary) = Default::default();
    let mut summaries = Vec::new();
    let mut rule_times = vec![Duration::ZERO; rules.len()];
    let mut found = vec![0; rules.len()];
    for (path, source) in &sources {
        timed(&mut markdown, || {
            let options = galley_linter::document::markdown_options();
            let parser = pulldown_cmark::Parser::new_ext(source, options);
            std::hint::black_box(parser.into_offset_iter().count())
        });
        timed(&mut frontmatter, || {
            std::hint::black_box(galley_linter::frontmatter::Frontmatter::split(source, 0))
        });
        let doc = timed(&mut parse, || Document::parse(source));
        timed(&mut prose, || {
            std::hint::black_box(doc.prose().ranges.len())
        });
        let key = path
            .strip_prefix(&dir)
            .ok()
            .map(|relative| relative.to_string_lossy().replace('\\', "/"));
        let page = timed(&mut summary, || {
            PageSummary::build(
                &doc,
                key,
                path.parent().unwrap_or(&dir).to_path_buf().into(),
                "slug",
                true,
            )
        });
        summaries.push(page);
        for (i, active) in rules.iter().enumerate() {
            let mut out = Vec::new();
            timed(&mut rule_times[i], || active.rule.check(&doc, &mut out));
            found[i] += out.len();
        }
    }
    // Written at the end, and a closed pipe (`| head`) is not an error.
    let mut report = format!("{} files\n", sources.len());
    let mut row = |name: &str, time: Duration| {
        report.push_str(&format!(
            "{name:<28} {:>8.1} ms\n",
            time.as_secs_f64() * 1000.0
        ));
    };
    row("walk + read", read);
    row("pulldown-cmark alone", markdown);
    row("frontmatter alone", frontmatter);
    row("Document::parse", parse);
    row("prose view", prose);
    row("page summary", summary);
    for (i, active) in rules.iter().enumerate() {
        row(&format!("{} ({})", active.meta.id, found[i]), rule_times[i]);
    }
    row("all rules", rule_times.iter().sum());
    let mut index_time = Duration::ZERO;
    let index = timed(&mut index_time, || {
        LinkIndex::new(&dir, &config.files.extensions, summaries.iter()).caching_files()
    });
    row("link index", index_time);
    let mut links_time = Duration::ZERO;
    let mut broken = 0;
    for page in &summaries {
        for active in rules {
            let mut out = Vec::new();
            timed(&mut links_time, || {
                active.rule.check_workspace(&index, page, &mut out)
            });
            broken += out.len();
        }
    }
    let links: usize = summaries.iter().map(|page| page.links.len()).sum();
    row(
        &format!("cross-file rules ({links} links, {broken} broken)"),
        links_time,
    );
    let _ = io::stdout().write_all(report.as_bytes());
}
