//! Splitting a quick-add line into tokens, and the shapes a token can have.

/// A whitespace-separated piece of the line, split again where quotes open and close:
/// `company:"Acme SAS"` is `company:` bare and `Acme SAS` quoted, which is how a colon
/// inside quotes stays part of the value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Token {
    /// As typed, quotes included.
    pub raw: String,
    /// (text, inside quotes).
    pub parts: Vec<(String, bool)>,
    /// A quote opened here and never closed, so the token runs to the end of the line.
    pub unclosed: bool,
    /// Where it is in the line, in bytes.
    pub span: std::ops::Range<usize>,
}

impl Token {
    /// The text without quotes or control characters.
    pub fn text(&self) -> String {
        let joined: String = self.parts.iter().map(|(s, _)| s.as_str()).collect();
        clean(&joined)
    }

    /// No quotes anywhere.
    pub fn bare(&self) -> bool {
        self.parts.iter().all(|(_, quoted)| !quoted)
    }

    /// Key and value around the first colon outside quotes.
    pub fn key_value(&self) -> Option<(String, String)> {
        let mut key = String::new();
        for (n, (text, quoted)) in self.parts.iter().enumerate() {
            if !quoted && let Some((head, tail)) = text.split_once(':') {
                key.push_str(head);
                let rest = self.parts.iter().skip(n + 1).map(|(s, _)| s.as_str());
                let value: String = std::iter::once(tail).chain(rest).collect();
                return Some((clean(&key), clean(&value)));
            }
            key.push_str(text);
        }
        None
    }

    /// Digits and the punctuation people put in phone numbers, and not a date.
    pub fn phonish(&self) -> bool {
        let s = self.raw.trim_end_matches([',', ';']);
        self.bare()
            && s.chars().any(|c| c.is_ascii_digit())
            && s.chars()
                .all(|c| c.is_ascii_digit() || "+-.()/".contains(c))
            && !looks_like_date(s)
    }

    /// A word that may continue a multi-word catalog name (`#cliente nuevo`).
    pub fn plain_word(&self) -> bool {
        self.bare()
            && !self.raw.starts_with(['#', '@'])
            && !self.raw.contains([':', '@', '|'])
            && self.raw.chars().any(char::is_alphabetic)
    }
}

/// Splits on whitespace outside double quotes. Only `"` quotes: `'` is in names (D'Souza).
pub(super) fn tokenize(line: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut current = Token::default();
    let mut quoted = false;
    for (at, c) in line.char_indices() {
        if current.raw.is_empty() {
            current.span = at..at;
        }
        if c == '"' {
            quoted = !quoted;
            current.raw.push(c);
            current.span.end = at + c.len_utf8();
            current.parts.push((String::new(), quoted));
        } else if c.is_whitespace() && !quoted {
            if !current.raw.is_empty() {
                tokens.push(std::mem::take(&mut current));
            }
        } else {
            current.raw.push(c);
            current.span.end = at + c.len_utf8();
            match current.parts.last_mut() {
                Some((text, _)) => text.push(c),
                None => current.parts.push((c.to_string(), false)),
            }
        }
    }
    current.unclosed = quoted;
    if !current.raw.is_empty() {
        tokens.push(current);
    }
    tokens
}

/// Trimmed, and otherwise as typed: a control character a paste brought stays, so that
/// validation refuses it with a message instead of the name silently changing.
fn clean(s: &str) -> String {
    s.trim().to_owned()
}

pub(super) fn is_url(text: &str) -> bool {
    let lower = text.to_lowercase();
    let scheme = ["http://", "https://", "www."].into_iter();
    scheme
        .filter(|p| lower.starts_with(p))
        .any(|p| lower.len() > p.len())
}

/// The number of a WhatsApp click-to-chat link (`wa.me/573188779043`), with its `+`.
pub(super) fn wa_me(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let mut schemes = ["https://", "http://"].iter();
    let link = schemes
        .find_map(|s| lower.strip_prefix(s))
        .unwrap_or(&lower);
    let rest = link.strip_prefix("wa.me/")?;
    let digits = rest.split(['?', '/']).next().unwrap_or_default();
    let number = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    number.then(|| format!("+{digits}"))
}

/// A picture by its extension, as Wipsy shows `profile_picture_url` as an image.
pub(super) fn is_image_url(text: &str) -> bool {
    const EXTENSIONS: &[&str] = &[".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"];
    let path = text.split(['?', '#']).next().unwrap_or_default();
    let path = path.to_lowercase();
    EXTENSIONS.iter().any(|ext| path.ends_with(ext))
}

/// `1990-04-01`, `01/04/1990`: three numbers, one of four digits, the others of one or two.
pub(super) fn looks_like_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split(['-', '/']).collect();
    let digits = |p: &&str| p.bytes().all(|b| b.is_ascii_digit());
    let long = parts.iter().filter(|p| p.len() == 4).count();
    let short = parts.iter().filter(|p| (1..=2).contains(&p.len())).count();
    parts.len() == 3 && parts.iter().all(digits) && long == 1 && short == 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raws(line: &str) -> Vec<String> {
        tokenize(line).into_iter().map(|t| t.raw).collect()
    }

    #[test]
    fn tokens_split_on_whitespace_outside_quotes() {
        assert_eq!(
            raws("  a \"b c\"d\te:\"f g\"  "),
            ["a", "\"b c\"d", "e:\"f g\""]
        );
        let token = tokenize("company:\"Acme SAS\"").remove(0);
        let want = [("company:", false), ("Acme SAS", true), ("", false)];
        let want: Vec<(String, bool)> = want.iter().map(|&(s, q)| (s.into(), q)).collect();
        assert_eq!((token.parts, token.unclosed), (want, false));
        let open = tokenize("x:\"open rest  of line");
        assert_eq!(open.len(), 1);
        assert!(open[0].unclosed && open[0].raw == "x:\"open rest  of line");
        assert!(tokenize("").is_empty() && tokenize(" \t\n").is_empty());
        assert_eq!(tokenize("\"\u{7}\"").remove(0).text(), "\u{7}");
    }

    #[test]
    fn key_value_splits_at_the_first_colon_outside_quotes() {
        let kv = |line: &str| tokenize(line).remove(0).key_value();
        let pair = |k: &str, v: &str| Some((k.to_owned(), v.to_owned()));
        assert_eq!(kv("company:\"Acme: SAS\""), pair("company", "Acme: SAS"));
        assert_eq!(
            kv("\"Fecha de x\":1990-04-01"),
            pair("Fecha de x", "1990-04-01")
        );
        assert_eq!(kv("10:30"), pair("10", "30"));
        assert_eq!(kv("\"a:b\""), None);
    }

    #[test]
    fn shapes() {
        let token = |s: &str| tokenize(s).remove(0);
        assert!(token("(318)").phonish() && token("877-9043,").phonish());
        assert!(!token("1990-04-01").phonish() && !token("\"318\"").phonish());
        assert!(token("nuevo").plain_word() && !token("#x").plain_word());
        assert!(looks_like_date("1990-04-01") && looks_like_date("1/4/1990"));
        assert!(!looks_like_date("318-877-9043") && !looks_like_date("2024"));
        assert!(is_url("https://x.y/z") && is_url("WWW.acme.co") && !is_url("https://"));
        assert!(is_image_url("https://cdn.x/a.JPG?w=200") && !is_image_url("https://x.y/a"));
        assert_eq!(
            wa_me("https://wa.me/573188779043?text=hola").as_deref(),
            Some("+573188779043")
        );
        assert_eq!(
            (wa_me("wa.me/"), wa_me("wa.me/abc"), wa_me("x.me/1")),
            (None, None, None)
        );
    }
}
