//! Baselines: today's findings recorded in a file, so that a gate fails only on new ones.
//!
//! An entry is a finding's rule, its path (relative to the baseline's folder, so the file
//! works from any working directory) and the text it flags; never its line, so that edits
//! elsewhere in the file do not bring old findings back. Equal entries count: a file with two
//! recorded `,,` reports a third one as new.

use std::collections::HashMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::absolute;
use crate::error::Error;
use crate::finding::Finding;

const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    pub text: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// The path from `base` to `path`, with `/` separators, worked out on the paths' text.
fn relative_path(base: &Path, path: &Path) -> String {
    let (base, path) = (absolute(base), absolute(path));
    let base: Vec<Component> = base.components().collect();
    let path: Vec<Component> = path.components().collect();
    let shared = base.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), base.len() - shared);
    let downs = path[shared..]
        .iter()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    ups.chain(downs).collect::<Vec<_>>().join("/")
}

/// Each finding's entry, for a baseline kept at `file`.
fn entries(file: &Path, findings: &[Finding]) -> Vec<Entry> {
    let folder = absolute(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    findings
        .iter()
        .map(|finding| Entry {
            path: relative_path(&folder, Path::new(&**finding.path())),
            rule: finding.diagnostic.rule.to_string(),
            text: finding.flagged_text().to_string(),
        })
        .collect()
}

/// Entries counted, so that each matches one finding at most.
struct Tally<'a>(HashMap<&'a Entry, usize>);

impl<'a> Tally<'a> {
    fn of(entries: &'a [Entry]) -> Self {
        let mut counts = HashMap::new();
        for entry in entries {
            *counts.entry(entry).or_insert(0) += 1;
        }
        Tally(counts)
    }

    /// Whether `entry` is still there to match; it is then used up.
    fn take(&mut self, entry: &Entry) -> bool {
        match self.0.get_mut(entry) {
            Some(left) if *left > 0 => {
                *left -= 1;
                true
            }
            _ => false,
        }
    }

    /// The entries nothing matched, sorted.
    fn unmatched(self) -> Vec<Entry> {
        let mut left: Vec<Entry> = self
            .0
            .into_iter()
            .flat_map(|(entry, left)| std::iter::repeat_n(entry.clone(), left))
            .collect();
        left.sort();
        left
    }
}

pub struct Baseline {
    file: PathBuf,
    entries: Vec<Entry>,
}

/// What `--baseline` left out of the report.
pub struct Comparison {
    pub file: PathBuf,
    /// Findings the baseline holds, not reported.
    pub known: usize,
    /// Entries that no longer occur.
    pub fixed: Vec<Entry>,
}

/// What `--write-baseline` recorded.
pub struct Written {
    pub file: PathBuf,
    pub entries: usize,
    /// Entries of the file's earlier version that no longer occur.
    pub pruned: usize,
}

impl Baseline {
    pub fn load(file: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(file).map_err(|error| {
            Error::Baseline(format!(
                "cannot read the baseline {}: {error}",
                file.display()
            ))
        })?;
        let parsed: BaselineFile = serde_json::from_str(&text).map_err(|error| {
            Error::Baseline(format!(
                "{}: not a galley baseline: {error}",
                file.display()
            ))
        })?;
        if parsed.version != VERSION {
            return Err(Error::Baseline(format!(
                "{}: baseline version {} is not supported (expected {VERSION})",
                file.display(),
                parsed.version
            )));
        }
        Ok(Baseline {
            file: file.to_path_buf(),
            entries: parsed.findings,
        })
    }

    /// Removes the findings the baseline holds, and tells which of its entries no longer
    /// occur.
    pub fn apply(&self, findings: &mut Vec<Finding>) -> Comparison {
        let mut baseline = Tally::of(&self.entries);
        let current = entries(&self.file, findings);
        let mut current = current.iter();
        let before = findings.len();
        findings.retain(|_| !baseline.take(current.next().expect("one entry per finding")));
        Comparison {
            file: self.file.clone(),
            known: before - findings.len(),
            fixed: baseline.unmatched(),
        }
    }
}

/// Records `findings` in `file`, replacing what it held.
pub fn write(file: &Path, findings: &[Finding]) -> Result<Written, Error> {
    let mut recorded = entries(file, findings);
    recorded.sort();
    let mut now = Tally::of(&recorded);
    let pruned = Baseline::load(file).map_or(0, |earlier| {
        let fixed = earlier.entries.iter().filter(|entry| !now.take(entry));
        fixed.count()
    });
    let baseline = BaselineFile {
        version: VERSION,
        findings: recorded,
    };
    let mut json = serde_json::to_string_pretty(&baseline).expect("entries serialize");
    json.push('\n');
    std::fs::write(file, json).map_err(|error| {
        Error::Baseline(format!(
            "cannot write the baseline {}: {error}",
            file.display()
        ))
    })?;
    Ok(Written {
        file: file.to_path_buf(),
        entries: baseline.findings.len(),
        pruned,
    })
}

impl fmt::Display for Comparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "galley: {} in the baseline {} not reported",
            plural(self.known, "known problem"),
            self.file.display()
        )?;
        if !self.fixed.is_empty() {
            writeln!(
                f,
                "galley: {} no longer {} (fixed; `--write-baseline` prunes them):",
                plural(self.fixed.len(), "baseline entry"),
                if self.fixed.len() == 1 {
                    "occurs"
                } else {
                    "occur"
                }
            )?;
            for entry in &self.fixed {
                writeln!(f, "  {}: {} `{}`", entry.path, entry.rule, entry.text)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Written {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "galley: recorded {} in {}",
            plural(self.entries, "finding"),
            self.file.display()
        )?;
        if self.pruned > 0 {
            write!(f, "; pruned {}", plural(self.pruned, "fixed entry"))?;
        }
        Ok(())
    }
}

fn plural(count: usize, noun: &str) -> String {
    match (count, noun.strip_suffix("entry")) {
        (1, _) => format!("{count} {noun}"),
        (_, Some(stem)) => format!("{count} {stem}entries"),
        _ => format!("{count} {noun}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_baseline_folder() {
        let base = Path::new("/repo");
        assert_eq!(relative_path(base, Path::new("/repo/a/b.md")), "a/b.md");
        assert_eq!(
            relative_path(base, Path::new("/other/c.md")),
            "../other/c.md"
        );
    }

    #[test]
    fn plurals_read_right() {
        assert_eq!(plural(1, "baseline entry"), "1 baseline entry");
        assert_eq!(plural(2, "fixed entry"), "2 fixed entries");
        assert_eq!(plural(0, "finding"), "0 findings");
    }
}
