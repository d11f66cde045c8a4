//! A page's language, for rules that only make sense in some languages (the Norwegian house
//! style): declared in the frontmatter, in the file name (`page.nb.md`), by a locale folder, by
//! `[content] language`, or else guessed from the page's own prose by its commonest words.

use std::ops::Range;
use std::sync::LazyLock;

use rustc_hash::FxHashMap;

/// The frontmatter keys that declare a page's language.
pub const FRONTMATTER_KEYS: [&str; 3] = ["lang", "language", "locale"];

/// Locale codes galley recognises in file names (`page.nb.md`) and folder names
/// (`content/fr/...`): the common documentation locales. A folder is read as a locale only
/// under a content root, never anywhere in a path.
const LOCALES: &[&str] = &[
    "ar", "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "he", "hi", "hr",
    "hu", "id", "is", "it", "ja", "ko", "lt", "lv", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru",
    "sk", "sl", "sr", "sv", "th", "tr", "uk", "vi", "zh",
];

/// The primary language subtag of a locale (`nb-NO` and `nb_NO` are `nb`), lowercase, when it
/// is one galley knows.
pub fn primary_subtag(locale: &str) -> Option<String> {
    let primary = locale.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    LOCALES.contains(&primary.as_str()).then_some(primary)
}

/// `page.nb.md` is in `nb`.
pub fn from_file_name(name: &str) -> Option<String> {
    let mut parts = name.rsplit('.');
    let _extension = parts.next()?;
    let locale = parts.next()?;
    parts.next()?;
    primary_subtag(locale).filter(|_| locale.len() <= 5)
}

/// Whether a page in `language` is one a rule for `wanted` runs on. `no` (Norwegian) and `nb`
/// (bokmål) stand for each other: sites write either for bokmål.
pub fn matches(language: &str, wanted: &[String]) -> bool {
    wanted.iter().any(|want| {
        want == language || matches!((want.as_str(), language), ("nb", "no") | ("no", "nb"))
    })
}

/// The commonest short words of each language galley tells apart. A word in several sets
/// counts for each as one over their number, so that the words a language shares with its
/// neighbours weigh less than its own. Danish has only its own words: it shares nearly all
/// of its common ones with bokmål.
const MARKERS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "is", "that", "with", "are", "this", "you", "for", "it",
            "be", "from", "or", "can", "will", "by", "an", "not", "which", "your", "have", "has",
            "in", "on", "if", "use", "when",
        ],
    ),
    (
        "nb",
        &[
            "og", "ikke", "av", "det", "som", "på", "er", "til", "med", "har", "jeg", "kan",
            "skal", "vil", "hva", "hvordan", "etter", "mye", "bare", "fra", "også", "eller", "når",
            "dere", "hvis", "blir", "må", "en", "et", "de", "være", "noe", "hvor", "om",
        ],
    ),
    (
        "nn",
        &[
            "og", "ikkje", "av", "det", "som", "på", "er", "til", "med", "har", "eg", "kan",
            "skal", "vil", "kva", "korleis", "etter", "mykje", "berre", "frå", "òg", "eller",
            "når", "dykk", "viss", "blir", "må", "ein", "eit", "dei", "vere", "noko", "kvar", "om",
        ],
    ),
    (
        "da",
        &[
            "af", "hvad", "efter", "meget", "mellem", "gennem", "bliver", "nu", "sig", "mig",
            "dig", "noget", "nogle",
        ],
    ),
    (
        "sv",
        &[
            "och", "inte", "av", "det", "som", "på", "är", "till", "med", "har", "jag", "kan",
            "ska", "vill", "vad", "hur", "efter", "mycket", "bara", "från", "också", "eller",
            "när", "att", "för", "blir", "måste", "en", "ett", "de", "vara", "om",
        ],
    ),
    (
        "is",
        &[
            "og", "að", "ekki", "það", "sem", "á", "er", "til", "með", "hefur", "ég", "getur",
            "við", "um", "eru", "fyrir", "þú", "þetta", "eða", "þegar", "frá", "hvernig", "einnig",
        ],
    ),
];

/// Each marker word, packed as a key (see [`word_key`]), with the set of languages (bit `i`
/// for `MARKERS[i]`) that hold it.
static MARKER_INDEX: LazyLock<FxHashMap<u64, u8>> = LazyLock::new(|| {
    let mut index = FxHashMap::default();
    for (i, (_, words)) in MARKERS.iter().enumerate() {
        for word in *words {
            let key = word_key(word.as_bytes()).expect("a marker fits a key");
            *index.entry(key).or_insert(0u8) |= 1 << i;
        }
    }
    index
});

/// A word of at most [`LONGEST_MARKER`] bytes, lowercased and packed into an integer; `None`
/// for a longer one. Lowercasing covers ASCII and the Latin-1 capitals (`Å`, `Ø`, `Þ`, as
/// UTF-8 `C3 80` to `C3 9E`), which hold every marker's letters: a word with other capitals
/// matches no marker either way.
fn word_key(word: &[u8]) -> Option<u64> {
    if word.len() > LONGEST_MARKER {
        return None;
    }
    let mut key = [0u8; 8];
    let mut after_c3 = false;
    for (slot, &byte) in key.iter_mut().zip(word) {
        *slot = if after_c3 && (0x80..=0x9e).contains(&byte) && byte != 0x97 {
            byte + 0x20
        } else {
            byte.to_ascii_lowercase()
        };
        after_c3 = byte == 0xc3;
    }
    // The length keeps a word apart from the same word followed by NUL bytes.
    key[7] = word.len() as u8;
    Some(u64::from_le_bytes(key))
}

/// The longest marker word, in bytes.
const LONGEST_MARKER: usize = 7;

/// Below this weight of marker words a page says too little to guess from.
const LEAST_WEIGHT: f64 = 4.0;
/// Enough words to decide; counting further only costs time.
const ENOUGH_WORDS: usize = 150;

/// Bokmål and nynorsk share most words: each is told from the other by its own words alone,
/// and from every other language by a clear lead.
fn siblings(a: &str, b: &str) -> bool {
    matches!((a, b), ("nb", "nn") | ("nn", "nb"))
}

/// Guesses the language of prose (`ranges` of `source`) from its commonest short words:
/// `None` when the page has too few of them, or no language clearly leads.
pub fn guess(source: &str, ranges: &[Range<usize>]) -> Option<&'static str> {
    let mut weights = [0f64; MARKERS.len()];
    let mut words = 0;
    // A word is a run of ASCII letters and non-ASCII bytes: the markers' letters (æ, ø, þ) are
    // non-ASCII, and the Unicode tables are slow to ask. A word glued to a dash just matches
    // no marker.
    let in_word = |byte: u8| !byte.is_ascii() || byte.is_ascii_alphabetic();
    for range in ranges {
        let bytes = &source.as_bytes()[range.clone()];
        let mut at = 0;
        while at < bytes.len() {
            if !in_word(bytes[at]) {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && in_word(bytes[at]) {
                at += 1;
            }
            words += 1;
            let holders = word_key(&bytes[start..at]).and_then(|key| MARKER_INDEX.get(&key));
            if let Some(&holders) = holders {
                let share = 1.0 / f64::from(holders.count_ones());
                for (i, weight) in weights.iter_mut().enumerate() {
                    if holders & (1 << i) != 0 {
                        *weight += share;
                    }
                }
            }
            // Most pages tell early: stop once one language clearly leads.
            let sure = || decided(&weights).is_some_and(|(_, sure)| sure);
            if words >= ENOUGH_WORDS || words % 32 == 0 && sure() {
                return decided(&weights).map(|(language, _)| language);
            }
        }
    }
    decided(&weights).map(|(language, _)| language)
}

/// The leading language when it leads clearly, and whether by so much that more words would
/// not change it.
fn decided(weights: &[f64; MARKERS.len()]) -> Option<(&'static str, bool)> {
    let mut ranked: Vec<(f64, &'static str)> = weights
        .iter()
        .zip(MARKERS)
        .map(|(&weight, (language, _))| (weight, *language))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (best, language) = ranked[0];
    let runner_up = ranked[1..]
        .iter()
        .find(|(_, other)| !siblings(language, other))
        .map_or(0.0, |(weight, _)| *weight);
    // A clear lead is a fifth more weight than any other language; reading on stops early
    // only at twice the weight of any other, after enough words that an opening sentence in
    // another language (`This page is also in English.`) cannot decide.
    let sure = best >= 3.0 * LEAST_WEIGHT && best > runner_up * 2.0;
    (best >= LEAST_WEIGHT && best > runner_up * 1.2).then_some((language, sure))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guessed(text: &str) -> Option<&'static str> {
        guess(text, std::slice::from_ref(&(0..text.len())))
    }

    #[test]
    fn prose_is_told_apart() {
        let bokmål = "Dette er en side om aksjer. Når du kjøper en aksje, blir du medeier i \
            selskapet, og du kan få utbytte hvis det går bra. Det er ikke alltid lett å vite hva \
            som skjer etter at du har kjøpt, men det er også mulig å selge.";
        let nynorsk = "Dette er ei side om aksjar. Når du kjøper ein aksje, blir du medeigar i \
            selskapet, og du kan få utbyte viss det går bra. Det er ikkje alltid lett å vite kva \
            som skjer etter at du har kjøpt, men det er òg mogleg å selje, og eg trur det er \
            berre bra.";
        let english = "This is a page about shares. When you buy a share, you become an owner \
            of the company, and you can get a dividend if it goes well. It is not always easy \
            to know what happens after you have bought it, but you can also sell.";
        let icelandic = "Þetta er síða um hlutabréf. Þegar þú kaupir hlutabréf verður þú \
            meðeigandi í fyrirtækinu og það er ekki alltaf auðvelt að vita hvað gerist eftir að \
            þú hefur keypt, en það er einnig hægt að selja. Við erum með svör fyrir þig.";
        assert_eq!(guessed(bokmål), Some("nb"));
        assert_eq!(guessed(nynorsk), Some("nn"));
        assert_eq!(guessed(english), Some("en"));
        assert_eq!(guessed(icelandic), Some("is"));
        assert_eq!(
            guessed("Слово за словом, це сторінка українською мовою."),
            None
        );
        assert_eq!(guessed("Kort."), None);
        let danish = "Dette er en side om aktier. Når du køber en aktie, bliver du medejer af \
            selskabet, og du kan få udbytte, hvis det går godt. Det er ikke altid let at vide, \
            hvad der sker efter købet, men det er meget nemt at sælge nu.";
        assert_ne!(guessed(danish), Some("nb"));
    }

    #[test]
    fn an_opening_sentence_in_english_does_not_decide() {
        let page = "This page is also available in English, in the new version of the guide. \
            Denne siden forklarer hvordan du kobler en tjeneste til innloggingen. For de fleste \
            er det nok å bytte adresse, og for noen må også sertifikatet byttes. Vi anbefaler \
            at du tester i testmiljøet for du går over, for det er ikke alltid lett å se hva som \
            skjer. Det er mulig å be om hjelp hvis det ikke går, og vi svarer så fort vi kan. \
            Når alt virker, kan du skru av den gamle løsningen, men det må skje etter at alle \
            brukerne har flyttet. Det blir også enklere for deg å følge med på endringene.";
        assert_eq!(guessed(page), Some("nb"));
    }

    #[test]
    fn capitals_match_their_markers() {
        assert_eq!(word_key("ÞETTA".as_bytes()), word_key("þetta".as_bytes()));
        assert_eq!(word_key("Når".as_bytes()), word_key("når".as_bytes()));
        assert_eq!(word_key("ÅÆØ".as_bytes()), word_key("åæø".as_bytes()));
        // `×` (C3 97) is no capital, and a longer word has no key.
        assert_ne!(word_key("×".as_bytes()), word_key("÷".as_bytes()));
        assert_eq!(word_key(b"hvordans"), None);
        assert_ne!(word_key(b"og"), word_key(b"og\0"));
        let shouted = "ÞETTA ER SÍÐA UM HLUTABRÉF. ÞEGAR ÞÚ KAUPIR HLUTABRÉF VERÐUR ÞÚ MEÐEIGANDI \
            Í FYRIRTÆKINU OG ÞAÐ ER EKKI ALLTAF AUÐVELT AÐ VITA HVAÐ GERIST EFTIR AÐ ÞÚ HEFUR \
            KEYPT, EN ÞAÐ ER EINNIG HÆGT AÐ SELJA. VIÐ ERUM MEÐ SVÖR FYRIR ÞIG.";
        assert_eq!(guessed(shouted), Some("is"));
    }

    #[test]
    fn no_marker_is_longer_than_the_cut() {
        let longest = MARKERS
            .iter()
            .flat_map(|(_, words)| words.iter())
            .map(|w| w.len())
            .max();
        assert_eq!(longest, Some(LONGEST_MARKER));
    }

    #[test]
    fn locales_are_read_from_names() {
        assert_eq!(primary_subtag("nb-NO").as_deref(), Some("nb"));
        assert_eq!(primary_subtag("pt_BR").as_deref(), Some("pt"));
        assert_eq!(primary_subtag("klingon"), None);
        assert_eq!(from_file_name("aksje.nb.md").as_deref(), Some("nb"));
        assert_eq!(from_file_name("aksje.md"), None);
        assert_eq!(from_file_name("v1.2.md"), None);
        assert!(matches("no", &["nb".to_string()]));
        assert!(!matches("en", &["nb".to_string(), "nn".to_string()]));
    }
}
