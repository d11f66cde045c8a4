//! Counts per rule: `--statistics`, and the per-rule line under the human report, so that a
//! corpus with thousands of findings still ends with what to fix first.

use std::io::{self, Write};

use crate::finding::{CheckOutcome, Finding};
use crate::fix::Applicability;

/// How many findings one rule has, and how many of them `--fix` can fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub rule: &'static str,
    pub count: usize,
    pub fixable: usize,
}

/// Whether `--fix` (safe fixes only) would fix this finding.
pub fn safely_fixable(finding: &Finding) -> bool {
    finding
        .diagnostic
        .fix
        .as_ref()
        .is_some_and(|fix| fix.applicability == Applicability::Safe)
}

/// Every rule with findings, the most frequent first (ties by id).
pub fn rule_counts(findings: &[Finding]) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for finding in findings {
        let rule = finding.diagnostic.rule;
        let fixable = usize::from(safely_fixable(finding));
        match counts.iter_mut().find(|count| count.rule == rule) {
            Some(count) => {
                count.count += 1;
                count.fixable += fixable;
            }
            None => counts.push(RuleCount {
                rule,
                count: 1,
                fixable,
            }),
        }
    }
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    counts
}

/// `by rule: 3 stray-punctuation, 1 broken-link`, or nothing when there are no findings.
pub fn by_rule_line(findings: &[Finding]) -> Option<String> {
    let counts = rule_counts(findings);
    if counts.is_empty() {
        return None;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|count| format!("{} {}", count.count, count.rule))
        .collect();
    Some(format!("by rule: {}", parts.join(", ")))
}

/// `--statistics`: a line per rule (count, id, how many `--fix` fixes), then the summary.
pub fn write(out: &mut dyn Write, outcome: &CheckOutcome) -> io::Result<()> {
    let counts = rule_counts(&outcome.findings);
    let count_width = counts.first().map_or(0, |c| c.count.to_string().len());
    let rule_width = counts.iter().map(|c| c.rule.len()).max().unwrap_or(0);
    for count in &counts {
        let line = format!(
            "{:>count_width$}  {:<rule_width$}  {}",
            count.count,
            count.rule,
            if count.fixable > 0 {
                format!("{} fixable", count.fixable)
            } else {
                String::new()
            }
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out, "{}", super::summary_line(outcome))
}
