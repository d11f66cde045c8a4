//! Shell completions and man pages, generated from the clap definitions: they exist, and they
//! know the flags.

use assert_cmd::Command;

fn galley(args: &[&str]) -> (i32, String) {
    let output = Command::cargo_bin("galley")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap(),
        String::from_utf8(output.stdout).unwrap(),
    )
}

#[test]
fn completions_for_every_shell_know_the_subcommands_and_flags() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, script) = galley(&["completions", shell]);
        assert_eq!(code, 0, "{shell}");
        for word in ["check", "explain", "changed-since", "write-baseline"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    assert_eq!(galley(&["completions", "tcsh"]).0, 2);
}

#[test]
fn man_pages_cover_galley_and_its_subcommands() {
    let (code, page) = galley(&["man"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH galley 1"), "{page}");
    assert!(page.contains("completions"), "the subcommands are listed");

    let (code, page) = galley(&["man", "check"]);
    assert_eq!(code, 0);
    assert!(page.contains(".TH galley-check 1"), "{page}");
    for flag in [
        "changed\\-since",
        "output\\-file",
        "baseline",
        "quiet",
        "sarif",
    ] {
        assert!(page.contains(flag), "galley-check(1) lacks {flag}");
    }
}

#[test]
fn the_man_page_of_an_unknown_subcommand_is_a_usage_error() {
    assert_eq!(galley(&["man", "nope"]).0, 2);
}
