use crate::diagnostic::{Diagnostic, LinkData};
use crate::fix::{Edit, Fix};
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

use crate::links::{
    closest, normalize, split_destination, Candidate, LinkIndex, LinkKind, LinkRecord, PageSummary,
    Target, TemplateKind, TemplateLink,
};
use crate::rule::{declare_rule, Rule, RuleSettings};

declare_rule! {
    /// ## What it does
    /// Flags internal links and images whose target page, file or `#anchor` does not exist:
    /// inline links, images, and reference definitions (`[label]: /target`, which stand for
    /// every reference-style link using them).
    ///
    /// An absolute link `/a/b` (query and fragment cut off, percent-decoded, trailing `/`
    /// ignored) resolves when a page's frontmatter `slug` is `a/b`, or a file exists at `a/b`,
    /// `a/b.<ext>` or `a/b/index.<ext>` under the content root (the folder of `galley.toml`,
    /// or `[links] root`). A relative link resolves the same way from the linking file's
    /// folder. `#anchor` is checked against the target's headings, GitHub style (`## Første
    /// steg` is `#første-steg`, repeats get `-1`, `-2`), explicit `{#id}` attributes and HTML
    /// `id`s, without regard to case (as GitHub matches them). A folder's `README.<ext>`
    /// serves as its page when it has no `index.<ext>`.
    ///
    /// On a site with a generator, links resolve as it serves pages (see the README's
    /// "Site generators"), redirects count as the pages they lead to, and links written in its
    /// template syntax are checked too: Hugo's `{{< ref "x" >}}`, Jekyll's `{% link x %}` and
    /// `{% post_url x %}`, mdBook's `{{#include x}}` (a missing target fails the build).
    ///
    /// ## Why
    /// A broken link is a dead end for the reader and a signal of neglect to search engines.
    /// Pages get renamed and slugs change; nobody finds the links by hand in thousands of
    /// files.
    ///
    /// ## Example
    /// ```markdown
    /// See [joint venture](/jointventur) and [risks](/fusjon#risiko).
    /// ```
    /// Not flagged: external schemes (`https:`, `mailto:`, `tel:`, `//host`) and anything in
    /// code spans or code blocks.
    ///
    /// ## Fix
    /// When one existing page or anchor is clearly the closest (a small edit distance, and no
    /// other candidate as close), the fix points the link at it. Unsafe: the closest name is
    /// not always the page the writer meant.
    pub static META = {
        id: "broken-link",
        severity: Error,
        fix: Sometimes,
        summary: "internal links and images whose page, file or anchor does not exist",
    };
}

pub struct BrokenLink;

pub fn build(settings: &RuleSettings) -> Result<Box<dyn Rule>, String> {
    settings.options::<crate::rules::NoOptions>()?;
    Ok(Box::new(BrokenLink))
}

fn what(link: &LinkRecord) -> &'static str {
    match link.kind {
        LinkKind::Image => "image",
        LinkKind::Link | LinkKind::Definition => "link",
    }
}

fn missing_target(link: &LinkRecord, suggestion: Option<String>) -> Diagnostic {
    let diagnostic = Diagnostic::new(
        link.dest_span.clone(),
        format!(
            "broken {} `{}`: no such page or file",
            what(link),
            link.dest
        ),
    )
    .with_label("no page or file here")
    .with_link(LinkData {
        destination: link.dest.to_string(),
        page: None,
    });
    with_suggestion(
        diagnostic,
        link,
        suggestion,
        "check the path, or the target page's `slug`",
    )
}

fn missing_template_target(template: &TemplateLink) -> Diagnostic {
    let (what, help) = match template.kind {
        TemplateKind::HugoRef => (
            "page",
            "Hugo stops the build on a `ref` to no page: name the page from this page's folder \
             or the content root",
        ),
        TemplateKind::JekyllLink => (
            "file",
            "Jekyll stops the build: `link` needs a file's exact path from the site's folder",
        ),
        TemplateKind::JekyllPost => (
            "post",
            "Jekyll stops the build: `post_url` needs the name of a post in `_posts`",
        ),
        TemplateKind::MdbookInclude => (
            "file",
            "mdBook stops the build: the path is relative to this page's folder",
        ),
    };
    let link = &template.link;
    Diagnostic::new(
        link.dest_span.clone(),
        format!(
            "broken `{}` `{}`: no such {what}",
            template.kind.syntax(),
            link.dest
        ),
    )
    .with_label(format!("no {what} here"))
    .with_help(help.to_string())
    .with_link(LinkData {
        destination: link.dest.to_string(),
        page: None,
    })
}

fn missing_anchor(link: &LinkRecord, key: Option<&str>, suggestion: Option<String>) -> Diagnostic {
    let page = key.unwrap_or("the target page");
    let diagnostic = Diagnostic::new(
        link.dest_span.clone(),
        format!(
            "broken {} `{}`: `{page}` has no such anchor",
            what(link),
            link.dest
        ),
    )
    .with_label("no heading or id with this anchor")
    .with_link(LinkData {
        destination: link.dest.to_string(),
        page: key.map(str::to_string),
    });
    with_suggestion(
        diagnostic,
        link,
        suggestion,
        "link to an existing heading of the target page",
    )
}

fn with_suggestion(
    diagnostic: Diagnostic,
    link: &LinkRecord,
    suggestion: Option<String>,
    otherwise: &str,
) -> Diagnostic {
    match suggestion {
        Some(dest) => diagnostic
            .with_help(format!("did you mean `{dest}`?"))
            .with_fix(Fix::unsafe_(
                format!("link to `{dest}`"),
                vec![Edit::replace(link.dest_span.clone(), dest)],
            )),
        None => diagnostic.with_help(otherwise.to_string()),
    }
}

impl BrokenLink {
    fn check_link(
        &self,
        index: &LinkIndex,
        page: &PageSummary,
        link: &LinkRecord,
    ) -> Option<Diagnostic> {
        let (path, fragment) = split_destination(&link.dest);
        let path = path.trim_end_matches('/');
        let target = match index.resolve(page, path) {
            Target::Missing => {
                return Some(missing_target(
                    link,
                    self.suggest_page(index, page, path, fragment.as_deref()),
                ));
            }
            Target::File | Target::Outside => return None,
            Target::Page(target) => target,
        };
        self.check_anchor(link, target, fragment.as_deref(), true)
    }

    /// A link in template syntax: no fix is offered, for the template names a file where a
    /// suggestion would name a URL.
    fn check_template(
        &self,
        index: &LinkIndex,
        page: &PageSummary,
        template: &TemplateLink,
    ) -> Option<Diagnostic> {
        let link = &template.link;
        let (path, fragment) = split_destination(&link.dest);
        let target = match index.resolve_template(page, template.kind, &path) {
            Target::Missing => return Some(missing_template_target(template)),
            Target::File | Target::Outside => return None,
            Target::Page(target) => target,
        };
        self.check_anchor(link, target, fragment.as_deref(), false)
    }

    fn check_anchor(
        &self,
        link: &LinkRecord,
        target: &PageSummary,
        fragment: Option<&str>,
        suggest: bool,
    ) -> Option<Diagnostic> {
        let fragment = fragment.filter(|f| !f.is_empty())?;
        // Anchors match without regard to case, as GitHub matches them.
        let wanted = fragment.to_lowercase();
        if target.anchors.contains(fragment)
            || target.anchors.iter().any(|a| a.to_lowercase() == wanted)
        {
            return None;
        }
        if !suggest {
            return Some(missing_anchor(link, target.key.as_deref(), None));
        }
        let anchors: Vec<Candidate> = target.anchors.iter().map(Candidate::new).collect();
        let suggestion = closest(&Candidate::new(fragment), anchors.iter()).map(|anchor| {
            let raw_path = link.dest.split_once('#').map_or("", |(p, _)| p);
            format!("{raw_path}#{anchor}")
        });
        Some(missing_anchor(link, target.key.as_deref(), suggestion))
    }

    /// The destination to suggest for a missing page: absolute, so that it resolves from
    /// wherever the link stands, and percent-encoded where a space would end the link.
    fn suggest_page(
        &self,
        index: &LinkIndex,
        page: &PageSummary,
        path: &str,
        fragment: Option<&str>,
    ) -> Option<String> {
        let wanted = match path.strip_prefix('/') {
            Some(absolute) => normalize(None, absolute)?,
            None => normalize(page.folder_key(), path)?,
        };
        let wanted = index
            .extensions()
            .iter()
            .find_map(|ext| wanted.strip_suffix(&format!(".{ext}")))
            .unwrap_or(&wanted);
        let found = index.closest_page(wanted)?;
        let found = found.as_str();
        let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
        Some(format!(
            "/{}{fragment}",
            utf8_percent_encode(found, UNSAFE_IN_LINKS)
        ))
    }
}

/// Characters that would end or break a Markdown link destination.
const UNSAFE_IN_LINKS: &AsciiSet = &CONTROLS.add(b' ').add(b'<').add(b'>').add(b'(').add(b')');

impl Rule for BrokenLink {
    fn check_workspace(&self, index: &LinkIndex, page: &PageSummary, out: &mut Vec<Diagnostic>) {
        out.extend(
            page.links
                .iter()
                .filter_map(|link| self.check_link(index, page, link)),
        );
        out.extend(
            (page.template_links.iter())
                .filter_map(|template| self.check_template(index, page, template)),
        );
    }
}
