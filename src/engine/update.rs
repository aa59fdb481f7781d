//! Find, open and update: the pipeline every face runs to fix a contact the CRM already
//! has. Find asks the server (or, for an API that cannot search, its most recent
//! contacts); open reads one contact into a draft; update checks what the agent changed,
//! sends only that as a partial update, and records it: an "updated" history entry, or
//! an outbox item marked as an update when the answer may still come (a PATCH is safe to
//! send again).

use serde_json::Value;

pub use crate::api::Searched;
use crate::api::body;
pub use crate::api::body::{Change, overlay};
/// Whether an id can name a contact of a flavour (checked before it goes in a request).
pub use crate::api::is_contact_id;
use crate::api::{Outcome, RateLimit};
use crate::config::Profile;
use crate::contact::validate::{Problems, Rules, validate_draft};
use crate::contact::{Catalog, Draft, Flavour};
use crate::store::history::{Action, Entry};
use crate::store::outbox::{self, Item, Update};

use super::record;
use super::resend::{may_have_arrived, retry_at};
use super::session::Session;

/// A contact read from the server, ready for the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    /// The server's id.
    pub id: String,
    /// The name as shown.
    pub name: String,
    /// When it was created (RFC 3339), if the server said.
    pub created_at: String,
    /// Its fields as a draft: the "before" of an update.
    pub draft: Draft,
}

/// Why an update was not sent.
#[derive(Debug, Clone, PartialEq)]
pub enum NotUpdated {
    /// The profile is read-only.
    ReadOnly,
    /// The API cannot update contacts (Wipsy).
    Unsupported(Flavour),
    /// Nothing differs from the contact as opened.
    Unchanged,
    /// Required fields were left empty (by key): an update cannot clear them.
    Required(Vec<&'static str>),
    /// rolo's checks found problems in the fields that changed.
    Invalid(Problems),
}

impl NotUpdated {
    /// The refusal in words; field problems are also shown under their fields.
    #[must_use]
    pub fn words(&self, profile: &Profile) -> String {
        match self {
            Self::ReadOnly => format!(
                "{} is read-only: updating is switched off for this profile; nothing was sent",
                profile.display_name()
            ),
            Self::Unsupported(flavour) => unsupported_words(*flavour),
            Self::Unchanged => "nothing changed; nothing was sent".to_owned(),
            Self::Required(keys) => {
                let labels: Vec<&str> = keys
                    .iter()
                    .map(|k| profile.api.field(k).map_or(*k, |f| f.label))
                    .collect();
                format!(
                    "{} cannot be cleared: the CRM requires {}; nothing was sent",
                    labels.join(", "),
                    if labels.len() == 1 { "it" } else { "them" }
                )
            }
            Self::Invalid(p) => {
                let n = p.count();
                let s = if n == 1 { "" } else { "s" };
                format!("{n} problem{s} to fix before sending")
            }
        }
    }

    /// The problems per field, for a face that shows them under the fields (a cleared
    /// required field is one too).
    #[must_use]
    pub fn problems(&self) -> Problems {
        match self {
            Self::Invalid(p) => p.clone(),
            Self::Required(keys) => {
                let mut p = Problems::default();
                for key in keys {
                    p.push(key, "Required: an update cannot clear it");
                }
                p
            }
            _ => Problems::default(),
        }
    }
}

/// What the face says of a contact whose API cannot update it.
#[must_use]
pub fn unsupported_words(flavour: Flavour) -> String {
    let name = display_name(flavour);
    format!("{name}'s API cannot update contacts: change it in the {name} panel")
}

/// What a face says when a lookup could only look through the `n` most recent contacts.
#[must_use]
pub fn only_recent_words(flavour: Flavour, n: usize) -> String {
    format!(
        "{}'s API cannot search: only its {n} most recent contacts were looked through",
        display_name(flavour)
    )
}

/// A flavour's name as its makers write it.
fn display_name(flavour: Flavour) -> &'static str {
    flavour.spec().title
}

/// Whether contacts of this flavour can be updated through its API.
#[must_use]
pub fn can_update(flavour: Flavour) -> bool {
    flavour.caps().updates
}

/// An update checked and ready: the request body (only what changes) and each change.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The request body.
    pub body: Value,
    /// Each change, in form order.
    pub changes: Vec<Change>,
}

impl Planned {
    /// What each changed field held before (`null`: nothing): kept with an update that
    /// waits in the outbox, so that its resend changes only what still holds it.
    #[must_use]
    pub fn before(&self) -> Value {
        // Nested keys (`additional_attributes.city`) nested, as the body has them and
        // the resend reads them.
        let mut map = serde_json::Map::new();
        for c in &self.changes {
            body::put(&mut map, c.key, c.old.clone().unwrap_or(Value::Null));
        }
        Value::Object(map)
    }
}

/// Checks an update from `before` (the contact as opened) to `after` (as the agent left
/// it): the request body of only what changed, and each change, or why it cannot go.
/// Only the fields that change are checked: a contact made elsewhere may hold values
/// rolo would not take (no phone, say, or a group since deleted), and an update that
/// leaves them is not refused.
pub fn plan(
    profile: &Profile,
    catalog: &Catalog,
    before: &Draft,
    after: &Draft,
) -> Result<Planned, NotUpdated> {
    if !can_update(profile.api) {
        return Err(NotUpdated::Unsupported(profile.api));
    }
    let region = profile.default_region.as_deref();
    let (body, changes) =
        body::update_body(profile.api, before, after, region, &catalog.custom_fields)
            .map_err(NotUpdated::Required)?;
    if changes.is_empty() {
        return Err(NotUpdated::Unchanged);
    }
    let rules = Rules {
        flavour: profile.api,
        default_region: region,
        catalog,
    };
    let all = validate_draft(&rules, &checked_part(after, before));
    let mut problems = Problems::default();
    for change in &changes {
        for message in all.get(change.key) {
            problems.push(change.key, message.clone());
        }
    }
    // Custom values are checked one by one (`custom.<id>`), the changed ones only.
    for (id, value) in &after.custom {
        if before.custom.get(id) == Some(value) {
            continue;
        }
        let key = crate::contact::validate::custom_key(id);
        for message in all.get(&key) {
            problems.push(&key, message.clone());
        }
    }
    if !problems.is_empty() {
        return Err(NotUpdated::Invalid(problems));
    }
    if profile.read_only {
        return Err(NotUpdated::ReadOnly);
    }
    Ok(Planned { body, changes })
}

/// `after` as far as it is rolo's to check: list ids the contact already held are left
/// out (a group deleted since is still in the contact's stored ids, and keeping it is
/// not the agent's mistake); the ids added are checked.
fn checked_part(after: &Draft, before: &Draft) -> Draft {
    let mut out = after.clone();
    for (key, ids) in &mut out.lists {
        let held = before.list(key);
        ids.retain(|id| !held.contains(id));
    }
    out
}

/// What the agent typed into `draft`: its values without those that are only the
/// profile's defaults, prefilled on every new contact. The duplicate question's update
/// lays this over the contact the CRM has, so a default (type lead, say) never
/// overwrites what the contact holds.
#[must_use]
pub fn typed(draft: &Draft, defaults: &Draft) -> Draft {
    let mut out = draft.clone();
    out.values.retain(|k, v| defaults.values.get(k) != Some(v));
    out.lists.retain(|k, v| defaults.lists.get(k) != Some(v));
    out.custom.retain(|k, v| defaults.custom.get(k) != Some(v));
    out
}

/// One change in words, `Label: old → new`, with picked ids shown by their names.
#[must_use]
pub fn change_words(flavour: Flavour, catalog: &Catalog, change: &Change) -> String {
    let spec = flavour.field(change.key);
    let label = spec.map_or(change.key, |f| f.label);
    let shown = |v: Option<&Value>| -> String {
        let Some(v) = v.filter(|v| !v.is_null()) else {
            return "(empty)".to_owned();
        };
        let one = |v: &Value| -> String {
            let text = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match spec.and_then(crate::contact::fields::FieldSpec::catalog) {
                Some(kind) => catalog
                    .resolve(kind, &text)
                    .map_or(text, |item| item.name.clone()),
                None => text,
            }
        };
        match v {
            Value::Array(items) if items.is_empty() => "(none)".to_owned(),
            Value::Array(items) => items.iter().map(one).collect::<Vec<_>>().join(", "),
            other => one(other),
        }
    };
    let new = if change.new.is_null() {
        "(cleared)".to_owned()
    } else {
        shown(Some(&change.new))
    };
    let line = format!("{label}: {} → {new}", shown(change.old.as_ref()));
    crate::text::inert(&line).into_owned()
}

/// What an update came to.
#[derive(Debug, Clone, PartialEq)]
pub struct Updated {
    /// What the server said: `Created` with the contact as it now is, on success.
    pub outcome: Outcome,
    /// The rate-limit figures of the answer.
    pub rate: Option<RateLimit>,
    /// The "updated" history entry, on success.
    pub recorded: Option<Entry>,
    /// The contact as it now is, as a draft (on success): the form's new "before".
    pub now: Option<Draft>,
    /// The outbox item the update waits in, when the answer may still come.
    pub kept: Option<Item>,
    /// A file rolo could not write (the history, the outbox): said beside the outcome.
    pub warning: Option<String>,
}

impl Session {
    /// Contacts matching `query` (a phone, a name or an email).
    pub async fn find(&self, query: &str) -> (Result<Searched, Outcome>, Option<RateLimit>) {
        self.client.search(query).await
    }

    /// Reads one contact from the server into a draft.
    pub async fn open_contact(&self, id: &str) -> (Result<Opened, Outcome>, Option<RateLimit>) {
        let (result, rate) = self.client.contact(id.trim()).await;
        let flavour = self.flavour();
        let opened = result.map(|json| {
            let draft = body::draft_of(flavour, &json);
            Opened {
                id: id.trim().to_owned(),
                name: flavour.full_name(&draft),
                created_at: self.client.known(&json).created_at,
                draft,
            }
        });
        (opened, rate)
    }

    /// Sends an update [`plan`]ned from `after` (the draft as the agent left it) and
    /// records it: an "updated" history entry on success; an outbox item marked as an
    /// update when the answer may still come (its resend first reads the contact and
    /// sends only what still holds the old value, see `resend`).
    pub async fn update(&self, id: &str, after: &Draft, planned: &Planned) -> Updated {
        let answer = self.client.update(id, &planned.body).await;
        let mut done = Updated {
            outcome: answer.outcome,
            rate: answer.rate,
            recorded: None,
            now: None,
            kept: None,
            warning: None,
        };
        match &done.outcome {
            Outcome::Created { echo, .. } => {
                let now = body::draft_of(self.flavour(), echo);
                let (entry, warning) =
                    self.record_updated(id, if echo.is_object() { &now } else { after });
                done.recorded = Some(entry);
                done.warning = warning;
                done.now = echo.is_object().then_some(now);
            }
            o if o.may_pass() => match self.keep_update(id, after, planned, o) {
                Ok(item) => done.kept = Some(item),
                Err(e) => done.warning = Some(format!("could not keep it in the outbox: {e}")),
            },
            _ => {}
        }
        done
    }

    /// Writes the "updated" history entry of contact `id`, as `draft` now holds it.
    pub(crate) fn record_updated(&self, id: &str, draft: &Draft) -> (Entry, Option<String>) {
        let profile = self.profile();
        let region = profile.default_region.as_deref();
        let mut entry = record::entry(
            self.name(),
            id,
            &profile.api.full_name(draft),
            &record::phone_of(profile.api, draft, region),
        );
        entry.action = Action::Updated;
        let warning = record::append(self.data_dir(), &entry)
            .err()
            .map(|e| format!("updated, but the history could not be written: {e}"));
        (entry, warning)
    }

    /// Keeps an update whose answer may still come in the outbox.
    fn keep_update(
        &self,
        id: &str,
        after: &Draft,
        planned: &Planned,
        outcome: &Outcome,
    ) -> std::io::Result<Item> {
        let profile = self.profile();
        let mut item = Item::new(
            &profile.name,
            after.clone(),
            &profile.api.full_name(after),
            &outcome.summary(),
            may_have_arrived(outcome),
            retry_at(outcome),
        );
        item.update = Some(Update {
            contact_id: id.to_owned(),
            body: planned.body.clone(),
            before: planned.before(),
            rest_of_create: false,
        });
        outbox::put(self.data_dir(), &item)?;
        tracing::info!(
            target: "rolo::outbox",
            "kept an update of {id} as {} ({})",
            super::outbox::short(&item.id),
            profile.name
        );
        Ok(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_typed_leaves_out_the_profiles_defaults() {
        let mut defaults = Draft::default();
        defaults.set("type", "lead");
        defaults.set("status_id", "287");
        let mut draft = defaults.clone();
        draft.set("firstname", "Priya");
        draft.set("status_id", "285");
        let typed = typed(&draft, &defaults);
        assert_eq!(typed.get("type"), "", "a default is not typed");
        assert_eq!(typed.get("status_id"), "285", "a default changed is");
        assert_eq!(typed.get("firstname"), "Priya");
    }
}

#[cfg(test)]
mod plan_tests {
    use std::path::Path;

    use super::*;
    use crate::contact::catalog::Item;
    use crate::contact::fields::CatalogKind;

    fn profile() -> Profile {
        let text = "[profiles.wm]\napi = \"whatsmark\"\nbase_url = \"https://crm.example.com/api/v2\"\napi_key_env = \"T\"\n";
        let config = crate::config::Config::parse(text, Path::new("c.toml")).unwrap();
        config.profiles[0].clone()
    }

    /// Review of issue 29: a group deleted since (still in the contact's stored ids)
    /// must not make every later change of its groups refused.
    #[test]
    fn a_group_the_contact_already_holds_is_not_checked_again() {
        let mut catalog = Catalog::default();
        catalog.merge_items(
            CatalogKind::Groups,
            ["12", "14"].map(|id| Item {
                id: id.into(),
                name: format!("G{id}"),
                ..Item::default()
            }),
        );
        let mut before = Draft::default();
        for (k, v) in [
            ("firstname", "Ana"),
            ("lastname", "P"),
            ("phone", "+573188779043"),
            ("type", "lead"),
            ("source_id", "1"),
            ("status_id", "2"),
        ] {
            before.set(k, v);
        }
        before
            .lists
            .insert("groups".into(), vec!["12".into(), "99".into()]);
        let mut after = before.clone();
        after
            .lists
            .insert("groups".into(), vec!["12".into(), "99".into(), "14".into()]);
        let planned = plan(&profile(), &catalog, &before, &after).unwrap();
        assert_eq!(planned.body, serde_json::json!({ "groups": [12, 99, 14] }));
        assert_eq!(planned.before(), serde_json::json!({ "groups": [12, 99] }));
        // An unknown id the agent adds is still refused.
        after
            .lists
            .insert("groups".into(), vec!["12".into(), "99".into(), "77".into()]);
        assert!(matches!(
            plan(&profile(), &catalog, &before, &after),
            Err(NotUpdated::Invalid(_))
        ));
    }
}
