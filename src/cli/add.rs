//! `rolo add`: one contact from `--set KEY=VALUE` pairs or a JSON file, validated first,
//! sent to the profile's CRM, with an exit code per kind of failure.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use serde_json::Value;

use super::context;
use super::{Global, exit};
use crate::contact::input::{self, apply};
use crate::contact::{Catalog, Draft, Flavour};
use crate::contact::{quickadd, vcard};
use crate::engine::session::Session;
use crate::engine::submit::{self, NotSent};
use crate::engine::{Outcome, outbox, words};

/// Arguments of `rolo add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// A field as KEY=VALUE, with the contract's key (`last_name`, `source_id`, `tags`...).
    /// Picked fields take ids or catalog names; lists are comma-separated
    /// (`tags=VIP,Soporte`, `groups=12,14`); custom fields by name (`custom.Cumpleaños=1990-04-01`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Read the fields from a JSON object in FILE (`-` for stdin), keyed as in the contract.
    #[arg(long, value_name = "FILE", conflicts_with = "set")]
    pub json: Option<PathBuf>,
    /// One quick-add line: `Ana Pérez +57 318 877 9043 ana@acme.co #vip @Prospecto company:"Acme SAS"`.
    /// Flagged words (unknown names...) stop it before anything is sent.
    #[arg(long, value_name = "LINE", conflicts_with_all = ["set", "json"])]
    pub quick: Option<String>,
    /// Contacts from a vCard file (`-` for stdin); several cards are offered one by one.
    /// `--set` pairs go over every card (`--set source=WhatsApp`, `--set tags=VIP`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["json", "quick"])]
    pub vcard: Option<PathBuf>,
    /// With several vCards: create every one without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Validate and print the request body without sending it.
    #[arg(long)]
    pub dry_run: bool,
    /// Create the contact even when the CRM already has one with its phone or email
    /// (without it, such a contact is not sent: exit 8).
    #[arg(long)]
    pub allow_duplicate: bool,
    /// `text` (default) or `json`: the created contact as the server echoed it, or when
    /// nothing was created `{"created": false, "exit_code", "error", "advice", "fields",
    /// "form"}` (the words go to stderr either way).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub output: OutputFormat,
}

/// How `rolo add` reports a created contact.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum OutputFormat {
    /// One line for people.
    Text,
    /// The server's echo, as JSON.
    Json,
}

/// Runs `rolo add`.
pub async fn run(global: &Global, args: AddArgs) -> anyhow::Result<ExitCode> {
    let opened = context::open_or_demo(global).await?;
    let session = &opened.session;
    let profile = session.profile().clone();
    let fetched = context::warn(session.catalog().await);
    let mut catalog = fetched.catalog;
    // A refused key refuses the create too: say so (exit 4) rather than report every
    // name the empty catalog cannot resolve as a mistake of the contact (exit 2). A dry
    // run sends nothing, so it goes on with what the config declares (the warning says
    // what could not be fetched).
    if !args.dry_run
        && let Some(refused) = &fetched.refused
    {
        return Ok(ExitCode::from(report(
            session,
            &catalog,
            refused,
            args.output,
        )));
    }
    let (defaults, skipped) = input::defaults(profile.api, &catalog, &profile.defaults);
    for s in skipped {
        tell!("rolo: warning: {s}");
    }
    let drafts = match drafts(&args, &profile, &catalog, &defaults)? {
        Ok(d) => d,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    let many = drafts.len() > 1;
    let interactive = !args.yes
        && !args.dry_run
        && std::io::stdin().is_terminal()
        && args.vcard.as_deref() != Some(std::path::Path::new("-"));
    if many && !args.yes && !args.dry_run && !interactive {
        return Err(anyhow!(
            "{} cards in the file: pass --yes to create them all",
            drafts.len()
        ));
    }
    let mut worst = 0;
    for (n, (name, draft)) in drafts.iter().enumerate() {
        if many && interactive {
            match ask(&format!(
                "Create {name} ({} of {})? [y]es / [n]o / [q]uit: ",
                n + 1,
                drafts.len()
            ))? {
                'y' => {}
                'q' => break,
                _ => continue,
            }
        }
        worst = worst.max(create_one(session, &mut catalog, draft, &args).await?);
    }
    Ok(ExitCode::from(worst))
}

/// The drafts to create, from whichever source the arguments name. `Err(code)` when
/// the input itself is refused (already reported).
fn drafts(
    args: &AddArgs,
    profile: &crate::config::Profile,
    catalog: &Catalog,
    defaults: &Draft,
) -> anyhow::Result<Result<Vec<(String, Draft)>, u8>> {
    let over = |d: &Draft| {
        let mut out = defaults.clone();
        out.values.extend(d.values.clone());
        out.lists.extend(d.lists.clone());
        out.custom.extend(d.custom.clone());
        out
    };
    if let Some(line) = &args.quick {
        let parsed = quickadd::parse(
            line,
            profile.api,
            catalog,
            profile.default_region.as_deref(),
        );
        if !parsed.notes.is_empty() {
            let mut form = Vec::new();
            for n in &parsed.notes {
                let hint = n
                    .suggestion
                    .as_deref()
                    .map(|s| format!(" (did you mean {s}?)"))
                    .unwrap_or_default();
                tell!("rolo: {}: {}{hint}", n.token, n.message);
                form.push(format!("{}: {}{hint}", n.token, n.message));
            }
            tell!("rolo: nothing was sent; fix the flagged words and try again.");
            if matches!(args.output, OutputFormat::Json) {
                let what = "the quick-add line has flagged words";
                failed_json(exit::VALIDATION, what, None, &BTreeMap::new(), &form);
            }
            return Ok(Err(exit::VALIDATION));
        }
        return Ok(Ok(vec![(line.clone(), over(&parsed.draft))]));
    }
    if let Some(path) = &args.vcard {
        let text = read_input(path)?;
        let cards = vcard::parse(&text)
            .with_context(|| format!("{} is not a readable vCard", path.display()))?;
        if cards.is_empty() {
            return Err(anyhow!(
                "{} holds no vCard (no BEGIN:VCARD)",
                path.display()
            ));
        }
        let sets: Vec<(String, String)> = args
            .set
            .iter()
            .map(|s| split_pair(s))
            .collect::<anyhow::Result<_>>()?;
        let mut out = Vec::new();
        for c in &cards {
            let (d, _) = vcard::to_draft(c, profile.api, profile.default_region.as_deref());
            let mut draft = over(&d);
            if let Err(fields) = apply_all(&mut draft, profile, catalog, &sets, &[]) {
                return Ok(Err(refused_json(args, &fields)));
            }
            out.push((c.full_name.clone(), draft));
        }
        return Ok(Ok(out));
    }
    let (pairs, wrong) = match &args.json {
        Some(path) => json_pairs(path)?,
        None => (
            args.set
                .iter()
                .map(|s| split_pair(s))
                .collect::<anyhow::Result<_>>()?,
            Vec::new(),
        ),
    };
    let mut draft = defaults.clone();
    if let Err(fields) = apply_all(&mut draft, profile, catalog, &pairs, &wrong) {
        return Ok(Err(refused_json(args, &fields)));
    }
    Ok(Ok(vec![(String::new(), draft)]))
}

/// `--output json` for values that could not go in the draft (already told on stderr):
/// the failure object, so a script reads every outcome the same way. The exit code.
fn refused_json(args: &AddArgs, fields: &BTreeMap<String, Vec<String>>) -> u8 {
    if matches!(args.output, OutputFormat::Json) {
        let what = "some values cannot go in the contact";
        failed_json(exit::VALIDATION, what, None, fields, &[]);
    }
    exit::VALIDATION
}

/// Puts every pair in the draft. When some cannot go in (or are `wrong` already: a JSON
/// value of a type no field takes), says so for each of them and for every other
/// problem the contact has (a missing required field, say), so one run lists all there
/// is to fix; those problems by field key then.
fn apply_all(
    draft: &mut Draft,
    profile: &crate::config::Profile,
    catalog: &Catalog,
    pairs: &[(String, String)],
    wrong: &[(String, String)],
) -> Result<(), BTreeMap<String, Vec<String>>> {
    let mut refused = Vec::new();
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, e) in wrong {
        tell!("rolo: {k}: {e}");
        fields.entry(k.clone()).or_default().push(e.clone());
        refused.push(k.as_str());
    }
    for (k, v) in pairs {
        if let Err(e) = apply(draft, profile.api, catalog, k, v) {
            tell!("rolo: {k}: {e}");
            fields.entry(k.clone()).or_default().push(e.clone());
            refused.push(k.as_str());
        }
    }
    if refused.is_empty() {
        return Ok(());
    }
    // The rest of the checks, on what did go in; a field already named above is not
    // reported again as missing.
    if let Err(problems) = submit::check(profile, catalog, draft) {
        let named = |field: &str| {
            refused.iter().any(|k| {
                *k == field || label(profile.api, catalog, field) == label(profile.api, catalog, k)
            })
        };
        for (field, messages) in problems.fields.iter().filter(|(f, _)| !named(f)) {
            for m in messages {
                tell!("rolo: {}: {m}", label(profile.api, catalog, field));
            }
            fields
                .entry(field.clone())
                .or_default()
                .extend(messages.iter().cloned());
        }
    }
    tell!("rolo: nothing was sent; fix these and try again.");
    Err(fields)
}

/// A failure that may pass: the contact waits in the outbox instead of being lost.
fn keep_in_outbox(session: &Session, draft: &Draft, outcome: &Outcome, may_exist: bool) {
    match outbox::keep(
        session.data_dir(),
        session.profile(),
        draft,
        outcome,
        may_exist,
    ) {
        Ok(item) => tell!("rolo: {}.", words::kept_in_outbox(outbox::short(&item.id))),
        Err(e) => {
            tell!("rolo: could not keep it in the outbox ({e}); the contact was NOT saved.");
        }
    }
}

/// Asks on the terminal; the first letter of the answer, lowercased.
fn ask(question: &str) -> anyhow::Result<char> {
    use std::io::Write as _;
    super::emit(true, question, false);
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(answer
        .trim()
        .chars()
        .next()
        .map_or('n', |c| c.to_ascii_lowercase()))
}

/// Validates, then prints (dry run) or sends one contact. Returns its exit code.
async fn create_one(
    session: &Session,
    catalog: &mut Catalog,
    draft: &Draft,
    args: &AddArgs,
) -> anyhow::Result<u8> {
    let profile = session.profile();
    let checked = if args.dry_run {
        submit::check(profile, catalog, draft).map_err(NotSent::Invalid)
    } else {
        submit::prepare(profile, catalog, draft)
    };
    let request = match checked {
        Ok(body) => body,
        Err(NotSent::Invalid(problems)) => {
            for (field, messages) in &problems.fields {
                for m in messages {
                    tell!("rolo: {}: {m}", label(profile.api, catalog, field));
                }
            }
            if matches!(args.output, OutputFormat::Json) {
                let what = "the contact has problems; nothing was sent";
                failed_json(exit::VALIDATION, what, None, &problems.fields, &[]);
            }
            return Ok(exit::VALIDATION);
        }
        Err(e @ NotSent::ReadOnly) => return Err(anyhow!(e.words(profile))),
    };
    if args.dry_run {
        super::say_json(&serde_json::to_string_pretty(&request)?);
        return Ok(0);
    }
    if !args.allow_duplicate
        && let Some(code) = duplicate_stop(session, catalog, draft, args.output).await
    {
        return Ok(code);
    }
    let mut sent = session
        .submit(draft, catalog, crate::engine::submit::Attempt::First)
        .await;
    // The next card of a vCard file is checked against what this echo taught.
    if let Some(learned) = sent.learned.take() {
        *catalog = *learned;
    }
    if let Some(w) = &sent.warning {
        tell!("rolo: warning: {w}");
    }
    if sent.outcome.may_pass() {
        keep_in_outbox(session, draft, &sent.outcome, sent.may_exist);
    }
    let code = report(session, catalog, &sent.outcome, args.output);
    // Created, with a part still waiting: not done, as a script must see.
    Ok(match &sent.unfinished {
        Some(why) if code == 0 => {
            tell!("rolo: `rolo outbox retry` sets the rest");
            crate::engine::exit::of(why)
        }
        _ => code,
    })
}

/// The label of a field key (or `custom.<id>`) for messages.
pub(super) fn label(flavour: Flavour, catalog: &Catalog, key: &str) -> String {
    if let Some(id) = key.strip_prefix("custom.") {
        return catalog
            .custom_field(id)
            .map_or_else(|| key.to_owned(), |d| d.name.clone());
    }
    flavour
        .field(key)
        .map_or_else(|| key.to_owned(), |f| f.label.to_owned())
}

pub(super) fn split_pair(s: &str) -> anyhow::Result<(String, String)> {
    let (k, v) = s
        .split_once('=')
        .ok_or_else(|| anyhow!("--set {s:?} needs the form KEY=VALUE"))?;
    Ok((k.trim().to_owned(), v.to_owned()))
}

/// A file's text, or stdin for `-`.
fn read_input(path: &std::path::Path) -> anyhow::Result<String> {
    use crate::engine::limits::{MAX_CONTACT_FILE, read_at_most, read_file_at_most};
    let bytes = if path.as_os_str() == "-" {
        read_at_most(std::io::stdin().lock(), MAX_CONTACT_FILE).context("cannot read stdin")?
    } else {
        read_file_at_most(path, MAX_CONTACT_FILE)
            .with_context(|| format!("cannot read {}", path.display()))?
    };
    String::from_utf8(bytes).map_err(|_| anyhow!("{} is not UTF-8 text", path.display()))
}

/// (key, value) pairs, or (key, why) for values that cannot go in.
type Pairs = Vec<(String, String)>;

/// Turns a JSON object into KEY=VALUE pairs; arrays become comma lists and
/// `custom_fields` becomes `custom.<id or name>` pairs. A value is text, a number (an id,
/// digits) or null; true/false only as a custom field's (a checkbox). A value of another
/// type (an object, a list in a list) goes in the second list, (key, why), refused like
/// any invalid value: as text it would have reached the CRM as `{"a":1}` in a name.
fn json_pairs(path: &std::path::Path) -> anyhow::Result<(Pairs, Pairs)> {
    let text = read_input(path)?;
    let json: Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not valid JSON", path.display()))?;
    let obj = json
        .as_object()
        .ok_or_else(|| anyhow!("{} must hold one JSON object", path.display()))?;
    let plain = |v: &Value, custom: bool| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Ok(String::new()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) if custom => Ok(b.to_string()),
        Value::Bool(_) => Err("expected text or a number, found true or false"),
        Value::Array(_) => Err("expected text or a number, found a list"),
        Value::Object(_) => Err("expected text or a number, found an object"),
    };
    let (mut pairs, mut wrong) = (Vec::new(), Vec::new());
    let mut put = |key: String, value: Result<String, &str>| match value {
        Ok(value) => pairs.push((key, value)),
        Err(why) => wrong.push((key, why.to_owned())),
    };
    for (k, v) in obj {
        match (k.as_str(), v) {
            ("custom_fields", Value::Object(fields)) => {
                for (id, val) in fields {
                    put(format!("custom.{id}"), plain(val, true));
                }
            }
            (_, Value::Array(items)) => {
                let items: Result<Vec<String>, &str> =
                    items.iter().map(|item| plain(item, false)).collect();
                put(k.clone(), items.map(|items| items.join(",")));
            }
            _ => put(k.clone(), plain(v, false)),
        }
    }
    Ok((pairs, wrong))
}

/// Prints the outcome and picks the exit code.
fn report(session: &Session, catalog: &Catalog, outcome: &Outcome, output: OutputFormat) -> u8 {
    let profile = session.profile();
    match outcome {
        Outcome::Created { id, echo } => {
            created(session, id, echo, output);
            return 0;
        }
        Outcome::FieldErrors { fields, form } => {
            for (field, messages) in fields {
                for m in messages {
                    tell!("rolo: {}: {m}", label(profile.api, catalog, field));
                }
            }
            for m in form {
                tell!("rolo: the server refused the contact: {m}");
            }
            if matches!(output, OutputFormat::Json) {
                let what = "the server refused the contact";
                failed_json(crate::engine::exit::of(outcome), what, None, fields, form);
            }
        }
        other => {
            let said = words::failure(other, profile);
            tell!("rolo: {}", said.what);
            if let Some(advice) = &said.advice {
                tell!("rolo: {advice}");
            }
            if matches!(output, OutputFormat::Json) {
                let code = crate::engine::exit::of(outcome);
                failed_json(
                    code,
                    &said.what,
                    said.advice.as_deref(),
                    &BTreeMap::new(),
                    &[],
                );
            }
        }
    }
    crate::engine::exit::of(outcome)
}

/// The duplicate check the form runs before a send: a contact the CRM already has with
/// this phone or email stops it (the exit code), unless `--allow-duplicate`. A check that
/// cannot run never stops a send; it is said.
async fn duplicate_stop(
    session: &Session,
    catalog: &Catalog,
    draft: &Draft,
    output: OutputFormat,
) -> Option<u8> {
    let (found, _) = session.duplicates_of(draft, &catalog.recent).await;
    let known = match found {
        Ok(known) if !known.is_empty() => known,
        Ok(_) => return None,
        Err(e) => {
            tell!("rolo: warning: could not check for duplicates ({e}); sending anyway");
            return None;
        }
    };
    for k in &known {
        tell!(
            "rolo: possible duplicate: {}",
            crate::contact::duplicates::describe(k)
        );
    }
    let what = "the CRM already has a contact with this phone or email; nothing was sent \
                (--allow-duplicate creates it anyway)";
    tell!("rolo: {what}");
    if matches!(output, OutputFormat::Json) {
        failed_json(exit::CONFLICT, what, None, &BTreeMap::new(), &[]);
    }
    Some(exit::CONFLICT)
}

/// `--output json` when nothing was created: one object on stdout, so a script reads
/// failures the way it reads a created contact (the words stay on stderr too).
/// `fields` is keyed by the contract's field keys (`custom.<id>` for custom fields).
fn failed_json(
    code: u8,
    what: &str,
    advice: Option<&str>,
    fields: &BTreeMap<String, Vec<String>>,
    form: &[String],
) {
    failed_json_of("created", code, what, advice, fields, form);
}

/// [`failed_json`] for a command whose success is `done` (`created`, `updated`).
pub(super) fn failed_json_of(
    done: &str,
    code: u8,
    what: &str,
    advice: Option<&str>,
    fields: &BTreeMap<String, Vec<String>>,
    form: &[String],
) {
    let mut body = serde_json::Map::new();
    body.insert(done.to_owned(), Value::Bool(false));
    let rest = serde_json::json!({
        "exit_code": code,
        "error": what,
        "advice": advice,
        "fields": fields,
        "form": form,
    });
    if let Value::Object(rest) = rest {
        body.extend(rest);
    }
    super::say_json(&serde_json::to_string_pretty(&body).unwrap_or_default());
}

fn created(session: &Session, id: &str, echo: &Value, output: OutputFormat) {
    let profile = session.profile();
    match output {
        OutputFormat::Json => {
            super::say_json(&serde_json::to_string_pretty(echo).unwrap_or_default());
        }
        OutputFormat::Text => {
            let mut echoed = Draft::default();
            for f in profile.api.fields() {
                if let Some(v) = echo.get(f.key).and_then(Value::as_str) {
                    echoed.set(f.key, v);
                }
            }
            let name = profile.api.full_name(&echoed);
            say!("{}", words::created(&name, id, profile.display_name()));
        }
    }
}
