//! A second real editor: Emacs in batch mode with Eglot, set up by the README's Emacs snippet
//! (read from the README), opens a page of a small corpus, receives galley's diagnostics
//! through Flymake, and applies the safe fixes with the snippet's `galley-fix-all`.

mod common;

use std::process::Command;

/// After the README's snippet: activates the installed packages (as Emacs does at startup),
/// opens the article (markdown-mode's hook starts Eglot: it connects after the first command,
/// which batch mode has none of, so the hook's command loop step is run by hand), waits until
/// the broken link is reported (the index is in), runs `galley-fix-all`, and writes the codes
/// seen, then the buffer's text, to `$RESULT`.
const FIX_ALL_AFTER_README: &str = r#"
(package-activate-all)
(require 'eglot)
(find-file (expand-file-name "artikkel.md" (getenv "CORPUS")))
(run-hooks 'post-command-hook)
(defun galley-test-codes ()
  (sort (mapcar (lambda (diagnostic)
                  (let ((text (flymake-diagnostic-text diagnostic)))
                    (if (string-match "\\[\\([a-z-]+\\)\\]" text) (match-string 1 text) text)))
                (flymake-diagnostics))
        #'string<))
(let ((deadline (+ (float-time) 20)))
  (while (and (< (float-time) deadline) (not (member "broken-link" (galley-test-codes))))
    (accept-process-output nil 0.05)))
(let ((codes (mapconcat #'identity (galley-test-codes) " ")))
  (galley-fix-all)
  (with-temp-file (getenv "RESULT")
    (insert codes "\n")
    (insert (with-current-buffer "artikkel.md" (buffer-substring-no-properties (point-min) (point-max))))))
(kill-emacs 0)
"#;

/// The README's Emacs snippet, as the README has it.
fn readme_snippet() -> String {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let after = readme
        .split_once("**Emacs**")
        .expect("the README has the Emacs snippet")
        .1;
    let block = after.split_once("```elisp\n").unwrap().1;
    block.split_once("```").unwrap().0.to_string()
}

/// Whether Emacs with Eglot and markdown-mode is installed.
fn emacs_is_ready() -> bool {
    let check = "(progn (package-activate-all) (require 'eglot) (require 'markdown-mode))";
    Command::new("emacs")
        .args(["--batch", "--eval", check])
        .output()
        .is_ok_and(|output| output.status.success())
}

#[test]
fn the_readme_snippet_lints_and_fixes_all_in_emacs() {
    if !emacs_is_ready() {
        common::editor_missing("Emacs with Eglot and markdown-mode");
        return;
    }
    let script = readme_snippet() + FIX_ALL_AFTER_README;
    let dir = common::corpus(&[
        ("corpus/galley.toml", ""),
        ("corpus/jv.md", "# Joint venture\n"),
        (
            "corpus/artikkel.md",
            "# Artikkel\n\nEn, to,, tre [x](/mangler) og [jv](jv.md).\n",
        ),
        ("script.el", &script),
    ]);
    let corpus = dir.path().join("corpus");
    let result = dir.path().join("result.txt");
    // An error in the script ends batch Emacs with a failure.
    let output = Command::new("emacs")
        .arg("--batch")
        .arg("-l")
        .arg(dir.path().join("script.el"))
        .env("CORPUS", &corpus)
        .env("RESULT", &result)
        .env("PATH", common::path_with_galley())
        .current_dir(&corpus)
        .output()
        .unwrap();
    assert!(output.status.success(), "emacs failed: {output:?}");
    let found = std::fs::read_to_string(&result).unwrap_or_default();
    assert_eq!(
        found,
        "broken-link stray-punctuation\n# Artikkel\n\nEn, to, tre [x](/mangler) og [jv](jv.md).\n",
        "{output:?}"
    );
}
