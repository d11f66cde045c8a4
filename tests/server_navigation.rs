//! `galley server` as a writer moves around a knowledge base: files changed on disk, go to
//! definition, references, renames with their link updates, the outline, pages by title,
//! document links and pulled diagnostics. The real binary over stdio, as in tests/server.rs.

mod common;
#[allow(
    dead_code,
    reason = "shared with tests/server.rs, which uses more of it"
)]
#[path = "support/lsp.rs"]
mod lsp;

use std::path::Path;

use serde_json::{json, Value};

use lsp::{has, position, range, uri, Client};

const JV: &str = "---\ntitle: Joint venture\nslug: jointventure\n---\n\n# Joint venture\n\n\
                  Tekst.\n\n## Første steg\n\nTekst.\n";
/// Line of `## Første steg` in [`JV`].
const STEP: u32 = 9;

/// A page with a slug and headings, and three pages that link to its second heading in
/// three ways: by slug, by relative file path, and by a reference definition.
fn corpus() -> tempfile::TempDir {
    common::corpus(&[
        ("galley.toml", "[links]\nslug_field = \"slug\"\n"),
        ("jv.md", JV),
        (
            "guide/fusjon.md",
            "---\ntitle: Fusjon\n---\n\n# Fusjon\n\nSe [jv](../jv.md).\n",
        ),
        ("a.md", "# A\n\nSe [steg](/jointventure#første-steg).\n"),
        (
            "guide/b.md",
            "# B\n\nSe [steg](../jv.md#første-steg) og [f](fusjon.md).\n",
        ),
        (
            "c.md",
            "# C\n\nSe [steg][ref] og [f](/guide/fusjon).\n\n[ref]: jv#første-steg\n",
        ),
    ])
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": position(line, character) })
}

fn open_file(client: &mut Client, path: &Path) -> String {
    let uri = uri(path);
    client.open(&uri, &std::fs::read_to_string(path).unwrap());
    uri
}

fn uris(locations: &Value) -> Vec<String> {
    let mut uris: Vec<String> = (locations.as_array().unwrap().iter())
        .map(|l| l["uri"].as_str().unwrap().to_string())
        .collect();
    uris.sort();
    uris
}

#[test]
fn a_page_renamed_on_disk_is_seen_through_the_registered_watcher() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    // After `initialized`, the server asks to watch content and configuration files.
    let registration = client.next(|m| m["method"] == "client/registerCapability");
    let registration = &registration["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs = registration["registerOptions"]["watchers"].to_string();
    assert!(
        globs.contains("md") && globs.contains("galley.toml"),
        "{globs}"
    );

    let note = uri(&dir.path().join("notat.md"));
    client.open(&note, "# Notat\n\nSe [f](/guide/fusjon).\n");
    client.diagnostics(&note, <[Value]>::is_empty);
    let old = dir.path().join("guide/fusjon.md");
    let new = dir.path().join("guide/sammenslåing.md");
    std::fs::rename(&old, &new).unwrap();
    let changes = json!({ "changes": [
        { "uri": uri(&old), "type": 3 },
        { "uri": uri(&new), "type": 1 },
    ] });
    client.notify("workspace/didChangeWatchedFiles", changes);
    client.diagnostics(&note, has("broken-link"));
    // And the new name is a page.
    let text = "# Notat\n\nSe [f](/guide/sammenslåing).\n";
    client.change(&note, 2, json!([{ "text": text }]));
    client.diagnostics(&note, <[Value]>::is_empty);
    client.stop();
}

#[test]
fn a_page_that_is_not_utf8_is_reported_on_the_page_not_taken_for_missing() {
    let dir = corpus();
    let broken = dir.path().join("ødelagt.md");
    std::fs::write(&broken, b"# \xc3\xb8delagt\n\nLatin-1: \xe6\xf8\xe5.\n").unwrap();
    let mut client = Client::start(dir.path());
    let broken_uri = uri(&broken);
    let found = client.diagnostics(&broken_uri, has("io-error"));
    assert_eq!(found.len(), 1);
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.contains("not valid UTF-8: line 3"), "{message}");
    assert_eq!(found[0]["severity"], 1);

    // Saved as UTF-8, it is a page again, and its message goes.
    std::fs::write(&broken, "# Ødelagt\n\nLatin-1: æøå.\n").unwrap();
    let change = json!({ "changes": [{ "uri": broken_uri, "type": 2 }] });
    client.notify("workspace/didChangeWatchedFiles", change);
    client.diagnostics(&broken_uri, <[Value]>::is_empty);
    let note = uri(&dir.path().join("notat.md"));
    client.open(&note, "# Notat\n\nSe [ø](ødelagt.md).\n");
    client.diagnostics(&note, <[Value]>::is_empty);
    client.stop();
}

#[test]
fn without_watchers_a_save_reads_the_disk_again() {
    let dir = corpus();
    let mut client = Client::start_with(dir.path(), json!({}));
    let note = uri(&dir.path().join("notat.md"));
    client.open(&note, "# Notat\n\nSe [ny](/ny).\n");
    client.diagnostics(&note, has("broken-link"));
    std::fs::write(dir.path().join("ny.md"), "# Ny\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": note } }),
    );
    client.diagnostics(&note, <[Value]>::is_empty);
    client.stop();
}

#[test]
fn definition_goes_to_the_page_the_heading_and_the_reference_definition() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let jv = uri(&dir.path().join("jv.md"));
    let a = open_file(&mut client, &dir.path().join("a.md"));
    let found = client.request("textDocument/definition", at(&a, 2, 12));
    assert_eq!(found["uri"], jv);
    assert_eq!(found["range"]["start"], position(STEP, 0));

    // On `[steg][ref]`: its definition, in the same file.
    let c = open_file(&mut client, &dir.path().join("c.md"));
    let found = client.request("textDocument/definition", at(&c, 2, 5));
    assert_eq!(found["uri"], c);
    assert_eq!(found["range"]["start"], position(4, 0));
    // On the definition: the heading it names.
    let found = client.request("textDocument/definition", at(&c, 4, 10));
    assert_eq!(found["uri"], jv);
    assert_eq!(found["range"]["start"], position(STEP, 0));
    // On text: nothing.
    assert_eq!(
        client.request("textDocument/definition", at(&c, 0, 2)),
        Value::Null
    );
    client.stop();
}

#[test]
fn references_find_the_links_to_a_heading_and_to_a_page() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let jv = open_file(&mut client, &dir.path().join("jv.md"));
    let params = |line| {
        let mut params = at(&jv, line, 5);
        params["context"] = json!({ "includeDeclaration": false });
        params
    };
    let links = ["a.md", "c.md", "guide/b.md"].map(|name| uri(&dir.path().join(name)));
    let to_heading = client.request("textDocument/references", params(STEP));
    assert_eq!(uris(&to_heading), links);
    // Elsewhere on the page: its backlinks (the fusjon page links to it too).
    let to_page = client.request("textDocument/references", params(7));
    let mut backlinks = links.to_vec();
    backlinks.push(uri(&dir.path().join("guide/fusjon.md")));
    backlinks.sort();
    assert_eq!(uris(&to_page), backlinks);
    client.stop();
}

/// Applies one LSP edit (on one line, without characters outside the BMP) to `text`.
fn apply(text: &str, edit: &Value) -> String {
    let (start, end) = (&edit["range"]["start"], &edit["range"]["end"]);
    assert_eq!(start["line"], end["line"]);
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let line = &mut lines[start["line"].as_u64().unwrap() as usize];
    let byte = |position: &Value| {
        let character = position["character"].as_u64().unwrap() as usize;
        line.char_indices()
            .nth(character)
            .map_or(line.len(), |(at, _)| at)
    };
    let span = byte(start)..byte(end);
    line.replace_range(span, edit["newText"].as_str().unwrap());
    lines.join("\n")
}

#[test]
fn a_renamed_heading_takes_the_links_in_three_other_files_along() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let jv = open_file(&mut client, &dir.path().join("jv.md"));
    let mut params = at(&jv, STEP, 4);
    params["newName"] = json!("Andre steg");
    let edit = client.request("textDocument/rename", params);
    let changes = edit["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 4, "{edit:#}");
    assert_eq!(
        changes[&jv],
        json!([{ "range": range((STEP, 3), (STEP, 14)), "newText": "Andre steg" }])
    );
    for (name, expected) in [
        ("a.md", "# A\n\nSe [steg](/jointventure#andre-steg).\n"),
        (
            "guide/b.md",
            "# B\n\nSe [steg](../jv.md#andre-steg) og [f](fusjon.md).\n",
        ),
        (
            "c.md",
            "# C\n\nSe [steg][ref] og [f](/guide/fusjon).\n\n[ref]: jv#andre-steg\n",
        ),
    ] {
        let path = dir.path().join(name);
        let edits = changes[&uri(&path)].as_array().unwrap();
        assert_eq!(edits.len(), 1, "{name}: {edits:?}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(apply(&text, &edits[0]), expected, "{name}");
    }
    client.stop();
}

#[test]
fn a_renamed_page_takes_its_links_along() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    // `guide/fusjon.md` moves up to the root as `fusjon-ny.md`.
    let old = dir.path().join("guide/fusjon.md");
    let new = dir.path().join("fusjon-ny.md");
    let params = json!({ "files": [{ "oldUri": uri(&old), "newUri": uri(&new) }] });
    let edit = client.request("workspace/willRenameFiles", params);
    let changes = edit["changes"].as_object().unwrap();
    let expected = [
        (
            "guide/b.md",
            "# B\n\nSe [steg](../jv.md#første-steg) og [f](../fusjon-ny.md).\n",
        ),
        (
            "c.md",
            "# C\n\nSe [steg][ref] og [f](/fusjon-ny).\n\n[ref]: jv#første-steg\n",
        ),
        // Its own relative link, written from its new folder.
        (
            "guide/fusjon.md",
            "---\ntitle: Fusjon\n---\n\n# Fusjon\n\nSe [jv](jv.md).\n",
        ),
    ];
    assert_eq!(changes.len(), expected.len(), "{edit:#}");
    for (name, expected) in expected {
        let path = dir.path().join(name);
        let edits = changes[&uri(&path)].as_array().unwrap();
        assert_eq!(edits.len(), 1, "{name}: {edits:?}");
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(apply(&text, &edits[0]), expected, "{name}");
    }
    client.stop();
}

#[test]
fn outline_pages_by_title_and_document_links() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let jv = open_file(&mut client, &dir.path().join("jv.md"));
    let outline = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": jv } }),
    );
    assert_eq!(outline.as_array().unwrap().len(), 1, "{outline:#}");
    assert_eq!(outline[0]["name"], "Joint venture");
    assert_eq!(outline[0]["children"][0]["name"], "Første steg");
    assert_eq!(
        outline[0]["children"][0]["selectionRange"],
        range((STEP, 3), (STEP, 14))
    );

    let found = client.request("workspace/symbol", json!({ "query": "fus" }));
    let names: Vec<&str> = (found.as_array().unwrap().iter())
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Fusjon"]);
    assert_eq!(
        found[0]["location"]["uri"],
        uri(&dir.path().join("guide/fusjon.md"))
    );

    let b = open_file(&mut client, &dir.path().join("guide/b.md"));
    let links = client.request(
        "textDocument/documentLink",
        json!({ "textDocument": { "uri": b } }),
    );
    let targets: Vec<&str> = (links.as_array().unwrap().iter())
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [jv.as_str(), &uri(&dir.path().join("guide/fusjon.md"))]
    );
    assert_eq!(links[0]["range"], range((2, 10), (2, 30)));
    client.stop();
}

#[test]
fn diagnostics_can_be_pulled() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let note = uri(&dir.path().join("notat.md"));
    client.open(&note, "# Notat\n\nSe [x](/mangler).\n");
    let report = client.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": note } }),
    );
    assert_eq!(report["kind"], "full");
    let codes: Vec<&str> = (report["items"].as_array().unwrap().iter())
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["broken-link"]);
    client.stop();
}
