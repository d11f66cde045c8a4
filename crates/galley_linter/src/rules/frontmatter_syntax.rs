use crate::diagnostic::Diagnostic;
use crate::document::Document;
use crate::frontmatter::{too_deep_message, FrontmatterProblem};
use crate::rule::{declare_rule, Rule, RuleSettings};

declare_rule! {
    /// ## What it does
    /// Flags a frontmatter block that cannot be read: a `---` block that is never closed,
    /// invalid YAML (pointing at the error's line and column), a block that is not a mapping
    /// of keys to values, a key given twice, and lists or mappings nested more than 100 levels
    /// deep (galley reads no deeper). When the configured schema (`[frontmatter] schema`)
    /// requires a key, a file with no frontmatter block is flagged too.
    ///
    /// ## Why
    /// A site generator given such a block either fails the build or silently publishes the
    /// page without its title, description or slug, and links to the slug break.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// title: "Joint venture
    /// title: Strategic alliance
    /// ---
    /// ```
    /// Files without frontmatter are fine when no schema is configured, or when it requires
    /// no key (an empty block would pass it).
    ///
    /// ## Fix
    /// None: which value was meant, or where the block should end, cannot be guessed.
    pub static META = {
        id: "frontmatter-syntax",
        severity: Error,
        fix: Never,
        summary: "frontmatter that is unterminated, invalid YAML, not a mapping, or missing",
    };
}

pub struct FrontmatterSyntax {
    /// With a schema that requires a key, every file needs a block.
    require_block: bool,
}

pub fn build(settings: &RuleSettings) -> Result<Box<dyn Rule>, String> {
    settings.options::<crate::rules::NoOptions>()?;
    let require_block = match &settings.config.schema {
        Some(schema) => crate::rules::frontmatter_schema::requires_a_key(&schema.value)
            .map_err(|error| format!("{}: schema {error}", schema.place))?,
        None => false,
    };
    Ok(Box::new(FrontmatterSyntax { require_block }))
}

impl Rule for FrontmatterSyntax {
    fn check(&self, doc: &Document, out: &mut Vec<Diagnostic>) {
        let Some(frontmatter) = &doc.frontmatter else {
            if self.require_block {
                let first_line = doc.lines.line_range(doc.source, 0);
                out.push(
                    Diagnostic::new(
                        doc.body_start..first_line.end.max(doc.body_start),
                        "missing frontmatter block",
                    )
                    .with_label("the file should start with a `---` block")
                    .with_help("add a `---` block with the keys the schema requires"),
                );
            }
            return;
        };
        let diagnostic = match &frontmatter.content {
            Ok(_) => return,
            Err(FrontmatterProblem::Unterminated) => Diagnostic::new(
                frontmatter.opening_line.clone(),
                "unterminated frontmatter block",
            )
            .with_label("this `---` is never closed")
            .with_help("end the block with a line holding only `---`"),
            Err(FrontmatterProblem::InvalidYaml { message, span }) => Diagnostic::new(
                span.clone(),
                format!("invalid YAML in frontmatter: {message}"),
            )
            .with_label("the YAML parser stopped here")
            .with_help(
                "quote values that contain `:` or start with a quote, close every quote, \
                 and end the block with `---` right after its last key",
            ),
            Err(FrontmatterProblem::DuplicateKey { key, span }) => {
                Diagnostic::new(span.clone(), format!("duplicate frontmatter key `{key}`"))
                    .with_label("given again here")
                    .with_help("keep one of the values and delete the other")
            }
            Err(FrontmatterProblem::NotMapping { kind, span }) => Diagnostic::new(
                span.clone(),
                format!("frontmatter is {kind}, not a mapping of keys to values"),
            )
            .with_label("expected `key: value` lines")
            .with_help("write the frontmatter as `key: value` lines"),
            Err(FrontmatterProblem::TooDeep { span }) => {
                Diagnostic::new(span.clone(), format!("frontmatter {}", too_deep_message()))
                    .with_label("the nesting goes too deep here")
                    .with_help("flatten the nested lists or mappings")
            }
        };
        out.push(diagnostic);
    }
}
