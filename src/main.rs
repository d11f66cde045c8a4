//! galley: a fast content linter and validator for Markdown knowledge bases.

mod cli;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

use galley::config::Config;
use galley::fix::FixMode;
use galley::report::{self, Format, Totals};
use galley::rule::{find_rule, FixAbility, BUILTIN_RULES};
use galley::workspace::{build_rules, common_folder, Fixing, Workspace};

use crate::cli::{CheckArgs, Cli, Command};

const FINDINGS: u8 = 1;
const FAILURE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules => print_rules(),
        Command::Explain { rule } => explain(&rule),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A closed pipe (`galley check | head`) is not a failure.
        Err(error)
            if error
                .downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("galley: error: {error}");
            ExitCode::from(FAILURE)
        }
    }
}

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn check(args: CheckArgs) -> Result<u8> {
    let defaulted = args.paths.is_empty();
    let inputs = if defaulted {
        vec![PathBuf::from(".")]
    } else {
        args.paths
    };
    let config = match &args.config {
        Some(path) => Config::load(path),
        None => Config::discover(&common_folder(&inputs)),
    }
    .map_err(|error| error.to_string())?;
    let rules = build_rules(&config).map_err(|error| error.to_string())?;
    let workspace = Workspace::new(&config, &rules, &inputs).map_err(|error| error.to_string())?;
    if args.unsafe_fixes && !(args.fix || args.diff) {
        return Err("--unsafe-fixes works with --fix or --diff".into());
    }
    let fixing = (args.fix || args.diff).then_some(Fixing {
        mode: if args.unsafe_fixes {
            FixMode::All
        } else {
            FixMode::SafeOnly
        },
        write: args.fix,
    });
    let outcome = workspace.check(&inputs, defaulted, fixing);

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
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
        && stdout.is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    report::write(&mut out, args.format, &outcome, color)?;
    if args.fix {
        // Machine-readable output stays parseable: the fix summary goes to stderr there.
        let summary = report::fix_summary_line(&outcome, args.unsafe_fixes, true);
        if args.format == Format::Json {
            eprintln!("{summary}");
        } else {
            writeln!(out, "{summary}")?;
        }
    }
    out.flush()?;

    let totals = Totals::of(&outcome.findings);
    let too_many_warnings = args.max_warnings.is_some_and(|max| totals.warnings > max);
    Ok(if totals.errors > 0 || too_many_warnings {
        FINDINGS
    } else {
        0
    })
}

fn print_rules() -> Result<u8> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{:<20} {:<9} {:<9} {:<9} summary",
        "rule", "source", "level", "fix"
    )?;
    for entry in BUILTIN_RULES {
        let meta = entry.meta;
        let fix = match meta.fix {
            FixAbility::Always => "always",
            FixAbility::Sometimes => "sometimes",
            FixAbility::Never => "no",
        };
        writeln!(
            out,
            "{:<20} {:<9} {:<9} {:<9} {}",
            meta.id,
            "built-in",
            meta.default_severity.as_str(),
            fix,
            meta.summary
        )?;
    }
    Ok(0)
}

fn explain(id: &str) -> Result<u8> {
    let entry = find_rule(id).ok_or_else(|| format!("unknown rule `{id}` (see `galley rules`)"))?;
    let meta = entry.meta;
    let mut out = io::stdout().lock();
    writeln!(out, "# {}\n", meta.id)?;
    writeln!(out, "{}\n", meta.summary)?;
    writeln!(out, "Default level: {}\n", meta.default_severity.as_str())?;
    // Doc comments keep the space after `///`; drop it.
    for line in meta.docs.lines() {
        writeln!(out, "{}", line.strip_prefix(' ').unwrap_or(line))?;
    }
    Ok(0)
}
