//! Writes a synthetic knowledge base to benchmark galley on: `gen_corpus N DIR`.
//!
//! N Markdown articles in the style of a Norwegian business glossary, 100 to a folder, each
//! with YAML frontmatter, headings, paragraphs, lists, quotes, tables, code, images and links to
//! other pages (by path, relative path or slug, some to an `#anchor` of a real heading). About
//! 2% of the files carry each kind of defect galley looks for. A `galley.toml` and a frontmatter
//! schema at DIR make every rule run. The bytes depend on N alone: same N, same corpus.

mod rng;
mod words;

use rng::Rng;
use words::*;

use std::path::Path;
use std::{env, fs, process};

const FILES_PER_FOLDER: usize = 100;
const IMAGES: usize = 20;
/// The share of files given each kind of defect, in percent.
const DEFECT_PERCENT: u64 = 2;

const DEFECT_NAMES: [&str; 5] = [
    "stray punctuation",
    "empty blockquote",
    "pseudo-bullet",
    "broken link",
    "bad frontmatter",
];
const STRAY: usize = 0;
const EMPTY_QUOTE: usize = 1;
const PSEUDO_BULLET: usize = 2;
const BROKEN_LINK: usize = 3;
const BAD_FRONTMATTER: usize = 4;

/// What a page's neighbours need to know to link to it; derived from its number alone.
struct Page {
    folder: String,
    /// The file name without `.md`.
    stem: String,
    slug: Option<String>,
    /// The glossary term the page explains, lowercase: `kapitalkostnad`.
    term: String,
    /// Distinct section headings, in order.
    headings: Vec<String>,
}

impl Page {
    fn plan(number: usize) -> Page {
        let mut rng = Rng::for_stream(2 * number as u64);
        let (prefix, suffix) = (rng.pick(TERM_PREFIXES), rng.pick(TERM_SUFFIXES));
        let term = format!("{prefix}{suffix}");
        let folder_number = number / FILES_PER_FOLDER;
        let folder = format!(
            "{}/del-{folder_number:04}",
            AREAS[folder_number % AREAS.len()]
        );
        // The first page of each folder is its index page, reached by the folder's path.
        let is_index = number % FILES_PER_FOLDER == 0;
        let stem = if is_index {
            "index".to_string()
        } else {
            format!("{}-{number}", ascii(&term))
        };
        let slug = (!is_index && rng.percent(35))
            .then(|| format!("ordliste/{}-{}-{number}", ascii(prefix), ascii(suffix)));
        let count = rng.between(3, 6);
        let mut headings: Vec<String> = Vec::new();
        while headings.len() < count {
            let heading = rng.pick(HEADINGS).replace("{term}", &term);
            if !headings.contains(&heading) {
                headings.push(heading);
            }
        }
        Page {
            folder,
            stem,
            slug,
            term,
            headings,
        }
    }

    fn path(&self) -> String {
        format!("{}/{}", self.folder, self.stem)
    }
}

/// `æøå` spelled the way file names and slugs spell them.
fn ascii(word: &str) -> String {
    word.replace('æ', "ae").replace('ø', "o").replace('å', "a")
}

/// The anchor GitHub (and galley) gives a heading made of letters and spaces.
fn anchor(heading: &str) -> String {
    heading.to_lowercase().replace(' ', "-")
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// Breaks a paragraph into lines of about `width` characters, as some writers do.
fn wrap(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line_len = 0;
    for word in text.split(' ') {
        if line_len > 0 && line_len + word.chars().count() > width {
            out.push('\n');
            line_len = 0;
        } else if line_len > 0 {
            out.push(' ');
            line_len += 1;
        }
        out.push_str(word);
        line_len += word.chars().count();
    }
    out
}

#[derive(Default)]
struct Stats {
    files: usize,
    bytes: usize,
    lines: usize,
    internal_links: usize,
    anchor_links: usize,
    external_links: usize,
    images: usize,
    defects: [usize; 5],
}

/// Writes one page's text; `rng` is the page's own stream, so pages do not depend on each other.
struct PageWriter<'a> {
    number: usize,
    files: usize,
    page: &'a Page,
    rng: Rng,
    out: String,
    /// Reference definitions to write at the end: (label, destination).
    references: Vec<(usize, String)>,
    stats: &'a mut Stats,
}

impl PageWriter<'_> {
    fn lines(&self) -> usize {
        self.out.bytes().filter(|&b| b == b'\n').count()
    }

    /// Another page, from the same folder half of the time.
    fn other_page(&mut self) -> usize {
        let folder_start = self.number - self.number % FILES_PER_FOLDER;
        let candidate = if self.rng.percent(50) {
            folder_start + self.rng.below(FILES_PER_FOLDER)
        } else {
            self.rng.below(self.files)
        };
        let candidate = candidate.min(self.files - 1);
        if candidate == self.number {
            (candidate + 1) % self.files
        } else {
            candidate
        }
    }

    /// A working destination for another page: its slug, its path, or a relative path.
    fn destination(&mut self, target: &Page) -> String {
        let mut dest = match &target.slug {
            Some(slug) if self.rng.percent(60) => format!("/{slug}"),
            _ if target.stem == "index" => format!("/{}/", target.folder),
            _ if target.folder == self.page.folder && self.rng.percent(50) => {
                if self.rng.percent(50) {
                    format!("{}.md", target.stem)
                } else {
                    format!("./{}", target.stem)
                }
            }
            _ => format!("/{}", target.path()),
        };
        if self.rng.percent(25) {
            let heading = &target.headings[self.rng.below(target.headings.len())];
            let fragment = anchor(heading);
            let fragment = if self.rng.percent(30) {
                percent_encode(&fragment)
            } else {
                fragment
            };
            dest.push('#');
            dest.push_str(&fragment);
            self.stats.anchor_links += 1;
        }
        dest
    }

    fn internal_link(&mut self) -> String {
        let target = Page::plan(self.other_page());
        let dest = self.destination(&target);
        self.stats.internal_links += 1;
        if self.rng.percent(10) {
            let label = self.references.len() + 1;
            self.references.push((label, dest));
            format!("[{}][{label}]", target.term)
        } else {
            format!("[{}]({dest})", target.term)
        }
    }

    /// A link that galley must flag: a missing page, a wrong anchor or a misspelt slug.
    fn broken_link(&mut self) -> String {
        let dest = match self.rng.below(3) {
            0 => format!("/arkiv/utgatt-side-{}", self.number),
            1 => {
                let target = Page::plan(self.other_page());
                let heading = &target.headings[0];
                // Either a heading that is not there, or the right one spelt without `æøå`.
                let fragment = if ascii(heading) != *heading {
                    anchor(&ascii(heading))
                } else {
                    "kapittel-9".to_string()
                };
                format!("/{}#{fragment}", target.path())
            }
            _ => {
                let start = self.other_page();
                let slug = (0..self.files)
                    .find_map(|step| Page::plan((start + step) % self.files).slug)
                    .unwrap_or_else(|| "ordliste/finnes-ikke".to_string());
                // Drop one letter of the term: `ordliste/kaptal-kostnad-4711`.
                let at = "ordliste/".len() + 2;
                format!("/{}{}", &slug[..at], &slug[at + 1..])
            }
        };
        format!("[{}]({dest})", self.rng.pick(NOUNS))
    }

    /// A noun phrase, now and then a link, code, emphasis or strong emphasis.
    fn phrase(&mut self) -> String {
        match self.rng.below(100) {
            0..=14 => self.internal_link(),
            15..=16 => {
                self.stats.external_links += 1;
                let (text, url) = EXTERNAL_LINKS[self.rng.below(EXTERNAL_LINKS.len())];
                format!("[{text}]({url})")
            }
            17..=21 => format!("`{}`", self.rng.pick(CODE_WORDS)),
            22..=25 => format!("*{}*", self.rng.pick(NOUNS)),
            26..=27 => format!("**{}**", self.rng.pick(NOUNS)),
            _ => format!("{} {}", self.rng.pick(ADJECTIVES), self.rng.pick(NOUNS)),
        }
    }

    fn sentence(&mut self) -> String {
        let (noun, verb, other) = (
            self.rng.pick(NOUNS),
            self.rng.pick(VERBS),
            self.rng.pick(NOUNS),
        );
        let text = match self.rng.below(12) {
            0..=3 => format!("{noun} {verb} {}.", self.phrase()),
            4..=6 => {
                let (opener, adverb) = (self.rng.pick(OPENERS), self.rng.pick(ADVERBS));
                format!("{opener} {verb} {noun} {adverb} {}.", self.phrase())
            }
            7 | 8 => {
                let conjunction = self.rng.pick(CONJUNCTIONS);
                let other_verb = self.rng.pick(VERBS);
                let object = self.phrase();
                let other_object = self.phrase();
                format!(
                    "{noun} {verb} {object}, {conjunction} {other} {other_verb} {other_object}."
                )
            }
            9 | 10 => {
                let (whole, tenths) = (self.rng.between(1, 40), self.rng.below(10));
                format!("{noun} {verb} {other} med {whole},{tenths} prosent.")
            }
            // Abbreviations, inside a sentence and at its end (where they take no extra stop).
            _ => {
                let example = self.rng.pick(NOUNS);
                format!("{noun} {verb} flere forhold, f.eks. {example}, {other} m.m.")
            }
        };
        capitalize(&text)
    }

    fn paragraph(&mut self) -> String {
        let count = self.rng.between(2, 5);
        let text = (0..count)
            .map(|_| self.sentence())
            .collect::<Vec<_>>()
            .join(" ");
        if self.rng.percent(30) {
            wrap(&text, 80)
        } else {
            text
        }
    }

    fn list(&mut self) -> String {
        let ordered = self.rng.percent(25);
        let tasks = !ordered && self.rng.percent(10);
        let period = if self.rng.percent(50) { "." } else { "" };
        let mut items = Vec::new();
        for n in 1..=self.rng.between(3, 6) {
            let marker = if ordered {
                format!("{n}.")
            } else if tasks {
                format!("- [{}]", if self.rng.percent(50) { "x" } else { " " })
            } else {
                "-".to_string()
            };
            let (verb, noun) = (self.rng.pick(VERBS), self.rng.pick(NOUNS));
            let text = capitalize(&format!("{} {verb} {noun}", self.phrase()));
            items.push(format!("{marker} {text}{period}"));
            if !ordered && self.rng.percent(10) {
                items.push(format!("  - {}{period}", capitalize(&self.phrase())));
            }
        }
        items.join("\n")
    }

    fn quote(&mut self) -> String {
        let first = self.sentence();
        if self.rng.percent(20) {
            // A `>` line between two paragraphs of one quote is content, not an empty quote.
            format!("> {first}\n>\n> {}", self.sentence())
        } else {
            format!("> {first} {}", self.sentence())
        }
    }

    fn table(&mut self) -> String {
        let year = self.rng.between(2015, 2023);
        let mut rows = vec![
            format!("| Nøkkeltall | {year} | {} |", year + 1),
            "| --- | ---: | ---: |".to_string(),
        ];
        for _ in 0..self.rng.between(2, 5) {
            let (a, b) = (self.rng.between(100, 99_999), self.rng.between(100, 99_999));
            rows.push(format!("| {} | {a} | {b} |", self.rng.pick(TABLE_ROWS)));
        }
        rows.join("\n")
    }

    fn image(&mut self) -> String {
        self.stats.images += 1;
        let alt = capitalize(&format!("figur som viser {}", self.page.term));
        if self.rng.percent(70) {
            format!("![{alt}](/bilder/figur-{:02}.png)", self.rng.below(IMAGES))
        } else {
            format!(
                "![{alt}](https://www.example.no/bilder/{}.png)",
                ascii(&self.page.term)
            )
        }
    }

    fn block(&mut self) -> String {
        match self.rng.below(100) {
            0..=47 => self.paragraph(),
            48..=71 => self.list(),
            72..=79 => self.quote(),
            80..=87 => self.table(),
            88..=94 => CODE_BLOCKS[self.rng.below(CODE_BLOCKS.len())].to_string(),
            _ => self.image(),
        }
    }

    fn frontmatter(&mut self, defect: bool) {
        let title = capitalize(&self.page.term);
        let description = format!(
            "{title} forklart for små og mellomstore bedrifter, med eksempler og nøkkeltall."
        );
        // A flow list on the key's line, or a block list below it.
        let keywords = if self.rng.percent(50) {
            format!(
                " [{}, {}]",
                self.page.term,
                AREAS[self.number % AREAS.len()]
            )
        } else {
            format!(
                "\n  - {}\n  - {}",
                self.page.term,
                self.rng.pick(TERM_SUFFIXES)
            )
        };
        let mut lines = vec![
            "---".to_string(),
            format!("title: {title}"),
            format!("description: {description}"),
            format!("keywords:{keywords}"),
        ];
        if let Some(slug) = &self.page.slug {
            lines.push(format!("slug: {slug}"));
        }
        let (year, month, day) = (
            self.rng.between(2018, 2024),
            self.rng.between(1, 12),
            self.rng.between(1, 28),
        );
        lines.push(format!("updated: {year}-{month:02}-{day:02}"));
        lines.push("---".to_string());
        if defect {
            // A page with a slug keeps it readable, so that links to it still resolve.
            let kinds = if self.page.slug.is_some() { 3 } else { 6 };
            match self.rng.below(kinds) {
                0 => drop(lines.remove(2)),
                1 => lines[1] = format!("title: {year}"),
                2 => lines.insert(2, "forfatter: Kari Nordmann".to_string()),
                3 => lines[2] = format!("description: {title}: slik fungerer det"),
                4 => drop(lines.pop()),
                _ => lines.insert(2, format!("title: {title}")),
            }
        }
        self.out.push_str(&lines.join("\n"));
        self.out.push_str("\n\n");
    }

    fn push_block(&mut self, block: &str) {
        self.out.push_str(block);
        self.out.push_str("\n\n");
    }

    fn write(mut self) -> String {
        let defects: [bool; 5] = std::array::from_fn(|_| self.rng.percent(DEFECT_PERCENT));
        for (count, &has) in self.stats.defects.iter_mut().zip(&defects) {
            *count += usize::from(has);
        }
        self.frontmatter(defects[BAD_FRONTMATTER]);
        // The last block may run a few lines past the target: aim low enough to stay within 80.
        let target_lines = self.rng.between(32, 72);
        self.push_block(&format!("# {}", capitalize(&self.page.term)));
        let intro = self.paragraph();
        self.push_block(&intro);
        if defects[STRAY] {
            let (noun, verb, other) = (
                self.rng.pick(NOUNS),
                self.rng.pick(VERBS),
                self.rng.pick(NOUNS),
            );
            let text = if self.rng.percent(50) {
                format!(
                    "{} {verb} {other},. og {}.",
                    capitalize(noun),
                    self.rng.pick(NOUNS)
                )
            } else {
                format!(
                    "{} {verb} {other} ,mens {} faller.",
                    capitalize(noun),
                    self.rng.pick(NOUNS)
                )
            };
            self.push_block(&text);
        }
        if defects[BROKEN_LINK] {
            let text = format!("Se også {}.", self.broken_link());
            self.push_block(&text);
        }
        let page = self.page;
        let start = self.lines();
        for (n, heading) in page.headings.iter().enumerate() {
            let level = if n > 0 && self.rng.percent(30) {
                "###"
            } else {
                "##"
            };
            self.push_block(&format!("{level} {heading}"));
            if n == 0 && defects[EMPTY_QUOTE] {
                self.push_block(">");
            }
            if n == 0 && defects[PSEUDO_BULLET] {
                let list = self.list();
                let pseudo = format!("– {}", capitalize(&self.phrase()));
                self.push_block(&format!("{list}\n\n{pseudo}"));
            }
            let section_end =
                start + target_lines.saturating_sub(start) * (n + 1) / page.headings.len();
            loop {
                let block = self.block();
                self.push_block(&block);
                if self.lines() + 1 >= section_end {
                    break;
                }
            }
        }
        for (label, dest) in std::mem::take(&mut self.references) {
            self.out.push_str(&format!("[{label}]: {dest}\n"));
        }
        // One newline at the end of the file, not a blank line.
        while self.out.ends_with("\n\n") {
            self.out.pop();
        }
        self.out
    }
}

const SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["title", "description"],
  "additionalProperties": false,
  "properties": {
    "title": { "type": "string", "minLength": 1 },
    "description": { "type": "string", "minLength": 20, "maxLength": 300 },
    "keywords": { "type": ["array", "string"], "items": { "type": "string" } },
    "slug": { "type": "string", "pattern": "^[a-z0-9]+([/-][a-z0-9]+)*$" },
    "updated": { "type": "string", "format": "date" }
  }
}
"#;

const CONFIG: &str = "[frontmatter]\nschema = \"schema.json\"\n";

fn generate(files: usize, dir: &Path) -> std::io::Result<Stats> {
    let mut stats = Stats::default();
    for number in 0..files {
        let page = Page::plan(number);
        let text = PageWriter {
            number,
            files,
            page: &page,
            rng: Rng::for_stream(2 * number as u64 + 1),
            out: String::new(),
            references: Vec::new(),
            stats: &mut stats,
        }
        .write();
        if number % FILES_PER_FOLDER == 0 {
            fs::create_dir_all(dir.join(&page.folder))?;
        }
        fs::write(dir.join(format!("{}.md", page.path())), &text)?;
        stats.files += 1;
        stats.bytes += text.len();
        stats.lines += text.lines().count();
    }
    fs::create_dir_all(dir.join("bilder"))?;
    for image in 0..IMAGES {
        // A PNG signature is enough: galley only checks that the file exists.
        fs::write(
            dir.join(format!("bilder/figur-{image:02}.png")),
            b"\x89PNG\r\n\x1a\n",
        )?;
    }
    fs::write(dir.join("schema.json"), SCHEMA)?;
    // Written last: its presence tells that the corpus is complete.
    fs::write(dir.join("galley.toml"), CONFIG)?;
    Ok(stats)
}

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    let (Some(files), Some(dir)) = (args.first().and_then(|n| n.parse().ok()), args.get(1)) else {
        eprintln!("usage: gen_corpus N DIR");
        process::exit(2);
    };
    let stats = generate(files, Path::new(dir)).unwrap_or_else(|error| {
        eprintln!("gen_corpus: {dir}: {error}");
        process::exit(1);
    });
    println!(
        "{} files, {:.1} MB, {} lines; {} internal links ({} with #anchor), {} external, {} images",
        stats.files,
        stats.bytes as f64 / 1e6,
        stats.lines,
        stats.internal_links,
        stats.anchor_links,
        stats.external_links,
        stats.images,
    );
    for (name, count) in DEFECT_NAMES.iter().zip(stats.defects) {
        println!("defect {name}: {count} files");
    }
}
