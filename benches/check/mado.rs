//! mado, the Rust port of markdownlint and the fastest Markdown linter we know: built once
//! from its source in `../shared/peers/mado` (see `../shared/peers/README.md`) into the bench
//! folder, and run with its defaults (every rule it supports, its own settings): no
//! `mado.toml` is in the folder it runs from.

use std::env;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The source snapshot names its registry by a placeholder; cargo knows it as crates.io.
const PLACEHOLDER_REGISTRY: &str = "crates-registry.example-index";
const CRATES_IO_INDEX: &str = "crates.io-index";

/// The mado binary: `$GALLEY_BENCH_MADO`, else built under `bench_dir` (about two minutes
/// the first time); `None`, with the reason printed, when it cannot be had.
pub fn binary(bench_dir: &Path) -> Option<PathBuf> {
    if let Some(path) = env::var_os("GALLEY_BENCH_MADO") {
        return Some(PathBuf::from(path));
    }
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/mado");
    match build(&source, bench_dir) {
        Ok(binary) => Some(binary),
        Err(why) => {
            println!("mado: skipped: {why}");
            None
        }
    }
}

fn build(source: &Path, bench_dir: &Path) -> Result<PathBuf, String> {
    if !source.join("Cargo.toml").is_file() {
        return Err(format!("no source at {}", source.display()));
    }
    // shared/ is read-only in CI: build in a copy.
    let copy = bench_dir.join("mado-src");
    if !copy.join("Cargo.toml").is_file() {
        let partial = bench_dir.join("mado-src.partial");
        let _ = std::fs::remove_dir_all(&partial);
        let copied = Command::new("cp")
            .arg("-r")
            .args([source, &partial])
            .status()
            .map_err(|error| format!("cp: {error}"))?;
        if !copied.success() {
            return Err(format!("cannot copy {}", source.display()));
        }
        make_writable(&partial)?;
        let lock = partial.join("Cargo.lock");
        if let Ok(text) = std::fs::read_to_string(&lock) {
            std::fs::write(&lock, text.replace(PLACEHOLDER_REGISTRY, CRATES_IO_INDEX))
                .map_err(|error| format!("{}: {error}", lock.display()))?;
        }
        std::fs::rename(&partial, &copy).map_err(|error| error.to_string())?;
    }
    let target = bench_dir.join("mado-target");
    let log_path = bench_dir.join("mado-build.log");
    let log = File::create(&log_path).map_err(|error| error.to_string())?;
    println!(
        "building mado in {} (log: {})",
        copy.display(),
        log_path.display()
    );
    let built = Command::new("cargo")
        .current_dir(&copy)
        .args(["build", "--release", "--locked"])
        .env("CARGO_TARGET_DIR", &target)
        .stdout(log.try_clone().map_err(|error| error.to_string())?)
        .stderr(log)
        .status()
        .map_err(|error| format!("cargo: {error}"))?;
    if !built.success() {
        return Err(format!("cargo build failed, see {}", log_path.display()));
    }
    Ok(target.join("release/mado"))
}

fn make_writable(folder: &Path) -> Result<(), String> {
    let status = Command::new("chmod")
        .arg("-R")
        .arg("u+w")
        .arg(folder)
        .status()
        .map_err(|error| format!("chmod: {error}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("cannot make {} writable", folder.display()))
}
