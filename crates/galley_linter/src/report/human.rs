//! miette's graphical reports, rendered per file in parallel, with a source backed by our
//! line index (miette's own scans the file from the start for every report).

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;

use crate::diagnostic::Severity;
use crate::finding::{CheckOutcome, Finding};
use crate::source::{SourceFile, SNIPPET_CONTEXT_LINES};

/// Our line index finds the lines around a span at once.
impl SourceCode for SourceFile {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let span = span.offset()..span.offset() + span.len();
        let lines = self
            .lines_around(span, context_lines_before, context_lines_after)
            .ok_or(MietteError::OutOfBounds)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.path.to_string(),
            lines.text.as_bytes(),
            (lines.start, lines.text.len()).into(),
            lines.first_line,
            0,
            lines.count,
        )))
    }
}

/// One finding as a miette diagnostic.
struct Report<'a> {
    finding: &'a Finding,
    source: Option<&'a SourceFile>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.diagnostic.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.diagnostic.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.finding.diagnostic.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        super::help_lines(&self.finding.diagnostic)
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source?;
        let d = &self.finding.diagnostic;
        let span = LabeledSpan::new(d.label.clone(), d.span.start, d.span.len());
        Some(Box::new(std::iter::once(span)))
    }
}

/// Lines longer than this are not shown: the snippet would be unreadable, and miette's
/// column arithmetic overflows its formatting width on very long lines.
const LONGEST_SNIPPET_LINE: usize = 10_000;

fn fits_a_snippet(source: &SourceFile, span: &std::ops::Range<usize>) -> bool {
    source
        .longest_line(span.clone())
        .is_some_and(|longest| longest <= LONGEST_SNIPPET_LINE)
}

fn render_file(findings: &[Finding], handler: &GraphicalReportHandler) -> String {
    let mut rendered = String::new();
    for finding in findings {
        let path = finding.path();
        // Files with unreadable text have only io-error findings, shown without a snippet.
        let source = Some(&*finding.file)
            .filter(|file| file.readable && fits_a_snippet(file, &finding.diagnostic.span));
        let report = Report { finding, source };
        if handler.render_report(&mut rendered, &report).is_err() {
            rendered.push_str(&format!("{}: {}\n", path, finding.diagnostic.message));
        }
        if report.source.is_none() {
            rendered.push_str(&format!(
                "  --> {}:{}:{}\n",
                path, finding.start.line, finding.start.column
            ));
        }
        rendered.push('\n');
    }
    rendered
}

pub fn write(out: &mut dyn Write, outcome: &CheckOutcome, color: bool) -> io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // A file nothing fixes keeps only this many lines around its findings' spans.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(SNIPPET_CONTEXT_LINES);
    let by_file: Vec<&[Finding]> = outcome
        .findings
        .chunk_by(|a, b| a.path() == b.path())
        .collect();
    let render = |findings: &&[Finding]| render_file(findings, &handler);
    // One file's report is rendered on this thread: starting the thread pool costs more.
    let rendered: Vec<String> = if by_file.len() > 1 {
        by_file.par_iter().map(render).collect()
    } else {
        by_file.iter().map(render).collect()
    };
    for text in rendered {
        out.write_all(text.as_bytes())?;
    }
    if let Some(line) = super::statistics::by_rule_line(&outcome.findings) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", super::summary_line(outcome))
}
