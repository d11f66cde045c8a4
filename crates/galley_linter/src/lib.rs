//! galley's engine: a fast content linter and validator for Markdown knowledge bases.
//!
//! A [`engine::Linter`] is built once from a [`config::Config`]. A run reads each file once into
//! a [`document::Document`], runs the per-file rules on it in parallel, keeps a small
//! [`links::PageSummary`] per file, then checks links across the corpus. Each
//! [`finding::Finding`] carries its file's text ([`source::SourceFile`]) to the
//! [`report`]. This crate knows nothing of the terminal, the command line or the editor.

pub mod baseline;
pub mod budget;
pub mod changed;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod engine;
pub mod error;
pub mod finding;
pub mod fix;
pub mod frontmatter;
pub mod identity;
pub mod init;
pub mod language;
pub mod links;
pub mod pack;
pub mod page_template;
pub mod paths;
pub mod prose;
pub mod report;
pub mod rule;
pub mod rules;
pub mod site;
pub mod source;
pub mod suppression;
pub mod template;
