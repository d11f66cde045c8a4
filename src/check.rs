//! `galley check`: the inputs and the linter resolved from what the user typed, then one run
//! (or, with `--watch`, one run per change) reported and turned into an exit code.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use galley_linter::baseline::{self, Baseline};
use galley_linter::changed::ChangedFiles;
use galley_linter::config::Config;
use galley_linter::engine::{
    common_folder, expand_patterns, DiskCache, Fixing, Linter, RunCache, Selection,
};
use galley_linter::finding::CheckOutcome;
use galley_linter::fix::FixMode;
use galley_linter::report::{self, statistics, Format, Totals};
use galley_linter::site::inputs_by_site;

use crate::cli::{CheckArgs, ColorChoice};
use crate::progress::Progress;

pub const FINDINGS: u8 = 1;

/// The paths to check, with glob patterns expanded, and whether they were defaulted to `.`.
pub struct Inputs {
    pub paths: Vec<PathBuf>,
    pub defaulted: bool,
}

pub fn check(args: CheckArgs) -> Result<u8> {
    if args.unsafe_fixes && !(args.fix || args.diff) {
        bail!("--unsafe-fixes works with --fix or --diff");
    }
    if args.statistics && args.format.is_structured() {
        bail!("--statistics prints text: use it with --format human or concise");
    }
    let inputs = Inputs {
        defaulted: args.paths.is_empty(),
        paths: match &args.stdin_filename {
            Some(path) => vec![path.clone()],
            None if args.paths.is_empty() => vec![PathBuf::from(".")],
            None => expand_patterns(&args.paths)?,
        },
    };
    if args.show_settings {
        let linter = build_linter(&args, &inputs)?;
        crate::settings::show(&linter, &inputs.paths)?;
        return Ok(0);
    }
    if args.watch {
        return crate::watch::watch(&args, &inputs);
    }
    // Pages of several sites named at once: each site's run is its own (its config, its root,
    // its links), their findings reported as one.
    let sites = match (&args.config, &args.stdin_filename) {
        (None, None) => inputs_by_site(&inputs.paths),
        _ => vec![inputs.paths.clone()],
    };
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let mut all: Option<Checked> = None;
    for paths in sites {
        let site = Inputs {
            paths,
            defaulted: inputs.defaulted,
        };
        let linter = build_linter(&args, &site)?;
        let checked = lint(&args, &linter, &site, None)?;
        // The process ends soon and its memory goes back whole: freeing the compiled rules
        // piece by piece would be a twentieth of a one-file run.
        std::mem::forget(linter);
        match &mut all {
            Some(all) => all.outcome.merge(checked.outcome),
            None => all = Some(checked),
        }
    }
    let checked = all.context("no paths to check")?;
    report_checked(&args, checked, baseline.as_ref())
}

/// The linter for these inputs: their config (or `--config`), less what `--select` and
/// `--ignore` leave out.
pub fn build_linter(args: &CheckArgs, inputs: &Inputs) -> Result<Linter> {
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover(&common_folder(&inputs.paths)),
    }?;
    let selection = Selection {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let linter = Linter::with_selection(config, &inputs.paths, &selection)?;
    Ok(linter.showing(args.format.excerpt()))
}

/// One run with a built linter: lint, report, and the exit code. With a `cache` (`--watch`),
/// the files unchanged since the last run are not linted again.
pub fn run(
    args: &CheckArgs,
    linter: &Linter,
    inputs: &Inputs,
    cache: Option<&RunCache>,
) -> Result<u8> {
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let checked = lint(args, linter, inputs, cache)?;
    report_checked(args, checked, baseline.as_ref())
}

/// A run's outcome, with stdin's text when `--fix` is to print it back.
struct Checked {
    outcome: CheckOutcome,
    stdin_text: Option<String>,
}

/// The lint of one run: its findings (only those on changed lines with `--changed-since`),
/// and its fixes when asked for.
fn lint(
    args: &CheckArgs,
    linter: &Linter,
    inputs: &Inputs,
    cache: Option<&RunCache>,
) -> Result<Checked> {
    let fixing = (args.fix || args.diff).then_some(Fixing {
        mode: if args.unsafe_fixes {
            FixMode::All
        } else {
            FixMode::SafeOnly
        },
        write: args.fix,
    });
    let changed = args
        .changed_since
        .as_deref()
        .map(|reference| ChangedFiles::since(reference, linter))
        .transpose()?;

    let disk = cache.is_none().then(|| disk_cache(args, linter)).flatten();
    let progress = Progress::start(args.quiet);
    // With `--fix`, stdin's text is printed back when no fix changes it.
    let mut stdin_text = None;
    let mut outcome = match &args.stdin_filename {
        Some(path) => {
            let text = io::read_to_string(io::stdin()).context("cannot read stdin")?;
            stdin_text = args.fix.then(|| text.clone());
            linter.check_text(path, text, fixing.map(|f| f.mode))
        }
        None => match (cache, &disk) {
            (Some(cache), _) => {
                linter.check_again(&inputs.paths, inputs.defaulted, &progress, cache)
            }
            (None, Some(disk)) => {
                linter.check_cached(&inputs.paths, inputs.defaulted, &progress, disk)
            }
            (None, None) => linter.check(&inputs.paths, inputs.defaulted, fixing, &progress),
        },
    };
    progress.finish();
    if let (Some(disk), true) = (&disk, args.verbose) {
        report_cache_use(disk);
    }

    if let Some(changed) = &changed {
        changed.retain(&mut outcome);
    }
    Ok(Checked {
        outcome,
        stdin_text,
    })
}

/// A run's report (less the findings of `baseline`), and its exit code.
fn report_checked(args: &CheckArgs, checked: Checked, baseline: Option<&Baseline>) -> Result<u8> {
    let Checked {
        mut outcome,
        stdin_text,
    } = checked;
    if let Some(file) = &args.write_baseline {
        let written = baseline::write(file, &outcome.findings)?;
        if !args.quiet {
            eprintln!("{written}");
        }
        return Ok(0);
    }
    if let Some(baseline) = baseline {
        let comparison = baseline.apply(&mut outcome.findings);
        if !args.quiet {
            eprint!("{comparison}");
        }
    }

    let stdout = io::stdout();
    // `--stdin-filename` with `--fix` prints the fixed text, like a formatter; the report goes
    // to stderr.
    let mut out = match &stdin_text {
        Some(text) => {
            let fixed = outcome
                .fixed
                .first()
                .map_or(&text[..], |file| file.texts().1);
            stdout.lock().write_all(fixed.as_bytes())?;
            Box::new(io::stderr())
        }
        None => output(args.output_file.as_deref())?,
    };
    if args.diff {
        report::write_diff(&mut out, &outcome)?;
        out.flush()?;
        eprintln!(
            "{}",
            report::fix_summary_line(&outcome, args.unsafe_fixes, false)
        );
        let code = if outcome.fixed.is_empty() {
            0
        } else {
            FINDINGS
        };
        return Ok(exit_code(args, code));
    }
    let color = args.format == Format::Human
        && args.output_file.is_none()
        && match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                stdout.is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
            }
        };
    if args.statistics {
        statistics::write(&mut out, &outcome)?;
    } else {
        report::write(&mut out, args.format, &outcome, color)?;
    }
    if args.fix {
        // Machine-readable output stays parseable: the fix summary goes to stderr there.
        let summary = report::fix_summary_line(&outcome, args.unsafe_fixes, true);
        if args.format.is_structured() {
            eprintln!("{summary}");
        } else {
            writeln!(out, "{summary}")?;
        }
    }
    out.flush()?;
    if args.output_file.is_some() && !args.quiet {
        println!("{}", report::summary_line(&outcome));
    }

    let totals = Totals::of(&outcome.findings);
    let too_many_warnings = args.max_warnings.filter(|&max| totals.warnings > max);
    // Without errors, the warnings alone failed the run: say so, or exit 1 looks unexplained.
    if let (Some(max), 0) = (too_many_warnings, totals.errors) {
        eprintln!(
            "galley: {} warnings, more than --max-warnings {max} allows",
            totals.warnings
        );
    }
    let code = if totals.errors > 0 || too_many_warnings.is_some() {
        FINDINGS
    } else {
        0
    };
    Ok(exit_code(args, code))
}

/// The cache on disk a plain check uses: none with `--no-cache`, and none for fixes (they
/// lint the texts they make, which no later run reads) or stdin. `GALLEY_CACHE_DIR` names
/// its folder before `[cache] dir` does.
fn disk_cache(args: &CheckArgs, linter: &Linter) -> Option<DiskCache> {
    if args.no_cache || args.fix || args.diff || args.stdin_filename.is_some() {
        return None;
    }
    let dir = match std::env::var_os("GALLEY_CACHE_DIR").filter(|dir| !dir.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => DiskCache::default_dir(linter),
    };
    Some(DiskCache::open(linter, &dir))
}

/// `--verbose`: how much the cache saved, and why it could not be written.
fn report_cache_use(cache: &DiskCache) {
    let usage = cache.usage();
    eprintln!(
        "galley: cache {}: {} files reused, {} linted{}",
        cache.dir().display(),
        usage.reused,
        usage.linted,
        if usage.replayed {
            " (nothing changed: the last run's findings replayed)"
        } else if usage.replayed_unchanged {
            " (the changed files show other pages what they did: the others' findings replayed)"
        } else {
            ""
        }
    );
    if usage.unread > 0 {
        eprintln!(
            "galley: cache: {} unchanged files not read (their inode, size and times as recorded)",
            usage.unread
        );
    }
    if let Some(error) = usage.write_error {
        eprintln!("galley: the cache could not be written: {error}");
    }
}

/// `--exit-zero` turns findings into success; errors of use or configuration never reach
/// here.
fn exit_code(args: &CheckArgs, code: u8) -> u8 {
    if args.exit_zero {
        0
    } else {
        code
    }
}

/// Standard output, or the `--output-file`.
fn output(file: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match file {
        Some(path) => {
            let file =
                File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
            Box::new(io::BufWriter::new(file))
        }
        None => Box::new(io::BufWriter::new(io::stdout().lock())),
    })
}
