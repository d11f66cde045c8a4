//! `galley server` in a workspace of several folders, each with its own configuration and
//! pages, as the editor adds and removes them. The real binary over stdio, as in
//! tests/server.rs.

mod common;
#[allow(
    dead_code,
    reason = "shared with tests/server.rs, which uses more of it"
)]
#[path = "support/lsp.rs"]
mod lsp;

use serde_json::{json, Value};

use lsp::{has, range, uri, workspace_folder, Client};

/// Three sites side by side: `a` turns `empty-blockquote` off; each has a page with a slug.
fn sites() -> tempfile::TempDir {
    let page =
        |site: &str| format!("---\ntitle: Side {site}\nslug: side-{site}\n---\n\n# Side {site}\n");
    let (a, b, c) = (page("a"), page("b"), page("c"));
    common::corpus(&[
        (
            "a/galley.toml",
            "[links]\nslug_field = \"slug\"\n\n[rules.empty-blockquote]\nlevel = \"off\"\n",
        ),
        ("a/side.md", &a),
        ("b/galley.toml", "[links]\nslug_field = \"slug\"\n"),
        ("b/side.md", &b),
        ("c/galley.toml", "[links]\nslug_field = \"slug\"\n"),
        ("c/side.md", &c),
    ])
}

/// The broken links of a buffer's diagnostics, by range.
fn broken(diagnostics: &[Value]) -> Vec<Value> {
    (diagnostics.iter())
        .filter(|d| d["code"] == "broken-link")
        .map(|d| d["range"].clone())
        .collect()
}

fn symbols(client: &mut Client) -> Vec<String> {
    let found = client.request("workspace/symbol", json!({ "query": "side" }));
    let mut names: Vec<String> = (found.as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn every_workspace_folder_is_served_with_its_own_configuration_and_pages() {
    let dir = sites();
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    let mut client = Client::start_in(&[&a, &b], json!({}));
    let folders = &client.capabilities["workspace"]["workspaceFolders"];
    assert_eq!(folders["supported"], true);
    assert_eq!(folders["changeNotifications"], true);

    // In `b`, its own page's slug resolves and `a`'s does not; its blockquote rule is on.
    let in_b = uri(&b.join("ny.md"));
    client.open(&in_b, "# Ny\n\n[x](/side-b) [y](/side-a)\n\n>\n");
    let found = client.diagnostics(&in_b, has("broken-link"));
    assert_eq!(broken(&found), [range((2, 17), (2, 24))]);
    assert!(has("empty-blockquote")(&found), "{found:#?}");

    // In `a`, the other way round, and `a`'s configuration turns the blockquote rule off.
    let in_a = uri(&a.join("ny.md"));
    client.open(&in_a, "# Ny\n\n[x](/side-a) [y](/side-b)\n\n>\n");
    let found = client.diagnostics(&in_a, has("broken-link"));
    assert_eq!(broken(&found), [range((2, 17), (2, 24))]);
    assert!(!has("empty-blockquote")(&found), "{found:#?}");
    assert_eq!(symbols(&mut client), ["Side a", "Side b"]);

    // A folder added while the editor runs is read and served; a removed one is dropped.
    let added = json!({ "event": { "added": [workspace_folder(&c)], "removed": [] } });
    client.notify("workspace/didChangeWorkspaceFolders", added);
    let in_c = uri(&c.join("ny.md"));
    client.open(&in_c, "# Ny\n\n[x](/side-c) [y](/side-b)\n");
    let found = client.diagnostics(&in_c, has("broken-link"));
    assert_eq!(broken(&found), [range((2, 17), (2, 24))]);
    let removed = json!({ "event": { "added": [], "removed": [workspace_folder(&b)] } });
    client.notify("workspace/didChangeWorkspaceFolders", removed);
    assert_eq!(symbols(&mut client), ["Side a", "Side c"]);
    client.stop();
}
