//! Flavours as data. A flavour is one CRM API; everything rolo needs to know about it
//! that is not HTTP lives in its [`Spec`]: the documented fields with their roles, the
//! roles it keeps in another field, the quick-add marks, the profile keys only it takes,
//! and what its API can do ([`Capabilities`]).
//!
//! Code that used to ask "is this Wipsy?" asks the spec instead ("does it search?",
//! "which key holds the first name?"), so a third CRM is a new spec here plus a client
//! module in `api`, and nothing elsewhere quietly treats it as one of the first two.

use serde::{Deserialize, Serialize};

use super::Draft;
use super::fields::{CatalogKind, FieldKind, FieldSpec, Section};

mod chatwoot;
mod whatsmark;
mod wipsy;

pub use whatsmark::CONTACT_TYPES;

/// One CRM API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    /// Wipsy CRM API 1.1.0: `x-api-key`, 14 create fields.
    Wipsy,
    /// `WhatsMark` `SaaS` tenant API v2: bearer token, 16 create fields.
    Whatsmark,
    /// Chatwoot Application API v1: `api_access_token`, one account per profile.
    Chatwoot,
}

/// What a field holds, whatever a flavour calls it: import columns, quick-add keys,
/// vCard properties and the form's sections are matched by role, not by key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Given name.
    FirstName,
    /// Family name.
    LastName,
    /// The phone number.
    Phone,
    /// An email address.
    Email,
    /// A `WhatsApp` number kept apart from the phone.
    WhatsApp,
    /// Company or organisation.
    Company,
    /// A profile picture URL.
    Picture,
    /// Contact type (lead, customer, guest).
    Type,
    /// Lead source.
    Source,
    /// Pipeline stage.
    Stage,
    /// Lead status.
    Status,
    /// Tags or groups: several labels from a catalog.
    Labels,
    /// The staff member the contact is assigned to.
    Assignee,
    /// Country.
    Country,
    /// Street address.
    Address,
    /// City or town.
    City,
    /// State, province or region.
    Region,
    /// Postal code.
    Zip,
    /// Free text about the contact (notes, description).
    Notes,
    /// Custom fields typed by definitions the tenant made.
    Custom,
    /// The tenant's own id for the contact (Chatwoot `identifier`).
    Identifier,
    /// The inbox (channel) a contact is reached through.
    Inbox,
    /// A two-letter country code.
    CountryCode,
}

impl Role {
    /// Where a field with this role sits on the form.
    #[must_use]
    pub const fn section(self) -> Section {
        match self {
            Self::FirstName | Self::LastName | Self::Phone => Section::Identity,
            Self::Email | Self::WhatsApp | Self::Company | Self::Picture | Self::Identifier => {
                Section::Details
            }
            Self::Type
            | Self::Source
            | Self::Stage
            | Self::Status
            | Self::Labels
            | Self::Assignee
            | Self::Inbox
            | Self::Country => Section::Crm,
            Self::Address | Self::City | Self::Region | Self::Zip | Self::CountryCode => {
                Section::Address
            }
            Self::Notes | Self::Custom => Section::Notes,
        }
    }

    /// The role in words, for a note about a flavour that has no field for it.
    #[must_use]
    pub const fn words(self) -> &'static str {
        match self {
            Self::FirstName => "a first name",
            Self::LastName => "a last name",
            Self::Phone => "a phone",
            Self::Email => "an email",
            Self::WhatsApp => "a WhatsApp number",
            Self::Company => "a company",
            Self::Picture => "a picture",
            Self::Type => "a contact type",
            Self::Source => "a source",
            Self::Stage => "a pipeline stage",
            Self::Status => "a status",
            Self::Labels => "labels",
            Self::Assignee => "an assignee",
            Self::Country => "a country",
            Self::Address => "an address",
            Self::City => "a city",
            Self::Region => "a region",
            Self::Zip => "a postal code",
            Self::Notes => "notes",
            Self::Custom => "custom fields",
            Self::Identifier => "an identifier",
            Self::Inbox => "an inbox",
            Self::CountryCode => "a country code",
        }
    }
}

/// What a flavour's API can do, where rolo's behaviour depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // each is one documented fact about an API
pub struct Capabilities {
    /// Contacts can be searched by phone or email (the duplicate check asks the
    /// server); without it rolo looks among recent contacts it listed.
    pub search: bool,
    /// Sources, statuses and groups can be listed; without it the profile declares its
    /// catalog and rolo learns more from the contacts the server echoes.
    pub lists_catalogs: bool,
    /// The API reports contacts used against the plan.
    pub reports_usage: bool,
    /// The plan has a monthly contact quota the API cannot tell: rolo estimates it from
    /// its own history.
    pub monthly_quota_estimate: bool,
    /// Answers carry `X-RateLimit-*` headers that bulk sending is paced by.
    pub rate_limit_headers: bool,
    /// Catalog ids are integers (sent as JSON numbers); otherwise they are opaque
    /// strings, and one the catalog does not list is taken as given.
    pub integer_ids: bool,
    /// Requests at a time for a bulk import, unless the user says otherwise.
    pub import_jobs: u16,
    /// A contact the CRM has can be changed through the API (find, then update).
    pub updates: bool,
    /// Custom values go typed by their definitions (numbers as JSON numbers, checkboxes
    /// as booleans); otherwise every custom value is text.
    pub typed_custom_values: bool,
}

/// How a flavour's key travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHeader {
    /// In a header of its own, as it is (`x-api-key`).
    Plain(&'static str),
    /// As `Authorization: Bearer <token>`.
    Bearer,
}

/// Everything rolo knows about one flavour, as data.
#[derive(Debug)]
pub struct Spec {
    /// The name in config files and on screen (`api = "wipsy"`).
    pub name: &'static str,
    /// The product's name as its makers write it, for sentences ("WhatsMark's API …").
    pub title: &'static str,
    /// Every documented create field, in contract (and form) order.
    pub fields: &'static [FieldSpec],
    /// Roles this flavour keeps in another role's field: `(wanted, kept in)`, as a
    /// `WhatsMark` contact's `WhatsApp` number is its phone.
    pub same: &'static [(Role, Role)],
    /// Roles typed in quick add that this flavour has no field for but a close one:
    /// `(typed, meant)`, as `status:` on a Wipsy contact means its pipeline stage.
    pub near: &'static [(Role, Role)],
    /// Quick-add marks and the role each fills (`#vip`, `@Prospecto`).
    pub marks: &'static [(char, Role)],
    /// Roles whose values the server keeps unique across contacts.
    pub unique: &'static [Role],
    /// Values a new contact starts with unless the profile's defaults say otherwise.
    pub defaults: &'static [(&'static str, &'static str)],
    /// Profile keys only this flavour takes (catalogs its API cannot list, its quota).
    pub profile_keys: &'static [&'static str],
    /// The base URL when a profile names none (`None`: every tenant has its own host).
    pub default_base_url: Option<&'static str>,
    /// How the key travels.
    pub key_header: KeyHeader,
    /// What the API can do.
    pub caps: Capabilities,
}

impl Flavour {
    /// Every flavour rolo speaks.
    pub const ALL: [Self; 3] = [Self::Wipsy, Self::Whatsmark, Self::Chatwoot];

    /// This flavour's spec.
    #[must_use]
    pub fn spec(self) -> &'static Spec {
        match self {
            Self::Wipsy => &wipsy::SPEC,
            Self::Whatsmark => &whatsmark::SPEC,
            Self::Chatwoot => &chatwoot::SPEC,
        }
    }

    /// The flavour a config file names (`api = "wipsy"`).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.spec().name == name)
    }

    /// The name used in config files and on screen.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// What the API can do.
    #[must_use]
    pub fn caps(self) -> Capabilities {
        self.spec().caps
    }

    /// Every documented create field, in contract order.
    #[must_use]
    pub fn fields(self) -> &'static [FieldSpec] {
        self.spec().fields
    }

    /// The spec of one field by its contract key.
    #[must_use]
    pub fn field(self, key: &str) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.key == key)
    }

    /// The field that has this role itself (not one that stands in for it).
    #[must_use]
    pub fn field_for(self, role: Role) -> Option<&'static FieldSpec> {
        self.fields().iter().find(|f| f.role == role)
    }

    /// The key that holds `role`: its own field, or the field this flavour keeps that
    /// role in (a `WhatsMark` `WhatsApp` number is the phone).
    #[must_use]
    pub fn key(self, role: Role) -> Option<&'static str> {
        self.field_for(role).map(|f| f.key).or_else(|| {
            let (_, kept) = self
                .spec()
                .same
                .iter()
                .find(|(wanted, _)| *wanted == role)?;
            self.field_for(*kept).map(|f| f.key)
        })
    }

    /// The key a quick-add key for `role` fills: [`Flavour::key`], or the close field
    /// this flavour has instead.
    #[must_use]
    pub fn key_near(self, role: Role) -> Option<&'static str> {
        self.key(role).or_else(|| {
            let (_, meant) = self.spec().near.iter().find(|(typed, _)| *typed == role)?;
            self.key(*meant)
        })
    }

    /// The field a quick-add mark (`#`, `@`) fills, and the catalog it picks from.
    #[must_use]
    pub fn mark(self, mark: char) -> Option<(&'static str, CatalogKind)> {
        let (_, role) = self.spec().marks.iter().find(|(m, _)| *m == mark)?;
        let field = self.field_for(*role)?;
        Some((field.key, field.catalog()?))
    }

    /// Whether contacts carry custom fields typed by the tenant's definitions.
    #[must_use]
    pub fn has_custom_fields(self) -> bool {
        self.field_for(Role::Custom).is_some()
    }

    /// Whether a field picks from `kind` (a `WhatsMark` contact picks a country).
    #[must_use]
    pub fn picks(self, kind: CatalogKind) -> bool {
        self.fields().iter().any(|f| f.catalog() == Some(kind))
    }

    /// Whether the field `key` holds a list of catalog ids.
    #[must_use]
    pub fn is_list(self, key: &str) -> bool {
        self.field(key)
            .is_some_and(|f| matches!(f.kind, FieldKind::MultiPick(_)))
    }

    /// The value a draft holds for `role`, trimmed ("" when the flavour has no such field
    /// or it is empty): how every step reads the phone or email, whatever the field's key.
    #[must_use]
    pub fn value(self, draft: &Draft, role: Role) -> &str {
        self.key(role).map_or("", |key| draft.get(key).trim())
    }

    /// "First Last" of a draft, trimmed ("" when both are empty); the one name field
    /// of a flavour that keeps the whole name in one ([`Flavour::one_name`]).
    #[must_use]
    pub fn full_name(self, draft: &Draft) -> String {
        let part = |role| self.key(role).map_or("", |k| draft.get(k).trim());
        if self.one_name() {
            return part(Role::FirstName).to_owned();
        }
        format!("{} {}", part(Role::FirstName), part(Role::LastName))
            .trim()
            .to_owned()
    }

    /// Whether first and last name go in one field (Chatwoot's `name`): whoever fills
    /// both joins them there instead of the last name overwriting the first.
    #[must_use]
    pub fn one_name(self) -> bool {
        self.key(Role::FirstName).is_some() && self.key(Role::FirstName) == self.key(Role::LastName)
    }
}

impl std::fmt::Display for Flavour {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_find_each_flavours_keys() {
        assert_eq!(Flavour::Wipsy.key(Role::FirstName), Some("name"));
        assert_eq!(Flavour::Whatsmark.key(Role::FirstName), Some("firstname"));
        assert_eq!(Flavour::Whatsmark.key(Role::WhatsApp), Some("phone"));
        assert_eq!(Flavour::Wipsy.key(Role::Zip), None);
        assert_eq!(Flavour::Wipsy.key(Role::Status), None);
        assert_eq!(
            Flavour::Wipsy.key_near(Role::Status),
            Some("pipeline_stage_id")
        );
        assert_eq!(Flavour::Whatsmark.key_near(Role::Stage), Some("status_id"));
        assert_eq!(Flavour::Wipsy.mark('#'), Some(("tags", CatalogKind::Tags)));
        assert_eq!(
            Flavour::Whatsmark.mark('@'),
            Some(("status_id", CatalogKind::Statuses))
        );
        assert!(Flavour::Wipsy.has_custom_fields());
        assert!(!Flavour::Whatsmark.has_custom_fields());
        assert!(Flavour::Whatsmark.picks(CatalogKind::Countries));
        assert_eq!(Flavour::from_name("whatsmark"), Some(Flavour::Whatsmark));
        assert_eq!(Flavour::from_name("hubspot"), None);
    }

    #[test]
    fn every_mark_and_stand_in_leads_to_a_field() {
        for flavour in Flavour::ALL {
            let spec = flavour.spec();
            for (mark, _) in spec.marks {
                assert!(flavour.mark(*mark).is_some(), "{flavour} {mark}");
            }
            for (role, _) in spec.same {
                assert!(flavour.key(*role).is_some(), "{flavour} {role:?}");
            }
            for (role, _) in spec.near {
                assert!(flavour.key_near(*role).is_some(), "{flavour} {role:?}");
            }
            for role in spec.unique {
                assert!(flavour.key(*role).is_some(), "{flavour} {role:?}");
            }
            assert!(flavour.key(Role::FirstName).is_some());
        }
    }
}
