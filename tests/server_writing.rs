//! `galley server` while a writer writes links: completion of relative paths, reference
//! definitions, images and anchors; hover on a reference definition; and code actions for
//! findings without a fix (suppress them, create the missing page). The real binary over
//! stdio, as in tests/server.rs.

mod common;
#[allow(
    dead_code,
    reason = "shared with tests/server.rs, which uses more of it"
)]
#[path = "support/lsp.rs"]
mod lsp;

use serde_json::{json, Value};

use lsp::{has, position, range, uri, Client};

fn corpus() -> tempfile::TempDir {
    common::corpus(&[
        ("galley.toml", "[links]\nslug_field = \"slug\"\n"),
        (
            "jv.md",
            "---\ntitle: Joint venture\nslug: jointventure\n---\n\n# Joint venture\n\n\
             ## Første steg\n",
        ),
        ("guide/fusjon.md", "# Fusjon\n\n## Risiko\n"),
        ("guide/bilder/figur.png", "png"),
        ("guide/bilder/foto.jpg", "jpg"),
    ])
}

fn labels(list: &Value) -> Vec<&str> {
    let mut labels: Vec<&str> = (list["items"].as_array().unwrap().iter())
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    labels.sort();
    labels
}

/// Opens `text` as `guide/ny.md` and asks for completion at the end of its last line.
fn complete_at_end(client: &mut Client, uri: &str, version: i32, text: &str) -> Value {
    if version == 1 {
        client.open(uri, text);
    } else {
        client.change(uri, version, json!([{ "text": text }]));
    }
    let last = text.lines().count() as u32 - 1;
    let column = text.lines().last().unwrap().chars().count() as u32;
    let at = json!({ "textDocument": { "uri": uri }, "position": position(last, column) });
    client.request("textDocument/completion", at)
}

#[test]
fn completion_offers_relative_paths_definitions_images_and_anchors() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let page = uri(&dir.path().join("guide/ny.md"));

    // A relative path: pages written from this page's folder.
    let list = complete_at_end(&mut client, &page, 1, "# Ny\n\nSe [jv](../");
    assert_eq!(labels(&list), ["../jv.md", "../klar.md"]);
    assert_eq!(
        list["items"][0]["textEdit"]["range"],
        range((2, 8), (2, 11))
    );
    let list = complete_at_end(&mut client, &page, 2, "# Ny\n\nSe [f](fu");
    assert_eq!(labels(&list), ["fusjon.md"]);
    // A reference definition.
    let list = complete_at_end(&mut client, &page, 3, "# Ny\n\n[jv]: /joint");
    assert_eq!(labels(&list), ["/jointventure"]);
    // An image: the files of the folder typed.
    let list = complete_at_end(&mut client, &page, 4, "# Ny\n\n![Figur](bilder/f");
    assert_eq!(labels(&list), ["figur.png", "foto.jpg"]);
    assert_eq!(
        list["items"][0]["textEdit"]["range"],
        range((2, 16), (2, 17))
    );
    // The anchors of a page reached by a relative path.
    let list = complete_at_end(&mut client, &page, 5, "# Ny\n\nSe [f](fusjon.md#");
    assert_eq!(labels(&list), ["fusjon", "risiko"]);
    client.stop();
}

#[test]
fn hover_on_a_reference_definition_shows_the_target_page() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let page = uri(&dir.path().join("ny.md"));
    client.open(
        &page,
        "# Ny\n\nSe [jv].\n\n[jv]: /jointventure#første-steg\n",
    );
    let at = json!({ "textDocument": { "uri": page }, "position": position(4, 2) });
    let hover = client.request("textDocument/hover", at);
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("**Joint venture**"), "{text}");
    assert!(text.contains("a heading of the page"), "{text}");
    client.stop();
}

/// The code actions offered for the range, by title.
fn actions(client: &mut Client, uri: &str, line: u32, character: u32) -> Vec<Value> {
    let params = json!({
        "textDocument": { "uri": uri },
        "range": range((line, character), (line, character)),
        "context": { "diagnostics": [] },
    });
    let found = client.request("textDocument/codeAction", params);
    found.as_array().unwrap().clone()
}

fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    (actions.iter().find(|a| a["title"] == title))
        .unwrap_or_else(|| panic!("no `{title}` in {actions:#?}"))
}

#[test]
fn findings_without_a_fix_can_be_suppressed_or_their_page_created() {
    let dir = corpus();
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let page = uri(&dir.path().join("ny.md"));
    let text = "---\ntitle: Ny\n---\n\nSe [ordlisten](/guide/ordliste).\n";
    client.open(&page, text);
    client.diagnostics(&page, has("broken-link"));

    let found = actions(&mut client, &page, 4, 20);
    let line = titled(&found, "Suppress `broken-link` on this line");
    let edit = &line["edit"]["changes"][&page][0];
    assert_eq!(edit["range"], range((4, 0), (4, 0)));
    assert_eq!(
        edit["newText"],
        "<!-- galley-disable-next-line broken-link -->\n"
    );
    let file = titled(&found, "Suppress `broken-link` in this file");
    let edit = &file["edit"]["changes"][&page][0];
    // After the frontmatter.
    assert_eq!(edit["range"], range((3, 0), (3, 0)));
    assert_eq!(
        edit["newText"],
        "<!-- galley-disable-file broken-link -->\n"
    );

    let create = titled(&found, "Create the page `guide/ordliste.md`");
    let new_page = uri(&dir.path().join("guide/ordliste.md"));
    let changes = &create["edit"]["documentChanges"];
    assert_eq!(changes[0]["kind"], "create");
    assert_eq!(changes[0]["uri"], new_page);
    // Titled by the link's text; no schema asks for frontmatter.
    assert_eq!(changes[1]["edits"][0]["newText"], "# Ordlisten\n");

    // Applied, the suppression holds: the finding is gone.
    let text = "---\ntitle: Ny\n---\n\n<!-- galley-disable-next-line broken-link -->\n\
                Se [ordlisten](/guide/ordliste).\n";
    client.change(&page, 2, json!([{ "text": text }]));
    client.diagnostics(&page, <[Value]>::is_empty);
    client.stop();
}

#[test]
fn a_created_page_has_the_frontmatter_the_schema_asks_for() {
    let schema = "type: object\n\
                  required: [title, description, tags, weight, draft, published]\n\
                  properties:\n\
                  \x20 title: { type: string, minLength: 1 }\n\
                  \x20 description: { type: string, minLength: 1 }\n\
                  \x20 tags: { type: array, minItems: 1, items: { type: string } }\n\
                  \x20 weight: { type: integer, minimum: 1 }\n\
                  \x20 draft: { type: boolean }\n\
                  \x20 published: { type: string, format: date }\n\
                  \x20 slug: { type: string }\n\
                  additionalProperties: false\n";
    let dir = common::corpus(&[
        ("galley.toml", "[frontmatter]\nschema = \"schema.yaml\"\n"),
        ("schema.yaml", schema),
    ]);
    let mut client = Client::start(dir.path());
    client.wait_for_index(dir.path());
    let page = uri(&dir.path().join("ny.md"));
    let text = "---\ntitle: Ny\ndescription: Ny.\ntags: [a]\nweight: 1\ndraft: false\n\
                published: 2026-01-01\n---\n\nSe [felles ordliste](ordliste).\n";
    client.open(&page, text);
    client.diagnostics(&page, has("broken-link"));
    let found = actions(&mut client, &page, 9, 25);
    let create = titled(&found, "Create the page `ordliste.md`");
    let template = create["edit"]["documentChanges"][1]["edits"][0]["newText"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        template.starts_with("---\ntitle: Felles ordliste\ndescription: Felles ordliste\n"),
        "{template}"
    );
    assert!(
        template.ends_with("---\n\n# Felles ordliste\n"),
        "{template}"
    );

    // The page as it would be without frontmatter, or with only a title, breaks the schema;
    // as created, it does not.
    let created = uri(&dir.path().join("ordliste.md"));
    client.open(&created, "# Felles ordliste\n");
    client.diagnostics(&created, has("frontmatter-syntax"));
    let titled_only = "---\ntitle: Felles ordliste\n---\n\n# Felles ordliste\n";
    client.change(&created, 2, json!([{ "text": titled_only }]));
    client.diagnostics(&created, has("frontmatter-schema"));
    client.change(&created, 3, json!([{ "text": template }]));
    let found = client.next(|m| m["params"]["uri"] == created && m["params"]["version"] == 3);
    let found = found["params"]["diagnostics"].as_array().unwrap();
    assert!(
        !has("frontmatter-syntax")(found) && !has("frontmatter-schema")(found),
        "{found:#?}"
    );
    client.stop();
}
