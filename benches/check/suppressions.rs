//! Issue 10's pair: `galley check` on files that each hold one suppression, against the same
//! files without them, in the same rounds (`GALLEY_BENCH_SUPPRESSIONS=8000`).

use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};

use super::{fail, load_average, mib, seconds, time_in_rounds, verdict, warm_up, Galley, Run};

/// Issue 10: galley on files that each hold one suppression takes at most this many times
/// its time on the same files without them.
const MAX_SUPPRESSION_RATIO: f64 = 1.5;
/// The comment every file of a suppressed corpus holds. It names a rule that some files break
/// on the line after it (their stray punctuation) and most do not, so the run both drops
/// findings and reports the other comments as `unused-suppression`, one finding each.
const SUPPRESSION: &str = "<!-- galley-disable-next-line stray-punctuation -->\n";

/// `text` with `SUPPRESSION` on a line of its own before the block after the intro paragraph.
/// That block is the stray punctuation in the files `gen_corpus` gives it (about 2%), a heading
/// or another block elsewhere. `None` for a file not shaped as `gen_corpus` writes them, so
/// that no file of the copy goes without its comment.
fn with_suppression(text: &str) -> Option<String> {
    // The H1 is the first line that starts with `# `: the frontmatter's YAML holds no comments.
    let heading = text.find("\n# ")? + 1;
    let intro = heading + text[heading..].find("\n\n")? + 2;
    let next = intro + text[intro..].find("\n\n")? + 2;
    Some(format!("{}{SUPPRESSION}{}", &text[..next], &text[next..]))
}

/// Copies the folder `from` into `to`, each Markdown file with one suppression added, and
/// returns how many it wrote. Leaves out `galley.toml`, for the caller to write last.
fn copy_suppressed(from: &Path, to: &Path) -> io::Result<usize> {
    std::fs::create_dir_all(to)?;
    let mut written = 0;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type()?.is_dir() {
            written += copy_suppressed(&source, &target)?;
        } else if source.extension() == Some(OsStr::new("md")) {
            let text = std::fs::read_to_string(&source)?;
            let text = with_suppression(&text).ok_or_else(|| {
                io::Error::other(format!("{}: no place for a suppression", source.display()))
            })?;
            std::fs::write(&target, text)?;
            written += 1;
        } else if entry.file_name() != "galley.toml" {
            std::fs::copy(&source, &target)?;
        }
    }
    Ok(written)
}

/// Writes `corpus`'s copy with one suppression a file, afresh each time (about a second at
/// 8,000 files), so that it always matches the corpus; returns its folder and file count.
fn suppressed_corpus(corpus: &Path) -> (PathBuf, usize) {
    let mut name = corpus.file_name().unwrap_or_default().to_owned();
    name.push("-suppressed");
    let copy = corpus.with_file_name(name);
    let written = (|| {
        if copy.exists() {
            std::fs::remove_dir_all(&copy)?;
        }
        let written = copy_suppressed(corpus, &copy)?;
        std::fs::copy(corpus.join("galley.toml"), copy.join("galley.toml"))?;
        Ok(written)
    })()
    .unwrap_or_else(|error: io::Error| fail(format!("{}: {error}", copy.display())));
    (copy, written)
}

/// Issue 10: `galley check` on files that each hold one suppression, against the same files
/// without them, in the same rounds. Suppressions applied in time linear in the findings keep
/// the two close; a pass over every finding per suppression grows with the square of the
/// corpus.
/// Both cold (`--no-cache`): the pair times the engine.
pub fn bench_suppressions(files: usize, corpus: &Path, galley: &Galley, rounds: usize) {
    let (suppressed, written) = suppressed_corpus(corpus);
    let g = galley.path.as_path();
    let runs = [
        Run::new("no suppressions", g, galley.args(None, corpus, false)),
        Run::new("one per file", g, galley.args(None, &suppressed, false)),
    ];

    println!(
        "\n== suppressions, {files} files: {} and {}",
        corpus.display(),
        suppressed.display()
    );
    println!("load average before: {}", load_average());
    let unused = warm_up(&runs, |line| line.contains("[unused-suppression]"))[1].len();
    println!(
        "{written} files with one suppression each: {unused} reported unused, {} suppressed a \
         finding",
        written.saturating_sub(unused)
    );
    let summaries = time_in_rounds(&runs, rounds);
    println!("median wall, cpu, peak RSS:");
    for (run, summary) in runs.iter().zip(&summaries) {
        println!(
            "  {:<17} {:.3} s  cpu {:.3} s  {:>6.1} MiB",
            run.name,
            seconds(summary.wall),
            seconds(summary.cpu),
            mib(summary.peak_rss_kib),
        );
    }
    let (plain, with) = (&summaries[0], &summaries[1]);
    let ratio = seconds(with.wall) / seconds(plain.wall);
    println!(
        "one suppression per file: ratio {ratio:.2} (cpu {:.2}; target <= \
         {MAX_SUPPRESSION_RATIO}: {})",
        seconds(with.cpu) / seconds(plain.cpu),
        verdict(ratio <= MAX_SUPPRESSION_RATIO)
    );
}
