//! Reads the default rule pack (`rules/*.yaml`) at build time: each file's text with the JSON
//! its YAML reads, so that a run does not parse the pack's YAML again (it cost more than
//! checking a page). Only mappings, sequences, strings, booleans, integers and nulls are
//! converted here; a file with anything else is left for the engine to read as it reads any
//! pack. A test holds what is converted here equal to what the engine reads.

use std::path::Path;

use saphyr::{LoadableYamlNode, Scalar, Yaml};
use serde_json::{json, Map, Value};

fn main() {
    // Read when the script runs, not baked in when it is compiled: a build script compiled
    // for a checkout elsewhere (a shared target folder) is run again for this one.
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let folder = Path::new(&manifest).join("../../rules");
    println!("cargo::rerun-if-changed={}", folder.display());
    let mut paths: Vec<_> = std::fs::read_dir(&folder)
        .expect("the rules folder is readable")
        .map(|entry| entry.expect("the rules folder is readable").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yaml" || ext == "yml")
        })
        .collect();
    paths.sort();
    let files: Vec<Value> = paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("a rule file is UTF-8");
            let value = Yaml::load_from_str(&text)
                .ok()
                .and_then(|documents| documents.first().and_then(to_json));
            let name = path.file_name().expect("a file name").to_string_lossy();
            json!({ "name": format!("rules/{name}"), "text": text, "value": value })
        })
        .collect();
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("default_pack.json");
    std::fs::write(out, Value::Array(files).to_string()).expect("OUT_DIR is writable");
}

/// The JSON of `node`, or `None` for what is not converted here.
fn to_json(node: &Yaml) -> Option<Value> {
    Some(match node {
        Yaml::Value(Scalar::Null) => Value::Null,
        Yaml::Value(Scalar::Boolean(b)) => Value::Bool(*b),
        Yaml::Value(Scalar::Integer(i)) => Value::from(*i),
        Yaml::Value(Scalar::String(s)) => Value::String(s.to_string()),
        Yaml::Sequence(items) => Value::Array(items.iter().map(to_json).collect::<Option<_>>()?),
        Yaml::Mapping(mapping) => {
            let mut object = Map::new();
            for (key, value) in mapping {
                let Yaml::Value(Scalar::String(key)) = key else {
                    return None;
                };
                if object.insert(key.to_string(), to_json(value)?).is_some() {
                    return None;
                }
            }
            Value::Object(object)
        }
        _ => return None,
    })
}
