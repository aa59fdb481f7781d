//! Bytes to text: a UTF-8 BOM is dropped, anything that is not UTF-8 is refused with the
//! line it breaks on, and `--encoding latin1` converts Latin-1 / Windows-1252 exports
//! (what Excel writes on Spanish and Portuguese Windows) instead.

use std::fmt::Write as _;

/// How the file's bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    #[default]
    #[value(alias = "utf-8")]
    Utf8,
    /// Latin-1 as Windows writes it (Windows-1252): every byte is one character.
    #[value(
        alias = "latin-1",
        alias = "iso-8859-1",
        alias = "windows-1252",
        alias = "cp1252"
    )]
    Latin1,
}

/// Why the bytes are not text rolo can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// UTF-16 (what "Unicode text" means in some Windows programs).
    #[error("the file is UTF-16; save it as \"CSV UTF-8\" (or UTF-8 text) and import it again")]
    Utf16,
    /// Not UTF-8, and it reads as Latin-1 / Windows-1252.
    #[error(
        "the file is not UTF-8: line {line} has the byte 0x{byte:02X} (\"{shown}\" in \
         Latin-1). It looks like Latin-1 / Windows-1252: run again with --encoding latin1 \
         to convert it, or save the file as UTF-8"
    )]
    LooksLatin1 {
        /// 1-based line of the first byte that is not UTF-8.
        line: usize,
        /// That byte.
        byte: u8,
        /// The line as Latin-1 would read it, shortened.
        shown: String,
    },
    /// Not UTF-8, and bytes Windows-1252 leaves undefined: some other encoding.
    #[error(
        "the file is not UTF-8 (line {line} has the byte 0x{byte:02X}) and not Latin-1 \
         either; save it as UTF-8 and import it again"
    )]
    Unknown {
        /// 1-based line of the first byte that is not UTF-8.
        line: usize,
        /// That byte.
        byte: u8,
    },
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Windows-1252's characters for 0x80..=0x9F; `None` where it defines none (those bytes
/// then mean another encoding, such as a DOS code page).
const CP1252_HIGH: [Option<char>; 32] = [
    Some('€'),
    None,
    Some('‚'),
    Some('ƒ'),
    Some('„'),
    Some('…'),
    Some('†'),
    Some('‡'),
    Some('ˆ'),
    Some('‰'),
    Some('Š'),
    Some('‹'),
    Some('Œ'),
    None,
    Some('Ž'),
    None,
    None,
    Some('\u{2018}'),
    Some('\u{2019}'),
    Some('\u{201C}'),
    Some('\u{201D}'),
    Some('•'),
    Some('–'),
    Some('—'),
    Some('˜'),
    Some('™'),
    Some('š'),
    Some('›'),
    Some('œ'),
    None,
    Some('ž'),
    Some('Ÿ'),
];

/// The text of a file's bytes in the chosen encoding.
pub fn decode(bytes: &[u8], encoding: Encoding) -> Result<String, DecodeError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DecodeError::Utf16);
    }
    match encoding {
        Encoding::Utf8 => utf8(bytes.strip_prefix(BOM).unwrap_or(bytes)),
        Encoding::Latin1 => Ok(bytes.iter().map(|&b| cp1252_char(b)).collect()),
    }
}

/// Whether the bytes are UTF-8 with something beyond ASCII, which `--encoding latin1`
/// would garble (worth a warning).
#[must_use]
pub fn is_non_ascii_utf8(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && std::str::from_utf8(bytes.strip_prefix(BOM).unwrap_or(bytes)).is_ok()
}

fn utf8(bytes: &[u8]) -> Result<String, DecodeError> {
    let error = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok(text.to_owned()),
        Err(e) => e,
    };
    let at = error.valid_up_to();
    let byte = bytes[at];
    let line = bytes[..at].split(|&b| b == b'\n').count();
    let start = bytes[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let end = bytes[at..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| at + p);
    // Judged on the offending line only: earlier lines are valid UTF-8, whose
    // continuation bytes would look like undefined Windows-1252 bytes.
    if bytes[at..end]
        .iter()
        .any(|&b| (0x80..0xA0).contains(&b) && CP1252_HIGH[usize::from(b - 0x80)].is_none())
    {
        return Err(DecodeError::Unknown { line, byte });
    }
    let mut shown = String::new();
    for (n, &b) in bytes[start..end].iter().enumerate() {
        if n == 60 {
            shown.push('…');
            break;
        }
        let _ = write!(shown, "{}", cp1252_char(b));
    }
    Err(DecodeError::LooksLatin1 { line, byte, shown })
}

/// One Windows-1252 byte as a character; the five bytes it leaves undefined become the
/// C1 control of the same number, as browsers do, so nothing is dropped.
fn cp1252_char(b: u8) -> char {
    match b {
        0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)].unwrap_or(char::from(b)),
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_is_dropped_and_utf8_passes() {
        let text = decode(b"\xEF\xBB\xBFnombre;tel\xC3\xA9fono\n", Encoding::Utf8).unwrap();
        assert_eq!(text, "nombre;teléfono\n");
    }

    #[test]
    fn latin1_is_detected_with_its_line_and_then_converted() {
        let bytes = b"nombre,apellido\nJos\xE9,P\xE9rez \x96 \x80\n";
        let err = decode(bytes, Encoding::Utf8).unwrap_err();
        let DecodeError::LooksLatin1 { line, byte, shown } = &err else {
            panic!("{err:?}");
        };
        assert_eq!((*line, *byte), (2, 0xE9));
        assert_eq!(shown, "José,Pérez – €");
        assert!(err.to_string().contains("--encoding latin1"));
        let text = decode(bytes, Encoding::Latin1).unwrap();
        assert_eq!(text, "nombre,apellido\nJosé,Pérez – €\n");
    }

    #[test]
    fn other_encodings_are_refused() {
        assert_eq!(
            decode(b"a\n\x81b", Encoding::Utf8),
            Err(DecodeError::Unknown {
                line: 2,
                byte: 0x81
            })
        );
        assert_eq!(
            decode(b"\xFF\xFEa\x00", Encoding::Utf8),
            Err(DecodeError::Utf16)
        );
        assert!(is_non_ascii_utf8("é".as_bytes()));
        assert!(!is_non_ascii_utf8(b"\xE9"));
    }
}
