//! Go to definition on a link: the page it names, at the heading its fragment names; the file
//! an image shows; for a reference-style link, its definition.

use lsp_types::{GotoDefinitionParams, GotoDefinitionResponse, Location};

use crate::navigation::{at_cursor, AtCursor, View};
use crate::positions::Lines;

pub fn definition(view: &View, params: GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let at = params.text_document_position_params;
    let (doc, page) = view.document(&at.text_document.uri)?;
    let lines = Lines::new(&doc.text);
    let location = match at_cursor(&doc.text, page, lines.offset(at.position)) {
        AtCursor::Link(dest) => view.locate(page, &doc.path, &dest)?,
        AtCursor::Reference(definition) => Location::new(doc.uri.clone(), lines.range(&definition)),
        AtCursor::Heading(_) | AtCursor::Text => return None,
    };
    Some(GotoDefinitionResponse::Scalar(location))
}
