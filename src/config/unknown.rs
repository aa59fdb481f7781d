//! Keys no type knows: collected by `serde_ignored` while serde reads the file, found
//! again in toml's tree for their line, and told with the keys the table does take
//! (the types' own fields) and the nearest of them.

use toml::Spanned;
use toml::de::DeTable;

use super::ConfigError;
use super::val::{Doc, Step, fields, key_span, spell};

/// The keys of the file no type knows, each with its place, ready to be told.
#[derive(Default)]
pub(super) struct Unknown(Vec<(Vec<Step>, ConfigError)>);

impl Unknown {
    /// Finds each key in toml's tree for its line and words its error, in file order.
    pub fn new(doc: Doc<'_>, tree: &Spanned<DeTable<'_>>, found: Vec<Vec<Step>>) -> Self {
        let mut out: Vec<(usize, Vec<Step>, ConfigError)> = found
            .into_iter()
            .map(|steps| {
                let span = key_span(tree, &steps).unwrap_or(0..0);
                let error = doc.error(&span, &spell(&steps), unknown_key(&steps));
                (span.start, steps, error)
            })
            .collect();
        out.sort_by_key(|(at, _, _)| *at);
        Self(out.into_iter().map(|(_, s, e)| (s, e)).collect())
    }

    /// The errors of the keys under `prefix` (`["profiles", "acme"]`); with no prefix,
    /// those outside every profile.
    pub fn under(&self, prefix: &[&str]) -> Vec<ConfigError> {
        let starts = |steps: &[Step], prefix: &[&str]| {
            prefix.len() <= steps.len()
                && prefix
                    .iter()
                    .zip(steps)
                    .all(|(p, s)| matches!(s, Step::Key(k) if k == p))
        };
        self.0
            .iter()
            .filter(|(steps, _)| {
                if prefix.is_empty() {
                    !starts(steps, &["profiles"])
                } else {
                    starts(steps, prefix)
                }
            })
            .map(|(_, e)| e.clone())
            .collect()
    }
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
