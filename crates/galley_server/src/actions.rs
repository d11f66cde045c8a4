//! Code actions: a quick fix for each fixable diagnostic under the cursor; for the others, a
//! suppression on their line or in the file, and for a link to a missing page, the page;
//! and `source.fixAll.galley`, which applies every safe fix to the buffer.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
    CreateFile, CreateFileOptions, DocumentChangeOperation, DocumentChanges, OneOf,
    OptionalVersionedTextDocumentIdentifier, ResourceOp, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::diagnostics;
use crate::document::OpenDocument;
use crate::navigation::View;
use crate::positions::{path_to_uri, Lines};
use galley_linter::diagnostic::Diagnostic;
use galley_linter::document::{floor_char_boundary, Document};
use galley_linter::fix::{fix_until_stable, Applicability, FixMode};
use galley_linter::links::split_destination;
use galley_linter::suppression::UNUSED_SUPPRESSION;
use pulldown_cmark::{Event, Tag};

pub fn code_actions(view: &View, params: CodeActionParams) -> CodeActionResponse {
    let Some(doc) = view.documents.get(&params.text_document.uri) else {
        return Vec::new();
    };
    let context = view.context;
    let lines = Lines::new(&doc.text);
    let only = params.context.only.as_deref();
    let mut found = Vec::new();
    if wanted(only, &CodeActionKind::QUICKFIX) {
        let shown = diagnostics::for_editor(doc, context);
        let pairs: Vec<_> = doc.diagnostics.iter().cloned().zip(shown).collect();
        let range = lines.offsets(params.range);
        found.extend(quick_fixes(&doc.uri, &lines, &pairs, &range));
        let under = |d: &&(Diagnostic, lsp_types::Diagnostic)| {
            d.0.span.start <= range.end && range.start <= d.0.span.end
        };
        let unfixable = pairs.iter().filter(under).filter(|(d, _)| d.fix.is_none());
        for (diagnostic, shown) in unfixable {
            found.extend(missing_page(view, doc, diagnostic, shown));
            if diagnostic.rule != UNUSED_SUPPRESSION {
                found.extend(suppressions(doc, &lines, diagnostic, shown));
            }
        }
    }
    let safe_fix = |d: &Diagnostic| {
        d.fix
            .as_ref()
            .is_some_and(|fix| fix.applicability == Applicability::Safe)
    };
    if wanted(only, &FIX_ALL) && doc.diagnostics.iter().any(safe_fix) {
        let lint = |text: &str| {
            let (found, _) = context.linter.lint_text(&doc.path, text, context.index);
            found
        };
        if let Ok(fixed) = fix_until_stable(&doc.text, FixMode::SafeOnly, lint) {
            found.extend(fix_all(&doc.uri, &doc.text, &fixed.text));
        }
    }
    found
}

/// Inline comments that suppress the finding's rule: on the line before the finding's (with
/// its indentation), or for the whole file (after the frontmatter).
fn suppressions(
    doc: &OpenDocument,
    lines: &Lines,
    diagnostic: &Diagnostic,
    shown: &lsp_types::Diagnostic,
) -> Vec<CodeActionOrCommand> {
    let rule = diagnostic.rule;
    let line_start = lines.offset(lsp_types::Position::new(shown.range.start.line, 0));
    let line = &doc.text[line_start..];
    let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
    let file_start = Document::parse(&doc.text).body_start;
    let insert = |at: usize, comment: String, title: String| {
        let at = lines.range(&(at..at));
        CodeActionOrCommand::CodeAction(CodeAction {
            title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![shown.clone()]),
            edit: Some(workspace_edit(&doc.uri, vec![TextEdit::new(at, comment)])),
            ..CodeAction::default()
        })
    };
    vec![
        insert(
            line_start,
            format!("{indent}<!-- galley-disable-next-line {rule} -->\n"),
            format!("Suppress `{rule}` on this line"),
        ),
        insert(
            file_start,
            format!("<!-- galley-disable-file {rule} -->\n"),
            format!("Suppress `{rule}` in this file"),
        ),
    ]
}

/// For a link to a page that does not exist: the page, titled by the link's text (or its
/// file's name), with the frontmatter the configured schema asks for.
fn missing_page(
    view: &View,
    doc: &OpenDocument,
    diagnostic: &Diagnostic,
    shown: &lsp_types::Diagnostic,
) -> Option<CodeActionOrCommand> {
    let link = diagnostic
        .link
        .as_ref()
        .filter(|link| link.page.is_none())?;
    let (path, _) = split_destination(&link.destination);
    let path = path.trim_end_matches('/');
    let file = match path.strip_prefix('/') {
        Some(rooted) => view.root().join(rooted),
        None => doc.path.parent()?.join(path),
    };
    let extension = view.context.linter.config().files.extensions.first()?;
    let file = match file.extension() {
        Some(_) => file,
        None => file.with_extension(extension),
    };
    // Only pages: a missing image is not made here.
    if file.extension()?.to_str()? != extension || !file.starts_with(view.root()) {
        return None;
    }
    let uri = path_to_uri(&file)?;
    let name = file.file_stem()?.to_string_lossy().replace(['-', '_'], " ");
    let title = capitalized(&link_text(&doc.text, diagnostic.span.start).unwrap_or(name));
    let shown_path = file.strip_prefix(view.root()).unwrap_or(&file);
    let creation = [
        DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
            uri: uri.clone(),
            options: Some(CreateFileOptions {
                overwrite: Some(false),
                ignore_if_exists: Some(true),
            }),
            annotation_id: None,
        })),
        DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![OneOf::Left(TextEdit::new(
                Default::default(),
                view.context.linter.page_template(&title),
            ))],
        }),
    ];
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("Create the page `{}`", display(shown_path)),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown.clone()]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(creation.to_vec())),
            ..WorkspaceEdit::default()
        }),
        ..CodeAction::default()
    }))
}

/// The text of the link whose source holds `offset`, when it has any.
fn link_text(text: &str, offset: usize) -> Option<String> {
    let doc = Document::parse(text);
    // Events come outside in: the last match is the innermost.
    let link = (doc.events.iter().rev())
        .find(|(event, range)| {
            matches!(event, Event::Start(Tag::Link { .. })) && range.contains(&offset)
        })
        .map(|(_, range)| range.clone())?;
    let words: String = (doc.events.iter())
        .filter(|(_, range)| link.start <= range.start && range.end <= link.end)
        .filter_map(|(event, _)| match event {
            Event::Text(text) | Event::Code(text) => Some(text.as_ref()),
            _ => None,
        })
        .collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    (!words.is_empty()).then_some(words)
}

fn display(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

pub const FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.galley");

/// Whether the client asked for actions of `kind`: `only` names kinds and their parents
/// (`source` covers `source.fixAll.galley`); no `only` means any kind.
pub fn wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|parent| {
            let (kind, parent) = (kind.as_str(), parent.as_str());
            kind == parent
                || kind
                    .strip_prefix(parent)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// One quick fix per diagnostic with a fix whose span touches `range`; safe fixes are
/// preferred (an editor may apply them with a single key).
fn quick_fixes(
    uri: &Uri,
    lines: &Lines,
    diagnostics: &[(Diagnostic, lsp_types::Diagnostic)],
    range: &Range<usize>,
) -> Vec<CodeActionOrCommand> {
    diagnostics
        .iter()
        .filter(|(d, _)| d.span.start <= range.end && range.start <= d.span.end)
        .filter_map(|(diagnostic, shown)| {
            let fix = diagnostic.fix.as_ref()?;
            let edits = fix
                .edits
                .iter()
                .map(|edit| TextEdit::new(lines.range(&edit.range), edit.replacement.clone()))
                .collect();
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("{} ({})", fix.message, diagnostic.rule),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown.clone()]),
                edit: Some(workspace_edit(uri, edits)),
                is_preferred: Some(fix.applicability == Applicability::Safe),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// The action that turns `text` into `fixed`, as one edit over the part that differs (so
/// the editor keeps the cursor and marks elsewhere); `None` when nothing changes.
fn fix_all(uri: &Uri, text: &str, fixed: &str) -> Option<CodeActionOrCommand> {
    if text == fixed {
        return None;
    }
    let (span, replacement) = changed_part(text, fixed);
    let edit = TextEdit::new(Lines::new(text).range(&span), replacement.to_string());
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: "Fix all safe galley problems".to_string(),
        kind: Some(FIX_ALL),
        edit: Some(workspace_edit(uri, vec![edit])),
        ..CodeAction::default()
    }))
}

fn workspace_edit(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))
}

/// The span of `old` that differs from `new` (their common start and end cut off), and
/// what `new` has there.
fn changed_part<'n>(old: &str, new: &'n str) -> (Range<usize>, &'n str) {
    let same = |(a, b): (u8, u8)| a == b;
    let prefix = old
        .bytes()
        .zip(new.bytes())
        .take_while(|&p| same(p))
        .count();
    let prefix = floor_char_boundary(old, prefix);
    let room = old.len().min(new.len()) - prefix;
    let mut suffix = (old.bytes().rev())
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|&p| same(p))
        .count();
    while !old.is_char_boundary(old.len() - suffix) {
        suffix -= 1;
    }
    (prefix..old.len() - suffix, &new[prefix..new.len() - suffix])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_part_keeps_whole_characters() {
        assert_eq!(changed_part("a ,. b", "a , b"), (3..4, ""));
        // `æ` and `ø` share their first byte: the edit must not split it.
        assert_eq!(changed_part("xæy", "xøy"), (1..3, "ø"));
        assert_eq!(changed_part("aa", "aaa"), (2..2, "a"));
    }

    #[test]
    fn kinds_match_their_parents() {
        let source = [CodeActionKind::SOURCE];
        let fix_all = [CodeActionKind::SOURCE_FIX_ALL];
        let quickfix = [CodeActionKind::QUICKFIX];
        assert!(wanted(None, &FIX_ALL));
        assert!(wanted(Some(&source), &FIX_ALL));
        assert!(wanted(Some(&fix_all), &FIX_ALL));
        assert!(!wanted(Some(&quickfix), &FIX_ALL));
        assert!(!wanted(
            Some(&[CodeActionKind::new("source.fix")]),
            &FIX_ALL
        ));
    }
}
