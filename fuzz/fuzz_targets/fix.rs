//! Any text, fixed with every fix allowed: the fixes settle or are reported, fixing twice
//! changes nothing, line endings are kept, and no line the findings did not touch is lost.
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
        fix_invariants::check_fix(shared::linter(), &shared::page(), text);
    }
});
