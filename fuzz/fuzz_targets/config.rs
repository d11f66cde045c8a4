//! Any `galley.toml`: loaded, then a linter built from it. An error is fine; a panic or a
//! hang is not.
#![no_main]

use galley_linter::config::Config;
use galley_linter::engine::Linter;
use libfuzzer_sys::fuzz_target;

// Each target uses part of what is shared.
#[allow(dead_code)]
mod shared;

fuzz_target!(|data: &[u8]| {
    let path = shared::scratch().join("galley.toml");
    std::fs::write(&path, data).expect("writing the config");
    if let Ok(config) = Config::load(&path) {
        let _ = Linter::new(config, &[]);
    }
});
