//! Docusaurus's blog: its posts live in `blog/` and are served under `/blog/`, at a path made
//! from the date that opens the post's file or folder name, or at `/blog/<slug>`.

/// The URL prefix of the blog, and the folder its posts live in.
pub(super) const BLOG: &str = "blog";

/// A post's URL below the blog from its path URL there (`2021-03-04-launch`, also for
/// `2021-03-04-launch/index.md`) and its frontmatter `slug`: the slug if it has one, else the
/// date made folders (`2021/03/04/launch`), else the path as it is.
pub(super) fn blog_post_url(path_url: &str, slug: Option<&str>) -> String {
    if let Some(slug) = slug {
        return slug.trim_matches('/').to_string();
    }
    let (folder, name) = match path_url.rsplit_once('/') {
        Some((folder, name)) => (Some(folder), name),
        None => (None, path_url),
    };
    let Some((date, title)) = split_date(name) else {
        return path_url.to_string();
    };
    let dated = format!("{}/{title}", date.replace('-', "/"));
    match folder {
        Some(folder) => format!("{folder}/{dated}"),
        None => dated,
    }
}

/// `2021-03-04-launch` as `("2021-03-04", "launch")`.
fn split_date(name: &str) -> Option<(&str, &str)> {
    let (date, title) = (name.get(..10)?, name.get(11..)?);
    let digits_at = |range: std::ops::Range<usize>| date[range].bytes().all(|b| b.is_ascii_digit());
    let is_date = digits_at(0..4)
        && digits_at(5..7)
        && digits_at(8..10)
        && date.as_bytes()[4] == b'-'
        && date.as_bytes()[7] == b'-'
        && name.as_bytes()[10] == b'-';
    (is_date && !title.is_empty()).then_some((date, title))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dated_post_is_served_under_its_date() {
        assert_eq!(
            blog_post_url("2021-03-04-launch", None),
            "2021/03/04/launch"
        );
        assert_eq!(
            blog_post_url("2019/2019-05-30-welcome", None),
            "2019/2019/05/30/welcome"
        );
        assert_eq!(blog_post_url("2021-03-04-launch", Some("/hello")), "hello");
        assert_eq!(blog_post_url("release-notes", None), "release-notes");
        assert_eq!(blog_post_url("2021-03-04", None), "2021-03-04");
        assert_eq!(blog_post_url("2021-3-04-x", None), "2021-3-04-x");
    }
}
