//! Content lines of a `vCard`: unfolding, `group.NAME;PARAMS:value` properties, their
//! parameters in every version's style, and the value encodings (quoted-printable,
//! charsets, escapes).

use super::VcardError;

/// Joins continuation lines to the property they belong to, keeping its first line number.
///
/// A quoted-printable value ending in `=` continues on the next line whatever it starts
/// with. Otherwise a line starting with a space or tab continues the previous one: 3.0
/// and 4.0 drop that one character, while 2.1 folds before existing whitespace, so it
/// stays part of the value.
pub(super) fn unfold(lines: &[(usize, &str)], v21: bool) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for &(no, line) in lines {
        if let Some((_, last)) = out.last_mut() {
            if is_qp(last) && last.ends_with('=') {
                last.pop();
                last.push_str(line);
                continue;
            }
            if let Some(rest) = line.strip_prefix([' ', '\t']) {
                last.push_str(if v21 { line } else { rest });
                continue;
            }
        }
        if !line.trim().is_empty() {
            out.push((no, line.to_owned()));
        }
    }
    out
}

fn is_qp(line: &str) -> bool {
    let head = line.split_once(':').map_or(line, |(head, _)| head);
    head.to_ascii_uppercase().contains("QUOTED-PRINTABLE")
}

/// One unfolded content line: `group.NAME;KEY=value;...:value`.
#[derive(Debug)]
pub(super) struct Prop {
    pub(super) group: Option<String>,
    /// Uppercase.
    pub(super) name: String,
    /// Keys uppercase; lists expanded to one pair per item; `TYPE` values lowercase.
    params: Vec<(String, String)>,
    /// As written: not yet decoded or unescaped.
    pub(super) raw: String,
}

impl Prop {
    pub(super) fn parse(line_no: usize, line: &str) -> Result<Self, VcardError> {
        let malformed = || VcardError::Malformed {
            line: line_no,
            text: line.chars().take(60).collect(),
        };
        // An unbalanced quote in a parameter must not hide the value's colon.
        let colon = find_unquoted(line, ':')
            .or_else(|| line.find(':'))
            .ok_or_else(malformed)?;
        let mut head = split_unquoted(&line[..colon], ';').into_iter();
        let full = head.next().unwrap_or_default().trim();
        let (group, name) = match full.rsplit_once('.') {
            Some((group, name)) => (Some(group.to_owned()), name),
            None => (None, full),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(malformed());
        }
        let mut params = Vec::new();
        for raw in head {
            push_param(raw, &mut params);
        }
        Ok(Self {
            group,
            name: name.to_ascii_uppercase(),
            params,
            raw: line[colon + 1..].to_owned(),
        })
    }

    pub(super) fn param<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> {
        self.params
            .iter()
            .filter(move |(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The value with its transfer encoding and charset undone, line ends as `\n`.
    fn decoded(&self) -> String {
        let qp = self
            .param("ENCODING")
            .any(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"));
        if !qp {
            return self.raw.clone();
        }
        let latin1 = self.param("CHARSET").any(|c| {
            let c = c.to_ascii_lowercase();
            matches!(c.as_str(), "iso-8859-1" | "latin1" | "windows-1252")
        });
        let mut bytes = qp_decode(&self.raw);
        if !latin1 {
            match String::from_utf8(bytes) {
                Ok(text) => return text.replace("\r\n", "\n"),
                // Old phones leave out CHARSET and mean Latin-1; keep every byte.
                Err(e) => bytes = e.into_bytes(),
            }
        }
        bytes
            .into_iter()
            .map(char::from)
            .collect::<String>()
            .replace("\r\n", "\n")
    }

    /// The whole value as one text, escapes undone.
    pub(super) fn text(&self) -> String {
        unescape(&self.decoded(), false).concat().trim().to_owned()
    }

    /// The `;`-separated components of a structured value (`N`, `ADR`, `ORG`).
    pub(super) fn components(&self) -> Vec<String> {
        let parts = unescape(&self.decoded(), true);
        parts.into_iter().map(|p| p.trim().to_owned()).collect()
    }
}

/// Adds one parameter; 2.1 writes bare values (`TEL;CELL;PREF`), which are types unless
/// they name an encoding. A 4.0 `PREF=1` counts as the `pref` type, as in 2.1 and 3.0.
fn push_param(raw: &str, out: &mut Vec<(String, String)>) {
    let Some((key, value)) = raw.split_once('=') else {
        let value = raw.trim();
        let param = match value.to_ascii_uppercase().as_str() {
            "" => return,
            "QUOTED-PRINTABLE" | "BASE64" | "8BIT" | "7BIT" => ("ENCODING", value.to_owned()),
            _ => ("TYPE", value.to_lowercase()),
        };
        out.push((param.0.to_owned(), param.1));
        return;
    };
    let key = key.trim().to_ascii_uppercase();
    if key == "PREF" {
        out.push(("TYPE".to_owned(), "pref".to_owned()));
        return;
    }
    for item in split_unquoted(value, ',') {
        let item = item.trim().trim_matches('"');
        if key == "TYPE" {
            // 4.0 quotes whole lists: TYPE="cell,voice".
            let types = item.split(',').map(str::trim).filter(|t| !t.is_empty());
            out.extend(types.map(|t| (key.clone(), t.to_lowercase())));
        } else {
            out.push((key.clone(), item.to_owned()));
        }
    }
}

/// The byte offset of the first `sep` outside double quotes.
fn find_unquoted(s: &str, sep: char) -> Option<usize> {
    let mut quoted = false;
    s.char_indices().find_map(|(i, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        (c == sep && !quoted).then_some(i)
    })
}

fn split_unquoted(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(i) = find_unquoted(rest, sep) {
        parts.push(&rest[..i]);
        rest = &rest[i + sep.len_utf8()..];
    }
    parts.push(rest);
    parts
}

/// Decodes `=XX` escapes; a stray `=` that starts no escape is kept as written.
fn qp_decode(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut rest = s.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        let hex = tail
            .get(..2)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
        if b == b'='
            && let Some(byte) =
                hex.and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
        {
            out.push(byte);
            rest = &tail[2..];
        } else {
            out.push(b);
            rest = tail;
        }
    }
    out
}

/// Undoes `\n` `\,` `\;` `\:` `\\`, splitting on bare `;` when `split`. Other backslashes
/// are kept, because notes hold things like Windows paths.
fn unescape(s: &str, split: bool) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => current.push('\n'),
                Some(c @ (',' | ';' | ':' | '\\')) => current.push(c),
                Some(other) => current.extend(['\\', other]),
                None => current.push('\\'),
            },
            ';' if split => parts.push(std::mem::take(&mut current)),
            c => current.push(c),
        }
    }
    parts.push(current);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(usize, &str)> {
        text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect()
    }

    fn prop(line: &str) -> Prop {
        Prop::parse(1, line).unwrap()
    }

    #[test]
    fn unfolding_follows_each_version_and_keeps_first_line_numbers() {
        let text = "NOTE:one\n two\n\tthree\n\nFN:x";
        let v3 = unfold(&lines(text), false);
        assert_eq!(v3, [(1, "NOTE:onetwothree".into()), (5, "FN:x".into())]);
        // 2.1 folds before whitespace that belongs to the value.
        assert_eq!(unfold(&lines(text), true)[0].1, "NOTE:one two\tthree");
        // A soft break continues whatever the next line starts with.
        let qp = "NOTE;ENCODING=QUOTED-PRINTABLE:a=\nb=\n c\nFN:x";
        let got = unfold(&lines(qp), true);
        assert_eq!(got[0], (1, "NOTE;ENCODING=QUOTED-PRINTABLE:ab c".into()));
        assert_eq!(got[1], (4, "FN:x".into()));
    }

    #[test]
    fn quoted_printable_decodes_utf8_latin1_and_keeps_stray_equals() {
        assert_eq!(qp_decode("S=C3=A3o =c3=b1"), "São ñ".as_bytes());
        assert_eq!(qp_decode("a=zz=+1="), b"a=zz=+1=");
        let text = |line: &str| prop(line).text();
        assert_eq!(text("N;ENCODING=QUOTED-PRINTABLE:Mu=0D=0Aller"), "Mu\nller");
        assert_eq!(
            text("FN;CHARSET=ISO-8859-1;QUOTED-PRINTABLE:Pe=F1a"),
            "Peña"
        );
        // No charset and not UTF-8: an old phone's Latin-1, every byte kept.
        assert_eq!(text("FN;QUOTED-PRINTABLE:Jos=E9"), "José");
        // Without the encoding, `=` is just a character.
        assert_eq!(text("NOTE:2+2=4"), "2+2=4");
    }

    #[test]
    fn escapes_are_undone_and_structured_values_split() {
        assert_eq!(unescape(r"a\,b\;c\nd\\e\:f", false), ["a,b;c\nd\\e:f"]);
        assert_eq!(unescape(r"C:\temp\", false), [r"C:\temp\"]);
        assert_eq!(
            unescape(r"Núñez;María\; José;;", true),
            ["Núñez", "María; José", "", ""]
        );
        let adr = prop(r"ADR:;;Calle 93 \, 11-26\nPiso 4;Bogotá;;110221;Colombia");
        assert_eq!(adr.components()[2], "Calle 93 , 11-26\nPiso 4");
    }

    #[test]
    fn parameters_in_every_version_style() {
        let types = |line: &str| {
            prop(line)
                .param("TYPE")
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(types("TEL;CELL;PREF:1"), ["cell", "pref"]);
        assert_eq!(types("TEL;TYPE=WORK,VOICE:1"), ["work", "voice"]);
        assert_eq!(types("TEL;type=HOME;type=pref:1"), ["home", "pref"]);
        assert_eq!(
            types(r#"TEL;VALUE=uri;PREF=1;TYPE="cell,voice":tel:1"#),
            ["pref", "cell", "voice"]
        );
        let p = prop(r#"item2.ADR;GEO="geo:4.6,-74.1";LABEL="a;b":;;Calle 1"#);
        assert_eq!(
            (p.group.as_deref(), p.name.as_str()),
            (Some("item2"), "ADR")
        );
        assert_eq!(p.param("GEO").collect::<Vec<_>>(), ["geo:4.6,-74.1"]);
        assert_eq!(p.raw, ";;Calle 1");
        let qp = prop("N;CHARSET=UTF-8;QUOTED-PRINTABLE:x");
        assert_eq!(qp.param("ENCODING").next(), Some("QUOTED-PRINTABLE"));
        let wa = prop("item1.TEL;waid=573188779043:+57 318 8779043");
        assert_eq!(wa.param("WAID").next(), Some("573188779043"));
    }
}
