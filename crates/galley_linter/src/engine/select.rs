//! `--select` and `--ignore`: which of the known rules a run keeps, named by id, by pack
//! (`pack:default`, `pack:styles/house`) or as `built-in`.

use super::catalog;
use crate::error::Error;
use crate::pack::PackRule;
use std::sync::Arc;

/// The rules a run keeps: those `select` names (every rule when it is empty), less those
/// `ignore` names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub select: Vec<String>,
    pub ignore: Vec<String>,
}

impl Selection {
    pub fn is_everything(&self) -> bool {
        self.select.is_empty() && self.ignore.is_empty()
    }

    /// The ids of the rules kept, out of every rule these packs and the built-ins know.
    pub(super) fn resolve(&self, packs: &[Arc<PackRule>]) -> Result<Vec<String>, Error> {
        let known = catalog(packs);
        // Each name stands for the ids it covers: a rule id, its source, or `built-in`.
        let covered = |name: &str, flag: &str| -> Result<Vec<&'static str>, Error> {
            let ids: Vec<&'static str> = known
                .iter()
                .filter(|(meta, source)| meta.id == name || source == name)
                .map(|(meta, _)| meta.id)
                .collect();
            if !ids.is_empty() {
                return Ok(ids);
            }
            let names = known
                .iter()
                .flat_map(|(meta, source)| [meta.id, source.as_str()]);
            let hint = closest_name(name, names)
                .map(|found| format!(": did you mean `{found}`?"))
                .unwrap_or_default();
            Err(Error::Selection(format!(
                "{flag}: unknown rule or pack `{name}`{hint} (see `galley rules`)"
            )))
        };
        let mut kept: Vec<&'static str> = if self.select.is_empty() {
            known.iter().map(|(meta, _)| meta.id).collect()
        } else {
            let mut ids = Vec::new();
            for name in &self.select {
                ids.extend(covered(name, "--select")?);
            }
            ids
        };
        for name in &self.ignore {
            let ignored = covered(name, "--ignore")?;
            kept.retain(|id| !ignored.contains(id));
        }
        Ok(kept.into_iter().map(str::to_string).collect())
    }
}

/// The one known name clearly closest to a mistyped `wanted`, for "did you mean": within a
/// third of its length in edits (at least one), and nearer than any other.
pub fn closest_name<'a>(wanted: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let reach = (wanted.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    let mut tied = false;
    for name in known {
        let distance = strsim::damerau_levenshtein(wanted, name);
        match best {
            Some((found, other)) if distance == found && other != name => tied = true,
            Some((found, _)) if distance >= found => {}
            _ if distance <= reach => {
                best = Some((distance, name));
                tied = false;
            }
            _ => {}
        }
    }
    best.filter(|_| !tied).map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::closest_name;

    #[test]
    fn a_typo_finds_its_name_and_a_stranger_finds_none() {
        let names = ["broken-link", "empty-blockquote", "pack:default"];
        assert_eq!(closest_name("broken-lnk", names), Some("broken-link"));
        assert_eq!(closest_name("pack:defualt", names), Some("pack:default"));
        assert_eq!(closest_name("spelling", names), None);
    }

    #[test]
    fn two_names_equally_close_suggest_neither() {
        assert_eq!(closest_name("ab", ["ac", "ad"]), None);
    }
}
