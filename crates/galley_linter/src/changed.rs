//! `--changed-since REF`: the files a change touched, asked of the `git` command, and the
//! findings that belong to the change.
//!
//! Findings are kept in the files added or modified since REF: committed, staged, unstaged or
//! untracked. A change also breaks links in files it did not touch, by deleting or renaming a
//! page, or by changing its slug or headings. So a `broken-link` finding in any other file is
//! kept too when its link, resolved the same way, reaches a page the change modified or
//! deleted, as that page was at REF.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

use crate::document::Document;
use crate::engine::{absolute, Linter};
use crate::error::Error;
use crate::finding::{sort_findings, CheckOutcome, Finding};
use crate::links::{split_destination, Folder, LinkIndex, PageSummary, Target};

pub struct ChangedFiles {
    /// Files added or modified since REF, as canonical paths.
    changed: HashSet<PathBuf>,
    /// The pages the change modified or deleted, as they were at REF.
    pages_before: Vec<PageSummary>,
    /// The content root, canonical, and the extensions its pages have.
    root: PathBuf,
    extensions: Vec<String>,
}

/// Runs `git` in `dir`: its standard output when it succeeds, else what it said.
fn git(dir: &Path, args: &[&str]) -> Result<Result<Vec<u8>, String>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("--changed-since: cannot run git: {error}"))?;
    Ok(if output.status.success() {
        Ok(output.stdout)
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    })
}

/// `git` where failing is not expected: what it said is the error.
fn git_output(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    git(dir, args)?.map_err(|said| format!("--changed-since: git {}: {said}", args[0]))
}

/// `git cat-file --batch`: the contents of many `REF:path` objects from one process; `None`
/// for a path that is not a file at REF.
fn contents_at(
    top: &Path,
    reference: &str,
    paths: &[String],
) -> Result<Vec<Option<Vec<u8>>>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|error| format!("--changed-since: cannot run git: {error}"))?;
    let requests: String = paths
        .iter()
        .map(|path| format!("{reference}:{path}\n"))
        .collect();
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Written from a thread: git answers while it reads, and a full pipe would block both.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let mut output = Vec::new();
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_to_end(&mut output)
        .map_err(|error| format!("--changed-since: reading from git: {error}"))?;
    let _ = writer.join();
    child
        .wait()
        .map_err(|error| format!("--changed-since: git: {error}"))?;
    // Each answer: `<oid> blob <size>\n<content>\n`, or `<request> missing\n`.
    let mut contents = Vec::with_capacity(paths.len());
    let mut rest = &output[..];
    for _ in paths {
        let header_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .ok_or("--changed-since: git cat-file answered too little")?;
        let header = String::from_utf8_lossy(&rest[..header_end]).into_owned();
        rest = &rest[header_end + 1..];
        let mut fields = header.rsplitn(3, ' ');
        let size = fields.next().and_then(|size| size.parse::<usize>().ok());
        match (size, fields.next()) {
            (Some(size), Some(kind)) if size < rest.len() => {
                contents.push((kind == "blob").then(|| rest[..size].to_vec()));
                rest = &rest[size + 1..];
            }
            _ => contents.push(None),
        }
    }
    Ok(contents)
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| absolute(path))
}

/// The repository's top folder, checking that `reference` names a commit in it.
fn repository(dir: &Path, reference: &str) -> Result<PathBuf, String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?.map_err(|_| {
        format!(
            "--changed-since needs a git repository, and {} is not in one",
            dir.display()
        )
    })?;
    let top = PathBuf::from(String::from_utf8_lossy(&top).trim_end());
    let commit = format!("{reference}^{{commit}}");
    git(&top, &["rev-parse", "--verify", "--quiet", &commit])?.map_err(|_| {
        format!(
            "--changed-since: `{reference}` is not a commit in {}",
            top.display()
        )
    })?;
    Ok(top)
}

/// The files added or modified since `reference` (committed, staged, unstaged or untracked),
/// and the paths that existed at `reference` and were modified or deleted since.
fn changes(top: &Path, reference: &str) -> Result<(HashSet<PathBuf>, Vec<String>), String> {
    let diff = git_output(
        top,
        &[
            "diff",
            "--name-status",
            "--no-renames",
            "-z",
            reference,
            "--",
        ],
    )?;
    let untracked = git_output(top, &["ls-files", "--others", "--exclude-standard", "-z"])?;
    let mut changed = HashSet::new();
    let mut before = Vec::new();
    let diff = String::from_utf8_lossy(&diff);
    let mut fields = diff.split('\0');
    while let (Some(status), Some(path)) = (fields.next(), fields.next()) {
        if !status.starts_with('D') {
            changed.insert(top.join(path));
        }
        if !status.starts_with('A') {
            before.push(path.to_string());
        }
    }
    let untracked = String::from_utf8_lossy(&untracked);
    let untracked = untracked.split('\0').filter(|path| !path.is_empty());
    changed.extend(untracked.map(|path| top.join(path)));
    Ok((changed, before))
}

impl ChangedFiles {
    /// Asks git what changed since `reference` in the repository holding the content root.
    pub fn since(reference: &str, linter: &Linter) -> Result<Self, Error> {
        let dir = if linter.root().is_dir() {
            linter.root().to_path_buf()
        } else {
            absolute(Path::new("."))
        };
        let top = repository(&dir, reference).map_err(Error::Changed)?;
        let (changed, mut before) = changes(&top, reference).map_err(Error::Changed)?;
        let root = canonical(linter.root());
        let extensions = linter.config().files.extensions.clone();
        before.retain(|path| crate::paths::has_extension(Path::new(path), &extensions));
        let slug_field = &linter.config().links.slug_field;
        let pages_before = contents_at(&top, reference, &before)
            .map_err(Error::Changed)?
            .into_iter()
            .zip(&before)
            .filter_map(|(content, path)| {
                let source = String::from_utf8(content?).ok()?;
                let file = top.join(path);
                let key = key_under(&root, &file)?;
                let dir = file.parent()?.into();
                let doc = Document::parse(&source);
                Some(PageSummary::build(&doc, Some(key), dir, slug_field, false))
            })
            .collect();
        Ok(ChangedFiles {
            changed,
            pages_before,
            root,
            extensions,
        })
    }

    fn is_changed(&self, path: &str) -> bool {
        self.changed.contains(&canonical(Path::new(path)))
    }

    /// Keeps the findings and files that belong to the change.
    pub fn retain(&self, outcome: &mut CheckOutcome) {
        let mut changed_paths: HashMap<Arc<str>, bool> = HashMap::new();
        let mut is_changed = |path: &Arc<str>| -> bool {
            *changed_paths
                .entry(path.clone())
                .or_insert_with(|| self.is_changed(path))
        };
        let (mut kept, elsewhere): (Vec<Finding>, Vec<Finding>) =
            std::mem::take(&mut outcome.findings)
                .into_iter()
                .partition(|finding| is_changed(finding.path()));
        // Elsewhere only broken links can be the change's doing: judged by their destination.
        let index_before = LinkIndex::new(&self.root, &self.extensions, self.pages_before.iter());
        kept.extend(elsewhere.into_iter().filter(|finding| {
            finding.diagnostic.link.as_ref().is_some_and(|link| {
                self.reached_a_changed_page(&index_before, finding.path(), &link.destination)
            })
        }));
        sort_findings(&mut kept);
        outcome.findings = kept;
        outcome.files.retain(|path| is_changed(path));
    }

    /// Whether the link `destination`, written in `path`, resolves against the pages the change
    /// modified or deleted, as they were.
    fn reached_a_changed_page(
        &self,
        index_before: &LinkIndex,
        path: &str,
        destination: &str,
    ) -> bool {
        let file = canonical(Path::new(path));
        let from = PageSummary {
            key: key_under(&self.root, &file),
            dir: file.parent().map(Folder::from).unwrap_or_default(),
            ..Default::default()
        };
        let (target, _fragment) = split_destination(destination);
        let target = target.trim_end_matches('/');
        // A link to the same page (`#anchor`) cannot be broken by another file's change.
        !target.is_empty() && matches!(index_before.resolve(&from, target), Target::Page(_))
    }
}

/// A file's key under the content root (`a/b.md`), as the link index knows pages.
fn key_under(root: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some(parts.join("/"))
}
