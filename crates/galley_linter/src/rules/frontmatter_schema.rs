use std::path::Path;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::frontmatter::{escape_pointer, json_kind, yaml_to_json, Frontmatter, FrontmatterData};
use crate::rule::{declare_rule, Rule, RuleSettings};
use crate::source::read_regular;

declare_rule! {
    /// ## What it does
    /// Validates each file's frontmatter against the JSON Schema named in `galley.toml`
    /// (`[frontmatter] schema = "path"`, relative to the config file, written in JSON or
    /// YAML; drafts 4, 6, 7, 2019-09 and 2020-12, picked by the schema's `$schema`). The
    /// diagnostic points at the offending key or value; an unexpected key (with
    /// `additionalProperties: false`) at that key, a missing `required` key at the block's
    /// first line.
    ///
    /// ## Why
    /// Templates, search and navigation read the frontmatter: a missing description leaves an
    /// empty snippet, a list where a string was expected breaks the build.
    ///
    /// ## Example
    /// With a schema requiring `title` and `description`, both strings:
    /// ```markdown
    /// ---
    /// title: 42
    /// author: Kari
    /// ---
    /// ```
    /// flags `title` (not a string), `author` (not allowed) and the missing `description`.
    /// Nothing is checked when no schema is configured.
    ///
    /// ## Fix
    /// None: the right value is the writer's to give.
    pub static META = {
        id: "frontmatter-schema",
        severity: Error,
        fix: Never,
        summary: "frontmatter values that break the configured JSON Schema",
    };
}

pub struct FrontmatterSchema {
    /// `None` when no schema is configured: the rule then checks nothing.
    schema: Option<(Value, Validator)>,
}

pub fn build(settings: &RuleSettings) -> Result<Box<dyn Rule>, String> {
    settings.options::<crate::rules::NoOptions>()?;
    let config = settings.config;
    let Some(schema) = &config.schema else {
        return Ok(Box::new(FrontmatterSchema { schema: None }));
    };
    let loaded =
        load_schema(&schema.value).map_err(|error| format!("{}: schema {error}", schema.place))?;
    Ok(Box::new(FrontmatterSchema {
        schema: Some(loaded),
    }))
}

/// The largest schema file galley reads, the configured one or one named by a `$ref`.
const MAX_SCHEMA_BYTES: u64 = 16 << 20;

/// Reads a schema file: only a regular file, and no more than [`MAX_SCHEMA_BYTES`].
fn read_schema(path: &Path) -> Result<String, String> {
    let bytes = read_regular(path, Some(MAX_SCHEMA_BYTES))
        .map_err(|error| format!("{}: {error}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: not valid UTF-8", path.display()))
}

/// Fetches what a `$ref` names. jsonschema's own file reader would wait forever on a FIFO
/// and read `/dev/zero` until memory runs out; this one goes through [`read_schema`], and
/// reads nothing off the network.
struct SchemaFiles;

impl jsonschema::Retrieve for SchemaFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.scheme().as_str() != "file" {
            return Err(format!("`{}`: galley reads only local schema files", uri.as_str()).into());
        }
        let text = read_schema(Path::new(uri.path().as_str()))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// Whether the schema at `path` may require a key of every page: a top-level `required` list
/// that names one, or a combination or reference galley does not look into.
pub(crate) fn requires_a_key(path: &Path) -> Result<bool, String> {
    let schema = read_schema_value(path)?;
    let names_one = schema["required"]
        .as_array()
        .is_some_and(|keys| !keys.is_empty());
    let combined = ["allOf", "anyOf", "oneOf", "$ref", "if"]
        .iter()
        .any(|keyword| schema.get(keyword).is_some());
    Ok(names_one || combined)
}

/// The schema at `path`, read but not compiled: what a reader of its keywords needs.
/// Compiling is the costly part: about 5 M instructions for the bench's schema.
pub(crate) fn read_schema_value(path: &Path) -> Result<Value, String> {
    let text = read_schema(path)?;
    let is_json = path.extension().is_some_and(|ext| ext == "json");
    let schema: Value = if is_json {
        serde_json::from_str(&text).map_err(|error| {
            format!(
                "{}:{}:{}: invalid JSON: {error}",
                path.display(),
                error.line(),
                error.column()
            )
        })?
    } else {
        yaml_to_json(&text).map_err(|error| format!("{}:{error}", path.display()))?
    };
    Ok(schema)
}

pub(crate) fn load_schema(path: &Path) -> Result<(Value, Validator), String> {
    let schema = read_schema_value(path)?;
    let base_uri = std::path::absolute(path)
        .ok()
        .map(|absolute| format!("file://{}", absolute.display()));
    let mut options = jsonschema::options()
        .should_validate_formats(true)
        .with_retriever(SchemaFiles);
    if let Some(base_uri) = base_uri {
        options = options.with_base_uri(base_uri);
    }
    let validator = options
        .build(&schema)
        .map_err(|error| format!("{}: is not a valid JSON Schema: {error}", path.display()))?;
    Ok((schema, validator))
}

/// `keywords[0]` for the pointer `/keywords/0`.
fn key_path(pointer: &str) -> String {
    let mut path = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.parse::<usize>().is_ok() && !path.is_empty() {
            path.push_str(&format!("[{segment}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&segment);
        }
    }
    path
}

/// The keys an object schema at `schema_pointer` declares, for telling what was expected.
fn declared_keys(schema: &Value, keyword_pointer: &str) -> Vec<String> {
    let object_pointer = keyword_pointer
        .rsplit_once('/')
        .map_or("", |(parent, _)| parent);
    schema
        .pointer(object_pointer)
        .and_then(|object| object.get("properties"))
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().collect())
        .unwrap_or_default()
}

impl FrontmatterSchema {
    fn validate(
        &self,
        source: &str,
        frontmatter: &Frontmatter,
        data: &FrontmatterData,
        out: &mut Vec<Diagnostic>,
    ) {
        let Some((schema, validator)) = &self.schema else {
            return;
        };
        for error in validator.iter_errors(&data.value) {
            let pointer = error.instance_path().as_str().to_string();
            let node = data.closest_node(&pointer);
            // The offending key's line: the key and its value when they share the line (or
            // the value is empty), the key alone when the value starts below it.
            let value_span =
                node.map_or(frontmatter.opening_line.clone(), |node| match &node.key {
                    Some(key) if node.value.is_empty() => key.clone(),
                    Some(key) if source[key.end..node.value.start].contains('\n') => key.clone(),
                    Some(key) => key.start..node.value.end,
                    None => node.value.clone(),
                });
            match error.kind() {
                ValidationErrorKind::Required { property } => {
                    let name = property
                        .as_str()
                        .map_or_else(|| property.to_string(), str::to_string);
                    let within = key_path(&pointer);
                    let message = if within.is_empty() {
                        format!("missing required frontmatter key `{name}`")
                    } else {
                        format!("missing required key `{name}` in `{within}`")
                    };
                    let span = if within.is_empty() {
                        frontmatter.opening_line.clone()
                    } else {
                        value_span
                    };
                    out.push(
                        Diagnostic::new(span, message)
                            .with_label(format!("`{name}` is required"))
                            .with_help(format!("add a `{name}:` line to the block")),
                    );
                }
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let allowed = declared_keys(schema, error.schema_path().as_str());
                    for key in unexpected {
                        let child = format!("{pointer}/{}", escape_pointer(key));
                        let span = data
                            .nodes
                            .iter()
                            .find(|node| node.pointer == child)
                            .and_then(|node| node.key.clone())
                            .unwrap_or_else(|| value_span.clone());
                        let help = if allowed.is_empty() {
                            "remove the key, or declare it in the schema".to_string()
                        } else {
                            format!("allowed keys: {}", allowed.join(", "))
                        };
                        out.push(
                            Diagnostic::new(span, format!("unexpected frontmatter key `{key}`"))
                                .with_label("not allowed by the schema")
                                .with_help(help),
                        );
                    }
                }
                _ => {
                    let found = data.value.pointer(&pointer).map_or("nothing", json_kind);
                    out.push(
                        Diagnostic::new(
                            value_span,
                            format!("frontmatter `{}` is invalid: {error}", key_path(&pointer)),
                        )
                        .with_label(format!("`{}` is {found}", key_path(&pointer)))
                        .with_help(format!(
                            "the schema requires: {}",
                            expectation(error.kind())
                        )),
                    );
                }
            }
        }
    }
}

/// What the schema wanted, in words, for the help line.
fn expectation(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Type {
            kind: TypeKind::Single(kind),
        } => format!("a value of type {kind}"),
        ValidationErrorKind::Type {
            kind: TypeKind::Multiple(kinds),
        } => format!(
            "a value of type {}",
            kinds
                .iter()
                .map(|kind| kind.to_string())
                .collect::<Vec<_>>()
                .join(" or ")
        ),
        ValidationErrorKind::Enum { options } => format!("one of {options}"),
        ValidationErrorKind::Pattern { pattern } => format!("a match for the pattern `{pattern}`"),
        ValidationErrorKind::Format { format } => format!("the format `{format}`"),
        ValidationErrorKind::MinLength { limit } => format!("at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("at most {limit} characters"),
        other => format!("the `{}` keyword to hold", other.keyword()),
    }
}

impl Rule for FrontmatterSchema {
    fn check(&self, doc: &Document, out: &mut Vec<Diagnostic>) {
        // Unreadable blocks and missing ones are frontmatter-syntax's to report.
        if let Some(frontmatter) = &doc.frontmatter {
            if let Ok(data) = &frontmatter.content {
                self.validate(doc.source, frontmatter, data, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_paths_read_like_yaml() {
        assert_eq!(key_path("/keywords/0"), "keywords[0]");
        assert_eq!(key_path("/a~1b/c"), "a/b.c");
        assert_eq!(key_path(""), "");
    }
}
