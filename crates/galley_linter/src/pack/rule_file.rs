//! One rule file of a pack: as given (its name and text, and for the default pack what its
//! YAML reads), and as read, with what is needed to point at its keys.

use std::ops::Range;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::config::place;
use crate::frontmatter::FrontmatterData;

/// One rule file of a pack, as read.
#[derive(Deserialize)]
pub(super) struct PackFile {
    pub(super) name: String,
    pub(super) text: String,
    /// What its YAML reads, when that was worked out at build time (the default pack).
    pub(super) value: Option<Value>,
}

impl PackFile {
    pub(super) fn new(name: String, text: String) -> Self {
        PackFile {
            name,
            text,
            value: None,
        }
    }
}

/// One rule file as parsed, with what is needed to point at its keys.
pub(super) struct RuleFile<'a> {
    pub(super) name: &'a str,
    pub(super) text: &'a str,
    pub(super) data: FrontmatterData,
}

impl RuleFile<'_> {
    fn place(&self, span: Range<usize>) -> String {
        place(Path::new(self.name), self.text, span)
    }

    /// The span of a key (or of its value, `at_value`), else the file's start.
    fn span_of(&self, pointer: &str, at_value: bool) -> Range<usize> {
        let node = self.data.nodes.iter().find(|node| node.pointer == pointer);
        match node {
            Some(node) if at_value => node.value.clone(),
            Some(node) => node.key.clone().unwrap_or(node.value.clone()),
            None => 0..0,
        }
    }

    pub(super) fn error(&self, pointer: &str, at_value: bool, message: impl AsRef<str>) -> String {
        format!(
            "{}: {}",
            self.place(self.span_of(pointer, at_value)),
            message.as_ref()
        )
    }

    pub(super) fn get(&self, key: &str) -> Option<&Value> {
        self.data.value.get(key)
    }

    pub(super) fn string(&self, key: &str) -> Result<Option<String>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(self.error(
                &format!("/{key}"),
                true,
                format!("`{key}` must be a string"),
            )),
        }
    }

    pub(super) fn strings(&self, key: &str) -> Result<Vec<(String, String)>, String> {
        let pointer = format!("/{key}");
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::String(text)) => Ok(vec![(text.clone(), pointer)]),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(text) => Ok((text.clone(), format!("{pointer}/{i}"))),
                    _ => Err(self.error(
                        &format!("{pointer}/{i}"),
                        true,
                        format!("`{key}` holds strings"),
                    )),
                })
                .collect(),
            Some(_) => Err(self.error(
                &pointer,
                true,
                format!("`{key}` must be a string or a list of strings"),
            )),
        }
    }
}
