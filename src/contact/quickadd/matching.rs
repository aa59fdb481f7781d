//! Matching what was typed against catalog names and field keys: accent folding, the
//! looser matches quick-add accepts, and the closest name to suggest when none fits.

use nucleo_matcher::chars::normalize;

use crate::contact::{Flavour, Role};

/// Longest piece of a token compared for suggestions, so a pasted essay stays cheap.
const MAX_COMPARED: usize = 64;

/// Other keys people type for a field, folded, with the role they mean. Contract keys,
/// labels and `source` for `source_id` need no entry.
#[rustfmt::skip]
const ALIASES: &[(&[&str], Role)] = &[
    (&["first", "firstname", "name", "nombre", "nome"], Role::FirstName),
    (&["last", "lastname", "surname", "apellido", "apellidos", "sobrenome"], Role::LastName),
    (&["tel", "mobile", "cel", "celular", "telefono", "movil"], Role::Phone),
    (&["wa", "whatsapp", "whatsapp_id"], Role::WhatsApp),
    (&["mail", "e_mail", "mailto", "correo"], Role::Email),
    (&["empresa", "org"], Role::Company),
    (&["stage", "etapa"], Role::Stage),
    (&["status"], Role::Status),
    (&["tag", "tags", "group", "groups", "etiqueta", "grupo"], Role::Labels),
    (&["assignee", "agent", "owner"], Role::Assignee),
    (&["note", "notes", "nota", "notas", "description", "desc"], Role::Notes),
    (&["state", "province", "estado", "provincia"], Role::Region),
    (&["zip", "postal", "postcode", "cp", "cep", "pin", "pincode"], Role::Zip),
    (&["photo", "picture", "avatar", "foto"], Role::Picture),
    (&["ciudad", "cidade"], Role::City),
    (&["direccion", "endereco"], Role::Address),
    (&["country", "pais"], Role::Country),
    (&["source", "origen", "fuente"], Role::Source),
    (&["type", "tipo"], Role::Type),
];

/// The contract key an alias means for `flavour` ("" if that flavour lacks the field).
pub(super) fn alias(flavour: Flavour, norm_key: &str) -> Option<&'static str> {
    let (_, role) = ALIASES.iter().find(|a| a.0.contains(&norm_key))?;
    Some(flavour.key_near(*role).unwrap_or_default())
}

/// The aliases that lead somewhere for `flavour`, for suggestions.
pub(super) fn aliases(flavour: Flavour) -> impl Iterator<Item = &'static str> {
    ALIASES
        .iter()
        .filter(move |(_, role)| flavour.key_near(*role).is_some())
        .flat_map(|a| a.0.iter().copied())
}

/// Lower case with accents removed (`Ñandú` → `nandu`) and spaces collapsed.
pub(super) fn fold(s: &str) -> String {
    lower(s).chars().map(normalize).collect()
}

fn lower(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    words.join(" ").to_lowercase()
}

/// Both sides folded when the query is plain ASCII (so `nandu` finds "Ñandú"), else only
/// lower-cased: whoever types an accent means that accent.
fn compared(query: &str, name: &str) -> (String, String) {
    if query.is_ascii() {
        (fold(query), fold(name))
    } else {
        (lower(query), lower(name))
    }
}

/// The same name, by the rule of [`compared`].
pub(super) fn same(query: &str, name: &str) -> bool {
    let (q, n) = compared(query, name);
    q == n
}

/// `nandu` for "Ñandú Club": the name's first whole words, not all of them.
pub(super) fn leading_words(query: &str, name: &str) -> bool {
    let (q, n) = compared(query, name);
    !q.is_empty() && n.strip_prefix(&q).is_some_and(|rest| rest.starts_with(' '))
}

/// `cumple` for "Fecha de cumpleaños": the query starts some word of the name.
pub(super) fn starts_a_word(query: &str, name: &str) -> bool {
    let (q, n) = compared(query, name);
    let at_word = |(at, _): (usize, &str)| at == 0 || n[..at].ends_with(' ');
    !q.is_empty() && n.match_indices(&q).any(at_word)
}

/// A field key as typed, comparable to contract keys: folded, `_` for spaces and dashes.
pub(super) fn key_norm(key: &str) -> String {
    fold(key).replace([' ', '-'], "_")
}

/// The name nearest to `query`: one containing it, else the fewest edits, allowing one
/// per three letters plus one, where an abbreviation is also compared with the name's
/// start. `None` when nothing is near enough to be a useful hint.
pub(super) fn closest<'n>(
    query: &str,
    names: impl IntoIterator<Item = &'n str>,
) -> Option<&'n str> {
    let q: Vec<char> = fold(query).chars().take(MAX_COMPARED).collect();
    let limit = 1 + q.len() / 3;
    let scored = names.into_iter().filter_map(|name| {
        let n: Vec<char> = fold(name).chars().take(MAX_COMPARED).collect();
        let contains = q.len() >= 2 && n.windows(q.len()).any(|w| w == q.as_slice());
        let head = distance(&q, &n[..q.len().min(n.len())]) + 1;
        let d = if contains {
            0
        } else {
            distance(&q, &n).min(head)
        };
        (d <= limit).then_some((d, name))
    });
    let best = scored.min_by_key(|(d, _)| *d).map(|(_, name)| name);
    best.filter(|_| !q.is_empty())
}

/// Edit distance counting a swap of neighbours as one edit (optimal string alignment).
fn distance(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut row = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != cb);
            row[j + 1] = substitute.min(previous[j + 1] + 1).min(row[j] + 1);
            if i > 0 && j > 0 && a[i - 1] == cb && ca == b[j - 1] {
                row[j + 1] = row[j + 1].min(before[j - 1] + 1);
            }
        }
        before = std::mem::replace(&mut previous, row);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_and_looser_matches() {
        assert_eq!(fold("  Ñandú   Club "), "nandu club");
        assert!(same("nandu club", "Ñandú Club") && same("ÑANDÚ CLUB", "Ñandú Club"));
        assert!(!same("ñandu club", "Ñandú Club"), "accents typed are meant");
        assert!(leading_words("nandu", "Ñandú Club") && !leading_words("nan", "Ñandú Club"));
        assert!(
            !leading_words("ñandú club", "Ñandú Club"),
            "the whole name is `same`"
        );
        assert!(starts_a_word("cumple", "Fecha de cumpleaños"));
        assert!(starts_a_word("cumpleaños", "Fecha de cumpleaños"));
        assert!(!starts_a_word("umple", "Fecha de cumpleaños") && !starts_a_word("", "x"));
        assert_eq!(
            (key_norm("Last-Name"), key_norm("Dirección")),
            ("last_name".into(), "direccion".into())
        );
    }

    #[test]
    fn aliases_per_flavour() {
        assert_eq!(alias(Flavour::Wipsy, "wa"), Some("whatsapp_id"));
        assert_eq!(alias(Flavour::Whatsmark, "wa"), Some("phone"));
        assert_eq!(alias(Flavour::Wipsy, "zip"), Some(""));
        assert_eq!(alias(Flavour::Wipsy, "nickname"), None);
        assert!(aliases(Flavour::Whatsmark).any(|a| a == "zip"));
        assert!(!aliases(Flavour::Wipsy).any(|a| a == "zip"));
    }

    #[test]
    fn distances_and_suggestions() {
        let d = |a: &str, b: &str| {
            let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            distance(&a, &b)
        };
        assert_eq!(
            (
                d("", "abc"),
                d("abc", "abc"),
                d("vpi", "vip"),
                d("kitten", "sitting")
            ),
            (3, 0, 1, 3)
        );
        let names = ["VIP", "Soporte", "Ñandú Club", "中文客户", "Cliente nuevo"];
        let near = |q: &str| closest(q, names);
        assert_eq!(
            (near("soprte"), near("vpi")),
            (Some("Soporte"), Some("VIP"))
        );
        assert_eq!(
            (near("nandi"), near("中文")),
            (Some("Ñandú Club"), Some("中文客户"))
        );
        assert_eq!(near("clientes"), Some("Cliente nuevo"));
        assert_eq!((near("zzzzzzzz"), near(""), near(" ")), (None, None, None));
    }
}
