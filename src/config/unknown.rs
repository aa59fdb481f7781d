//! Keys no type knows: collected by `serde_ignored` while serde reads the file, found
//! again in toml's tree for their line, and told with the keys the table does take
//! (the types' own fields) and the nearest of them.

use toml::Spanned;
use toml::de::DeTable;

use super::ConfigError;
use super::val::{Doc, Step, fields, key_span, spell};

/// The keys of the file no type knows, each told with its line and the keys its table
/// takes: (the dotted key of that table, the error), in file order. Each is reported
/// with its own table (see [`Doc::unknown_in`](super::val::Doc::unknown_in)).
pub(super) fn told(
    doc: Doc<'_>,
    tree: &Spanned<DeTable<'_>>,
    found: Vec<Vec<Step>>,
) -> Vec<(String, ConfigError)> {
    let mut out: Vec<(usize, String, ConfigError)> = found
        .into_iter()
        .map(|steps| {
            let span = key_span(tree, &steps).unwrap_or(0..0);
            let error = doc.error(&span, &spell(&steps), unknown_key(&steps));
            let parent = spell(&steps[..steps.len().saturating_sub(1)]);
            (span.start, parent, error)
        })
        .collect();
    out.sort_by_key(|(at, _, _)| *at);
    out.into_iter().map(|(_, p, e)| (p, e)).collect()
}

/// "unknown key (expected one of: …)", and the nearest known key when one is near.
fn unknown_key(steps: &[Step]) -> String {
    let known = known_keys(steps);
    let mut message = format!("unknown key (expected one of: {})", known.join(", "));
    if let Some(Step::Key(key)) = steps.last()
        && let Some(near) = known
            .iter()
            .map(|k| (strsim::damerau_levenshtein(key, k), *k))
            .filter(|(d, k)| *d <= (k.len() / 3).max(1))
            .min()
    {
        message.push_str("; did you mean ");
        message.push_str(near.1);
        message.push('?');
    }
    message
}

/// The keys the table holding the last of `steps` may have, from the types themselves.
fn known_keys(steps: &[Step]) -> &'static [&'static str] {
    use super::types::{CustomFieldToml, File, NumberedToml, ProfileToml, StageToml, TagToml};
    match steps {
        [_] => fields::<File>(),
        [_, _, _] => fields::<ProfileToml>(),
        [_, _, Step::Key(list), Step::Index(_), _] => match list.as_str() {
            "tags" => fields::<TagToml>(),
            "stages" => fields::<StageToml>(),
            "custom_fields" => fields::<CustomFieldToml>(),
            _ => fields::<NumberedToml>(),
        },
        _ => &[],
    }
}
