//! The text of a new page: frontmatter that the configured JSON Schema accepts (its required
//! keys, each with a value of the type it asks for; `title` from the page's title), then the
//! title as the page's heading. For the editor's "create the missing page".

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::engine::Linter;
use crate::rules::frontmatter_schema::read_schema_value;

/// Schemas nest (`$ref` to `$ref`); a value this deep is left empty rather than followed.
const MAX_DEPTH: usize = 16;

impl Linter {
    /// A new page titled `title`: the heading alone without a schema (or with one that
    /// cannot be read: the linter reports that itself), else frontmatter and the heading.
    pub fn page_template(&self, title: &str) -> String {
        let heading = format!("# {title}\n");
        let Some(schema) = &self.config().schema else {
            return heading;
        };
        let Ok(schema) = read_schema_value(&schema.value) else {
            return heading;
        };
        let filler = Filler {
            root: &schema,
            title,
            today: today(),
        };
        let keys = filler.object(filler.resolved(&schema, 0), 0);
        if keys.is_empty() {
            return heading;
        }
        format!("---\n{}---\n\n{heading}", yaml_mapping(&keys))
    }
}

/// Makes values a schema accepts.
struct Filler<'s> {
    /// The whole schema, which `#/...` references point into.
    root: &'s Value,
    title: &'s str,
    /// `YYYY-MM-DD`, for `format: date`.
    today: String,
}

impl Filler<'_> {
    /// A value `schema` accepts.
    fn value(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolved(schema, depth);
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        if let Some(value) = schema.get("const").or_else(|| schema.get("default")) {
            return value.clone();
        }
        if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
            return first.clone();
        }
        // A choice: its first option; a conjunction: its parts' keys together.
        if let Some(first) = ["anyOf", "oneOf"]
            .iter()
            .find_map(|k| schema.get(*k)?.get(0))
        {
            return self.value(first, depth + 1);
        }
        let kind = match schema.get("type") {
            Some(Value::String(kind)) => kind.as_str(),
            // Several types: a string if it may be one, else the first.
            Some(Value::Array(kinds)) => (kinds.iter().find(|k| *k == "string"))
                .or(kinds.first())
                .and_then(Value::as_str)
                .unwrap_or("null"),
            _ if schema.get("properties").is_some() || schema.get("required").is_some() => "object",
            _ if schema.get("allOf").is_some() => "object",
            _ => "string",
        };
        match kind {
            "object" => Value::Object(self.object(schema, depth).into_iter().collect()),
            "array" => {
                let items = schema.get("items").unwrap_or(&Value::Null);
                let count = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                let item = |_| self.value(items, depth + 1);
                Value::Array((0..count.min(16)).map(item).collect())
            }
            "integer" | "number" => {
                let exclusive = schema.get("exclusiveMinimum").and_then(Value::as_i64);
                let minimum = schema.get("minimum").and_then(Value::as_i64);
                Value::from(exclusive.map(|m| m + 1).or(minimum).unwrap_or(0))
            }
            "boolean" => Value::Bool(false),
            "null" => Value::Null,
            _ => Value::String(self.string(schema)),
        }
    }

    /// The required keys of an object schema (and of every part of its `allOf`), and `title`
    /// when the schema declares one (the page has a title to give), in that order.
    fn object(&self, schema: &Value, depth: usize) -> Vec<(String, Value)> {
        let mut parts = vec![schema];
        if let Some(Value::Array(all)) = schema.get("allOf") {
            parts.extend(all.iter().map(|part| self.resolved(part, depth + 1)));
        }
        let mut keys: Vec<(String, Value)> = Vec::new();
        for part in parts {
            let properties = part.get("properties");
            let required = (part.get("required").and_then(Value::as_array))
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            let title = properties.and_then(|p| p.get("title")).map(|_| "title");
            for key in title.into_iter().chain(required) {
                if keys.iter().any(|(known, _)| known == key) {
                    continue;
                }
                let property = properties.and_then(|p| p.get(key)).unwrap_or(&Value::Null);
                keys.push((key.to_string(), self.value(property, depth + 1)));
            }
        }
        keys
    }

    /// A string: today's date for a date, else the title (long enough for `minLength`).
    fn string(&self, schema: &Value) -> String {
        match schema.get("format").and_then(Value::as_str) {
            Some("date") => return self.today.clone(),
            Some("date-time") => return format!("{}T00:00:00Z", self.today),
            _ => {}
        }
        let mut text = self.title.to_string();
        let wanted = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
        while text.chars().count() < wanted.min(1024) {
            text.push('.');
        }
        text
    }

    /// `schema` with a local `$ref` (`#/definitions/x`) followed.
    fn resolved<'v>(&'v self, schema: &'v Value, depth: usize) -> &'v Value {
        let mut schema = schema;
        for _ in depth..MAX_DEPTH {
            let Some(pointer) = schema.get("$ref").and_then(Value::as_str) else {
                break;
            };
            match pointer.strip_prefix('#').and_then(|p| self.root.pointer(p)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }
}

/// A flat YAML mapping, one key a line; values that are not plain words are written as JSON,
/// which YAML reads as the same value.
fn yaml_mapping(keys: &[(String, Value)]) -> String {
    let mut text = String::new();
    for (key, value) in keys {
        let value = match value {
            Value::String(s) if is_plain(s) => s.clone(),
            other => other.to_string(),
        };
        let key = match is_plain(key) {
            true => key.clone(),
            false => Value::String(key.clone()).to_string(),
        };
        text.push_str(&format!("{key}: {value}\n"));
    }
    text
}

/// Whether YAML reads `text` unquoted as this very string: letters, digits, spaces and a
/// few marks, not starting with one YAML gives a meaning, and not a number, bool or null.
fn is_plain(text: &str) -> bool {
    let safe = |c: char| c.is_alphanumeric() || " -_.,()'/".contains(c);
    let starts_well = text.starts_with(|c: char| c.is_alphanumeric());
    let ends_well = !text.ends_with(' ');
    let lower = text.to_lowercase();
    let reserved = ["true", "false", "yes", "no", "on", "off", "null", "~"].contains(&&*lower);
    let numeric = text.parse::<f64>().is_ok() || text.contains(": ") || text.contains(" #");
    text.chars().all(safe) && starts_well && ends_well && !reserved && !numeric
}

/// Today's date (UTC) as `YYYY-MM-DD`.
fn today() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let (year, month, day) = civil_date((seconds / 86_400) as i64);
    format!("{year:04}-{month:02}-{day:02}")
}

/// The Gregorian date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_date(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_count_from_1970() {
        assert_eq!(civil_date(0), (1970, 1, 1));
        assert_eq!(civil_date(59), (1970, 3, 1));
        // 2024 is a leap year.
        assert_eq!(civil_date(19_782), (2024, 2, 29));
        assert_eq!(civil_date(20_454), (2026, 1, 1));
    }

    #[test]
    fn required_keys_get_values_of_their_types() {
        let schema = json!({
            "type": "object",
            "required": ["title", "tags", "weight", "draft", "kind", "author", "published"],
            "properties": {
                "title": { "type": "string", "minLength": 1 },
                "tags": { "type": "array", "minItems": 1, "items": { "type": "string" } },
                "weight": { "type": "integer", "minimum": 1 },
                "draft": { "type": "boolean" },
                "kind": { "enum": ["guide", "reference"] },
                "author": { "$ref": "#/$defs/person" },
                "published": { "type": "string", "format": "date" },
                "optional": { "type": "string" }
            },
            "$defs": { "person": { "type": "object", "required": ["name"],
                                   "properties": { "name": { "type": "string" } } } }
        });
        let filler = Filler {
            root: &schema,
            title: "Ordliste",
            today: "2026-11-28".to_string(),
        };
        let keys = filler.object(&schema, 0);
        let yaml = yaml_mapping(&keys);
        assert_eq!(
            yaml,
            "title: Ordliste\ntags: [\"Ordliste\"]\nweight: 1\ndraft: false\nkind: guide\n\
             author: {\"name\":\"Ordliste\"}\npublished: 2026-11-28\n"
        );
        // The YAML reads back as the values written.
        let read = crate::frontmatter::yaml_to_json(&yaml).unwrap();
        assert_eq!(read, Value::Object(keys.into_iter().collect()));
    }

    #[test]
    fn strings_yaml_would_read_otherwise_are_quoted() {
        assert!(is_plain("Første steg"));
        for text in ["true", "12", "a: b", "#x", "- x", "", "x "] {
            assert!(!is_plain(text), "{text}");
        }
    }
}
