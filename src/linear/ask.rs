//! Asking one field: its prompt (label, `(required)`, the current value in brackets),
//! the answer put into the draft, and the form's own check of that field, with each
//! problem on a line of its own and the field asked again until it passes.

use crate::contact::CatalogKind;
use crate::contact::input;
use crate::contact::validate::{Rules, validate_field};
use crate::engine::form_fields::{FormField, Input, set_list, set_value, shown};

use super::Linear;
use super::picker::{self, Opt, Picked};
use super::term::Stop;

/// How much of a current value the brackets show.
const SHOWN_CHARS: usize = 60;

impl Linear<'_> {
    /// Asks field `at` until its answer passes the form's check; the draft is saved
    /// after it.
    pub(super) fn ask_field(&mut self, at: usize) -> Result<(), Stop> {
        let Some(field) = self.fields.get(at).cloned() else {
            return Ok(());
        };
        let mut again = false;
        loop {
            let before = self.draft.clone();
            let problem = self.answer(&field, again)?;
            again = true;
            if let Some(problem) = problem {
                self.term.error(&problem)?;
                continue;
            }
            let problems = self.check(&field.key);
            if problems.is_empty() {
                self.autosave();
                return Ok(());
            }
            for p in &problems {
                self.term.error(p)?;
            }
            // The field is asked again with the value it had, not the refused one.
            self.draft = before;
        }
    }

    /// The form's messages for one field as the draft stands.
    pub(super) fn check(&self, key: &str) -> Vec<String> {
        let rules = Rules {
            flavour: self.session.flavour(),
            default_region: self.session.profile().default_region.as_deref(),
            catalog: &self.catalog,
        };
        validate_field(&rules, &self.draft, key)
    }

    /// `Label (required) [value]`: how every prompt of a field starts.
    fn prompt(&self, field: &FormField) -> String {
        let required = if field.required { " (required)" } else { "" };
        let value = shown(field, &self.draft, &self.catalog);
        let mut lines = value.lines();
        let first = lines.next().unwrap_or_default();
        let mut current: String = first.chars().take(SHOWN_CHARS).collect();
        if current.len() < first.len() || lines.next().is_some() {
            current.push('…');
        }
        if current.is_empty() {
            format!("{}{required}", field.label)
        } else {
            format!("{}{required} [{current}]", field.label)
        }
    }

    /// Asks once (`again` after a problem: a list is not printed twice) and puts the
    /// answer into the draft; `Some(problem)` when the answer could not be taken at all
    /// (a name the catalog does not know).
    fn answer(&mut self, field: &FormField, again: bool) -> Result<Option<String>, Stop> {
        let prompt = self.prompt(field);
        let picked = match &field.input {
            Input::Line | Input::Date | Input::Number => {
                let hint = match field.input {
                    Input::Date => " (YYYY-MM-DD)",
                    _ => "",
                };
                let text = self.term.ask(&format!("{prompt}{hint}: "))?;
                if let Some(query) = super::edit::find_query(&text) {
                    return Err(Stop::Find(query.to_owned()));
                }
                self.put_text(&field.key, &text);
                return Ok(None);
            }
            Input::Lines => {
                let text = self.lines(&prompt)?;
                self.put_text(&field.key, &text);
                return Ok(None);
            }
            Input::Choice(values) => {
                let options: Vec<Opt> = values.iter().map(|v| Opt { id: v, name: v }).collect();
                picker::pick(&mut self.term, &prompt, &options, false, again)?
            }
            Input::Single(kind) | Input::Multi(kind) if self.catalog.items(*kind).is_empty() => {
                return self.typed(field, *kind, &prompt);
            }
            Input::Single(kind) | Input::Multi(kind) => {
                let multi = matches!(field.input, Input::Multi(_));
                let options: Vec<Opt> = self
                    .catalog
                    .items(*kind)
                    .iter()
                    .map(|i| Opt {
                        id: &i.id,
                        name: &i.name,
                    })
                    .collect();
                picker::pick(&mut self.term, &prompt, &options, multi, again)?
            }
        };
        self.put_picked(field, picked);
        Ok(None)
    }

    /// A text answer: empty keeps the value, `-` clears it.
    fn put_text(&mut self, key: &str, text: &str) {
        match text {
            "" => {}
            "-" => set_value(&mut self.draft, key, ""),
            _ => set_value(&mut self.draft, key, text),
        }
    }

    fn put_picked(&mut self, field: &FormField, picked: Picked) {
        let multi = matches!(field.input, Input::Multi(_));
        match picked {
            Picked::Keep => {}
            Picked::Clear if multi => set_list(&mut self.draft, &field.key, Vec::new()),
            Picked::Clear => set_value(&mut self.draft, &field.key, ""),
            Picked::Chosen(ids) if multi => set_list(&mut self.draft, &field.key, ids),
            Picked::Chosen(ids) => {
                let id = ids.first().map_or("", String::as_str);
                set_value(&mut self.draft, &field.key, id);
            }
        }
    }

    /// A picked field whose catalog lists nothing (not fetched, or not listable): typed
    /// as ids or names, comma-separated where many may be chosen, and resolved as
    /// `rolo add` resolves them.
    fn typed(
        &mut self,
        field: &FormField,
        kind: CatalogKind,
        prompt: &str,
    ) -> Result<Option<String>, Stop> {
        let many = if matches!(field.input, Input::Multi(_)) {
            "s, separated by commas"
        } else {
            ""
        };
        let noun = kind.noun();
        let text = self.term.ask(&format!(
            "{prompt} (no {noun} list known; type the id{many}): "
        ))?;
        match text.as_str() {
            "" => Ok(None),
            "-" => {
                self.put_picked(field, Picked::Clear);
                Ok(None)
            }
            _ => {
                let flavour = self.session.flavour();
                Ok(input::apply(&mut self.draft, flavour, &self.catalog, &field.key, &text).err())
            }
        }
    }

    /// Several lines: a line ending in `\` goes on to another.
    fn lines(&mut self, prompt: &str) -> Result<String, Stop> {
        let mut text = self
            .term
            .ask(&format!("{prompt} (end a line with \\ to write another): "))?;
        while let Some(head) = text.strip_suffix('\\') {
            let more = self.term.ask("  next line: ")?;
            text = format!("{}\n{more}", head.trim_end());
        }
        Ok(text)
    }
}
