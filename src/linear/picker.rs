//! Choosing from a list, by number: the linear face's picker. The list is printed
//! numbered (the first [`SHOWN`] entries; `?` prints them all); the answer is a number,
//! or several separated by commas where many may be chosen; names typed in full are
//! taken as they are; any other text filters the list, which is printed again,
//! numbered afresh. Numbers always refer to the list printed last.
//!
//! Decision: an answer *replaces* a multiple choice rather than toggling entries, so one
//! line says the whole selection (`2, 5`), as a script or a screen-reader user would
//! type it; names mixed with numbers (`VIP, 3`) combine entries from different filters.

use super::term::{Stop, Term};

/// How many entries a list shows before it says how many more there are.
pub const SHOWN: usize = 15;

/// The most `?` lists: a catalog of 100,000 tags is narrowed by typing, not read out.
const ALL_AT_MOST: usize = 1000;

/// One entry that can be chosen: the id stored in the draft and the name shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt<'a> {
    /// What the draft holds when it is chosen.
    pub id: &'a str,
    /// What the user reads and types.
    pub name: &'a str,
}

/// What the user answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    /// An empty answer: the value stays as it was.
    Keep,
    /// `-`: nothing chosen.
    Clear,
    /// The ids chosen, in the order given (one for a single choice).
    Chosen(Vec<String>),
}

/// What one answer means against the list shown.
#[derive(Debug, PartialEq, Eq)]
enum Answer {
    Ids(Vec<String>),
    Wrong(String),
    Filter,
}

/// Asks for one entry (or several, with `multi`) of `options`. `prompt` names the field
/// and its current value; the picker adds how to answer. The list is printed first
/// unless `again` (the field is asked again after a problem, right below its list).
pub fn pick(
    term: &mut Term,
    prompt: &str,
    options: &[Opt],
    multi: bool,
    again: bool,
) -> Result<Picked, Stop> {
    let mut view: Vec<usize> = (0..options.len()).collect();
    if !again {
        list(term, options, &view, SHOWN)?;
    }
    let how = if multi {
        "numbers separated by commas, or text to filter"
    } else {
        "number, or text to filter"
    };
    let list_again = if again { " (? lists the choices)" } else { "" };
    let question = format!("{prompt}, {how}{list_again}: ");
    loop {
        let answer = term.ask(&question)?;
        match answer.as_str() {
            "" => return Ok(Picked::Keep),
            "-" => return Ok(Picked::Clear),
            "?" => {
                list(term, options, &view, ALL_AT_MOST)?;
                continue;
            }
            _ => {}
        }
        match choose(&answer, options, &view, multi) {
            Answer::Ids(ids) => return Ok(Picked::Chosen(ids)),
            Answer::Wrong(why) => term.error(&why)?,
            Answer::Filter => {
                let found = filter(options, &answer);
                if found.is_empty() {
                    term.error(&format!(
                        "nothing matches \"{answer}\"; the numbers are those of the list before (? shows it)"
                    ))?;
                } else {
                    term.say(&format!("Matching \"{answer}\":"))?;
                    view = found;
                    list(term, options, &view, SHOWN)?;
                }
            }
        }
    }
}

/// Prints the entries of `view`, numbered from 1, at most `most` of them, and how many
/// more there are.
fn list(term: &mut Term, options: &[Opt], view: &[usize], most: usize) -> Result<(), Stop> {
    for (n, &i) in view.iter().take(most).enumerate() {
        term.say(&format!("{:>4}. {}", n + 1, options[i].name))?;
    }
    let more = view.len().saturating_sub(most);
    if more > 0 {
        let all = if view.len() <= ALL_AT_MOST {
            ", or ? to list them all"
        } else {
            ""
        };
        term.say(&format!(
            "      … {more} more of {}: type text to filter{all}.",
            view.len()
        ))?;
    }
    Ok(())
}

/// Reads an answer: numbers of the list shown, or names typed in full; anything else is
/// a filter.
fn choose(answer: &str, options: &[Opt], view: &[usize], multi: bool) -> Answer {
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let tokens: Vec<&str> = answer.split([',', ' ']).filter(|t| !t.is_empty()).collect();
    if !multi && tokens.len() > 1 && tokens.iter().all(|t| digits(t)) {
        return Answer::Wrong("choose one number".to_owned());
    }
    let parts: Vec<&str> = if multi {
        answer
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    } else {
        vec![answer.trim()]
    };
    // "1 3" is two numbers; "Clientes VIP" is one name.
    let parts = if tokens.iter().all(|t| digits(t)) {
        tokens
    } else {
        parts
    };
    let mut ids: Vec<String> = Vec::new();
    for part in parts {
        let at = if digits(part) {
            let n = part.parse::<usize>().ok();
            match n.and_then(|n| view.get(n.checked_sub(1)?)) {
                Some(&i) => i,
                None => return Answer::Wrong(out_of_range(part, view.len())),
            }
        } else {
            match exact(options, part) {
                Some(i) => i,
                None => return Answer::Filter,
            }
        };
        let id = options[at].id.to_owned();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Answer::Ids(ids)
}

fn out_of_range(number: &str, len: usize) -> String {
    match len {
        1 => format!("there is no choice {number}; type 1"),
        _ => format!("there is no choice {number}; type a number from 1 to {len}"),
    }
}

/// The entry named exactly `name`, ignoring case.
fn exact(options: &[Opt], name: &str) -> Option<usize> {
    let wanted = name.to_lowercase();
    options.iter().position(|o| o.name.to_lowercase() == wanted)
}

/// The entries whose names hold every word of `query`, ignoring case and, for a query
/// typed in plain ASCII, accents (`bogota` finds Bogotá). The name that starts with the
/// query comes first, then names with a word that does, then the rest, each in list
/// order: `india` lists India before British Indian Ocean Territory.
fn filter(options: &[Opt], query: &str) -> Vec<usize> {
    let ascii = query.is_ascii();
    let fold = |text: &str| {
        if ascii {
            let mut out = String::new();
            crate::contact::catalog::fold_name(text, &mut out);
            out
        } else {
            text.to_lowercase()
        }
    };
    let query = fold(query);
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut found: Vec<(u8, usize)> = options
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            let name = fold(o.name);
            if !words.iter().all(|w| name.contains(w)) {
                return None;
            }
            let first = words.first().copied().unwrap_or_default();
            let rank = if name.starts_with(first) {
                0
            } else if name.split_whitespace().any(|n| n.starts_with(first)) {
                1
            } else {
                2
            };
            Some((rank, i))
        })
        .collect();
    found.sort_by_key(|&(rank, i)| (rank, i));
    found.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_that_starts_with_the_query_comes_first_and_accents_fold() {
        let names = [
            "British Indian Ocean Territory (IO, +246)",
            "India (IN, +91)",
            "Bogotá",
        ];
        let options: Vec<Opt> = names.iter().map(|n| Opt { id: n, name: n }).collect();
        assert_eq!(filter(&options, "india"), [1, 0]);
        assert_eq!(filter(&options, "bogota"), [2]);
        assert_eq!(filter(&options, "Bogotá"), [2]);
    }

    const NAMES: [&str; 4] = ["Clientes VIP", "Mayoristas", "Bogotá", "VIP"];

    fn options() -> Vec<Opt<'static>> {
        ["11", "12", "14", "40"]
            .iter()
            .zip(NAMES)
            .map(|(id, name)| Opt { id, name })
            .collect()
    }

    fn run(input: &str, multi: bool) -> (Result<Picked, Stop>, String) {
        let mut out = Vec::new();
        let picked = {
            let mut t = Term::new(input.as_bytes(), &mut out);
            pick(&mut t, "Groups []", &options(), multi, false)
        };
        (picked, String::from_utf8(out).unwrap())
    }

    #[test]
    fn numbers_names_and_filters_choose() {
        assert_eq!(
            run("2\n", false).0.unwrap(),
            Picked::Chosen(vec!["12".into()])
        );
        assert_eq!(
            run("3, 1\n", true).0.unwrap(),
            Picked::Chosen(vec!["14".into(), "11".into()])
        );
        assert_eq!(
            run("vip\n", false).0.unwrap(),
            Picked::Chosen(vec!["40".into()])
        );
        let (picked, out) = run("bog\n1\n", false);
        assert_eq!(picked.unwrap(), Picked::Chosen(vec!["14".into()]));
        assert!(out.contains("Matching \"bog\":\n   1. Bogotá\n"), "{out}");
        assert_eq!(run("\n", true).0.unwrap(), Picked::Keep);
        assert_eq!(run("-\n", true).0.unwrap(), Picked::Clear);
    }

    #[test]
    fn a_wrong_answer_is_an_error_in_words_and_asked_again() {
        let (picked, out) = run("9\nzzz\n1 2\n", false);
        assert!(matches!(picked, Err(Stop::Eof)));
        assert!(out.contains("Error: there is no choice 9; type a number from 1 to 4"));
        assert!(out.contains("Error: nothing matches \"zzz\""));
        assert!(out.contains("Error: choose one number"));
    }

    #[test]
    fn a_long_list_says_how_many_more() {
        let names: Vec<String> = (1..=40).map(|n| format!("Tag {n}")).collect();
        let opts: Vec<Opt> = names.iter().map(|n| Opt { id: n, name: n }).collect();
        let mut out = Vec::new();
        let mut t = Term::new("?\n40\n".as_bytes(), &mut out);
        let picked = pick(&mut t, "Tags []", &opts, true, false).unwrap();
        drop(t);
        assert_eq!(picked, Picked::Chosen(vec!["Tag 40".into()]));
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("… 25 more of 40: type text to filter, or ? to list them all."));
        assert!(out.contains("  40. Tag 40\n"));
    }
}
