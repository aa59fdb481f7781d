//! Look-ups in the sandbox's seed: a tenant's key or token, and catalog ids by name.

use rolo::sandbox::Seed;
use rolo::sandbox::state::{WipsyTenant, WmTenant};

/// Named look-ups in a [`Seed`]; each panics when the seed has no such entry.
pub trait SeedExt {
    /// The Wipsy tenant called `tenant`.
    fn wipsy_tenant(&self, tenant: &str) -> &WipsyTenant;
    /// The WhatsMark tenant called `tenant`.
    fn wm_tenant(&self, tenant: &str) -> &WmTenant;

    /// The access token of a user of Chatwoot account `account` (not a bot's).
    fn cw_token(&self, account: &str) -> String;

    /// The API key of a Wipsy tenant.
    fn wipsy_key(&self, tenant: &str) -> String {
        self.wipsy_tenant(tenant).api_key.clone()
    }

    /// A WhatsMark token of `tenant` whose label starts with `label` (`full`, `revoked`,
    /// `read only`…); every tenant's first token is its `full access` one.
    fn wm_token(&self, tenant: &str, label: &str) -> String {
        let t = self.wm_tenant(tenant);
        let found = t.tokens.iter().find(|k| k.label.starts_with(label));
        found.unwrap().token.clone()
    }

    /// Id of a Wipsy catalog entry by name: `kind` is `stages`, `tags` or `custom_fields`.
    fn wipsy_id(&self, tenant: &str, kind: &str, name: &str) -> String {
        let t = self.wipsy_tenant(tenant);
        match kind {
            "stages" => t.stages.iter().find(|s| s.name == name).unwrap().id.clone(),
            "tags" => t.tags.iter().find(|s| s.name == name).unwrap().id.clone(),
            _ => t
                .custom_fields
                .iter()
                .find(|s| s.field_name == name)
                .unwrap()
                .id
                .clone(),
        }
    }

    /// Id of a WhatsMark catalog entry by name: `kind` is `source`, `status` or `group`.
    fn wm_id(&self, tenant: &str, kind: &str, name: &str) -> i64 {
        let t = self.wm_tenant(tenant);
        let list = match kind {
            "source" => &t.sources,
            "status" => &t.statuses,
            _ => &t.groups,
        };
        list.iter().find(|n| n.name == name).unwrap().id
    }
}

impl SeedExt for Seed {
    fn wipsy_tenant(&self, tenant: &str) -> &WipsyTenant {
        self.wipsy.iter().find(|t| t.name == tenant).unwrap()
    }

    fn wm_tenant(&self, tenant: &str) -> &WmTenant {
        self.whatsmark.iter().find(|t| t.name == tenant).unwrap()
    }

    fn cw_token(&self, account: &str) -> String {
        let a = self.chatwoot.accounts.iter().find(|a| a.name == account);
        rolo::sandbox::chatwoot::member_token(&self.chatwoot, a.unwrap().id).unwrap()
    }
}
