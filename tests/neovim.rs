//! One smoke test with a real editor: headless Neovim, with its built-in LSP client started as
//! in Neovim 0.7 (`vim.lsp.start_client`), opens an article of a small corpus and receives
//! galley's diagnostics for a broken link and an empty blockquote.

mod common;

use std::process::Command;

/// Starts galley, opens the article, waits for both findings, and writes every diagnostic
/// Neovim holds for the buffer to `$RESULT` as `code line col` lines (0-based).
const SMOKE_TEST: &str = r#"
local client = vim.lsp.start_client({
  name = "galley",
  cmd = { os.getenv("GALLEY"), "server" },
  root_dir = os.getenv("CORPUS"),
})
vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("CORPUS") .. "/artikkel.md"))
vim.lsp.buf_attach_client(0, client)
local function codes()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    found[d.code] = true
  end
  return found
end
vim.wait(20000, function()
  local found = codes()
  return found["broken-link"] and found["empty-blockquote"]
end, 50)
local lines = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(lines, string.format("%s %d %d", d.code, d.lnum, d.col))
end
table.sort(lines)
vim.fn.writefile(lines, os.getenv("RESULT"))
vim.lsp.stop_client(client)
vim.cmd("qall!")
"#;

#[test]
fn neovim_shows_galley_diagnostics() {
    if Command::new("nvim").arg("--version").output().is_err() {
        eprintln!("skipped: `nvim` is not installed (`.ci/run` installs Debian's neovim)");
        return;
    }
    let dir = common::corpus(&[
        ("smoke.lua", SMOKE_TEST),
        ("corpus/galley.toml", ""),
        (
            "corpus/jv.md",
            "---\ntitle: Joint venture\nslug: jointventure\n---\n\n# Joint venture\n",
        ),
        (
            "corpus/artikkel.md",
            "# Artikkel\n\nSe [felles selskap](/jointventur).\n\n>\n\nSlutt.\n",
        ),
    ]);
    let corpus = dir.path().join("corpus");
    let script = dir.path().join("smoke.lua");
    let result = dir.path().join("result.txt");

    let output = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("GALLEY", env!("CARGO_BIN_EXE_galley"))
        .env("CORPUS", &corpus)
        .env("RESULT", &result)
        .current_dir(&corpus)
        .output()
        .unwrap();
    assert!(output.status.success(), "nvim failed: {output:?}");
    let found = std::fs::read_to_string(&result).unwrap_or_default();
    assert_eq!(
        found, "broken-link 2 20\nempty-blockquote 4 0\n",
        "{output:?}"
    );
}
