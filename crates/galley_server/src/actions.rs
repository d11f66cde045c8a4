//! Code actions: a quick fix for each fixable diagnostic under the cursor, and
//! `source.fixAll.galley`, which applies every safe fix to the buffer.

use std::collections::HashMap;
use std::ops::Range;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, Uri, WorkspaceEdit};

use crate::positions::Lines;
use galley_linter::diagnostic::Diagnostic;
use galley_linter::document::floor_char_boundary;
use galley_linter::fix::Applicability;

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
pub fn quick_fixes(
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
pub fn fix_all(uri: &Uri, text: &str, fixed: &str) -> Option<CodeActionOrCommand> {
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
