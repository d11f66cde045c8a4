//! `galley server` driven as an editor drives it: the real binary over stdio, spoken to in
//! JSON-RPC by a small client (initialize, open, change, code actions, completion, hover,
//! shutdown, exit).

mod common;
#[path = "support/lsp.rs"]
mod lsp;

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use lsp::{has, position, range, uri, Client};

/// A small corpus: a joint-venture page with a slug and headings, and a folder with a page.
fn corpus() -> tempfile::TempDir {
    common::corpus(&[
        ("galley.toml", "[links]\nslug_field = \"slug\"\n"),
        (
            "jv.md",
            "---\ntitle: Joint venture\ndescription: Et felles selskap eid av to bedrifter.\n\
             slug: jointventure\n---\n\n# Joint venture\n\n## Første steg\n\nTekst.\n",
        ),
        (
            "guide/fusjon.md",
            "---\ntitle: Fusjon\n---\n\n# Fusjon\n\n## Risiko\n\nTekst.\n",
        ),
    ])
}

fn codes(diagnostics: &[Value]) -> Vec<&str> {
    let mut codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    codes.sort();
    codes
}

fn article(dir: &Path) -> (PathBuf, String) {
    let path = dir.join("artikkel.md");
    (path.clone(), uri(&path))
}

#[test]
fn diagnostics_follow_the_buffer_as_typed() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, uri) = article(dir.path());
    client.open(&uri, "# Artikkel\n\nSe [jv](/jointventur).\n\n>\n");

    // The broken link needs the corpus's index, which is read in the background.
    let found = client.diagnostics(&uri, has("broken-link"));
    assert_eq!(codes(&found), ["broken-link", "empty-blockquote"]);
    let link = found.iter().find(|d| d["code"] == "broken-link").unwrap();
    assert_eq!(link["range"], range((2, 8), (2, 20)));
    assert_eq!(link["severity"], 1);
    assert_eq!(link["source"], "galley");
    assert!(link["message"]
        .as_str()
        .unwrap()
        .contains("did you mean `/jointventure`?"));
    let quote = found
        .iter()
        .find(|d| d["code"] == "empty-blockquote")
        .unwrap();
    assert_eq!(quote["severity"], 2);

    // Incremental sync: type the missing `e`; the link mends.
    client.change(
        &uri,
        2,
        json!([{ "range": range((2, 20), (2, 20)), "text": "e" }]),
    );
    let found = client.diagnostics(&uri, |d| !has("broken-link")(d));
    assert_eq!(codes(&found), ["empty-blockquote"]);

    // Full sync: the whole text at once.
    client.change(&uri, 3, json!([{ "text": "# Artikkel\n\nRent.\n" }]));
    client.diagnostics(&uri, <[Value]>::is_empty);
    client.stop();
}

#[test]
fn positions_count_utf16_units_across_crlf_and_emoji() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, uri) = article(dir.path());
    // Line 2: `æøå 😀 ` is 3 + 1 + 2 + 1 = 7 UTF-16 units, so `[` is at 7 and the destination
    // `/mangler` at 11..19.
    client.open(&uri, "# Tittel\r\n\r\næøå 😀 [x](/mangler) ja,. nei\r\n");
    let found = client.diagnostics(&uri, has("broken-link"));
    let link = found.iter().find(|d| d["code"] == "broken-link").unwrap();
    assert_eq!(link["range"], range((2, 11), (2, 19)));
    let marks = found
        .iter()
        .find(|d| d["code"] == "stray-punctuation")
        .unwrap();
    assert_eq!(marks["range"], range((2, 23), (2, 25)));

    // An edit placed by UTF-16 positions lands between the right bytes: `😀` becomes `x`.
    client.change(
        &uri,
        2,
        json!([{ "range": range((2, 4), (2, 6)), "text": "x" }]),
    );
    let found = client.diagnostics(&uri, |d| {
        d.iter()
            .any(|d| d["code"] == "broken-link" && d["range"] == range((2, 10), (2, 18)))
    });
    assert_eq!(codes(&found), ["broken-link", "stray-punctuation"]);
    client.stop();
}

#[test]
fn a_renamed_heading_breaks_and_mends_links_in_other_open_buffers() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, article) = article(dir.path());
    client.open(&article, "# A\n\nSe [steg](/jointventure#første-steg).\n");
    // Wait until the index is in and the link is known to be good.
    client.diagnostics(&article, <[Value]>::is_empty);

    let jv = uri(&dir.path().join("jv.md"));
    let text = std::fs::read_to_string(dir.path().join("jv.md")).unwrap();
    client.open(&jv, &text);
    client.diagnostics(&jv, <[Value]>::is_empty);
    // Rename `## Første steg` (line 8) to `## Andre steg`: the article's link breaks though
    // the article itself was not touched.
    client.change(
        &jv,
        2,
        json!([{ "range": range((8, 3), (8, 9)), "text": "Andre" }]),
    );
    let found = client.diagnostics(&article, has("broken-link"));
    let related = &found[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], jv);
    // Renamed back, it mends.
    client.change(
        &jv,
        3,
        json!([{ "range": range((8, 3), (8, 8)), "text": "Første" }]),
    );
    client.diagnostics(&article, <[Value]>::is_empty);

    // A new slug is found at once too.
    client.change(
        &article,
        2,
        json!([{ "text": "# A\n\nSe [ny](/ny-side).\n" }]),
    );
    client.diagnostics(&article, has("broken-link"));
    let replace = range((3, 6), (3, 18));
    client.change(&jv, 4, json!([{ "range": replace, "text": "ny-side" }]));
    client.diagnostics(&article, <[Value]>::is_empty);
    client.stop();
}

/// Applies LSP text edits (on one line each, ASCII) to `text`, last first.
fn apply(text: &str, edits: &[Value]) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let mut edits = edits.to_vec();
    edits.sort_by_key(|e| {
        let start = &e["range"]["start"];
        (start["line"].as_u64(), start["character"].as_u64())
    });
    for edit in edits.iter().rev() {
        let (start, end) = (&edit["range"]["start"], &edit["range"]["end"]);
        assert_eq!(
            start["line"], end["line"],
            "multi-line edits are not expected here"
        );
        let line = &mut lines[start["line"].as_u64().unwrap() as usize];
        let span = start["character"].as_u64().unwrap() as usize
            ..end["character"].as_u64().unwrap() as usize;
        line.replace_range(span, edit["newText"].as_str().unwrap());
    }
    lines.join("\n")
}

#[test]
fn quick_fixes_and_fix_all() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, uri) = article(dir.path());
    let text = "# A\n\nEn, to,, tre ,fire,. fem.\n";
    client.open(&uri, text);
    client.diagnostics(&uri, |d| d.len() == 3);

    // Under the cursor at `,,`: its safe fix, preferred.
    let params = |range: Value, only: Value| {
        json!({ "textDocument": { "uri": uri }, "range": range,
                "context": { "diagnostics": [], "only": only } })
    };
    let actions = client.request(
        "textDocument/codeAction",
        params(range((2, 7), (2, 7)), json!(["quickfix"])),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["diagnostics"][0]["code"], "stray-punctuation");
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(apply(text, edits), "# A\n\nEn, to, tre ,fire,. fem.\n");

    // `,.` has an unsafe fix: offered, not preferred.
    let actions = client.request(
        "textDocument/codeAction",
        params(range((2, 18), (2, 19)), Value::Null),
    );
    let unsafe_fix = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["kind"] == "quickfix")
        .unwrap();
    assert_eq!(unsafe_fix["isPreferred"], false);

    // `source.fixAll` (as on save) applies every safe fix, and only those.
    let actions = client.request(
        "textDocument/codeAction",
        params(range((0, 0), (0, 0)), json!(["source.fixAll"])),
    );
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["kind"], "source.fixAll.galley");
    let edits = actions[0]["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(apply(text, edits), "# A\n\nEn, to, tre, fire,. fem.\n");
    client.stop();
}

#[test]
fn completion_offers_pages_then_their_anchors() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, uri) = article(dir.path());
    client.wait_for_index(dir.path());
    client.open(&uri, "# A\n\nSe [jv](/\n");

    let at = |line: u32, character: u32| json!({ "textDocument": { "uri": uri }, "position": position(line, character) });
    let list = client.request("textDocument/completion", at(2, 9));
    let items = list["items"].as_array().unwrap();
    let labels: Vec<&str> = items.iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"/jointventure"), "{labels:?}");
    assert!(labels.contains(&"/guide/fusjon"), "{labels:?}");
    let jv = items
        .iter()
        .find(|i| i["label"] == "/jointventure")
        .unwrap();
    assert_eq!(jv["detail"], "Joint venture");
    assert_eq!(jv["textEdit"]["range"], range((2, 8), (2, 9)));

    client.change(
        &uri,
        2,
        json!([{ "text": "# A\n\nSe [jv](/jointventure#f\n" }]),
    );
    let list = client.request("textDocument/completion", at(2, 23));
    let labels: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["første-steg", "joint-venture"]);
    client.stop();
}

#[test]
fn hover_on_a_link_shows_the_target_page() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, uri) = article(dir.path());
    client.wait_for_index(dir.path());
    client.open(
        &uri,
        "# A\n\nSe [felles selskap](/jointventure#første-steg) nå.\n",
    );
    let at = json!({ "textDocument": { "uri": uri }, "position": position(2, 6) });
    let hover = client.request("textDocument/hover", at);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**Joint venture**"), "{text}");
    assert!(
        text.contains("Et felles selskap eid av to bedrifter."),
        "{text}"
    );
    assert!(
        text.contains("`#første-steg`: a heading of the page"),
        "{text}"
    );
    assert_eq!(hover["range"], range((2, 3), (2, 46)));
    client.stop();
}

#[test]
fn bad_input_never_stops_the_server() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, uri) = article(dir.path());
    client.open(&uri, "# A\n");
    client.diagnostics(&uri, <[Value]>::is_empty);
    let big_paste =
        "Et avsnitt med [lenke](/jointventure) og litt tekst, æøå 😀.\n\n".repeat(80_000);
    assert!(big_paste.len() > 5_000_000);
    let edits = [
        // A frontmatter being typed: unterminated, then invalid YAML, then a list.
        json!([{ "text": "---\ntitle: \"Halv\n" }]),
        json!([{ "text": "---\ntitle: [a, b\n: :\n---\n# A\n" }]),
        json!([{ "text": "---\n- a\n- b\n---\n\n>\n\næ😀ø\n" }]),
        // Positions past the end of the text, and inside an emoji's surrogate pair.
        json!([{ "range": range((900_000, 4), (900_001, 0)), "text": "x" }]),
        json!([{ "range": range((7, 2), (7, 3)), "text": "" }]),
        // A 5 MB paste, then all of it replaced.
        json!([{ "range": range((9, 0), (9, 0)), "text": big_paste }]),
        json!([{ "text": "\u{feff}---\r\nslug: [\r\n" }]),
    ];
    for (version, edit) in (2..).zip(edits) {
        client.change(&uri, version, edit);
        // It still answers requests after each edit.
        let at = json!({ "textDocument": { "uri": uri }, "position": position(1, 3) });
        client.request("textDocument/hover", at);
    }
    let last = client.next(|m| m["params"]["uri"] == uri && m["params"]["version"] == 8);
    let found = last["params"]["diagnostics"].as_array().unwrap();
    assert_eq!(codes(found), ["frontmatter-syntax"]);
    // Requests for unknown buffers and with bad parameters get answers, not a crash.
    let unknown =
        json!({ "textDocument": { "uri": "file:///nowhere.md" }, "position": position(0, 0) });
    assert_eq!(client.request("textDocument/hover", unknown), Value::Null);
    client.next_id += 1;
    let id = client.next_id;
    client.send(
        json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": { "x": 1 } }),
    );
    let answer = client.next(|m| m["id"] == id);
    assert_eq!(answer["error"]["code"], -32602);
    client.stop();
}

#[test]
fn configuration_changes_are_picked_up() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, uri) = article(dir.path());
    client.open(&uri, "# A\n\n>\n");
    client.diagnostics(&uri, has("empty-blockquote"));
    let config = dir.path().join("galley.toml");
    std::fs::write(&config, "[rules.empty-blockquote]\nlevel = \"off\"\n").unwrap();
    let change = json!({ "changes": [{ "uri": self::uri(&config), "type": 2 }] });
    client.notify("workspace/didChangeWatchedFiles", change);
    client.diagnostics(&uri, <[Value]>::is_empty);

    // A page created on disk is found through the watcher too.
    client.change(&uri, 2, json!([{ "text": "# A\n\n[ny](/ny)\n" }]));
    client.diagnostics(&uri, has("broken-link"));
    let page = dir.path().join("ny.md");
    std::fs::write(&page, "# Ny\n").unwrap();
    let change = json!({ "changes": [{ "uri": self::uri(&page), "type": 1 }] });
    client.notify("workspace/didChangeWatchedFiles", change);
    client.diagnostics(&uri, <[Value]>::is_empty);
    client.stop();
}

#[test]
fn malformed_messages_are_answered_and_the_server_goes_on() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, uri) = article(dir.path());
    client.open(&uri, "# A\n");
    client.diagnostics(&uri, <[Value]>::is_empty);
    let framed = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());

    // Lengths that would take a terabyte or 3 GB are refused, not allocated.
    for length in ["1000000000000", "3000000000"] {
        client.send_raw(format!("Content-Length: {length}\r\n\r\n{{}}").as_bytes());
        let error = client.next(|m| m["error"]["code"] == -32600);
        let message = error["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(length) && message.contains("MiB"),
            "{message}"
        );
    }
    // A body that is not JSON: a parse error.
    client.send_raw(framed("{\"jsonrpc\": \"2.0\", \"id\": ").as_bytes());
    let error = client.next(|m| m["error"]["code"] == -32700);
    assert_eq!(error["id"], Value::Null);
    // JSON that is not JSON-RPC: an invalid request, answered to its id.
    client.send_raw(framed(r#"{"id": 41, "hello": "world"}"#).as_bytes());
    let error = client.next(|m| m["id"] == 41);
    assert_eq!(error["error"]["code"], -32600);
    // A header without Content-Length: the body is skipped, and the next message is read.
    client.send_raw(b"Content-Type: application/json\r\n\r\n{\"jsonrpc\": \"2.0\"}");

    // A normal request after all of it is answered.
    let at = json!({ "textDocument": { "uri": uri }, "position": position(0, 0) });
    assert_eq!(client.request("textDocument/hover", at), Value::Null);
    client.stop();
}

#[test]
fn exit_without_shutdown_exits_with_1() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_status().code(), Some(1));
}

#[test]
fn requests_after_shutdown_are_refused() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.next_id += 1;
    let id = client.next_id;
    client
        .send(json!({ "jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {} }));
    let answer = client.next(|m| m["id"] == id);
    assert_eq!(answer["error"]["code"], -32600);
    client.notify("exit", Value::Null);
    assert_eq!(client.exit_status().code(), Some(0));
}

#[test]
fn reading_the_corpus_shows_progress() {
    let dir = corpus();
    let mut client = Client::start_with(
        dir.path(),
        json!({ "window": { "workDoneProgress": true } }),
    );
    let create = client.next(|m| m["method"] == "window/workDoneProgress/create");
    let token = create["params"]["token"].clone();
    let begin = client.next(|m| m["method"] == "$/progress");
    assert_eq!(begin["params"]["token"], token);
    assert_eq!(begin["params"]["value"]["kind"], "begin");
    let end = client.next(|m| m["method"] == "$/progress");
    assert_eq!(end["params"]["token"], token);
    assert_eq!(end["params"]["value"]["kind"], "end");
    assert_eq!(end["params"]["value"]["message"], "2 pages");
    client.stop();
}

#[test]
fn a_large_buffer_is_linted_without_stalling_the_others() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    let (_, small) = article(dir.path());
    client.open(&small, "# A\n");
    client.diagnostics(&small, <[Value]>::is_empty);
    // 3 MB: seconds to lint in a debug build.
    let large = uri(&dir.path().join("stor.md"));
    let text = "Et avsnitt med [lenke](/jointventure) og tekst.\n\n".repeat(60_000) + ">\n";
    client.open(&large, &text);
    client.change(&small, 2, json!([{ "text": "# A\n\n>\n" }]));
    client.diagnostics(&small, has("empty-blockquote"));
    let large_published =
        |m: &Value| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == large;
    assert!(
        !client.has_read(large_published),
        "the small buffer waited for the large one"
    );
    client.diagnostics(&large, has("empty-blockquote"));
    client.stop();
}

#[test]
fn diagnostics_link_to_their_rule_pages_in_the_repository() {
    let dir = common::corpus(&[
        ("galley.toml", "[rules]\npacks = [\"husstil\"]\n"),
        (
            "husstil/merkevare.yaml",
            "id: merkevare\nmessage: \"skriv Galley Press\"\ndescription: Merkevaren.\n\
             words:\n  galleypress: Galley Press\n",
        ),
    ]);
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let (_, uri) = article(dir.path());
    client.open(
        &uri,
        "# A\n\nPrisen steg -- og [x](/mangler) galleypress.\n",
    );
    let found = client.diagnostics(&uri, |d| d.len() == 3);
    let href = |code: &str| {
        let diagnostic = found.iter().find(|d| d["code"] == code).unwrap();
        diagnostic["codeDescription"]["href"].clone()
    };
    // A built-in rule and a default-pack rule: their pages, which exist in the repository,
    // at this version's tag.
    for rule in ["broken-link", "double-hyphen-dash"] {
        let page = format!("docs/rules/{rule}.md");
        assert!(Path::new(&page).is_file(), "{page} is missing");
        let repository = env!("CARGO_PKG_REPOSITORY");
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(href(rule), format!("{repository}/blob/v{version}/{page}"));
    }
    // The writer's own rule has no page there.
    assert_eq!(href("merkevare"), Value::Null);
    client.stop();
}

#[test]
fn fix_all_leaves_headings_whose_anchor_a_fix_would_move() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let (_, article) = article(dir.path());
    // Two spaces make the anchor `første--steg`: the repeated-space fix would move it.
    let text = "# A\n\n## Første  steg\n\nEn, to,, tre.\n";
    client.open(&article, text);
    let found = client.diagnostics(&article, has("stray-punctuation"));
    assert!(has("repeated-space")(&found), "{found:#?}");
    let params = json!({ "textDocument": { "uri": article }, "range": range((0, 0), (0, 0)),
                         "context": { "diagnostics": [], "only": ["source.fixAll"] } });
    let actions = client.request("textDocument/codeAction", params);
    let edits = actions[0]["edit"]["changes"][&article].as_array().unwrap();
    assert_eq!(
        apply(text, edits),
        "# A\n\n## Første  steg\n\nEn, to, tre.\n"
    );
    client.stop();
}
