//! Links the `galley` executable at a fixed address on glibc Linux.
//!
//! A position-independent executable has the loader patch every pointer in its read-only
//! data at start (about 30,000 relocations over 500 KB here), which writes to 120-odd pages
//! before `main`: a fifth of a one-file run's page faults, 0.8 ms of a 5 ms run (see
//! BENCHMARKS.md, "One file: a fixed-address binary"). Linked at a fixed address, the
//! pointers are written by the linker. The code is compiled as before; only the
//! executable's own image loses address randomisation (its libraries, heap and stack keep
//! it).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
