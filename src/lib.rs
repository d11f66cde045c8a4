//! galley: a fast content linter and validator for Markdown knowledge bases.
//!
//! A run reads each file once into a [`document::Document`], runs the per-file rules on it in
//! parallel, keeps a small [`links::PageSummary`] per file, then checks links across the
//! corpus. The binary (`src/main.rs`) is a thin layer over [`workspace`] and [`report`].

pub mod baseline;
pub mod changed;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod fix;
pub mod frontmatter;
pub mod identity;
pub mod init;
pub mod links;
pub mod pack;
pub mod prose;
pub mod report;
pub mod rule;
pub mod rules;
pub mod server;
pub mod suppression;
pub mod workspace;
