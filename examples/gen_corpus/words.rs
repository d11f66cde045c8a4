//! The vocabulary of the generated articles: areas, terms, headings, words, code and tables.

#[rustfmt::skip]
pub const AREAS: &[&str] = &[
    "okonomi", "finans", "regnskap", "skatt", "strategi", "markedsforing", "ledelse", "jus",
    "handel", "eiendom",
];
/// Glossary terms are compounds of a prefix and a suffix: `kapital` + `kostnad`.
#[rustfmt::skip]
pub const TERM_PREFIXES: &[&str] = &[
    "kapital", "aksje", "marked", "kunde", "skatte", "lønns", "gjelds", "rente", "vare", "eier",
    "styre", "drifts", "lager", "kontant", "verdi", "risiko", "investerings", "budsjett",
    "regnskaps", "leverandør", "bank", "fond", "børs", "avgifts", "salgs", "innkjøps", "produkt",
    "konsern", "valuta", "pris", "årsresultat", "bærekraft",
];
#[rustfmt::skip]
pub const TERM_SUFFIXES: &[&str] = &[
    "kostnad", "verdi", "andel", "strøm", "plan", "analyse", "styring", "avtale", "margin",
    "rapport", "risiko", "kjede", "struktur", "modell", "gevinst", "tap", "grunnlag", "politikk",
    "sats", "kontroll", "revisjon", "føring", "beholdning", "inntekt", "portefølje", "strategi",
    "forhold", "måling", "bok", "økning",
];
/// Section headings; `{term}` is replaced by the page's term. Letters and spaces only, so
/// that the anchor is the lowercased heading with `-` for spaces.
pub const HEADINGS: &[&str] = &[
    "Hva er {term}",
    "Første steg",
    "Fordeler og ulemper",
    "Økonomiske følger",
    "Eksempel fra næringslivet",
    "Vanlige feil",
    "Slik beregner du {term}",
    "Regnskapsmessig behandling",
    "Skattemessige forhold",
    "Risiko og usikkerhet",
    "Oppsummering",
    "Historikk",
    "Lover og regler",
    "Nøkkeltall",
    "Praktiske råd",
    "Sjekkliste for små bedrifter",
    "Når lønner {term} seg",
    "Ofte stilte spørsmål",
    "Forskjellen på brutto og netto",
    "Styrets ansvar",
];
#[rustfmt::skip]
pub const NOUNS: &[&str] = &[
    "bedriften", "selskapet", "styret", "kunden", "leverandøren", "markedet", "investoren",
    "banken", "regnskapet", "budsjettet", "konsernet", "eierne", "ledelsen", "avtalen",
    "kontantstrømmen", "egenkapitalen", "gjelden", "renten", "prisen", "marginen", "omsetningen",
    "driftsresultatet", "aksjekursen", "utbyttet", "risikoen", "strategien", "verdikjeden",
    "porteføljen", "skatten", "avgiften", "revisoren", "årsregnskapet", "kvartalsrapporten",
    "lønnsomheten", "likviditeten", "balansen", "kapitalen", "fusjonen", "oppkjøpet",
    "konkurrenten", "merverdien", "valutakursen", "inflasjonen", "etterspørselen", "produktet",
    "tjenesten", "kontrakten", "garantien", "lånet", "sikkerheten",
];
#[rustfmt::skip]
pub const VERBS: &[&str] = &[
    "påvirker", "øker", "reduserer", "styrker", "svekker", "bestemmer", "dekker", "finansierer",
    "måler", "viser", "krever", "begrenser", "sikrer", "forklarer", "endrer", "beskriver",
    "avhenger av", "bidrar til", "gir grunnlag for", "henger sammen med", "legger press på",
    "fører til",
];
#[rustfmt::skip]
pub const ADJECTIVES: &[&str] = &[
    "den langsiktige", "den kortsiktige", "den samlede", "den forventede", "den faktiske",
    "den økonomiske", "den finansielle", "den strategiske", "den løpende", "den årlige",
    "den justerte", "den nominelle", "den reelle", "den viktigste", "den nødvendige", "den største",
    "den nye", "den bokførte", "den skattemessige",
];
#[rustfmt::skip]
pub const ADVERBS: &[&str] = &[
    "ofte", "vanligvis", "direkte", "gradvis", "i praksis", "over tid", "på sikt", "særlig",
    "normalt", "raskt", "i stor grad", "sjelden",
];
#[rustfmt::skip]
pub const CONJUNCTIONS: &[&str] = &[
    "men", "og", "fordi", "mens", "slik at", "selv om", "ettersom", "når",
];
#[rustfmt::skip]
pub const OPENERS: &[&str] = &[
    "I mange tilfeller", "For små bedrifter", "Ifølge regnskapsloven", "I et konsern", "Over tid",
    "I praksis", "Etter skattereformen", "Når markedet faller", "For de fleste investorer",
    "Som hovedregel", "I årsberetningen", "Ved årsskiftet",
];
#[rustfmt::skip]
pub const CODE_WORDS: &[&str] = &[
    "EBITDA", "NPV", "IRR", "WACC", "mva", "ROE", "ROA", "KPI", "SAF-T", "EHF", "konto 3000",
];
#[rustfmt::skip]
pub const TABLE_ROWS: &[&str] = &[
    "Omsetning", "Varekostnad", "Lønnskostnad", "Driftsresultat", "Finansposter",
    "Resultat før skatt", "Skattekostnad", "Årsresultat", "Egenkapitalandel", "Likviditetsgrad",
];
#[rustfmt::skip]
pub const EXTERNAL_LINKS: &[(&str, &str)] = &[
    ("Skatteetaten", "https://www.skatteetaten.no/bedrift-og-organisasjon/"),
    ("Lovdata", "https://lovdata.no/dokument/NL/lov/1998-07-17-56"),
    ("Brønnøysundregistrene", "https://www.brreg.no/"),
    ("SSB", "https://www.ssb.no/virksomheter-foretak-og-regnskap"),
    ("Norges Bank", "https://www.norges-bank.no/tema/pengepolitikk/"),
    ("Regnskapsstiftelsen", "https://www.regnskapsstiftelsen.no/"),
];
pub const CODE_BLOCKS: &[&str] = &[
    "```sql\nSELECT konto, SUM(belop) AS saldo\nFROM hovedbok\nWHERE periode >= '2023-01'\nGROUP BY konto;\n```",
    "```yaml\nkonto: 3000\nmva_kode: 3\nbelop: 12500.00\nbilag: [1042, 1043]\n```",
    "```text\nDriftsinntekter - driftskostnader = driftsresultat\nDriftsresultat / omsetning = driftsmargin\n```",
    "```json\n{ \"konto\": 1920, \"saldo\": 84500.5, \"valuta\": \"NOK\" }\n```",
    "```\n> kopiert fra eldre system,. ikke rediger\n```",
];
