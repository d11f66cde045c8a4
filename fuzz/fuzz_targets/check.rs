//! Any text, checked with the default rules and rendered in every format: no panic, no hang.
#![no_main]

use libfuzzer_sys::fuzz_target;

// Each target uses part of what is shared.
#[allow(dead_code)]
#[path = "../../tests/common/fix_invariants.rs"]
mod fix_invariants;
#[allow(dead_code)]
mod shared;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        fix_invariants::check_renders(shared::linter(), &shared::page(), text);
    }
});
