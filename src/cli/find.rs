//! `rolo find` and `rolo update`: look a contact up, and change some of its fields with a
//! partial update (WhatsMark), with the exit codes of `rolo add`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use serde_json::json;

use super::add::{OutputFormat, failed_json_of, label, split_pair};
use super::{Global, context, exit};
use crate::contact::duplicates::Known;
use crate::contact::input::apply;
use crate::engine::update::{self, NotUpdated};
use crate::engine::{Outcome, outbox, words};

/// Arguments of `rolo find`.
#[derive(Debug, clap::Args)]
pub struct FindArgs {
    /// A phone (any spacing), a name (every word must match) or an email.
    #[arg(value_name = "QUERY")]
    pub query: String,
    /// `text` (default: one line a contact) or `json` (`{"contacts": […], "only_recent"}`).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub output: OutputFormat,
}

/// Arguments of `rolo update`.
#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    /// The contact's id in the CRM (`rolo find` lists it).
    #[arg(value_name = "ID")]
    pub id: String,
    /// A field to change, as KEY=VALUE with the contract's key, as for `rolo add`. A list
    /// (`groups=12,14`) replaces the contact's whole list.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// An optional field to empty (sent as null; `groups` sends an empty list). Required
    /// fields cannot be cleared.
    #[arg(long = "clear", value_name = "KEY")]
    pub clear: Vec<String>,
    /// Read the contact and print the partial update without sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// `text` (default) or `json`: the contact as the server now holds it, or when nothing
    /// was updated `{"updated": false, "exit_code", "error", "advice", "fields", "form"}`.
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub output: OutputFormat,
}

/// Runs `rolo find`.
pub async fn find(global: &Global, args: FindArgs) -> anyhow::Result<ExitCode> {
    let opened = context::open_or_demo(global).await?;
    let session = &opened.session;
    if args.query.trim().is_empty() {
        anyhow::bail!("give a phone, a name or an email to look for");
    }
    let (found, _) = session.find(&args.query).await;
    let found = match found {
        Ok(found) => found,
        Err(o) => {
            let said = words::failure(&o, session.profile());
            tell!("rolo: could not search: {}", said.what);
            return Ok(ExitCode::from(exit::of(&o)));
        }
    };
    if let Some(n) = found.only_recent {
        tell!("rolo: {}", update::only_recent_words(session.flavour(), n));
    }
    match args.output {
        OutputFormat::Json => {
            let body = json!({ "contacts": found.contacts, "only_recent": found.only_recent });
            super::say_json(&serde_json::to_string_pretty(&body)?);
        }
        OutputFormat::Text => {
            if found.contacts.is_empty() {
                tell!("rolo: no contact matches {:?}", args.query.trim());
            }
            for k in &found.contacts {
                say!("{}", row(k));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One contact as `rolo find` lists it: id, name, phone, email, created date, by tabs.
fn row(k: &Known) -> String {
    let created = k.created_at.get(..10).unwrap_or(&k.created_at);
    format!(
        "{}\t{}\t{}\t{}\t{created}",
        k.id,
        k.name.trim(),
        k.phone,
        k.email
    )
}

/// Runs `rolo update`.
pub async fn run(global: &Global, args: UpdateArgs) -> anyhow::Result<ExitCode> {
    let opened = context::open_or_demo(global).await?;
    let session = &opened.session;
    let profile = session.profile().clone();
    if !update::can_update(profile.api) {
        anyhow::bail!("{}", update::unsupported_words(profile.api));
    }
    if !update::is_contact_id(profile.api, &args.id) {
        anyhow::bail!(
            "{:?} is not a {} contact id (`rolo find` lists them)",
            crate::text::inert(&args.id),
            profile.api
        );
    }
    if args.set.is_empty() && args.clear.is_empty() {
        anyhow::bail!("name what to change: --set KEY=VALUE or --clear KEY");
    }
    let catalog = context::warn(session.catalog().await).catalog;
    let (contact, _) = session.open_contact(&args.id).await;
    let contact = match contact {
        Ok(c) => c,
        Err(o) => return Ok(ExitCode::from(failed(session, &catalog, &o, args.output))),
    };
    let after = match edited(&contact.draft, &profile, &catalog, &args)? {
        Ok(after) => after,
        Err(refused) => {
            return Ok(ExitCode::from(not_updated(
                "some values cannot go in the contact; nothing was sent",
                &refused,
                args.output,
            )));
        }
    };
    let planned = match update::plan(&profile, &catalog, &contact.draft, &after) {
        Ok(planned) => planned,
        Err(NotUpdated::Unchanged) => {
            tell!(
                "rolo: {} already holds these values; nothing was sent",
                contact.name
            );
            if matches!(args.output, OutputFormat::Json) {
                super::say_json(&serde_json::to_string_pretty(
                    &json!({ "updated": false, "exit_code": 0, "changes": [] }),
                )?);
            }
            return Ok(ExitCode::SUCCESS);
        }
        Err(e @ (NotUpdated::Required(_) | NotUpdated::Invalid(_))) => {
            let problems = e.problems();
            for (key, messages) in &problems.fields {
                for m in messages {
                    tell!("rolo: {}: {m}", label(profile.api, &catalog, key));
                }
            }
            return Ok(ExitCode::from(not_updated(
                &e.words(&profile),
                &problems.fields,
                args.output,
            )));
        }
        Err(e) => anyhow::bail!("{}", e.words(&profile)),
    };
    for change in &planned.changes {
        tell!(
            "rolo: {}",
            update::change_words(profile.api, &catalog, change)
        );
    }
    if args.dry_run {
        super::say_json(&serde_json::to_string_pretty(&planned.body)?);
        return Ok(ExitCode::SUCCESS);
    }
    let done = session.update(&contact.id, &after, &planned).await;
    if let Some(w) = &done.warning {
        tell!("rolo: warning: {w}");
    }
    if let Some(item) = &done.kept {
        tell!("rolo: {}.", words::kept_in_outbox(outbox::short(&item.id)));
    }
    match &done.outcome {
        Outcome::Created { echo, .. } => {
            match args.output {
                OutputFormat::Json => super::say_json(&serde_json::to_string_pretty(echo)?),
                OutputFormat::Text => {
                    let name = done
                        .now
                        .as_ref()
                        .map_or_else(|| contact.name.clone(), |d| profile.api.full_name(d));
                    say!(
                        "{}",
                        words::updated(&name, &contact.id, profile.display_name())
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        o => Ok(ExitCode::from(failed(session, &catalog, o, args.output))),
    }
}

/// The contact with every `--set` and `--clear` applied, or what could not go in (each
/// already said).
fn edited(
    before: &crate::contact::Draft,
    profile: &crate::config::Profile,
    catalog: &crate::contact::Catalog,
    args: &UpdateArgs,
) -> anyhow::Result<Result<crate::contact::Draft, BTreeMap<String, Vec<String>>>> {
    let mut after = before.clone();
    let mut refused: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let pairs = args.set.iter().map(|s| split_pair(s));
    let clears = args
        .clear
        .iter()
        .map(|k| Ok((k.trim().to_owned(), String::new())));
    for pair in pairs.chain(clears) {
        let (k, v) = pair?;
        if let Err(e) = apply(&mut after, profile.api, catalog, &k, &v) {
            tell!("rolo: {k}: {e}");
            refused.entry(k).or_default().push(e);
        }
    }
    Ok(if refused.is_empty() {
        Ok(after)
    } else {
        Err(refused)
    })
}

/// `--output json` of an update that was not sent; the exit code (2).
fn not_updated(what: &str, fields: &BTreeMap<String, Vec<String>>, output: OutputFormat) -> u8 {
    tell!("rolo: {what}");
    if matches!(output, OutputFormat::Json) {
        failed_json_of("updated", exit::VALIDATION, what, None, fields, &[]);
    }
    exit::VALIDATION
}

/// Says why a read or an update did not happen; its exit code.
fn failed(
    session: &crate::engine::session::Session,
    catalog: &crate::contact::Catalog,
    outcome: &Outcome,
    output: OutputFormat,
) -> u8 {
    let profile = session.profile();
    let code = exit::of(outcome);
    let (what, advice, fields, form) = match outcome {
        Outcome::FieldErrors { fields, form } => {
            for (field, messages) in fields {
                for m in messages {
                    tell!("rolo: {}: {m}", label(profile.api, catalog, field));
                }
            }
            for m in form {
                tell!("rolo: the server refused the update: {m}");
            }
            (
                "the server refused the update".to_owned(),
                None,
                fields.clone(),
                form.clone(),
            )
        }
        other => {
            let said = words::failure(other, profile);
            tell!("rolo: {}", said.what);
            if let Some(advice) = &said.advice {
                tell!("rolo: {advice}");
            }
            (said.what, said.advice, BTreeMap::new(), Vec::new())
        }
    };
    if matches!(output, OutputFormat::Json) {
        failed_json_of("updated", code, &what, advice.as_deref(), &fields, &form);
    }
    code
}
