use crate::rule::{declare_rule, Rule, RuleSettings};

declare_rule! {
    /// ## What it does
    /// Flags an inline suppression that suppresses nothing: a `<!-- galley-disable ... -->`,
    /// `<!-- galley-disable-next-line ... -->` or `<!-- galley-disable-file ... -->` comment
    /// under which none of the rules it names found anything.
    ///
    /// ## Why
    /// Suppressions outlive the problems they were written for. One that covers nothing hides
    /// the next real problem in its range, and tells readers of the source something false.
    ///
    /// ## Example
    /// ```markdown
    /// <!-- galley-disable-next-line stray-punctuation -->
    /// A sentence with nothing to flag.
    /// ```
    ///
    /// ## Fix
    /// Deletes the comment (safe: it changes nothing in the rendered page).
    pub static META = {
        id: "unused-suppression",
        severity: Warning,
        fix: Always,
        summary: "an inline suppression that suppresses nothing",
    };
}

/// The engine reports unused suppressions once every rule has run on a file (see
/// `suppression::apply`); this rule gives that report its id, level and docs.
pub struct UnusedSuppression;

pub fn build(settings: &RuleSettings) -> Result<Box<dyn Rule>, String> {
    settings.options::<crate::rules::NoOptions>()?;
    Ok(Box::new(UnusedSuppression))
}

impl Rule for UnusedSuppression {}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Diagnostic, Severity};
    use crate::document::Document;
    use crate::suppression::{apply, parse};

    fn diagnostic(rule: &'static str, at: usize) -> Diagnostic {
        Diagnostic::new(at..at + 1, "x").with_rule(rule, Severity::Warning)
    }

    #[test]
    fn every_form_suppresses_and_unused_ones_are_reported() {
        let text = "<!-- galley-disable-next-line rule-a -->\nA\n<!-- galley-disable rule-b -->\nB\n<!-- galley-enable -->\nC\n<!-- galley-disable-next-line rule-c -->\nD\n";
        let doc = Document::parse(text);
        let at = |s: &str| text.find(s).unwrap();
        let mut found = vec![
            diagnostic("rule-a", at("A\n")),
            diagnostic("rule-b", at("B\n")),
            diagnostic("rule-b", at("C\n")),
            diagnostic("rule-a", at("D\n")),
        ];
        let suppressions = parse(&doc);
        let unused = apply(&mut found, |d| d, &suppressions);
        let left: Vec<(&str, usize)> = found.iter().map(|d| (d.rule, d.span.start)).collect();
        assert_eq!(left, [("rule-b", at("C\n")), ("rule-a", at("D\n"))]);
        assert_eq!(unused.len(), 1);
        let report = unused[0].unused(Severity::Warning);
        assert_eq!(report.rule, "unused-suppression");
        assert_eq!(
            &text[report.span.clone()],
            "<!-- galley-disable-next-line rule-c -->"
        );
        assert_eq!(report.message, "suppression of `rule-c` suppresses nothing");
    }

    #[test]
    fn disable_file_covers_everything_and_code_holds_no_suppression() {
        let text = "```\n<!-- galley-disable-file -->\n```\n\nText\n<!-- galley-disable-file -->\n";
        let doc = Document::parse(text);
        let suppressions = parse(&doc);
        assert_eq!(suppressions.len(), 1);
        let mut found = vec![diagnostic("any-rule", 0)];
        assert!(apply(&mut found, |d| d, &suppressions).is_empty());
        assert!(found.is_empty());
    }
}
