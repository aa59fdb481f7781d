//! First run with no config: the sandbox starts in-process on 127.0.0.1 (a free port) and
//! rolo offers one demo profile per flavour, so a newcomer sees it work at once.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use crate::config::Profile;
use crate::contact::Flavour;
use crate::contact::catalog::{CustomFieldDef, CustomType, Item, Items};
pub use crate::sandbox::SandboxHandle;
use crate::sandbox::{self, SandboxConfig};
pub use crate::secret::ApiKey;
use crate::secret::SecretSpec;

fn profile(
    name: &str,
    label: &str,
    api: Flavour,
    base: &str,
    color: &str,
    region: &str,
) -> anyhow::Result<Profile> {
    Ok(Profile {
        name: name.to_owned(),
        api,
        base_url: url::Url::parse(base)?,
        secret: SecretSpec {
            profile: name.to_owned(),
            ..SecretSpec::default()
        },
        label: Some(label.to_owned()),
        color: Some(color.to_owned()),
        default_region: Some(region.to_owned()),
        confirm_submit: false,
        read_only: false,
        allow_insecure_http: false,
        account_id: None,
        monthly_contact_limit: None,
        connect_timeout: Duration::from_secs(5),
        timeout: Duration::from_secs(20),
        defaults: BTreeMap::new(),
        tags: Items::default(),
        stages: Items::default(),
        custom_fields: Vec::new(),
        assignees: Items::default(),
        countries: Items::default(),
        side_files: Vec::new(),
    })
}

/// The built-in sandbox's profile named `wanted` (the first with none), as an index
/// into `profiles`; an unknown name is refused with the names it has, by every face
/// alike (the form and `rolo add` once differed: one took the first, one refused).
///
/// # Errors
/// When no profile has that name.
pub fn choose(profiles: &[Profile], wanted: Option<&str>) -> anyhow::Result<usize> {
    let Some(name) = wanted else {
        return Ok(0);
    };
    profiles.iter().position(|p| p.name == name).ok_or_else(|| {
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        anyhow::anyhow!(
            "no config file, and the built-in sandbox has no profile {name:?} (it has {})",
            names.join(", ")
        )
    })
}

/// Starts the sandbox and returns it with the demo profiles and their keys.
pub async fn start() -> anyhow::Result<(SandboxHandle, Vec<Profile>, HashMap<String, ApiKey>)> {
    let config = SandboxConfig::demo()?;
    let seed = config.seed.clone();
    let handle = sandbox::start(config).await?;
    let wm = seed
        .whatsmark
        .iter()
        .find(|t| t.name == "demo")
        .ok_or_else(|| anyhow::anyhow!("the seed has no whatsmark demo tenant"))?;
    let wp = seed
        .wipsy
        .iter()
        .find(|t| t.name == "demo")
        .ok_or_else(|| anyhow::anyhow!("the seed has no wipsy demo tenant"))?;
    let origin = handle.origin();
    let mut whatsmark = profile(
        "demo-whatsmark",
        "Demo WhatsMark (sandbox)",
        Flavour::Whatsmark,
        &format!("{origin}/whatsmark/api/v2"),
        "green",
        "IN",
    )?;
    whatsmark.defaults.insert("type".into(), "lead".into());
    whatsmark.assignees = Items::from(vec![
        Item {
            id: "15".into(),
            name: "Priya (support)".into(),
            ..Item::default()
        },
        Item {
            id: "16".into(),
            name: "Carlos (ventas)".into(),
            ..Item::default()
        },
    ]);
    let mut wipsy = profile(
        "demo-wipsy",
        "Demo Wipsy (sandbox)",
        Flavour::Wipsy,
        &format!("{origin}/wipsy"),
        "magenta",
        "CO",
    )?;
    wipsy.monthly_contact_limit = Some(wp.monthly_quota);
    // What a Wipsy user writes in the profile, since the API cannot list it.
    let coloured = |id: &str, name: &str, color: &str| Item {
        id: id.to_owned(),
        name: name.to_owned(),
        color: Some(color.to_owned()),
        ..Item::default()
    };
    wipsy.tags = wp
        .tags
        .iter()
        .map(|t| coloured(&t.id, &t.name, &t.color))
        .collect();
    wipsy.stages = wp
        .stages
        .iter()
        .map(|s| Item {
            order: Some(s.stage_order),
            system: s.is_system,
            ..coloured(&s.id, &s.name, &s.color)
        })
        .collect();
    wipsy.custom_fields = wp
        .custom_fields
        .iter()
        .map(|d| CustomFieldDef {
            id: d.id.clone(),
            name: d.field_name.clone(),
            kind: CustomType::parse(&d.field_type),
            options: d.field_options.clone().unwrap_or_default(),
            required: d.is_required,
            order: d.field_order,
            pattern: None,
        })
        .collect();
    let mut keys = HashMap::new();
    if let Some(t) = wm.tokens.first() {
        keys.insert(whatsmark.name.clone(), ApiKey::new(t.token.clone()));
    }
    keys.insert(wipsy.name.clone(), ApiKey::new(wp.api_key.clone()));
    let chatwoot = chatwoot_profile(&handle, &seed, &mut keys)?;
    Ok((handle, vec![whatsmark, wipsy, chatwoot], keys))
}

/// The Chatwoot demo profile: the seed's "demo" account and its WhatsApp inbox.
fn chatwoot_profile(
    handle: &SandboxHandle,
    seed: &sandbox::Seed,
    keys: &mut HashMap<String, ApiKey>,
) -> anyhow::Result<Profile> {
    let cw = seed
        .chatwoot
        .accounts
        .iter()
        .find(|a| a.name == "demo")
        .ok_or_else(|| anyhow::anyhow!("the seed has no chatwoot demo account"))?;
    let mut chatwoot = profile(
        "demo-chatwoot",
        "Demo Chatwoot (sandbox)",
        Flavour::Chatwoot,
        &handle.base_url(sandbox::Flavour::Chatwoot),
        "blue",
        "CO",
    )?;
    chatwoot.account_id = u64::try_from(cw.id).ok();
    // Its WhatsApp inbox: what a profile's `inbox_id` names.
    if let Some(inbox) = cw.inboxes.first() {
        chatwoot
            .defaults
            .insert("inbox_id".into(), inbox.id.to_string());
    }
    if let Some(token) = sandbox::chatwoot::member_token(&seed.chatwoot, cw.id) {
        keys.insert(chatwoot.name.clone(), ApiKey::new(token));
    }
    Ok(chatwoot)
}

/// Starts the sandbox for `rolo sandbox`: on `port` (0 picks a free one), seeded from
/// `seed` (a JSON file; the built-in seed when `None`), keeping a picture of its state
/// in `state` when given.
pub async fn serve(
    port: u16,
    seed: Option<&std::path::Path>,
    state: Option<std::path::PathBuf>,
) -> anyhow::Result<SandboxHandle> {
    use anyhow::Context as _;
    let seed_text = match seed {
        Some(path) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the seed file {}", path.display()))?,
        None => sandbox::DEFAULT_SEED.to_owned(),
    };
    let seed_data = sandbox::Seed::parse(&seed_text).with_context(|| match seed {
        Some(path) => format!("the seed file {} is not valid", path.display()),
        None => "the built-in seed is not valid".to_owned(),
    })?;
    sandbox::start(SandboxConfig {
        port,
        seed: seed_data,
        state_file: state,
    })
    .await
    .map_err(Into::into)
}

/// Where a running sandbox serves each API, in one line for people.
#[must_use]
pub fn serving(handle: &SandboxHandle) -> String {
    format!(
        "serving wipsy at {}, whatsmark at {} and chatwoot at {}",
        handle.base_url(sandbox::Flavour::Wipsy),
        handle.base_url(sandbox::Flavour::Whatsmark),
        handle.base_url(sandbox::Flavour::Chatwoot),
    )
}

/// The key of one sandbox tenant as its seed gives it (the built-in seed, or the file
/// `rolo sandbox --seed` would read): a WhatsMark tenant's first token (full access),
/// a Wipsy tenant's API key. What `rolo sandbox --print-key` prints.
pub fn demo_key(
    flavour: &str,
    tenant: &str,
    seed: Option<&std::path::Path>,
) -> anyhow::Result<String> {
    let seed = match seed {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            sandbox::Seed::parse(&text)?
        }
        None => sandbox::Seed::parse(sandbox::DEFAULT_SEED)?,
    };
    let key = match flavour {
        "whatsmark" => seed
            .whatsmark
            .iter()
            .find(|t| t.name == tenant)
            .and_then(|t| t.tokens.first())
            .map(|k| k.token.clone()),
        "wipsy" => seed
            .wipsy
            .iter()
            .find(|t| t.name == tenant)
            .map(|t| t.api_key.clone()),
        "chatwoot" => seed
            .chatwoot
            .accounts
            .iter()
            .find(|a| a.name == tenant)
            .and_then(|a| sandbox::chatwoot::member_token(&seed.chatwoot, a.id)),
        other => anyhow::bail!("--print-key takes whatsmark, wipsy or chatwoot, not {other:?}"),
    };
    key.ok_or_else(|| anyhow::anyhow!("the sandbox has no {flavour} tenant {tenant:?}"))
}
