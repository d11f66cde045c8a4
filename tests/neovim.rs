//! Smoke tests with a real editor: headless Neovim, with its built-in LSP client started as
//! in Neovim 0.7 (`vim.lsp.start_client`), opens an article of a small corpus and receives
//! galley's diagnostics for a broken link and an empty blockquote, and goes from a link to the
//! heading it names; and the README's Neovim snippet, read from the README, lints a page and
//! applies its safe fixes.

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

/// Waits until the index is in (the broken link is reported), asks for the definition of the
/// link on line 3, and writes where it leads to `$RESULT` as `file line`.
const DEFINITION: &str = r#"
local client = vim.lsp.start_client({
  name = "galley",
  cmd = { os.getenv("GALLEY"), "server" },
  root_dir = os.getenv("CORPUS"),
})
vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("CORPUS") .. "/artikkel.md"))
vim.lsp.buf_attach_client(0, client)
vim.wait(20000, function()
  return #vim.diagnostic.get(0) > 0
end, 50)
vim.api.nvim_win_set_cursor(0, { 3, 12 })
local params = vim.lsp.util.make_position_params()
local answers = vim.lsp.buf_request_sync(0, "textDocument/definition", params, 10000)
local lines = {}
for _, answer in pairs(answers or {}) do
  local location = answer.result
  if location and location.uri == nil then
    location = location[1]
  end
  if location then
    local file = vim.fn.fnamemodify(vim.uri_to_fname(location.uri), ":t")
    table.insert(lines, string.format("%s %d", file, location.range.start.line))
  end
end
vim.fn.writefile(lines, os.getenv("RESULT"))
vim.lsp.stop_client(client)
vim.cmd("qall!")
"#;

/// After the README's snippet: opens the article (the snippet's autocommand starts galley),
/// waits until its broken link is reported (the index is in), runs `:GalleyFixAll`, and
/// writes the codes seen, then the buffer's lines, to `$RESULT`.
const FIX_ALL_AFTER_README: &str = r#"
vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("CORPUS") .. "/artikkel.md"))
local function codes()
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    table.insert(found, d.code)
  end
  table.sort(found)
  return found
end
vim.wait(20000, function()
  return vim.tbl_contains(codes(), "broken-link")
end, 50)
local lines = { table.concat(codes(), " ") }
vim.cmd("GalleyFixAll")
vim.list_extend(lines, vim.api.nvim_buf_get_lines(0, 0, -1, false))
vim.fn.writefile(lines, os.getenv("RESULT"))
vim.cmd("qall!")
"#;

/// The README's Neovim 0.7 snippet, as the README has it.
fn readme_snippet() -> String {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let after = readme
        .split_once("**Neovim** 0.7 or later")
        .expect("the README has the Neovim 0.7 snippet")
        .1;
    let block = after.split_once("```lua\n").unwrap().1;
    block.split_once("```").unwrap().0.to_string()
}

/// Runs `script` in headless Neovim on a corpus of `files` (under `corpus/`); what the
/// script wrote to `$RESULT` and Neovim's output, or `None` when `nvim` is not installed.
fn run_neovim(script: &str, files: &[(&str, &str)]) -> Option<(String, String)> {
    if Command::new("nvim").arg("--version").output().is_err() {
        common::editor_missing("Neovim (`nvim`)");
        return None;
    }
    let mut files = files.to_vec();
    files.push(("script.lua", script));
    let dir = common::corpus(&files);
    let corpus = dir.path().join("corpus");
    let result = dir.path().join("result.txt");
    let output = Command::new("nvim")
        .args(["--headless", "--clean", "-n", "-c"])
        .arg(format!(
            "luafile {}",
            dir.path().join("script.lua").display()
        ))
        // Reached only when the script failed before its `qall!`: Neovim would wait forever.
        .args(["-c", "cquit 3"])
        .env("GALLEY", env!("CARGO_BIN_EXE_galley"))
        // As installed: `galley` on the PATH, for the README's snippet.
        .env("PATH", common::path_with_galley())
        .env("CORPUS", &corpus)
        .env("RESULT", &result)
        .current_dir(&corpus)
        .output()
        .unwrap();
    assert!(output.status.success(), "nvim failed: {output:?}");
    let found = std::fs::read_to_string(&result).unwrap_or_default();
    Some((found, format!("{output:?}")))
}

#[test]
fn neovim_goes_to_the_heading_a_link_names() {
    let Some((found, output)) = run_neovim(
        DEFINITION,
        &[
            ("corpus/galley.toml", ""),
            (
                "corpus/jv.md",
                "---\ntitle: Joint venture\nslug: jointventure\n---\n\n# Joint venture\n\n\
                 ## Første steg\n",
            ),
            (
                "corpus/artikkel.md",
                "# Artikkel\n\nSe [steg](/jointventure#første-steg) og [x](/mangler).\n",
            ),
        ],
    ) else {
        return;
    };
    assert_eq!(found, "jv.md 7\n", "{output}");
}

#[test]
fn neovim_shows_galley_diagnostics() {
    let Some((found, output)) = run_neovim(
        SMOKE_TEST,
        &[
            ("corpus/galley.toml", ""),
            (
                "corpus/jv.md",
                "---\ntitle: Joint venture\nslug: jointventure\n---\n\n# Joint venture\n",
            ),
            (
                "corpus/artikkel.md",
                "# Artikkel\n\nSe [felles selskap](/jointventur).\n\n>\n\nSlutt.\n",
            ),
        ],
    ) else {
        return;
    };
    assert_eq!(
        found, "broken-link 2 20\nempty-blockquote 4 0\n",
        "{output}"
    );
}

#[test]
fn the_readme_snippet_lints_and_fixes_all_in_neovim() {
    let script = readme_snippet() + FIX_ALL_AFTER_README;
    let Some((found, output)) = run_neovim(
        &script,
        &[
            ("corpus/galley.toml", ""),
            ("corpus/jv.md", "# Joint venture\n"),
            (
                "corpus/artikkel.md",
                "# Artikkel\n\nEn, to,, tre [x](/mangler) og [jv](jv.md).\n",
            ),
        ],
    ) else {
        return;
    };
    assert_eq!(
        found,
        "broken-link stray-punctuation\n# Artikkel\n\nEn, to, tre [x](/mangler) og [jv](jv.md).\n",
        "{output}"
    );
}
