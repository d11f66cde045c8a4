//! Content files that are not text galley can read (not UTF-8, UTF-16, binary): each gets
//! one diagnostic saying why, published on the file though it is not open, so that a link to
//! it that reads "no such page" is not left unexplained. A file read again clears it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::PublishDiagnosticsParams;

use crate::diagnostics;
use crate::positions::path_to_uri;
use galley_linter::links::PageSummary;

/// The files shown as unreadable, with why.
#[derive(Default)]
pub struct Unreadable {
    shown: HashMap<PathBuf, String>,
}

impl Unreadable {
    /// What reading the file at `path` from disk gave: its page, or why it is not one, which
    /// is shown on the file (a file that is gone is simply no page).
    pub fn read(
        &mut self,
        sender: &Sender<Message>,
        path: &Path,
        read: Result<PageSummary, String>,
    ) -> Option<PageSummary> {
        match read {
            Ok(page) => {
                self.show(sender, path, None);
                Some(page)
            }
            Err(error) => {
                let problem = path.exists().then_some(error);
                self.show(sender, path, problem);
                None
            }
        }
    }

    /// A folder's content root was read: `unreadable` are its files that are not text;
    /// those of its files shown before and not among them are text again.
    pub fn scanned(
        &mut self,
        sender: &Sender<Message>,
        in_folder: impl Fn(&Path) -> bool,
        unreadable: Vec<(PathBuf, String)>,
    ) {
        let mended: Vec<PathBuf> = (self.shown.keys())
            .filter(|path| in_folder(path) && !unreadable.iter().any(|(p, _)| p == *path))
            .cloned()
            .collect();
        for path in mended {
            self.show(sender, &path, None);
        }
        for (path, problem) in unreadable {
            self.show(sender, &path, Some(problem));
        }
    }

    /// The file is open: the buffer's own diagnostics take the file's place.
    pub fn opened(&mut self, path: &Path) {
        self.shown.remove(path);
    }

    fn show(&mut self, sender: &Sender<Message>, path: &Path, problem: Option<String>) {
        let changed = match &problem {
            Some(problem) => {
                self.shown
                    .insert(path.to_path_buf(), problem.clone())
                    .as_ref()
                    != Some(problem)
            }
            None => self.shown.remove(path).is_some(),
        };
        let Some(uri) = path_to_uri(path).filter(|_| changed) else {
            return;
        };
        let found = problem.map(|p| vec![diagnostics::unreadable(p)]);
        let params = PublishDiagnosticsParams::new(uri, found.unwrap_or_default(), None);
        let notification = Notification::new(PublishDiagnostics::METHOD.to_string(), params);
        // A failed send means the editor is gone: the loop finds out on its next read.
        let _ = sender.send(notification.into());
    }
}
