//! `galley check --watch`: check, then check again whenever a file that can change the result
//! changes. The linter (rule sets, packs, schema) is built once and kept, with what it found
//! in each file: a check again lints only the files that changed (then the links of all).
//! Only a change to the configuration, a schema or a rule file builds the linter again.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use galley_linter::engine::{absolute, Linter, RunCache};
use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode, Watcher};

use crate::check::{build_linter, run, Inputs};
use crate::cli::CheckArgs;

/// Editors save in bursts (a temporary file, a rename, a metadata change): changes this close
/// together make one re-check.
const SETTLE: Duration = Duration::from_millis(50);

/// Other changes never stop (a build writing beside the content): a re-check waits no longer.
const LONGEST_WAIT: Duration = Duration::from_millis(500);

/// Whether `path` configures the linter rather than being linted: the config file and the
/// TOML files beside it (what it extends), the schema, a file in a pack's folder.
fn configures(linter: &Linter, path: &Path) -> bool {
    let config = linter.config();
    let config_dir = absolute(&config.dir);
    let beside_config = path.parent() == Some(config_dir.as_path())
        && path.extension().is_some_and(|ext| ext == "toml");
    let schema = config
        .schema
        .as_ref()
        .is_some_and(|schema| absolute(&schema.value) == path);
    let in_pack = config
        .packs
        .iter()
        .any(|pack| path.parent() == Some(absolute(&pack.value).as_path()));
    beside_config || schema || in_pack
}

pub fn watch(args: &CheckArgs, inputs: &Inputs) -> Result<u8> {
    let (sender, changes) = mpsc::channel::<Vec<PathBuf>>();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading a file (as galley itself does) is an access, not a change.
        if let Ok(event) = event {
            let changed = match event.kind {
                EventKind::Create(_) | EventKind::Remove(_) => true,
                EventKind::Modify(kind) => !matches!(kind, ModifyKind::Metadata(_)),
                _ => false,
            };
            if changed {
                // The receiver is gone only when galley is stopping.
                let _ = sender.send(event.paths);
            }
        }
    })
    .context("--watch: cannot watch files")?;

    let mut linter = build_linter(args, inputs)?;
    let mut cache = RunCache::default();
    let mut watched: Vec<PathBuf> = Vec::new();
    let clear = io::stdout().is_terminal();
    loop {
        // The content root may change with the config: watch what this linter reads.
        for path in watched_paths(&linter, inputs) {
            if !watched.contains(&path) && watcher.watch(&path, RecursiveMode::Recursive).is_ok() {
                watched.push(path);
            }
        }
        if clear {
            print!("\x1b[2J\x1b[H");
        }
        if let Err(error) = run(args, &linter, inputs, Some(&cache)) {
            eprintln!("galley: error: {error:#}");
        }
        if !args.quiet {
            eprintln!("galley: watching for changes (Ctrl-C to stop)");
        }
        io::stdout().flush()?;

        let Ok(mut paths) = changes.recv() else {
            return Ok(0);
        };
        let named: Vec<PathBuf> = inputs.paths.iter().map(|path| absolute(path)).collect();
        loop {
            // A file named on the command line counts whatever its extension.
            let relevant = paths.iter().any(|path| {
                configures(&linter, path) || linter.is_content(path) || named.contains(path)
            });
            if relevant {
                break;
            }
            paths = match changes.recv() {
                Ok(paths) => paths,
                Err(_) => return Ok(0),
            };
        }
        let settled_by = Instant::now() + LONGEST_WAIT;
        while Instant::now() < settled_by {
            match changes.recv_timeout(SETTLE) {
                Ok(more) => paths.extend(more),
                Err(_) => break,
            }
        }
        if paths.iter().any(|path| configures(&linter, path)) {
            // A broken config is reported and the last good linter kept, so fixing the config
            // needs no restart.
            match build_linter(args, inputs) {
                Ok(rebuilt) => {
                    linter = rebuilt;
                    cache = RunCache::default();
                }
                Err(error) => eprintln!("galley: error: {error:#}"),
            }
        }
    }
}

/// The inputs, the content root (links reach into it), the config file's folder, the schema
/// and the packs.
fn watched_paths(linter: &Linter, inputs: &Inputs) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = inputs.paths.iter().map(|path| absolute(path)).collect();
    paths.push(linter.root().to_path_buf());
    let config = linter.config();
    paths.push(absolute(&config.dir));
    paths.extend(config.schema.iter().map(|schema| absolute(&schema.value)));
    paths.extend(config.packs.iter().map(|pack| absolute(&pack.value)));
    paths.retain(|path| path.exists());
    paths
}
