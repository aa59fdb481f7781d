//! Strangers' text made inert before it reaches a terminal.
//!
//! Contact names, server error messages, catalog names and the cells of a customer's
//! spreadsheet are written by people rolo does not know. A terminal obeys what it is
//! sent: `ESC ] 0 ;` retitles the window, `ESC [ 2 J` clears the screen, `ESC ] 52 ;`
//! writes the clipboard, U+202E turns the rest of a line around. So every such string is
//! passed through [`inert`] (one line) or [`inert_lines`] (a block) on its way out.
//!
//! Decision: the offending characters are *shown*, not silently dropped, so the agent
//! sees that the server sent something odd: a C0 control becomes its Unicode control
//! picture (`ESC` → `␛`, `BEL` → `␇`), so `\x1b[2J` reads `␛[2J`; DEL becomes `␡`; a C1
//! control (whose 8-bit forms also start sequences), a bidi override, embedding or
//! isolate becomes `�`; the line and paragraph separators U+2028/U+2029 become a space.
//! What is left after the escape character is plain printable text and does nothing.
//! A leaf module: every layer may use it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` can change what a terminal does or how a line reads, rather than
/// simply being shown: C0 and C1 controls, DEL, bidi formatting characters and the
/// Unicode line/paragraph separators.
#[must_use]
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `text` with every line end (CRLF, or CR alone as terminals paste and old Mac files
/// have) as LF.
#[must_use]
pub fn unix_lines(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// bidi overrides, embeddings and isolates (the "Trojan Source" characters); the plain
/// LRM/RLM marks only nudge neutral characters and stay.
#[must_use]
pub fn is_bidi(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{061C}')
}

/// `text` as one inert line: every unsafe character replaced by a visible stand-in,
/// tabs and line ends included (`\n` → `␊`), so the text cannot break a one-line
/// listing either. Borrows when nothing needed replacing.
#[must_use]
pub fn inert(text: &str) -> Cow<'_, str> {
    replace(text, false)
}

/// `text` as an inert block: like [`inert`] but `\n` and `\t` stay, for rolo's own
/// multi-line output (a CLI report) that carries strangers' text inside it. A lone
/// `\r` becomes `␍` so it cannot move the cursor back over a line.
#[must_use]
pub fn inert_lines(text: &str) -> Cow<'_, str> {
    replace(text, true)
}

fn replace(text: &str, keep_lines: bool) -> Cow<'_, str> {
    let kept = |c: char| keep_lines && matches!(c, '\n' | '\t');
    if !text.chars().any(|c| is_unsafe(c) && !kept(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if kept(c) || !is_unsafe(c) {
            out.push(c);
        } else {
            out.push(stand_in(c));
        }
    }
    Cow::Owned(out)
}

/// The visible character shown in place of an unsafe one.
fn stand_in(c: char) -> char {
    match u32::from(c) {
        // C0: the Control Pictures block mirrors it one to one (U+2400 + code).
        n @ 0..=0x1F => char::from_u32(0x2400 + n).unwrap_or('\u{FFFD}'),
        0x7F => '\u{2421}',
        0x2028 | 0x2029 => ' ',
        _ => '\u{FFFD}',
    }
}

/// Escapes the bidi characters inside JSON text as `\uXXXX`: still the same JSON value
/// for a program that reads it, inert for a person who reads it on a terminal.
/// (`serde_json` already escapes C0 controls; C1 controls and separators are escaped
/// here too.) Only valid on JSON produced by a serializer, where such characters can
/// only sit inside strings.
#[must_use]
pub fn inert_json(json: &str) -> Cow<'_, str> {
    // Raw line ends and tabs can only be a pretty printer's layout between tokens.
    let escape = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r');
    if !json.chars().any(escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escape(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_show_as_text() {
        assert_eq!(inert("\u{1b}]0;x\u{7}Ana"), "␛]0;x␇Ana");
        assert_eq!(inert("\u{1b}[2JAna"), "␛[2JAna");
        assert_eq!(inert("\u{1b}]52;c;aGk=\u{7}"), "␛]52;c;aGk=␇");
        assert_eq!(inert("\u{1b}P1$r\u{1b}\\"), "␛P1$r␛\\");
    }

    #[test]
    fn c1_bidi_and_separators_are_replaced() {
        assert_eq!(inert("a\u{9b}2Jb"), "a\u{FFFD}2Jb");
        assert_eq!(inert("abc\u{202E}fed"), "abc\u{FFFD}fed");
        assert_eq!(inert("x\u{2066}y\u{2069}"), "x\u{FFFD}y\u{FFFD}");
        assert_eq!(inert("a\u{2028}b\u{7f}"), "a b␡");
    }

    #[test]
    fn clean_text_is_borrowed_and_scripts_stay() {
        for s in ["Ana María", "भारत", "محمد\u{200F}", "😀 Zoë"] {
            assert!(matches!(inert(s), Cow::Borrowed(_)), "{s}");
        }
    }

    #[test]
    fn lines_keep_newlines_and_tabs_but_not_a_bare_return() {
        assert_eq!(inert_lines("a\tb\nc\rd"), "a\tb\nc␍d");
        assert_eq!(inert("a\nb"), "a␊b");
    }

    #[test]
    fn json_stays_the_same_value() {
        let v = serde_json::json!({"name": "a\u{202E}b\u{9b}c"});
        let text = serde_json::to_string_pretty(&v).unwrap();
        let safe = inert_json(&text);
        assert!(!safe.chars().any(|c| is_unsafe(c) && c != '\n'));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
    }
}
