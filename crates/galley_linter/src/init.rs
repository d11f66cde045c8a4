//! `galley init`: a starter `galley.toml`, and a JSON Schema inferred from the frontmatter of
//! the files already there (the keys, their types, which are present everywhere).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::config::CONFIG_FILE;
use crate::error::Error;
use crate::frontmatter::Frontmatter;
use crate::paths::absolute;
use crate::site::Site;

pub const SCHEMA_FILE: &str = "schemas/frontmatter.schema.json";

/// What a key looked like across the corpus.
#[derive(Default)]
struct KeyUse {
    files: usize,
    types: Vec<&'static str>,
}

pub struct Written {
    pub config: PathBuf,
    pub schema: PathBuf,
    /// Files whose frontmatter was read.
    pub files_read: usize,
    pub keys: usize,
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The schema that every given frontmatter mapping fits.
pub fn infer_schema<'a>(blocks: impl Iterator<Item = &'a Value>) -> Value {
    let mut keys: BTreeMap<String, KeyUse> = BTreeMap::new();
    let mut total = 0;
    for block in blocks {
        let Some(object) = block.as_object() else {
            continue;
        };
        total += 1;
        for (key, value) in object {
            let used = keys.entry(key.clone()).or_default();
            used.files += 1;
            let kind = json_type(value);
            if !used.types.contains(&kind) {
                used.types.push(kind);
            }
        }
    }
    let mut properties = Map::new();
    for (key, used) in &keys {
        let mut types = used.types.clone();
        // An integer is a number too: keep the wider type when both were seen.
        if types.contains(&"number") {
            types.retain(|t| *t != "integer");
        }
        types.sort_unstable();
        let kind = if types.len() == 1 {
            json!(types[0])
        } else {
            json!(types)
        };
        properties.insert(key.clone(), json!({ "type": kind }));
    }
    let required: Vec<&String> = keys
        .iter()
        .filter(|(_, used)| used.files == total)
        .map(|(key, _)| key)
        .collect();
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Frontmatter",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

/// The `[site]` table: the generator found in `dir` (or below it), so that the user sees
/// what links are resolved by and can correct it.
fn site_table(dir: &Path) -> String {
    let Some(site) = Site::detect(dir) else {
        return "# No site generator found: links resolve as plain files. Name one if the site\n\
                # has it (hugo, docfx, docusaurus, mkdocs, jekyll, starlight, mdbook):\n\
                # [site]\n\
                # generator = \"hugo\"\n\n"
            .to_string();
    };
    let folder = site.dir.strip_prefix(absolute(dir)).unwrap_or(&site.dir);
    let folder = folder.to_string_lossy().replace('\\', "/");
    let quoted = toml::Value::String(folder.clone()).to_string();
    let name = site.generator.name();
    let mut table = format!(
        "[site]\n\
         # Detected by `galley init` from the generator's config: links resolve as {name} \
         serves them.\n\
         generator = \"{name}\"\n"
    );
    if !folder.is_empty() {
        table.push_str(&format!(
            "# The folder holding {name}'s config.\ndir = {quoted}\n"
        ));
    }
    table.push('\n');
    table
}

fn starter_config(dir: &Path, extensions: &[String]) -> String {
    let extensions = extensions
        .iter()
        .map(|extension| format!("\"{extension}\""))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "# galley's configuration. Every rule's options: `galley explain <rule>`.\n\
         \n\
         [files]\n\
         extensions = [{extensions}]\n\
         # exclude = [\"drafts/**\"]\n\
         \n\
         {}\
         [frontmatter]\n\
         # Inferred by `galley init` from the files found; edit it to taste.\n\
         schema = \"{SCHEMA_FILE}\"\n\
         \n\
         [links]\n\
         slug_field = \"slug\"\n\
         \n\
         # [rules.stray-punctuation]\n\
         # level = \"warning\"\n\
         \n\
         # [[overrides]]\n\
         # files = [\"legacy/**\"]\n\
         # [overrides.rules.broken-link]\n\
         # level = \"warning\"\n",
        site_table(dir)
    )
}

/// Writes `galley.toml` and the schema in `dir`; refuses to overwrite either.
pub fn init(dir: &Path, extensions: &[String]) -> Result<Written, Error> {
    init_folder(dir, extensions).map_err(Error::Init)
}

fn init_folder(dir: &Path, extensions: &[String]) -> Result<Written, String> {
    let config = dir.join(CONFIG_FILE);
    let schema = dir.join(SCHEMA_FILE);
    for path in [&config, &schema] {
        if path.exists() {
            return Err(format!(
                "{} exists already; galley init writes only new files",
                path.display()
            ));
        }
    }
    let mut blocks = Vec::new();
    let mut without_block = 0;
    for entry in ignore::WalkBuilder::new(dir)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        let is_content = entry.file_type().is_some_and(|t| t.is_file())
            && crate::paths::has_extension(path, extensions);
        let Some(text) = is_content
            .then(|| std::fs::read_to_string(path).ok())
            .flatten()
        else {
            continue;
        };
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        match Frontmatter::split(&text, bom) {
            Some(frontmatter) => blocks.extend(frontmatter.content.ok().map(|data| data.value)),
            None => without_block += 1,
        }
    }
    let mut inferred = infer_schema(blocks.iter());
    // Pages without a block are part of the site as it is (a README, an include, a static
    // file): the schema cannot require what they lack, and so requires no key.
    if without_block > 0 {
        inferred["required"] = json!([]);
    }
    let keys = inferred["properties"].as_object().map_or(0, Map::len);
    let write = |path: &Path, text: &str| -> Result<(), String> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    let pretty = serde_json::to_string_pretty(&inferred).map_err(|e| e.to_string())? + "\n";
    write(&schema, &pretty)?;
    write(&config, &starter_config(dir, extensions))?;
    Ok(Written {
        config,
        schema,
        files_read: blocks.len(),
        keys,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_keeps_keys_types_and_what_is_everywhere() {
        let blocks = [
            json!({"title": "A", "keywords": "x", "draft": false}),
            json!({"title": "B", "weight": 2}),
            json!({"title": "C", "weight": 2.5}),
        ];
        let schema = infer_schema(blocks.iter());
        assert_eq!(schema["required"], json!(["title"]));
        assert_eq!(schema["properties"]["title"], json!({"type": "string"}));
        assert_eq!(schema["properties"]["weight"], json!({"type": "number"}));
        assert_eq!(schema["properties"]["draft"], json!({"type": "boolean"}));
        assert_eq!(schema["additionalProperties"], json!(false));
    }
}
