//! `cargo bench --bench check`: times `galley check` against the parse-only baseline
//! (`examples/parse_only.rs`) on generated corpora, side by side in the same rounds with two
//! runs that show where the time goes (without the default rule pack; with every rule off),
//! and reports peak memory. See BENCHMARKS.md.
//!
//! It builds nothing: `cargo build --release --examples` first (`cargo bench` builds the
//! `galley` binary itself). A missing corpus is written by `gen_corpus` to
//! `$GALLEY_BENCH_DIR/corpus-N` (default `/tmp/galley-bench`). Sizes come from the arguments
//! (`cargo bench --bench check -- 10000`), else `$GALLEY_BENCH_SIZES` (`10000,100000`); rounds
//! from `$GALLEY_BENCH_ROUNDS` (5).
//!
//! Inline suppressions (issue 10), on request: `GALLEY_BENCH_SUPPRESSIONS=8000` times `galley
//! check` on `corpus-8000` and on `corpus-8000-suppressed`, a copy where every file holds one
//! `galley-disable-next-line` comment, in the same rounds, against a target of 1.5 times. Set
//! alone, it runs instead of the default sizes; with sizes asked for, after them. Opt-in because
//! the default run is about the parse, and the pair is a check of one feature's complexity.
//! `$GALLEY_BENCH_GALLEY` times another `galley` binary (an older build, to compare).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{self, Command, Stdio};
use std::time::{Duration, Instant};
use std::{env, io};

const DEFAULT_SIZES: &[usize] = &[10_000, 100_000];
const DEFAULT_ROUNDS: usize = 5;
/// The targets galley is held to: at most this many times the parse-only wall time...
const MAX_RATIO: f64 = 2.0;
/// ...and under this peak memory at 100,000 files.
const MAX_PEAK_MIB: f64 = 300.0;
/// Issue 10: galley on files that each hold one suppression takes at most this many times
/// its time on the same files without them.
const MAX_SUPPRESSION_RATIO: f64 = 1.5;
/// The comment every file of a suppressed corpus holds. It names a rule that some files break
/// on the line after it (their stray punctuation) and most do not, so the run both drops
/// findings and reports the other comments as `unused-suppression`, one finding each.
const SUPPRESSION: &str = "<!-- galley-disable-next-line stray-punctuation -->\n";

/// One run of a child: wall time, CPU time (user + system) and peak resident memory.
struct Sample {
    wall: Duration,
    cpu: Duration,
    peak_rss_kib: u64,
}

fn fail(message: String) -> ! {
    eprintln!("bench: {message}");
    process::exit(1);
}

/// Runs `program` with its output discarded and reaps it with `wait4`, which gives this
/// child's own resource usage (`getrusage(RUSAGE_CHILDREN)` would mix in earlier children).
fn measure(program: &Path, args: &[&OsStr], ok_codes: &[i32]) -> Sample {
    let start = Instant::now();
    #[expect(clippy::zombie_processes, reason = "reaped by `wait4` below")]
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| fail(format!("{}: {error}", program.display())));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: `rusage` is plain data, for which all zeroes is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our child and not yet reaped (`Child` never waits unless asked); both
    // pointers are valid for the duration of the call.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    if reaped != pid {
        fail(format!("wait4: {}", io::Error::last_os_error()));
    }
    let exited_ok = libc::WIFEXITED(status) && ok_codes.contains(&libc::WEXITSTATUS(status));
    if !exited_ok {
        fail(format!(
            "{} {args:?} failed: wait status {status}",
            program.display()
        ));
    }
    let duration = |time: libc::timeval| {
        Duration::from_secs(time.tv_sec as u64) + Duration::from_micros(time.tv_usec as u64)
    };
    Sample {
        wall,
        cpu: duration(usage.ru_utime) + duration(usage.ru_stime),
        // Linux reports it in KiB.
        peak_rss_kib: usage.ru_maxrss as u64,
    }
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64()
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// What a program prints, for showing what a warm-up run found.
fn stdout_of(program: &Path, args: &[&OsStr]) -> String {
    let output = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|error| fail(format!("{}: {error}", program.display())));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

struct Summary {
    wall: Duration,
    cpu: Duration,
    peak_rss_kib: u64,
}

fn summarize(samples: Vec<Sample>) -> Summary {
    Summary {
        wall: median(samples.iter().map(|s| s.wall).collect()),
        cpu: median(samples.iter().map(|s| s.cpu).collect()),
        peak_rss_kib: samples.iter().map(|s| s.peak_rss_kib).max().unwrap_or(0),
    }
}

/// The 1-, 5- and 15-minute load averages: on a shared machine, a sign of runs slowed by
/// other work.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_string(),
        |text| text.split(' ').take(3).collect::<Vec<_>>().join(" "),
    )
}

/// One program the bench times, with its arguments and the exit codes that mean it ran.
struct Run<'a> {
    name: &'static str,
    program: &'a Path,
    args: Vec<&'a OsStr>,
    ok_codes: &'static [i32],
}

/// Writes, next to the corpus's `galley.toml`, a copy with some rules turned off, for seeing
/// where the time goes.
fn config_without(corpus: &Path, name: &str, rules: &[&str]) -> PathBuf {
    let base = std::fs::read_to_string(corpus.join("galley.toml"))
        .unwrap_or_else(|error| fail(format!("{}: {error}", corpus.display())));
    let mut text = format!("# Written by `cargo bench --bench check`.\n{base}");
    for rule in rules {
        text.push_str(&format!("\n[rules.{rule}]\nlevel = \"off\"\n"));
    }
    let path = corpus.join(name);
    std::fs::write(&path, text)
        .unwrap_or_else(|error| fail(format!("{}: {error}", path.display())));
    path
}

fn check_args<'a>(config: Option<&'a Path>, corpus: &'a Path) -> Vec<&'a OsStr> {
    let mut args = vec![
        OsStr::new("check"),
        OsStr::new("--format"),
        OsStr::new("concise"),
    ];
    if let Some(config) = config {
        args.extend([OsStr::new("--config"), config.as_os_str()]);
    }
    args.push(corpus.as_os_str());
    args
}

/// Runs each program once, printing the last line of what it found. The warm-up fills the page
/// cache, so every timed run reads from memory.
fn warm_up(runs: &[Run]) -> Vec<String> {
    runs.iter()
        .map(|run| {
            let stdout = stdout_of(run.program, &run.args);
            let last = stdout.lines().last().unwrap_or_default();
            println!("{:<17} {last}", format!("{}:", run.name));
            stdout
        })
        .collect()
}

/// Times every run once a round, printing each round, and returns the medians in `runs`'
/// order.
fn time_in_rounds(runs: &[Run], rounds: usize) -> Vec<Summary> {
    let mut samples: Vec<Vec<Sample>> = runs.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        // Rotate which goes first, so that none always runs right after another.
        let mut line = format!("round {}:", round + 1);
        for i in 0..runs.len() {
            let which = (round + i) % runs.len();
            let run = &runs[which];
            let sample = measure(run.program, &run.args, run.ok_codes);
            line.push_str(&format!("  {} {:.3} s", run.name, seconds(sample.wall)));
            samples[which].push(sample);
        }
        println!("{line}");
    }
    println!("load average after:  {}", load_average());
    samples.into_iter().map(summarize).collect()
}

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "MISSED"
    }
}

fn bench(files: usize, corpus: &Path, galley: &Path, parse_only: &Path, rounds: usize) {
    let pack: Vec<String> = galley_linter::pack::default_pack()
        .unwrap_or_else(|error| fail(error))
        .iter()
        .map(|rule| rule.meta.id.to_string())
        .collect();
    let pack: Vec<&str> = pack.iter().map(String::as_str).collect();
    let builtin: Vec<&str> = galley_linter::rules::BUILTIN_RULES
        .iter()
        .map(|entry| entry.meta.id)
        .collect();
    let no_pack = config_without(corpus, "galley-no-pack.toml", &pack);
    let no_rules = config_without(
        corpus,
        "galley-no-rules.toml",
        &[&builtin[..], &pack].concat(),
    );
    // galley exits 1 when it finds errors, as it does in every generated corpus.
    let runs = [
        Run {
            name: "parse-only",
            program: parse_only,
            args: vec![corpus.as_os_str()],
            ok_codes: &[0],
        },
        Run {
            name: "galley",
            program: galley,
            args: check_args(None, corpus),
            ok_codes: &[0, 1],
        },
        Run {
            name: "galley, no pack",
            program: galley,
            args: check_args(Some(&no_pack), corpus),
            ok_codes: &[0, 1],
        },
        Run {
            name: "galley, no rules",
            program: galley,
            args: check_args(Some(&no_rules), corpus),
            ok_codes: &[0, 1],
        },
    ];

    println!("\n== {files} files: {}", corpus.display());
    println!("load average before: {}", load_average());
    warm_up(&runs);
    let summaries = time_in_rounds(&runs, rounds);
    let baseline = &summaries[0];
    println!("median wall, cpu, peak RSS, and wall as a multiple of parse-only:");
    for (run, summary) in runs.iter().zip(&summaries) {
        println!(
            "  {:<17} {:.3} s  cpu {:.3} s  {:>6.1} MiB  x{:.2}",
            run.name,
            seconds(summary.wall),
            seconds(summary.cpu),
            mib(summary.peak_rss_kib),
            seconds(summary.wall) / seconds(baseline.wall),
        );
    }
    let galley = &summaries[1];
    let ratio = seconds(galley.wall) / seconds(baseline.wall);
    println!(
        "all rules on: ratio {ratio:.2} (target <= {MAX_RATIO}: {})",
        verdict(ratio <= MAX_RATIO)
    );
    if files >= 100_000 {
        let peak = mib(galley.peak_rss_kib);
        println!(
            "peak RSS {peak:.1} MiB (target < {MAX_PEAK_MIB} MiB at 100,000 files: {})",
            verdict(peak < MAX_PEAK_MIB)
        );
    }
}

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
fn bench_suppressions(files: usize, corpus: &Path, galley: &Path, rounds: usize) {
    let (suppressed, written) = suppressed_corpus(corpus);
    let runs = [
        Run {
            name: "no suppressions",
            program: galley,
            args: check_args(None, corpus),
            ok_codes: &[0, 1],
        },
        Run {
            name: "one per file",
            program: galley,
            args: check_args(None, &suppressed),
            ok_codes: &[0, 1],
        },
    ];

    println!(
        "\n== suppressions, {files} files: {} and {}",
        corpus.display(),
        suppressed.display()
    );
    println!("load average before: {}", load_average());
    let reports = warm_up(&runs);
    let unused = reports[1]
        .lines()
        .filter(|line| line.contains("[unused-suppression]"))
        .count();
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

fn parse_sizes(list: &str) -> Vec<usize> {
    list.split(',')
        .map(|size| {
            size.trim()
                .parse()
                .unwrap_or_else(|_| fail(format!("not a size: {size}")))
        })
        .collect()
}

/// The sizes asked for: the arguments, else `$GALLEY_BENCH_SIZES`.
fn sizes_asked() -> Option<Vec<usize>> {
    // `cargo bench` passes `--bench`; any other argument is a corpus size.
    let from_args: Vec<usize> = env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .map(|arg| {
            arg.parse()
                .unwrap_or_else(|_| fail(format!("not a size: {arg}")))
        })
        .collect();
    if !from_args.is_empty() {
        return Some(from_args);
    }
    env::var("GALLEY_BENCH_SIZES")
        .ok()
        .map(|list| parse_sizes(&list))
}

/// Writes the corpus of `files` files unless it is there. `gen_corpus` writes `galley.toml`
/// last: without it, the corpus is missing or partial.
fn ensure_corpus(gen_corpus: &Path, corpus: &Path, files: usize) {
    if corpus.join("galley.toml").is_file() {
        return;
    }
    require(gen_corpus);
    println!("generating {}", corpus.display());
    let status = Command::new(gen_corpus)
        .arg(files.to_string())
        .arg(corpus)
        .status()
        .unwrap_or_else(|error| fail(format!("{}: {error}", gen_corpus.display())));
    if !status.success() {
        fail(format!("gen_corpus failed: {status}"));
    }
}

fn require(binary: &Path) {
    if !binary.is_file() {
        fail(format!(
            "{} is missing: run `cargo build --release --examples` first",
            binary.display()
        ));
    }
}

fn main() {
    let rounds = env::var("GALLEY_BENCH_ROUNDS").map_or(DEFAULT_ROUNDS, |rounds| {
        rounds
            .parse()
            .unwrap_or_else(|_| fail(format!("not a count: {rounds}")))
    });
    let corpus_root = env::var_os("GALLEY_BENCH_DIR")
        .map_or_else(|| PathBuf::from("/tmp/galley-bench"), PathBuf::from);
    // The binaries of the release profile: the bench's own folder holds `galley`.
    let own_galley = PathBuf::from(env!("CARGO_BIN_EXE_galley"));
    let examples = own_galley.with_file_name("examples");
    let galley = env::var_os("GALLEY_BENCH_GALLEY").map_or(own_galley, PathBuf::from);
    let parse_only = examples.join("parse_only");
    let gen_corpus = examples.join("gen_corpus");
    let suppression_sizes = env::var("GALLEY_BENCH_SUPPRESSIONS")
        .map(|list| parse_sizes(&list))
        .unwrap_or_default();
    // The suppression pair asked for alone replaces the default sizes.
    let sizes = sizes_asked().unwrap_or_else(|| {
        if suppression_sizes.is_empty() {
            DEFAULT_SIZES.to_vec()
        } else {
            Vec::new()
        }
    });
    require(&galley);
    if !sizes.is_empty() {
        require(&parse_only);
    }

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{cores} cores; {rounds} rounds after one warm-up; {}",
        galley.display()
    );
    let corpus_of = |files: usize| {
        let corpus = corpus_root.join(format!("corpus-{files}"));
        ensure_corpus(&gen_corpus, &corpus, files);
        corpus
    };
    for files in sizes {
        bench(files, &corpus_of(files), &galley, &parse_only, rounds);
    }
    for files in suppression_sizes {
        bench_suppressions(files, &corpus_of(files), &galley, rounds);
    }
}
