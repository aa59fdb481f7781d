//! What comes back from the controller's tasks (answers, catalogs, keys), and the input
//! that is not a key (paste, mouse).

use std::time::Instant;

use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};

use super::{App, CatalogStatus, Level, Mode, Submitting, display_name};
use crate::api::{Answer, AuthProblem, Outcome, body};
use crate::contact::Flavour;
use crate::tui::form::Editor;
use crate::tui::message::{Effect, Message};

impl App {
    /// Sends the active draft.
    pub(super) fn send(&mut self) -> Vec<Effect> {
        let i = self.active;
        let p = &self.profiles[i];
        if p.client.is_none() {
            let why = p
                .client_error
                .clone()
                .unwrap_or_else(|| "still connecting; try again in a moment".to_owned());
            self.say(Level::Error, format!("Cannot send: {why}"));
            return if self.profiles[i].client_error.is_none() {
                vec![Effect::Connect(i)]
            } else {
                Vec::new()
            };
        }
        let request = body::create_body(
            p.profile.api,
            &p.form.draft,
            p.profile.default_region.as_deref(),
        );
        self.seq += 1;
        self.submitting = Some(Submitting {
            profile: i,
            seq: self.seq,
            started: Instant::now(),
        });
        self.say(Level::Info, "Sending… (Esc cancels)");
        vec![Effect::Submit {
            profile: i,
            seq: self.seq,
            body: request,
        }]
    }

    /// Results of tasks.
    pub(super) fn on_result(&mut self, msg: Message) -> Vec<Effect> {
        match msg {
            Message::Submitted {
                profile,
                seq,
                answer,
            } => {
                if self.submitting.as_ref().is_none_or(|s| s.seq != seq) {
                    return Vec::new();
                }
                self.submitting = None;
                self.on_answer(profile, answer)
            }
            Message::Catalog { profile, refreshed } => {
                let p = &mut self.profiles[profile];
                p.catalog_status = match refreshed.warnings.first() {
                    None => CatalogStatus::Fresh,
                    Some(w) => CatalogStatus::Offline(w.clone()),
                };
                if let Some(u) = refreshed.catalog.usage {
                    p.usage = Some(u);
                }
                p.rate = refreshed.rate.or(p.rate);
                p.catalog = refreshed.catalog;
                p.form.rebuild(&p.catalog);
                // Defaults given as names resolve only now that the catalog is here.
                let defaults = p.defaults();
                p.form.fill_default(&defaults);
                p.revalidate();
                Vec::new()
            }
            Message::Usage {
                profile,
                usage,
                rate,
            } => {
                let p = &mut self.profiles[profile];
                p.usage = usage.or(p.usage);
                p.rate = rate.or(p.rate);
                Vec::new()
            }
            Message::Key { profile, client } => self.on_client(profile, client),
            Message::OutboxChanged { items, said } => {
                self.outbox = items;
                if let Some(last) = said.last() {
                    self.say(Level::Info, last.clone());
                }
                Vec::new()
            }
            Message::Duplicates {
                profile,
                checked,
                found,
                then_submit,
            } => self.on_duplicates(profile, checked, found, then_submit),
            _ => Vec::new(),
        }
    }

    fn on_client(
        &mut self,
        profile: usize,
        client: Result<crate::api::Client, String>,
    ) -> Vec<Effect> {
        match client {
            Ok(c) => {
                self.profiles[profile].client = Some(c);
                self.profiles[profile].client_error = None;
                if profile == self.active {
                    return self.refresh(profile);
                }
            }
            Err(e) => {
                if profile == self.active {
                    self.say(Level::Error, format!("No key for this profile: {e}"));
                }
                self.profiles[profile].client_error = Some(e);
            }
        }
        Vec::new()
    }

    fn on_answer(&mut self, i: usize, answer: Answer) -> Vec<Effect> {
        let keep_offer = answer
            .outcome
            .may_pass()
            .then(|| crate::tui::app::outbox::Offer::of(i, &answer.outcome));
        self.profiles[i].rate = answer.rate.or(self.profiles[i].rate);
        let keep_going = "The form is kept.";
        match answer.outcome {
            Outcome::Created { id, echo } => return self.created(i, id, &echo),
            Outcome::FieldErrors { fields, form } => {
                let p = &mut self.profiles[i];
                p.form.put_server_errors(&fields, &form);
                if let Some(first) = p
                    .form
                    .fields
                    .iter()
                    .position(|f| p.form.server.contains_key(&f.key))
                {
                    p.form.focus = first;
                }
                let n = fields.values().map(Vec::len).sum::<usize>() + form.len();
                self.say(Level::Error, format!("The server refused the contact ({n} message{}): see the fields marked ✗. {keep_going}", if n == 1 { "" } else { "s" }));
            }
            Outcome::QuotaExceeded {
                current,
                maximum,
                details,
            } => {
                if current.is_some() || maximum.is_some() {
                    self.profiles[i].usage = Some(crate::contact::catalog::Usage {
                        current: current.unwrap_or(0),
                        limit: maximum,
                    });
                }
                self.say(Level::Error, format!("Quota spent — nothing was created: {details} Upgrade the plan or wait for it to renew. {keep_going}"));
            }
            Outcome::RateLimited {
                retry_after,
                message,
            } => {
                let wait = retry_after.map_or_else(|| "a minute".to_owned(), |s| format!("{s} s"));
                self.say(
                    Level::Warn,
                    format!("Rate limited: {message} Try Ctrl-S again in {wait}. {keep_going}"),
                );
            }
            Outcome::Auth { problem, message } => self.say(
                Level::Error,
                format!("{} ({message}) {keep_going}", auth_advice(&problem)),
            ),
            Outcome::Network { message, .. } => self.say(
                Level::Error,
                format!("{message} {keep_going} Press Ctrl-S to try again."),
            ),
            Outcome::ServerError { status, message } => {
                self.say(Level::Error, format!("The server failed (HTTP {status}): {message}. {keep_going} Try again shortly."));
            }
            Outcome::Undecodable { status, excerpt } => {
                self.say(Level::Error, format!("Unreadable answer (HTTP {status}): {excerpt}. The contact may or may not exist. {keep_going}"));
            }
            Outcome::Redirected { to } => {
                self.say(Level::Error, format!("The server redirected to {to}; rolo did not follow, so your key stayed home. Check base_url. {keep_going}"));
            }
        }
        if let Some(offer) = keep_offer {
            self.offer_outbox(offer);
        }
        Vec::new()
    }

    fn created(&mut self, i: usize, id: String, echo: &serde_json::Value) -> Vec<Effect> {
        let sent = self.profiles[i].form.draft.clone();
        let keep = self.next_draft(i, &sent);
        let p = &mut self.profiles[i];
        p.last_sent = Some(sent);
        p.duplicates.clear();
        p.checked_for = None;
        let name = display_name(&p.form);
        let phone = p.form.draft.get("phone").to_owned();
        if p.profile.api == Flavour::Wipsy {
            crate::api::wipsy::harvest(&mut p.catalog, std::slice::from_ref(echo));
            p.created_this_month += 1;
        }
        p.form.clear(&keep);
        p.form.rebuild(&p.catalog);
        p.revalidate();
        let profile_name = p.profile.display_name().to_owned();
        self.created = Some((id.clone(), name.clone()));
        self.say(Level::Ok, format!("✓ Created {name} (id {id}) in {profile_name}. The form is ready for the next contact."));
        let mut fx = vec![
            Effect::Record {
                profile: i,
                id,
                name,
                phone,
            },
            Effect::SaveDraft(i),
            Effect::SaveSticky(i),
        ];
        if self.profiles[i].profile.api == Flavour::Whatsmark {
            fx.push(Effect::RefreshUsage(i));
        }
        if i == self.active {
            self.next_vcard();
        }
        fx
    }

    /// A paste: lists into pickers by name, text into text fields; never a submit.
    pub(super) fn paste(&mut self, text: &str) -> Vec<Effect> {
        if crate::contact::vcard::looks_like_vcard(text)
            && matches!(self.mode, Mode::Form | Mode::Quick(_))
        {
            self.mode = Mode::Form;
            self.paste_vcards(text);
            return Vec::new();
        }
        if let Mode::Quick(q) = &mut self.mode {
            q.insert(text);
            let p = &self.profiles[self.active];
            q.parsed = crate::contact::quickadd::parse(
                &q.text,
                p.profile.api,
                &p.catalog,
                p.profile.default_region.as_deref(),
            );
            return Vec::new();
        }
        if let Mode::Picker(p) = &mut self.mode {
            for c in text.lines().next().unwrap_or_default().chars() {
                p.update(crate::tui::keymap::Action::Edit(
                    crate::tui::keymap::Edit::Insert(c),
                ));
            }
            return Vec::new();
        }
        if !matches!(self.mode, Mode::Form) {
            return Vec::new();
        }
        let p = self.current();
        let Some(field) = p.form.focused().cloned() else {
            return Vec::new();
        };
        let changed = match &field.editor {
            Editor::Multi(kind) | Editor::Single(kind) => {
                let (found, missing) = split_names(&p.catalog, *kind, text);
                let single = matches!(field.editor, Editor::Single(_));
                let form = &mut self.current_mut().form;
                if single {
                    form.set_value(&field.key, found.first().map_or("", String::as_str));
                } else {
                    let mut ids = form.draft.list(&field.key).to_vec();
                    ids.extend(
                        found
                            .into_iter()
                            .filter(|f| !ids.contains(f))
                            .collect::<Vec<_>>(),
                    );
                    form.set_list(&field.key, ids);
                }
                if !missing.is_empty() {
                    self.say(
                        Level::Warn,
                        format!("Not in the catalog: {}", missing.join(", ")),
                    );
                }
                true
            }
            _ => self.current_mut().form.paste(text),
        };
        if changed {
            self.edited();
        }
        Vec::new()
    }

    /// A left click on a field focuses it.
    pub(super) fn mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if m.kind != MouseEventKind::Down(MouseButton::Left) || !matches!(self.mode, Mode::Form) {
            return Vec::new();
        }
        if let Some(i) = crate::tui::view::field_at(self, m.column, m.row) {
            let at = self.current().form.focus;
            let delta = isize::try_from(i).unwrap_or(0) - isize::try_from(at).unwrap_or(0);
            return self.move_focus(delta);
        }
        Vec::new()
    }
}

/// Splits a pasted list on commas and newlines and resolves each name.
fn split_names(
    catalog: &crate::contact::Catalog,
    kind: crate::contact::CatalogKind,
    text: &str,
) -> (Vec<String>, Vec<String>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for name in text
        .split([',', '\n', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match catalog.resolve(kind, name) {
            Some(item) => found.push(item.id.clone()),
            None => missing.push(name.to_owned()),
        }
    }
    (found, missing)
}

fn auth_advice(problem: &AuthProblem) -> String {
    match problem {
        AuthProblem::Missing => {
            "No key reached the server: check where this profile's key comes from (rolo profiles)."
                .to_owned()
        }
        AuthProblem::Invalid => {
            "The server does not accept this profile's key: check it.".to_owned()
        }
        AuthProblem::Revoked => {
            "This profile's token was revoked: create a new one in the CRM.".to_owned()
        }
        AuthProblem::Expired => {
            "This profile's token has expired: create a new one in the CRM.".to_owned()
        }
        AuthProblem::Scope(s) => {
            format!("This profile's token lacks the scope {s}: add it in the CRM.")
        }
        AuthProblem::IpNotWhitelisted => {
            "This profile's token may not be used from this address: whitelist it in the CRM."
                .to_owned()
        }
    }
}
