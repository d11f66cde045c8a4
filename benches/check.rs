//! `cargo bench --bench check`: times `galley check` against the tool a user would run
//! instead, mado (built from `../shared/peers/mado`), and against two floors: the parse-only
//! pass (`examples/parse_only.rs`) and a read-only pass (`examples/read_only.rs`, the same walk
//! and reads, no parse). All in the same rounds: galley cold (`--no-cache`), warm (a second
//! run on unchanged files, with the cache), warm after one file changed, and one 20 KB file
//! alone (start-up); plus two cold runs that show where the time goes (without the default
//! rule pack; with every rule off). It prints the ratios beside issue 14's targets and peak
//! memory. See BENCHMARKS.md.
//!
//! Build the examples first: `cargo build --release --examples` (`cargo bench` builds the
//! `galley` binary itself; the bench builds mado, once, under the bench folder, and skips it
//! with a message when it cannot). A missing generated corpus is written by `gen_corpus` to
//! `$GALLEY_BENCH_DIR/corpus-N` (default `/tmp/galley-bench`). Sizes come from the arguments
//! (`cargo bench --bench check -- 10000`), else `$GALLEY_BENCH_SIZES` (`10000,100000`); rounds
//! from `$GALLEY_BENCH_ROUNDS` (5). The real corpus, `$GALLEY_BENCH_REAL` (default
//! `../shared/corpora/windows-powershell-docs`; `none` to skip), is copied under the bench
//! folder first, as the warm runs write a cache into it and edit one file.
//!
//! Inline suppressions (issue 10), on request: `GALLEY_BENCH_SUPPRESSIONS=8000` times `galley
//! check` on `corpus-8000` and on `corpus-8000-suppressed`, a copy where every file holds one
//! `galley-disable-next-line` comment, in the same rounds, against a target of 1.5 times. Set
//! alone, it runs instead of the default sizes; with sizes asked for, after them.
//! `$GALLEY_BENCH_GALLEY` times another `galley` binary (an older build, to compare: without
//! a cache, its warm runs are left out); `$GALLEY_BENCH_MADO` another mado.

// A bench's root looks for its modules beside it: they live in `check/`.
#[path = "check/corpora.rs"]
mod corpora;
#[path = "check/mado.rs"]
mod mado;
#[path = "check/suppressions.rs"]
mod suppressions;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{self, Command, Stdio};
use std::time::{Duration, Instant};
use std::{env, io};

const DEFAULT_SIZES: &[usize] = &[10_000, 100_000];
const DEFAULT_ROUNDS: usize = 5;
/// Issue 14's targets. Cold: at least this many times faster than mado...
const COLD_VS_MADO: f64 = 2.0;
/// ...and at most this many times the parse-only pass.
const COLD_VS_PARSE: f64 = 2.5;
/// Warm (and warm after one change): at most this many times the read-only pass...
const WARM_VS_READ: f64 = 1.3;
/// ...and at least this many times faster than mado.
const WARM_VS_MADO: f64 = 10.0;
/// One file: faster than mado, and at most this many times parse-only's start-up.
const ONE_FILE_VS_PARSE: f64 = 1.5;
/// Peak memory at 100,000 files (cold).
const MAX_PEAK_MIB: f64 = 300.0;

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
fn measure(program: &Path, args: &[&OsStr], dir: Option<&Path>, ok_codes: &[i32]) -> Sample {
    let start = Instant::now();
    #[expect(clippy::zombie_processes, reason = "reaped by `wait4` below")]
    let child = command(program, args, dir)
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

/// `program` with `args`, run in `dir` if given, else in the bench's folder.
fn command(program: &Path, args: &[&OsStr], dir: Option<&Path>) -> Command {
    let mut command = Command::new(program);
    command.args(args);
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    command
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

/// What a program prints: its last line, and the lines `keep` asks for. Read line by line,
/// not whole: mado's report of a corpus is tens of MiB, which would stay in the bench's
/// memory, the floor of every peak it measures.
struct Printed {
    last: String,
    kept: Vec<String>,
}

fn printed(
    program: &Path,
    args: &[&OsStr],
    dir: Option<&Path>,
    keep: impl Fn(&str) -> bool,
) -> Printed {
    let mut child = command(program, args, dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| fail(format!("{}: {error}", program.display())));
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut printed = Printed {
        last: String::new(),
        kept: Vec::new(),
    };
    for line in io::BufRead::split(io::BufReader::new(stdout), b'\n') {
        let line = line.unwrap_or_else(|error| fail(format!("{}: {error}", program.display())));
        let line = String::from_utf8_lossy(&line);
        if keep(&line) {
            printed.kept.push(line.to_string());
        }
        printed.last = line.into_owned();
    }
    child
        .wait()
        .unwrap_or_else(|error| fail(format!("{}: {error}", program.display())));
    printed
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

/// Linux counts a child's peak memory from that of the process it was spawned from (the
/// high-water mark of the memory it replaced at `exec`), so every child would report at least
/// the bench's own peak, which holds mado's whole report during the warm-up. Resetting ours
/// leaves the bench's present resident memory, a few MiB, as the floor of every figure.
fn reset_peak_rss() {
    if let Err(error) = std::fs::write("/proc/self/clear_refs", "5") {
        eprintln!("bench: peak memory not reset ({error}): each figure is at least the bench's");
    }
}

/// One program the bench times, with its arguments, the folder it runs in (the bench's
/// unless `dir`) and the exit codes that mean it ran; `prepare` runs before each timed run
/// and is not timed.
struct Run<'a> {
    name: &'static str,
    program: &'a Path,
    args: Vec<&'a OsStr>,
    dir: Option<&'a Path>,
    ok_codes: &'static [i32],
    prepare: Option<&'a dyn Fn()>,
}

impl<'a> Run<'a> {
    fn new(name: &'static str, program: &'a Path, args: Vec<&'a OsStr>) -> Self {
        Run {
            name,
            program,
            args,
            dir: None,
            // galley and mado exit 1 when they find something, as they do in every corpus.
            ok_codes: &[0, 1],
            prepare: None,
        }
    }
}

/// The galley binary timed, and whether it has the cache (an older build may not).
struct Galley {
    path: PathBuf,
    has_cache: bool,
}

impl Galley {
    fn new(path: PathBuf) -> Self {
        let help = [OsStr::new("check"), OsStr::new("--help")];
        let options = printed(&path, &help, None, |line| line.contains("--no-cache"));
        Galley {
            has_cache: !options.kept.is_empty(),
            path,
        }
    }

    /// `galley check` on `corpus`, with `config`, cold (`--no-cache`) unless `cached`.
    fn args<'a>(&self, config: Option<&'a Path>, corpus: &'a Path, cached: bool) -> Vec<&'a OsStr> {
        let mut args = vec![
            OsStr::new("check"),
            OsStr::new("--format"),
            OsStr::new("concise"),
        ];
        if self.has_cache && !cached {
            args.push(OsStr::new("--no-cache"));
        }
        if let Some(config) = config {
            args.extend([OsStr::new("--config"), config.as_os_str()]);
        }
        args.push(corpus.as_os_str());
        args
    }
}

/// Writes, next to the corpus's `galley.toml` (if it has one), a copy with some rules turned
/// off, for seeing where the time goes.
fn config_without(corpus: &Path, name: &str, rules: &[&str]) -> PathBuf {
    let base = std::fs::read_to_string(corpus.join("galley.toml")).unwrap_or_default();
    let mut text = format!("# Written by `cargo bench --bench check`.\n{base}");
    for rule in rules {
        text.push_str(&format!("\n[rules.{rule}]\nlevel = \"off\"\n"));
    }
    let path = corpus.join(name);
    std::fs::write(&path, text)
        .unwrap_or_else(|error| fail(format!("{}: {error}", path.display())));
    path
}

/// Runs each program once, printing the last line of what it found, and gives the lines of
/// each that `keep` asks for. The warm-up fills the page cache, so every timed run reads from
/// memory, and galley's cache, for the warm runs.
fn warm_up(runs: &[Run], keep: impl Fn(&str) -> bool) -> Vec<Vec<String>> {
    runs.iter()
        .map(|run| {
            if let Some(prepare) = run.prepare {
                prepare();
            }
            let printed = printed(run.program, &run.args, run.dir, &keep);
            println!("{:<22} {}", format!("{}:", run.name), printed.last);
            printed.kept
        })
        .collect()
}

/// Times every run once a round, printing each round, and returns the medians in `runs`'
/// order.
fn time_in_rounds(runs: &[Run], rounds: usize) -> Vec<Summary> {
    reset_peak_rss();
    let mut samples: Vec<Vec<Sample>> = runs.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        // Rotate which goes first, so that none always runs right after another.
        let mut line = format!("round {}:", round + 1);
        for i in 0..runs.len() {
            let which = (round + i) % runs.len();
            let run = &runs[which];
            if let Some(prepare) = run.prepare {
                prepare();
            }
            let sample = measure(run.program, &run.args, run.dir, run.ok_codes);
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

/// The programs every corpus is timed with.
struct Tools {
    galley: Galley,
    parse_only: PathBuf,
    read_only: PathBuf,
    mado: Option<PathBuf>,
    bench_dir: PathBuf,
    rounds: usize,
}

/// Prints one ratio beside its target.
fn target(label: &str, ratio: f64, goal: &str, met: bool) {
    println!(
        "  {label:<44} {ratio:>6.2}  (target {goal}: {})",
        verdict(met)
    );
}

/// Times everything on `corpus` (a generated one of `files` files, or a real one).
fn bench(title: &str, corpus: &Path, tools: &Tools, files: Option<usize>) {
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
    let (one, in_site, one_bytes) = corpora::one_file(corpus, &tools.bench_dir);
    let one_folder = one.parent().unwrap_or(Path::new("."));
    let edit = corpora::Edit::first_page(corpus);
    let toggle = || edit.toggle();
    let galley = &tools.galley;
    let g = galley.path.as_path();
    // A hook's run over one page after a run over the whole site from its top (a CI job's,
    // its cache restored).
    let whole_run_args = galley.args(None, Path::new("."), true);
    let whole_run = || {
        let _ = command(g, &whole_run_args, Some(corpus)).output();
    };

    let mut runs = vec![
        Run::new("parse-only", &tools.parse_only, vec![corpus.as_os_str()]),
        Run::new("read-only", &tools.read_only, vec![corpus.as_os_str()]),
        Run::new("galley cold", g, galley.args(None, corpus, false)),
    ];
    if galley.has_cache {
        runs.push(Run::new("galley warm", g, galley.args(None, corpus, true)));
        runs.push(Run {
            prepare: Some(&toggle),
            ..Run::new("galley 1 changed", g, galley.args(None, corpus, true))
        });
    }
    if let Some(mado) = &tools.mado {
        let args = vec![OsStr::new("check"), corpus.as_os_str()];
        runs.push(Run::new("mado", mado, args));
    }
    runs.push(Run::new(
        "galley no pack",
        g,
        galley.args(Some(&no_pack), corpus, false),
    ));
    runs.push(Run::new(
        "galley no rules",
        g,
        galley.args(Some(&no_rules), corpus, false),
    ));
    runs.push(Run::new(
        "parse-only 1 file",
        &tools.parse_only,
        vec![one_folder.as_os_str()],
    ));
    runs.push(Run::new("galley 1 file", g, galley.args(None, &one, false)));
    if galley.has_cache {
        runs.push(Run::new(
            "galley 1 file warm",
            g,
            galley.args(None, &one, true),
        ));
    }
    if let Some(mado) = &tools.mado {
        let args = vec![OsStr::new("check"), one.as_os_str()];
        runs.push(Run::new("mado 1 file", mado, args));
    }
    // The same page where it is, named from the corpus's top as a pre-commit hook names it:
    // the other pages are read for its links.
    let from_top = in_site.strip_prefix(corpus).unwrap_or(&in_site);
    runs.push(Run {
        dir: Some(corpus),
        ..Run::new("galley 1 in site", g, galley.args(None, from_top, false))
    });
    if galley.has_cache {
        runs.push(Run {
            dir: Some(corpus),
            prepare: Some(&whole_run),
            ..Run::new(
                "galley 1 in site warm",
                g,
                galley.args(None, from_top, true),
            )
        });
    }

    println!("\n== {title}: {}", corpus.display());
    println!(
        "one file: {} ({one_bytes} bytes, a copy of {})",
        one.display(),
        in_site.display()
    );
    println!("load average before: {}", load_average());
    warm_up(&runs, |_| false);
    let summaries = time_in_rounds(&runs, tools.rounds);
    let parse_only = &summaries[0];
    println!("median wall, cpu, peak RSS, and wall as a multiple of parse-only:");
    for (run, summary) in runs.iter().zip(&summaries) {
        println!(
            "  {:<20} {:.3} s  cpu {:.3} s  {:>6.1} MiB  x{:.2}",
            run.name,
            seconds(summary.wall),
            seconds(summary.cpu),
            mib(summary.peak_rss_kib),
            seconds(summary.wall) / seconds(parse_only.wall),
        );
    }
    let wall = |name: &str| {
        let at = runs.iter().position(|run| run.name == name)?;
        Some(seconds(summaries[at].wall))
    };
    let (cold, read, parse) = (wall("galley cold"), wall("read-only"), wall("parse-only"));
    let (cold, read, parse) = (
        cold.unwrap_or(0.0),
        read.unwrap_or(0.0),
        parse.unwrap_or(0.0),
    );
    println!("issue 14's targets (wall-time ratios):");
    target(
        "cold / parse-only",
        cold / parse,
        &format!("<= {COLD_VS_PARSE}"),
        cold / parse <= COLD_VS_PARSE,
    );
    let mado = wall("mado");
    if let Some(mado) = mado {
        target(
            "mado / cold (times faster than mado)",
            mado / cold,
            &format!(">= {COLD_VS_MADO}"),
            mado / cold >= COLD_VS_MADO,
        );
    }
    for name in ["galley warm", "galley 1 changed"] {
        let Some(warm) = wall(name) else { continue };
        target(
            &format!("{name} / read-only"),
            warm / read,
            &format!("<= {WARM_VS_READ}"),
            warm / read <= WARM_VS_READ,
        );
        if let Some(mado) = mado {
            target(
                &format!("mado / {name}"),
                mado / warm,
                &format!(">= {WARM_VS_MADO}"),
                mado / warm >= WARM_VS_MADO,
            );
        }
    }
    let (one_galley, one_parse) = (
        wall("galley 1 file").unwrap_or(0.0),
        wall("parse-only 1 file").unwrap_or(0.0),
    );
    target(
        "galley 1 file / parse-only 1 file",
        one_galley / one_parse,
        &format!("<= {ONE_FILE_VS_PARSE}"),
        one_galley / one_parse <= ONE_FILE_VS_PARSE,
    );
    if let Some(one_mado) = wall("mado 1 file") {
        target(
            "mado 1 file / galley 1 file",
            one_mado / one_galley,
            "> 1",
            one_mado > one_galley,
        );
    }
    // No target: the one file is start-up; in its site every other page is read too.
    for name in ["galley 1 in site", "galley 1 in site warm"] {
        if let (Some(in_site), Some(one_mado)) = (wall(name), wall("mado 1 file")) {
            println!(
                "  {:<44} {:>6.2}",
                format!("mado 1 file / {name}"),
                one_mado / in_site
            );
        }
    }
    let cold_run = &summaries[2];
    let peak = mib(cold_run.peak_rss_kib);
    if files.is_some_and(|files| files >= 100_000) {
        target(
            "peak RSS of galley cold, MiB",
            peak,
            &format!("< {MAX_PEAK_MIB} at 100,000 files"),
            peak < MAX_PEAK_MIB,
        );
    }
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
    let bench_dir = env::var_os("GALLEY_BENCH_DIR")
        .map_or_else(|| PathBuf::from("/tmp/galley-bench"), PathBuf::from);
    // The binaries of the release profile: the bench's own folder holds `galley`.
    let own_galley = PathBuf::from(env!("CARGO_BIN_EXE_galley"));
    let examples = own_galley.with_file_name("examples");
    let galley = env::var_os("GALLEY_BENCH_GALLEY").map_or(own_galley, PathBuf::from);
    let gen_corpus = examples.join("gen_corpus");
    let suppression_sizes = env::var("GALLEY_BENCH_SUPPRESSIONS")
        .map(|list| parse_sizes(&list))
        .unwrap_or_default();
    // The suppression pair asked for alone replaces the default sizes and the real corpus.
    let asked = sizes_asked();
    let pair_alone = asked.is_none() && !suppression_sizes.is_empty();
    let sizes = match asked {
        Some(sizes) => sizes,
        None if pair_alone => Vec::new(),
        None => DEFAULT_SIZES.to_vec(),
    };
    require(&galley);
    std::fs::create_dir_all(&bench_dir)
        .unwrap_or_else(|error| fail(format!("{}: {error}", bench_dir.display())));
    let real = if pair_alone {
        None
    } else {
        corpora::real(&bench_dir)
    };
    let timed = !sizes.is_empty() || real.is_some();
    let tools = Tools {
        galley: Galley::new(galley),
        parse_only: examples.join("parse_only"),
        read_only: examples.join("read_only"),
        mado: timed.then(|| mado::binary(&bench_dir)).flatten(),
        bench_dir: bench_dir.clone(),
        rounds,
    };
    if timed {
        require(&tools.parse_only);
        require(&tools.read_only);
    }

    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "{cores} cores; {rounds} rounds after one warm-up; {}; mado: {}",
        tools.galley.path.display(),
        tools
            .mado
            .as_ref()
            .map_or("none".to_string(), |mado| mado.display().to_string())
    );
    let corpus_of = |files: usize| {
        let corpus = bench_dir.join(format!("corpus-{files}"));
        corpora::ensure_generated(&gen_corpus, &corpus, files);
        corpus
    };
    for files in sizes {
        let title = format!("{files} files");
        bench(&title, &corpus_of(files), &tools, Some(files));
    }
    if let Some(real) = real {
        bench("real corpus", &real, &tools, None);
    }
    for files in suppression_sizes {
        suppressions::bench_suppressions(files, &corpus_of(files), &tools.galley, rounds);
    }
}
