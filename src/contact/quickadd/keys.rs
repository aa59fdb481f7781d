//! `key:value` tokens: which field a typed key names (contract key, label, alias, or a
//! Wipsy custom field by name) and how the value goes in.

use std::ops::Range;
use std::sync::OnceLock;

use super::matching::{Fit, Folded, alias, aliases, closest, closest_folded, key_norm, loose_fit};
use super::tokens::Token;
use super::{Hint, Note, Parser, quote_spaced};
use crate::contact::Flavour;
use crate::contact::catalog::{Catalog, CustomFieldDef, CustomType, fold_name};
use crate::contact::fields::{CatalogKind, FieldKind, FieldSpec};
use crate::contact::validate::custom_key;

const NO_KEY: &str = "Nothing before the colon; write field:value, e.g. city:Medellín";
const NOT_A_KEY: &str = "A time or a ratio, not field:value; add it with notes:\"…\"";
const BY_NAME: &str = "Give each custom field by its name, e.g. \"Field name\":value";

#[derive(Clone, Copy)]
enum Target<'c> {
    Spec(&'static FieldSpec),
    Custom(&'c CustomFieldDef),
}

impl Target<'_> {
    /// Takes the digits typed after it, as in `wa:+57 318 877 9043`.
    fn is_phone(self) -> bool {
        match self {
            Self::Spec(spec) => matches!(spec.kind, FieldKind::Phone) || spec.key == "whatsapp_id",
            Self::Custom(def) => def.kind == CustomType::Phone,
        }
    }
}

/// A flavour's keys as [`Parser::target`] and [`Parser::closest_key`] compare them,
/// folded once: the parser runs on every keystroke of a quick-add line, and each
/// `key:value` token used to fold every field's label and every suggestion afresh.
struct Keys {
    /// Each field's label through [`key_norm`], in the order of [`Flavour::fields`].
    labels: Vec<String>,
    /// What [`Parser::closest_key`] offers before custom fields: the contract keys
    /// (`custom_fields` aside), then the aliases that lead somewhere.
    names: Vec<&'static str>,
    /// `names` through [`fold_name`].
    folded: Vec<String>,
}

impl Keys {
    fn of(flavour: Flavour) -> &'static Self {
        static KEYS: OnceLock<Vec<Keys>> = OnceLock::new();
        let all = KEYS.get_or_init(|| Flavour::ALL.into_iter().map(Self::new).collect());
        let at = Flavour::ALL.iter().position(|f| *f == flavour);
        // `ALL` holds every flavour, so `at` is always found.
        &all[at.unwrap_or_default()]
    }

    fn new(flavour: Flavour) -> Self {
        let labels = flavour.fields().iter().map(|f| key_norm(f.label)).collect();
        let keys = flavour.fields().iter().map(|f| f.key);
        let keys = keys.filter(|k| *k != "custom_fields");
        let names: Vec<&'static str> = keys.chain(aliases(flavour)).collect();
        let folded = names.iter().map(|n| folded(n)).collect();
        Self {
            labels,
            names,
            folded,
        }
    }
}

/// `name` through [`fold_name`], as a new string.
fn folded(name: &str) -> String {
    let mut out = String::new();
    fold_name(name, &mut out);
    out
}

impl<'a> Parser<'a> {
    pub(super) fn key_value(&mut self, i: usize, key: &str, value: &str) -> usize {
        if !key.chars().any(char::is_alphabetic) {
            let message = if key.is_empty() { NO_KEY } else { NOT_A_KEY };
            self.flag(i..i + 1, message, None);
            return 1;
        }
        let target = match self.target(key) {
            Ok(target) => target,
            Err((message, hint)) => {
                self.flag_fix(i..i + 1, message, hint, |h| {
                    format!("{h}:{}", quote_spaced(value))
                });
                return 1;
            }
        };
        let (mut value, mut used) = (value.to_owned(), 1);
        // `company: "Acme SAS"`: the value was typed after a space.
        let quoted = |t: &Token| t.raw.starts_with('"') && t.key_value().is_none();
        if value.is_empty() && self.tokens.get(i + 1).is_some_and(quoted) {
            value = self.tokens[i + 1].text();
            used = 2;
        }
        if target.is_phone()
            && let Some((e164, taken)) = self.longest_phone(&value, i + used)
        {
            (value, used) = (e164, used + taken);
        }
        if value.is_empty() {
            let hint = Some(format!("{key}:\"…\""));
            self.flag(i..i + used, format!("No value after {key}:"), hint);
        } else {
            self.apply(i..i + used, key, target, &value);
        }
        used
    }

    /// The field a typed key names: contract key, label, alias, then Wipsy custom field.
    fn target(&self, key: &str) -> Result<Target<'a>, (String, Hint)> {
        let norm = key_norm(key);
        let alias = alias(self.flavour, &norm);
        let labels = &Keys::of(self.flavour).labels;
        let mut fields = self.flavour.fields().iter().zip(labels);
        let spec = fields.find_map(|(f, label)| {
            let short = f.key.strip_suffix("_id");
            (f.key == norm || *label == norm || short == Some(norm.as_str())).then_some(f)
        });
        if let Some(spec) = spec.or_else(|| alias.and_then(|k| self.flavour.field(k))) {
            if matches!(spec.kind, FieldKind::CustomFields) {
                return Err((BY_NAME.to_owned(), None));
            }
            return Ok(Target::Spec(spec));
        }
        match self.custom_def(key) {
            Ok(Some(def)) => Ok(Target::Custom(def)),
            Err(names) => {
                let message = format!("\"{key}\" fits several custom fields: {}", names.join(", "));
                Err((message, None))
            }
            Ok(None) if alias.is_some() => {
                Err((format!("{} has no {key} field", self.flavour), None))
            }
            Ok(None) => {
                let message = format!("\"{key}\" is not a {} field", self.flavour);
                Err((message, self.closest_key(key)))
            }
        }
    }

    /// A Wipsy custom field by id, name, or a unique start of a word of its name;
    /// `Err` lists the names when several fit.
    fn custom_def(&self, key: &str) -> Result<Option<&'a CustomFieldDef>, Vec<String>> {
        let catalog: &'a Catalog = self.catalog;
        if !self.flavour.has_custom_fields() {
            return Ok(None);
        }
        let key = key.strip_prefix("custom.").unwrap_or(key).trim();
        // `fecha_de_cumple:` spells a name with spaces without quotes.
        let spaced = key.replace(['_', '-'], " ");
        let (typed, spaced) = (Folded::new(key), Folded::new(&spaced));
        let defs = &catalog.custom_fields;
        let named = |d: &&CustomFieldDef| typed.same(&d.name) || spaced.same(&d.name);
        if let Some(def) = catalog
            .custom_field(key)
            .or_else(|| defs.iter().find(named))
        {
            return Ok(Some(def));
        }
        // Two letters ("de", "la") would fit half the names, so they are not a key.
        let fits = |d: &&CustomFieldDef| spaced.starts_a_word(&d.name);
        let hits: Vec<&'a CustomFieldDef> = defs.iter().filter(fits).collect();
        match hits[..] {
            _ if key.chars().count() < 3 => Ok(None),
            [] => Ok(None),
            [one] => Ok(Some(one)),
            _ => Err(hits.iter().map(|d| d.name.clone()).collect()),
        }
    }

    fn closest_key(&self, key: &str) -> Hint {
        let keys = Keys::of(self.flavour);
        let custom = self.flavour.has_custom_fields();
        let customs = self.catalog.custom_fields.iter().filter(|_| custom);
        let customs: Vec<&str> = customs.map(|d| d.name.as_str()).collect();
        let folded_customs: Vec<String> = customs.iter().map(|n| folded(n)).collect();
        let folded = keys.folded.iter().chain(&folded_customs);
        let at = closest_folded(key, folded)?;
        let name = keys.names.get(at).copied();
        let name = name.or_else(|| customs.get(at - keys.names.len()).copied());
        name.map(quote_spaced)
    }

    /// Puts `value` in the field `key` (as typed) names.
    fn apply(&mut self, range: Range<usize>, key: &str, target: Target<'a>, value: &str) {
        let spec = match target {
            Target::Custom(def) => return self.put_custom(range, key, def, value),
            Target::Spec(spec) => spec,
        };
        match spec.kind {
            FieldKind::Phone => self.put_phone(range, value),
            FieldKind::MultiLine => self.append(range, spec.key, value),
            FieldKind::MultiPick(kind) => self.put_list(range, spec.key, kind, value),
            FieldKind::SinglePick(kind) => match self.lookup(kind, value) {
                Ok(id) => self.set_single(range, spec.key, &id),
                Err((message, hint)) => self.flag_value(range, key, message, hint),
            },
            FieldKind::Enum(allowed) => match one_of(value, allowed.iter().copied()) {
                Ok(found) => self.set_single(range, spec.key, found),
                Err(hint) => {
                    let message = format!("{} is one of {}", spec.label, allowed.join(", "));
                    self.flag_value(range, key, message, hint);
                }
            },
            _ => self.set_single(range, spec.key, value),
        }
    }

    /// Flags a `key:value` whose value fits nothing; Tab's fix keeps the key.
    fn flag_value(&mut self, range: Range<usize>, key: &str, message: String, hint: Hint) {
        self.flag_fix(range, message, hint, |h| {
            format!("{key}:{}", quote_spaced(h))
        });
    }

    /// `tags:"VIP, Cliente nuevo"`: each name on its own; the token is used if any fit,
    /// and otherwise flagged with the first name that did not.
    pub(super) fn put_list(
        &mut self,
        range: Range<usize>,
        key: &str,
        kind: CatalogKind,
        value: &str,
    ) {
        let (mut missed, mut added) = (Vec::new(), false);
        for piece in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match self.lookup(kind, piece) {
                Ok(id) => {
                    self.put_pick(range.clone(), key, id);
                    added = true;
                }
                Err((message, hint)) => missed.push((piece, message, hint)),
            }
        }
        let span = self.span(range.clone());
        let typed = self.line.get(span.clone()).unwrap_or_default();
        // Tab swaps the one name in the token; inside quotes a name needs none of its own.
        let fix = |piece: &str, hint: &Hint| {
            // A name typed across quotes (`"vip, no"pe`) has no one place to swap.
            if !typed.contains(piece) {
                return None;
            }
            let name = if typed.contains('"') {
                hint.clone()?
            } else {
                quote_spaced(hint.as_deref()?)
            };
            Some(typed.replacen(piece, &name, 1))
        };
        let mut missed = missed.into_iter();
        if !added {
            let first = missed.next();
            let fixed = first.as_ref().and_then(|(piece, _, hint)| fix(piece, hint));
            let first = first.map(|(_, message, hint)| (message, hint));
            let none = || (format!("No {} names given", kind.noun()), None);
            let (message, hint) = first.unwrap_or_else(none);
            self.flag(range, message, hint);
            self.fix_last(fixed);
        }
        for (piece, message, suggestion) in missed {
            let fix = fix(piece, &suggestion);
            self.notes.push(Note {
                token: piece.to_owned(),
                message,
                suggestion,
                span: span.clone(),
                fix,
                others: Vec::new(),
            });
        }
    }

    fn put_custom(&mut self, range: Range<usize>, key: &str, def: &CustomFieldDef, value: &str) {
        let mut value = value.to_owned();
        // A decimal comma (12,5 as most of Latin America and Europe write it) is the
        // decimal point the API takes, as the form's number rows read it.
        if matches!(
            def.kind,
            CustomType::Number | CustomType::Currency | CustomType::Percent
        ) && value.matches(',').count() == 1
        {
            value = value.replace(',', ".");
        }
        if def.kind == CustomType::Select && !def.options.is_empty() {
            match one_of(&value, def.options.iter().map(String::as_str)) {
                Ok(option) => option.trim().clone_into(&mut value),
                Err(hint) => {
                    let message = format!("{} has no option \"{value}\"", def.name);
                    return self.flag_value(range, key, message, hint);
                }
            }
        }
        if self.draft.custom.get(&def.id).is_some_and(|v| *v != value) {
            let message = format!("{} is already set; not used", def.name);
            return self.flag(range, message, None);
        }
        self.draft.custom.insert(def.id.clone(), value);
        self.field(range, &custom_key(&def.id));
    }
}

/// The one of `allowed` that `value` names: itself (any case or accents), else the one
/// a looser rule fits; otherwise the closest as a hint.
fn one_of<'v>(
    value: &str,
    allowed: impl Iterator<Item = &'v str> + Clone,
) -> Result<&'v str, Hint> {
    let (fit, hits) = loose_fit(value, allowed.clone());
    match hits[..] {
        [first, ..] if fit == Some(Fit::Same) => allowed.clone().nth(first).ok_or(None),
        [one] => allowed.clone().nth(one).ok_or(None),
        [_, _, ..] => Err(None),
        [] => Err(closest(value, allowed).map(str::to_owned)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contact::{Draft, Flavour};

    #[test]
    fn keys_name_fields_by_key_label_alias_or_custom_name() {
        let mut catalog = Catalog::default();
        catalog.custom_fields.push(CustomFieldDef {
            id: "cf-1".into(),
            name: "Canal preferido".into(),
            kind: CustomType::Text,
            options: Vec::new(),
            required: false,
            order: 0,
            pattern: None,
        });
        let p = Parser {
            line: "",
            flavour: Flavour::Wipsy,
            catalog: &catalog,
            region: None,
            tokens: Vec::new(),
            uses: Vec::new(),
            draft: Draft::default(),
            notes: Vec::new(),
            names: Vec::new(),
            splits: Vec::new(),
        };
        let key = |k: &str| match p.target(k) {
            Ok(Target::Spec(spec)) => spec.key.to_owned(),
            Ok(Target::Custom(def)) => custom_key(&def.id),
            Err((message, _)) => message,
        };
        assert_eq!(key("Last Name"), "last_name");
        assert_eq!(key("PIPELINE_STAGE"), "pipeline_stage_id");
        assert_eq!(key("wa"), "whatsapp_id");
        assert_eq!(key("canal"), "custom.cf-1");
        assert_eq!(key("ca"), "\"ca\" is not a wipsy field");
        assert_eq!(key("zip"), "wipsy has no zip field");
        assert_eq!(key("custom_fields"), BY_NAME);
        assert_eq!(quote_spaced("a b"), "\"a b\"");
    }
}
