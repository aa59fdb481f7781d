//! Phone numbers: parsed and normalised to E.164 with the profile's default region.
//!
//! Both CRMs want a number with its country code, but support staff type whatever the
//! customer said: spaces, dots, brackets, a leading `00`, or a national number. This module
//! turns any of those into `+<digits>` or explains, in words an agent understands, why not.

use std::cell::Cell;
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use phonenumber::{Mode, ParseError, PhoneNumber, country};
use thiserror::Error;

/// An example shown whenever the agent has to type a country code.
const EXAMPLE: &str = "+57 318 877 9043";

/// Compiled patterns `phonenumber` may keep once [`load`] ran: more than its whole
/// database holds (491).
pub const PATTERNS_KEPT: usize = 1_000;

/// The phone database is loaded (see [`load`]).
static LOADED: AtomicBool = AtomicBool::new(false);
static LOAD: Once = Once::new();

thread_local! {
    /// This thread must never wait for the database (the form's loop: see [`never_wait_here`]).
    static NEVER_WAIT: Cell<bool> = const { Cell::new(false) };
}

/// Loads the phone database, once per process; later calls return at once.
///
/// `phonenumber` reads its whole metadata database on first use, about 100 ms of CPU and
/// 7 MiB. Nothing loads it at start: a command that meets no phone never pays for it
/// (`rolo profiles`, `rolo add` of a contact without one), the first number parsed loads
/// it, and the form loads it on a worker thread right after its first frame.
///
/// It also lets `phonenumber` keep every pattern it compiles. It compiles a country's
/// patterns on first use into an LRU cache of 100, which holds about a dozen countries:
/// an import whose phones span 40 countries recompiled them for almost every row
/// (`cargo bench --bench engine -- phone` times both caches). Decision: speed over
/// memory; nothing is compiled until used, so a session that meets few countries costs
/// what it did, and 40 countries cost about 23 MiB more.
pub fn load() {
    LOAD.call_once(|| {
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            cache.set_capacity(PATTERNS_KEPT);
        }
        LOADED.store(true, Ordering::Release);
    });
}

/// Whether the phone database is loaded, so parsing a number cannot wait for it.
#[must_use]
pub fn is_loaded() -> bool {
    LOADED.load(Ordering::Acquire)
}

/// Marks the calling thread as one that must never wait for the database: until it is
/// loaded (elsewhere), a number parsed on this thread is [`PhoneError::NotLoaded`]
/// instead of a 100 ms freeze. The form's loop calls it: the screen keeps answering
/// and shows "…" until the worker's load lands.
pub fn never_wait_here() {
    NEVER_WAIT.with(|w| w.set(true));
}

/// Loads the database unless this thread may not wait for it and it is not loaded.
fn ready() -> Result<(), PhoneError> {
    if is_loaded() {
        return Ok(());
    }
    if NEVER_WAIT.with(Cell::get) {
        return Err(PhoneError::NotLoaded);
    }
    load();
    Ok(())
}

/// Why a phone number could not be normalised.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PhoneError {
    /// Nothing but spaces was typed.
    #[error("Type a phone number, e.g. {EXAMPLE}")]
    Empty,
    /// Letters or symbols that no phone number has.
    #[error("Phone numbers have only digits, spaces, dashes, dots and brackets")]
    BadCharacters,
    /// A `+` somewhere other than the start.
    #[error("Put the + only at the start, e.g. {EXAMPLE}")]
    MisplacedPlus,
    /// A national number with no default region to place it.
    #[error("Phone needs a country code, e.g. {EXAMPLE}")]
    NeedsCountryCode,
    /// The profile's `default_region` is not an ISO 3166 alpha-2 code.
    #[error(
        "The profile's default region \"{0}\" isn't a country code like CO; \
         type the number with + and its country code"
    )]
    UnknownRegion(String),
    /// The digits after `+` are not any country's calling code.
    #[error("No country uses that code; check the digits after +, e.g. {EXAMPLE}")]
    UnknownCountryCode,
    /// Too few digits to be a phone number anywhere.
    #[error("Too few digits for a phone number")]
    TooShort,
    /// More digits than any phone number has.
    #[error("Too many digits for a phone number")]
    TooLong,
    /// Parsed, but not a number that exists in that country's numbering plan.
    #[error("This isn't a valid number for {0}")]
    Invalid(String),
    /// An extension (`x123`, `ext. 123`): neither CRM has a field for it, and a number
    /// with it glued on would not dial.
    #[error(
        "Extensions can't go in the phone field (the CRM has none): type the number alone \
         and put \"ext. {0}\" in the notes"
    )]
    Extension(String),
    /// The phone database is still loading and this thread may not wait for it
    /// ([`never_wait_here`]): not a verdict on the number, which is checked again
    /// once it is loaded.
    #[error("Checking the number…")]
    NotLoaded,
}

/// Normalises a typed phone number to E.164 (`+573188779043`).
///
/// `default_region` (ISO 3166 alpha-2, any case, e.g. `"CO"`) places a number typed
/// without `+` or `00`; with no region such a number is refused rather than guessed,
/// because the same digits are valid in several countries.
pub fn to_e164(input: &str, default_region: Option<&str>) -> Result<String, PhoneError> {
    if let Some(ext) = extension(input) {
        return Err(PhoneError::Extension(ext));
    }
    let (international, mut digits) = clean(input)?;
    if international && let Some(mobile) = old_mexican_mobile(&digits) {
        digits = mobile;
    }
    // The crate applies the default region's national prefix rules even to a `+`
    // number, which can eat digits; a `+` number needs no region anyway.
    let region = if international {
        None
    } else {
        let region = default_region.ok_or(PhoneError::NeedsCountryCode)?;
        Some(region_id(region)?)
    };
    // Everything above needs no database, so those answers never wait for it.
    ready()?;
    let number = match region {
        None => phonenumber::parse(None, format!("+{digits}")),
        Some(region) => phonenumber::parse(Some(region), &digits),
    }
    .map_err(|e| from_parse(&e))?;
    if !number.is_valid() {
        return Err(PhoneError::Invalid(place_of(&number)));
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

/// `+52 1 55 1234 5678`: the old Mexican mobile prefix (the `1` after +52), which many
/// phones and WhatsApp's iOS vCards (`waid=5215512345678`) still show. Mexico dropped it
/// in 2019 and the numbering plan refuses it; the number is the same without it.
fn old_mexican_mobile(digits: &str) -> Option<String> {
    let rest = digits.strip_prefix("521")?;
    (rest.len() == 10).then(|| format!("52{rest}"))
}

/// Whether [`to_e164`] drops the old Mexican mobile prefix from this input: the preview
/// says so, so the agent sees why the number changed.
#[must_use]
pub fn drops_old_mexican_prefix(input: &str) -> bool {
    clean(input)
        .is_ok_and(|(international, digits)| international && old_mexican_mobile(&digits).is_some())
}

/// The extension a typed number carries (`x123`, `ext. 123`, `ext 123`, `extension 123`),
/// if any.
fn extension(input: &str) -> Option<String> {
    let lower = input.to_lowercase();
    let at = ["extension", "ext.", "ext", "x"]
        .iter()
        .filter_map(|m| lower.find(m).map(|i| (i, m.len())))
        .min_by_key(|(i, _)| *i)?;
    let (head, tail) = (&lower[..at.0], &lower[at.0 + at.1..]);
    let ext: String = tail.trim_start_matches([' ', '.', ':']).to_owned();
    let number_before = head.chars().filter(char::is_ascii_digit).count() >= 5;
    let digits_after = !ext.is_empty() && ext.trim().chars().all(|c| c.is_ascii_digit());
    (number_before && digits_after).then(|| ext.trim().to_owned())
}

/// The international form of an E.164 number for showing beside the field
/// (`+57 318 8779043`); anything that does not parse is shown as it is.
#[must_use]
pub fn display(e164: &str) -> String {
    if ready().is_err() {
        return e164.to_owned();
    }
    phonenumber::parse(None, e164).map_or_else(
        |_| e164.to_owned(),
        |n| n.format().mode(Mode::International).to_string(),
    )
}

/// Splits the typed text into "had a `+` or `00`" and its bare digits, refusing anything
/// that is not punctuation people put in phone numbers.
fn clean(input: &str) -> Result<(bool, String), PhoneError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(PhoneError::Empty);
    }
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '+' => return Err(PhoneError::MisplacedPlus),
            '-' | '.' | '(' | ')' | '/' => {}
            c if c.is_whitespace() => {}
            _ => return Err(PhoneError::BadCharacters),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::TooShort);
    }
    // `00` is the international prefix in most of the world (Europe, Latin America,
    // India, China); the crate only knows it when the default region says so.
    if !plus && let Some(after) = digits.strip_prefix("00") {
        return Ok((true, after.to_owned()));
    }
    Ok((plus, digits))
}

/// The crate's region id for a profile's `default_region`.
fn region_id(region: &str) -> Result<country::Id, PhoneError> {
    let code = region.trim().to_ascii_uppercase();
    code.parse()
        .map_err(|_| PhoneError::UnknownRegion(region.trim().to_owned()))
}

fn from_parse(error: &ParseError) -> PhoneError {
    match error {
        ParseError::InvalidCountryCode => PhoneError::UnknownCountryCode,
        ParseError::TooLong | ParseError::MalformedInteger(_) => PhoneError::TooLong,
        ParseError::NoNumber | ParseError::TooShortAfterIdd | ParseError::TooShortNsn => {
            PhoneError::TooShort
        }
    }
}

/// "Colombia (+57)", or "+57" when the code is shared and the digits fit no member.
fn place_of(number: &PhoneNumber) -> String {
    let code = number.country().code();
    match number.country().id() {
        Some(id) => format!("{} (+{code})", country_name(id.as_ref())),
        None => format!("+{code}"),
    }
}

/// English names of the countries rolo's users mostly serve; others show their code.
fn country_name(id: &str) -> &str {
    const NAMES: &[(&str, &str)] = &[
        ("AE", "the United Arab Emirates"),
        ("AR", "Argentina"),
        ("BO", "Bolivia"),
        ("BR", "Brazil"),
        ("CA", "Canada"),
        ("CL", "Chile"),
        ("CN", "China"),
        ("CO", "Colombia"),
        ("CR", "Costa Rica"),
        ("DE", "Germany"),
        ("DO", "the Dominican Republic"),
        ("EC", "Ecuador"),
        ("ES", "Spain"),
        ("FR", "France"),
        ("GB", "the United Kingdom"),
        ("GT", "Guatemala"),
        ("ID", "Indonesia"),
        ("IN", "India"),
        ("IT", "Italy"),
        ("MX", "Mexico"),
        ("NG", "Nigeria"),
        ("PA", "Panama"),
        ("PE", "Peru"),
        ("PK", "Pakistan"),
        ("PT", "Portugal"),
        ("PY", "Paraguay"),
        ("SA", "Saudi Arabia"),
        ("US", "the United States"),
        ("UY", "Uruguay"),
        ("VE", "Venezuela"),
        ("ZA", "South Africa"),
    ];
    NAMES
        .binary_search_by_key(&id, |&(code, _)| code)
        .map_or(id, |i| NAMES[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_ways_of_typing_a_number_normalise_to_e164() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            // Colombia: mobile with +, 00, spaces, dashes, brackets, dots, and national.
            ("+57 318 877 9043", None, "+573188779043"),
            ("0057 318 877 9043", None, "+573188779043"),
            ("+57 (318) 877-9043", None, "+573188779043"),
            ("318.877.9043", Some("CO"), "+573188779043"),
            ("318 877 9043", Some("co"), "+573188779043"),
            ("  +57-318-877-9043  ", Some("IN"), "+573188779043"),
            // India: with the trunk 0, with +91, and a number typed with its code but no +.
            ("098765 43210", Some("IN"), "+919876543210"),
            ("+91 98765 43210", None, "+919876543210"),
            ("91 98765 43210", Some("IN"), "+919876543210"),
            // Brazil: São Paulo mobile with area code in brackets; a landline.
            ("(11) 96123-4567", Some("BR"), "+5511961234567"),
            ("+55 11 96123 4567", None, "+5511961234567"),
            ("+55 21 2345-6789", None, "+552123456789"),
            // Spain and China, national and international.
            ("612 34 56 78", Some("ES"), "+34612345678"),
            ("0034 612 345 678", None, "+34612345678"),
            ("138 0013 8000", Some("CN"), "+8613800138000"),
            ("+86 138 0013 8000", Some("CO"), "+8613800138000"),
            ("+1 (415) 555-2671", None, "+14155552671"),
            ("020 7946 0018", Some("GB"), "+442079460018"),
            ("+44\u{a0}20\u{a0}7946\u{a0}0018", None, "+442079460018"),
        ];
        for &(input, region, want) in cases {
            assert_eq!(
                to_e164(input, region).as_deref(),
                Ok(want),
                "{input:?} in {region:?}"
            );
        }
    }

    #[test]
    fn problems_are_explained_in_words() {
        let cases: &[(&str, Option<&str>, PhoneError)] = &[
            ("", None, PhoneError::Empty),
            ("   ", Some("CO"), PhoneError::Empty),
            ("318 877 9043", None, PhoneError::NeedsCountryCode),
            ("+57 318 877 904x", None, PhoneError::BadCharacters),
            ("call 3188779043", Some("CO"), PhoneError::BadCharacters),
            ("📞 3188779043", Some("CO"), PhoneError::BadCharacters),
            ("57+3188779043", None, PhoneError::MisplacedPlus),
            (
                "3188779043",
                Some("XX"),
                PhoneError::UnknownRegion("XX".into()),
            ),
            (
                "3188779043",
                Some("Colombia"),
                PhoneError::UnknownRegion("Colombia".into()),
            ),
            ("+999 1234 5678", None, PhoneError::UnknownCountryCode),
            ("+", None, PhoneError::TooShort),
            ("--", Some("CO"), PhoneError::TooShort),
            ("+57 1234567890123456789", None, PhoneError::TooLong),
            (
                "+57 318 877",
                None,
                PhoneError::Invalid("Colombia (+57)".into()),
            ),
            (
                "12345",
                Some("IN"),
                PhoneError::Invalid("India (+91)".into()),
            ),
            ("+34 912", None, PhoneError::Invalid("Spain (+34)".into())),
            ("+86 12", None, PhoneError::Invalid("China (+86)".into())),
            ("+1 555 0100", None, PhoneError::Invalid("+1".into())),
        ];
        for (input, region, want) in cases {
            assert_eq!(
                to_e164(input, *region).as_ref(),
                Err(want),
                "{input:?} in {region:?}"
            );
        }
    }

    #[test]
    fn messages_read_as_support_staff_expect() {
        assert_eq!(
            PhoneError::NeedsCountryCode.to_string(),
            "Phone needs a country code, e.g. +57 318 877 9043"
        );
        assert_eq!(
            to_e164("+57 318 877", None).map_err(|e| e.to_string()),
            Err("This isn't a valid number for Colombia (+57)".to_owned())
        );
    }

    #[test]
    fn display_uses_the_international_format() {
        assert_eq!(display("+573188779043"), "+57 318 8779043");
        assert_eq!(display("+919876543210"), "+91 98765 43210");
        assert_eq!(display("+5511961234567"), "+55 11 96123-4567");
        assert_eq!(display("not a number"), "not a number");
    }

    #[test]
    fn country_names_are_sorted_for_binary_search() {
        assert_eq!(country_name("CO"), "Colombia");
        assert_eq!(country_name("ZA"), "South Africa");
        assert_eq!(country_name("NZ"), "NZ");
    }
}
