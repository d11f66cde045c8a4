//! The outline of a page (document symbols: its headings, nested by level), the pages of the
//! workspace by title (workspace symbols), and a buffer's links as document links.

use lsp_types::{
    DocumentLink, DocumentLinkParams, DocumentSymbol, DocumentSymbolParams, DocumentSymbolResponse,
    Location, OneOf, SymbolKind, WorkspaceSymbol, WorkspaceSymbolParams,
};

use crate::navigation::View;
use crate::positions::{path_to_uri, Lines};

/// More pages than this are cut: the editor asks again as the writer types on.
const MAX_SYMBOLS: usize = 200;

pub fn outline(view: &View, params: DocumentSymbolParams) -> Option<DocumentSymbolResponse> {
    let (doc, page) = view.document(&params.text_document.uri)?;
    let lines = Lines::new(&doc.text);
    // The headings still open, outermost first, each with its level: a heading closes every
    // open one of its level or deeper, which become children of the one above.
    let mut open: Vec<(u8, DocumentSymbol)> = Vec::new();
    let mut outline = Vec::new();
    let close = |open: &mut Vec<(u8, DocumentSymbol)>, outline: &mut Vec<DocumentSymbol>| {
        let (_, symbol) = open.pop().expect("a heading is open");
        match open.last_mut() {
            Some((_, parent)) => parent.children.get_or_insert_with(Vec::new).push(symbol),
            None => outline.push(symbol),
        }
    };
    for heading in page.headings() {
        while open
            .last()
            .is_some_and(|(level, _)| *level >= heading.level)
        {
            close(&mut open, &mut outline);
        }
        #[allow(
            deprecated,
            reason = "lsp-types has no constructor without `deprecated`"
        )]
        let symbol = DocumentSymbol {
            name: heading.text.clone(),
            detail: Some(format!("#{}", heading.anchor)),
            kind: SymbolKind::STRING,
            tags: None,
            deprecated: None,
            range: lines.range(&heading.span),
            selection_range: lines.range(&heading.text_span),
            children: None,
        };
        open.push((heading.level, symbol));
    }
    while !open.is_empty() {
        close(&mut open, &mut outline);
    }
    Some(DocumentSymbolResponse::Nested(outline))
}

/// Pages of every folder whose title (or, without one, path) holds the query, without case.
pub fn pages(view: &View, params: WorkspaceSymbolParams) -> Vec<WorkspaceSymbol> {
    let wanted = params.query.to_lowercase();
    let folders = view
        .workspace
        .folders
        .iter()
        .map(|context| View { context, ..*view });
    let mut found: Vec<WorkspaceSymbol> = folders
        .flat_map(|folder| folder.pages().collect::<Vec<_>>())
        .filter_map(|(path, page)| {
            let name = page
                .title()
                .map(str::to_string)
                .or_else(|| page.key.clone())?;
            if !name.to_lowercase().contains(&wanted) {
                return None;
            }
            Some(WorkspaceSymbol {
                name,
                kind: SymbolKind::FILE,
                tags: None,
                container_name: page.key.clone(),
                location: OneOf::Left(Location::new(path_to_uri(path)?, Default::default())),
                data: None,
            })
        })
        .collect();
    found.sort_by(|a, b| (&a.name, &a.container_name).cmp(&(&b.name, &b.container_name)));
    found.truncate(MAX_SYMBOLS);
    found
}

/// Every internal link of the buffer that leads somewhere, to where it leads.
pub fn links(view: &View, params: DocumentLinkParams) -> Option<Vec<DocumentLink>> {
    let (doc, page) = view.document(&params.text_document.uri)?;
    let lines = Lines::new(&doc.text);
    let found = page
        .links
        .iter()
        .filter_map(|link| {
            let target = view.locate(page, &doc.path, &link.dest)?;
            Some(DocumentLink {
                range: lines.range(&link.dest_span),
                target: Some(target.uri),
                tooltip: None,
                data: None,
            })
        })
        .collect();
    Some(found)
}
