//! The quick-add line parser: any line, either flavour, any default region, the demo
//! catalog or an empty one. Besides never panicking, the documented promises hold:
//! every token is in `words` (split on whitespace outside quotes), every flagged word has
//! a note, every used word filled its field, and the draft holds nothing no word put
//! there; a note's span is on the line and holds its words, and the line with a note's
//! fix in place (what Tab does) parses too (the first three fixes of each line). The
//! draft then goes through validation and the create body, as a submit would.

use super::super::{catalog_for, flavour, lossy, region, split_control};
use rolo::api::body::create_body;
use rolo::contact::Draft;
use rolo::contact::quickadd::{Use, parse};
use rolo::contact::validate::{Rules, validate_draft};

/// The line split as the parser documents: whitespace outside quotes.
fn tokens(line: &str) -> Vec<String> {
    let (mut out, mut current, mut quoted) = (Vec::new(), String::new(), false);
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c.is_whitespace() && !quoted {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn filled(d: &Draft, key: &str) -> bool {
    match key.strip_prefix("custom.") {
        Some(id) => d.custom.get(id).is_some_and(|v| !v.trim().is_empty()),
        None => !d.get(key).trim().is_empty() || !d.list(key).is_empty(),
    }
}

/// One input: panics (a failed promise) are what the fuzzer looks for.
pub fn run(data: &[u8]) {
    let (control, rest) = split_control(data);
    let line = lossy(rest);
    let (flavour, region, catalog) = (flavour(control), region(control), catalog_for(control));
    let p = parse(&line, flavour, &catalog, region);

    let texts: Vec<&str> = p.words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(texts, tokens(&line), "words are not the line's tokens");
    for word in &p.words {
        match &word.used_as {
            Use::Field(key) => assert!(filled(&p.draft, key), "{key} empty for {word:?}"),
            Use::Flagged => assert!(
                p.notes.iter().any(|n| n.token.contains(&word.text)),
                "no note for {word:?}"
            ),
        }
    }
    // Each fix costs a whole parse, and a long line flags hundreds of words: the first
    // few fixes of a line are parsed again, which any note reaches once the fuzzer puts
    // it early in some line, and keeps an execution one parse or a few.
    let mut fixes_left = 3_usize;
    for n in &p.notes {
        let typed = line
            .get(n.span.clone())
            .expect("a note's span cuts a character");
        // A list's piece is its text, quotes taken out.
        let unquoted = typed.replace('"', "");
        for part in n.token.split_whitespace() {
            let part = part.replace('"', "");
            assert!(
                unquoted.contains(&part),
                "{part:?} not in the span {typed:?} of {n:?}"
            );
        }
        if let Some(fix) = &n.fix {
            assert_ne!(
                fix, typed,
                "a fix that changes nothing: Tab would do nothing"
            );
            if fixes_left == 0 {
                continue;
            }
            fixes_left -= 1;
            let mut fixed = line.to_string();
            fixed.replace_range(n.span.clone(), fix);
            let again = parse(&fixed, flavour, &catalog, region);
            assert!(again.words.len() <= fixed.len(), "{again:?}");
        }
    }
    let used = |key: &str| p.words.iter().any(|w| w.used_as == Use::Field(key.into()));
    for key in p.draft.values.keys().chain(p.draft.lists.keys()) {
        assert!(used(key), "{key} came from nowhere");
    }
    for id in p.draft.custom.keys() {
        assert!(
            used(&format!("custom.{id}")),
            "custom {id} came from nowhere"
        );
    }
    if control & 0x20 != 0 {
        assert_eq!(
            p,
            parse(&line, flavour, &catalog, region),
            "not deterministic"
        );
    }

    let rules = Rules {
        flavour,
        default_region: region,
        catalog: &catalog,
    };
    let _ = validate_draft(&rules, &p.draft);
    let _ = create_body(flavour, &p.draft, region, &catalog.custom_fields);
}
