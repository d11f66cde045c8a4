//! galley: a fast content linter and validator for Markdown knowledge bases.

mod cli;
mod cli_docs;
mod progress;
mod rule_commands;

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use anyhow::{anyhow, bail, Context, Result};
use galley_linter::baseline::{self, Baseline};
use galley_linter::changed::ChangedFiles;
use galley_linter::config::Config;
use galley_linter::engine::{common_folder, Fixing, Linter};
use galley_linter::fix::FixMode;
use galley_linter::report::{self, Format, Totals};

use crate::cli::{CheckArgs, Cli, Command};
use crate::progress::Progress;

const FINDINGS: u8 = 1;
const FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules => rule_commands::print_rules(),
        Command::Explain { rule } => rule_commands::explain(&rule),
        Command::TestRules { pack } => rule_commands::test_rules(&pack),
        Command::Init { dir } => rule_commands::init(&dir),
        Command::Completions { shell } => cli_docs::print_completions(shell)
            .map(|()| 0)
            .map_err(Into::into),
        Command::Server => galley_server::run().map_err(|error| anyhow!(error)),
        Command::Man { subcommand } => cli_docs::print_man_page(subcommand.as_deref()).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`galley check | head`) is not a failure.
        Err(error)
            if error
                .root_cause()
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("galley: error: {error:#}");
            ExitCode::from(FAILURE)
        }
    }
}

fn check(args: CheckArgs) -> Result<u8> {
    let defaulted = args.paths.is_empty();
    let inputs = match &args.stdin_filename {
        Some(path) => vec![path.clone()],
        None if defaulted => vec![PathBuf::from(".")],
        None => args.paths,
    };
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover(&common_folder(&inputs)),
    }?;
    let linter = Linter::new(config, &inputs)?;
    if args.unsafe_fixes && !(args.fix || args.diff) {
        bail!("--unsafe-fixes works with --fix or --diff");
    }
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
        .map(|reference| ChangedFiles::since(reference, &linter))
        .transpose()?;
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;

    let progress = Progress::start(args.quiet);
    // With `--fix`, stdin's text is printed back when no fix changes it.
    let mut stdin_text = None;
    let mut outcome = match &args.stdin_filename {
        Some(path) => {
            let text = io::read_to_string(io::stdin()).context("cannot read stdin")?;
            stdin_text = args.fix.then(|| text.clone());
            linter.check_text(path, text, fixing.map(|f| f.mode))
        }
        None => linter.check(&inputs, defaulted, fixing, &progress),
    };
    progress.finish();

    if let Some(changed) = &changed {
        changed.retain(&mut outcome);
    }
    if let Some(file) = &args.write_baseline {
        let written = baseline::write(file, &outcome.findings)?;
        if !args.quiet {
            eprintln!("{written}");
        }
        return Ok(0);
    }
    if let Some(baseline) = &baseline {
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
            let fixed = outcome.fixed.first().map_or(text, |file| &file.fixed.text);
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
        return Ok(if outcome.fixed.is_empty() {
            0
        } else {
            FINDINGS
        });
    }
    let color = args.format == Format::Human
        && args.output_file.is_none()
        && stdout.is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    report::write(&mut out, args.format, &outcome, color)?;
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
    let too_many_warnings = args.max_warnings.is_some_and(|max| totals.warnings > max);
    Ok(if totals.errors > 0 || too_many_warnings {
        FINDINGS
    } else {
        0
    })
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
