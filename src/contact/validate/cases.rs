//! Validation through the public API: whole drafts, single fields and custom values,
//! each message as the agent reads it.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::contact::catalog::{Catalog, CustomFieldDef, CustomType, Item};
use crate::contact::validate::{Problems, Rules, validate_custom, validate_draft, validate_field};
use crate::contact::{Draft, Flavour};

// The module's own messages, as the user reads them.
const GONE: &str = "This custom field no longer exists in the catalog";
const EMAIL_HINT: &str = "This doesn't look like an email address, e.g. ana.gomez@example.com";
const URL_HINT: &str =
    "Type a web address starting with http:// or https://, e.g. https://example.com/photo.jpg";
const NUMBER_HINT: &str =
    "Type a number with digits, a dot for decimals and - if negative, e.g. 1500 or -3.75";
const DATE_HINT: &str = "Type a date as YYYY-MM-DD, e.g. 2026-11-24";

const WS: Flavour = Flavour::Whatsmark;
const WP: Flavour = Flavour::Wipsy;

fn items(ids: &[&str]) -> crate::contact::catalog::Items {
    let item = |id: &&str| Item {
        id: (*id).into(),
        ..Item::default()
    };
    ids.iter().map(item).collect()
}

/// Selects offer Basic, Pro and Enterprise.
fn def(id: &str, name: &str, kind: CustomType, required: bool) -> CustomFieldDef {
    let options = ["Basic", "Pro", "Enterprise"].map(String::from).to_vec();
    let options = if kind == CustomType::Select {
        options
    } else {
        Vec::new()
    };
    let (id, name) = (id.into(), name.into());
    CustomFieldDef {
        id,
        name,
        kind,
        options,
        required,
        order: 0,
        pattern: None,
    }
}

fn rules<'a>(flavour: Flavour, region: Option<&'a str>, catalog: &'a Catalog) -> Rules<'a> {
    Rules {
        flavour,
        default_region: region,
        catalog,
    }
}

/// `want` is "" for no message, else a piece of the only message expected.
fn says(got: &[String], want: &str) -> bool {
    match got {
        [] => want.is_empty(),
        [one] => !want.is_empty() && one.contains(want),
        _ => false,
    }
}

/// No countries (as before the first fetch), and custom fields deliberately out of
/// alphabetical order to tell catalog order from key order.
fn catalog() -> Catalog {
    Catalog {
        stages: items(&["st-new", "st-won"]),
        tags: items(&["tg-vip", "tg-soporte"]),
        sources: items(&["115", "116"]),
        statuses: items(&["287", "288"]),
        groups: items(&["12", "13", "14"]),
        assignees: items(&["15"]),
        custom_fields: vec![
            def("cf-z-plan", "Plan", CustomType::Select, true),
            def("cf-a-birthday", "Birthday", CustomType::Date, false),
            def("cf-m-budget", "Budget", CustomType::Number, false),
        ],
        ..Catalog::default()
    }
}

fn draft(flavour: Flavour) -> Draft {
    let mut d = Draft::default();
    #[rustfmt::skip]
    let values: &[(&str, &str)] = if flavour == WS {
        &[
            ("firstname", "Ñandú"), ("lastname", "Gómez"), ("phone", "318 877 9043"),
            ("type", "lead"), ("source_id", "115"), ("status_id", "287"),
            ("email", "ana.gomez@example.com"), ("country_id", "101"),
            ("assigned_id", "15"), ("zip", "360001"),
        ]
    } else {
        &[
            ("name", "Ana 😀"), ("phone", "+91 98765 43210"),
            ("profile_picture_url", "https://cdn.example.com/a.jpg"),
            ("pipeline_stage_id", "st-won"),
        ]
    };
    for (key, value) in values {
        d.set(key, *value);
    }
    let (key, ids) = if flavour == WS {
        ("groups", &["12", " 13 "][..])
    } else {
        ("tags", &["tg-vip"][..])
    };
    d.lists
        .insert(key.into(), ids.iter().map(|id| (*id).to_owned()).collect());
    if flavour == WP {
        d.custom.insert("cf-z-plan".into(), "Pro".into());
        d.custom.insert("cf-a-birthday".into(), "2026-11-24".into());
    }
    d
}

/// Validates the whole draft, and checks that each field alone says the same.
fn check(flavour: Flavour, catalog: &Catalog, d: &Draft) -> Problems {
    let rules = rules(flavour, Some("CO"), catalog);
    let problems = validate_draft(&rules, d);
    for (key, messages) in &problems.fields {
        assert_eq!(&validate_field(&rules, d, key), messages, "{key} alone");
    }
    problems
}

#[test]
fn complete_drafts_pass() {
    let c = catalog();
    assert_eq!(check(WS, &c, &draft(WS)), Problems::default());
    assert_eq!(check(WP, &c, &draft(WP)), Problems::default());
}

#[test]
fn every_whatsmark_required_field_is_named() {
    let c = catalog();
    let cases = [
        ("firstname", "First name is required"),
        ("lastname", "Last name is required"),
        ("phone", "Phone is required"),
        ("type", "Type is required: lead, customer or guest"),
        ("source_id", "Source is required; pick one from the list"),
        ("status_id", "Status is required; pick one from the list"),
    ];
    for (key, want) in cases {
        let mut d = draft(WS);
        // Blank is missing: a stray space typed into a field is not a value.
        d.values.insert(key.into(), "  ".into());
        let problems = check(WS, &c, &d);
        assert!(
            says(problems.get(key), want) && problems.count() == 1,
            "{key}"
        );
    }
    let problems = check(WS, &c, &Draft::default());
    assert_eq!(problems.count(), 6);
    assert_eq!(problems.first_in_form_order(WS, &c), Some("firstname"));
}

#[test]
fn single_field_problems() {
    let c = catalog();
    let (emoji, ene, omega) = ("😀".repeat(192), "ñ".repeat(191), "Ω".repeat(16));
    let id_number = "must be chosen from the list (an id number)";
    // `want` is "" for no problem, else a piece of the one message expected.
    #[rustfmt::skip]
    let cases: &[(Flavour, &str, &str, &str)] = &[
        // Lengths count characters: 191 two-byte ñ pass, 192 four-byte emoji do not. The
        // limits are the tenant table's column widths (the contract of 2026-12-05), not
        // the validator's 255 and 20, which let longer values fail at INSERT.
        (WS, "firstname", &ene, ""),
        (WS, "lastname", &emoji, "At most 191 characters (this has 192)"),
        (WS, "zip", &omega, "At most 15 characters (this has 16)"),
        (WS, "city", &"c".repeat(101), "At most 100 characters (this has 101)"),
        (WS, "country_id", "2147483648", "Country ids go up to 2147483647"),
        (WS, "country_id", "99999999999999999999999", "Country ids go up to 2147483647"),
        (WP, "notes", &emoji, ""),
        (WS, "email", "ana@gmail", EMAIL_HINT),
        (WS, "email", "Ana <ana@example.com>", EMAIL_HINT),
        (WP, "email", " ana@example.com.co ", ""),
        (WS, "phone", "+57 318 877 9043", ""),
        (WS, "phone", "318 877", "This isn't a valid number for Colombia (+57)"),
        (WS, "phone", "tel 3188779043", "only digits, spaces, dashes, dots and brackets"),
        (WP, "phone", "98765 43210", "This isn't a valid number for Colombia (+57)"),
        (WS, "type", "Lead", "Type must be lead, customer or guest"),
        (WS, "type", "vip", "Type must be lead, customer or guest"),
        (WS, "type", " guest ", ""),
        (WS, "source_id", "Website", id_number),
        (WS, "source_id", "-5", id_number),
        (WS, "source_id", "999", "Unknown source 999 — refresh the catalog"),
        (WS, "status_id", "2.5", id_number),
        (WS, "assigned_id", "16", "Unknown staff member 16"),
        // No countries in the catalog: any integer passes, a name does not.
        (WS, "country_id", "57", ""),
        (WS, "country_id", "India", "Country must be chosen"),
        (WP, "pipeline_stage_id", "st-lost", "Unknown stage st-lost"),
        (WP, "profile_picture_url", "cdn.example.com/a.jpg", URL_HINT),
        (WP, "profile_picture_url", "ftp://example.com/a.jpg", URL_HINT),
        (WP, "profile_picture_url", "http://", URL_HINT),
        (WP, "profile_picture_url", "http://192.168.0.1:8080/p.png", ""),
    ];
    for (flavour, key, value, want) in cases {
        let mut d = draft(*flavour);
        d.set(key, *value);
        let problems = check(*flavour, &c, &d);
        let ok = says(problems.get(key), want) && problems.count() <= 1;
        assert!(ok, "{flavour} {key}={value:?}: {problems:?}");
    }
}

#[test]
fn phone_without_region_needs_a_country_code() {
    let c = catalog();
    let got = validate_field(&rules(WS, None, &c), &draft(WS), "phone");
    assert_eq!(got, ["Phone needs a country code, e.g. +57 318 877 9043"]);
}

#[test]
fn list_ids_are_checked_one_by_one() {
    let c = catalog();
    let mut d = draft(WS);
    let groups = ["12", "VIP", "Soporte", "999", ""].map(String::from);
    d.lists.insert("groups".into(), groups.to_vec());
    let want = [
        "Groups must be chosen from the list (an id number)",
        "Unknown group 999 — refresh the catalog or pick another",
    ];
    assert_eq!(check(WS, &c, &d).get("groups"), want);
    let mut d = draft(WP);
    let tags = vec!["tg-vip".into(), "tg-old".into()];
    d.lists.insert("tags".into(), tags);
    let want = "Unknown tag tg-old — refresh the catalog or pick another";
    assert_eq!(check(WP, &c, &d).get("tags"), [want]);
    // With no tags known yet, any id goes: an empty catalog proves nothing.
    let empty = Catalog {
        custom_fields: c.custom_fields.clone(),
        ..Catalog::default()
    };
    assert!(check(WP, &empty, &d).get("tags").is_empty());
}

#[test]
fn custom_values_by_type() {
    use CustomType::{Date, Email, Number, Phone, Select, Text};
    let not_real = "isn't a real date; type it as YYYY-MM-DD, e.g. 2026-11-24";
    let options = "Pick one of: Basic, Pro, Enterprise";
    #[rustfmt::skip]
    let cases: &[(CustomType, &str, &str)] = &[
        (Text, "cualquier cosa, 任何东西 😀", ""),
        (Email, "ana@example.com", ""), (Email, "ana@@example.com", EMAIL_HINT),
        (Phone, "318 877 9043", ""), (Phone, "+55 (11) 96123-4567", ""),
        (Phone, "12", "This isn't a valid number for Colombia (+57)"),
        (Number, "1500", ""), (Number, "-3.75", ""), (Number, "0.5", ""),
        (Number, "1,5", NUMBER_HINT), (Number, "1.500.000", NUMBER_HINT),
        (Number, "1e5", NUMBER_HINT), (Number, ".5", NUMBER_HINT), (Number, "5.", NUMBER_HINT),
        (Number, "-", NUMBER_HINT), (Number, "NaN", NUMBER_HINT),
        (Date, "2026-11-24", ""), (Date, "2028-02-29", ""),
        (Date, "24/11/2026", DATE_HINT), (Date, "20261124", DATE_HINT),
        (Date, "2026-1-4", DATE_HINT),
        (Date, "2026-02-29", not_real), (Date, "2026-13-01", not_real),
        (Select, " Pro ", ""), (Select, "pro", options), (Select, "Basic, Pro", options),
    ];
    for &(kind, value, want) in cases {
        let field = def("cf", "Field", kind, false);
        let got = validate_custom(&field, value, Some("CO"));
        assert!(says(&got, want), "{kind:?} {value:?}: {got:?}");
        assert!(
            validate_custom(&field, "  ", None).is_empty(),
            "{kind:?} blank"
        );
    }
    let any = CustomFieldDef {
        options: Vec::new(),
        ..def("cf", "Tier", Select, false)
    };
    assert!(validate_custom(&any, "Gold", None).is_empty());
    let needed = def("cf", "Plan", Text, true);
    assert_eq!(validate_custom(&needed, " ", None), ["Plan is required"]);
}

#[test]
fn custom_fields_in_a_draft() {
    let c = catalog();
    let mut d = draft(WP);
    d.custom.remove("cf-z-plan");
    let extra = [
        ("cf-m-budget", "1,5"),
        ("cf-gone", "x"),
        ("cf-gone-empty", " "),
    ];
    for (id, value) in extra {
        d.custom.insert(id.into(), value.into());
    }
    let problems = check(WP, &c, &d);
    assert_eq!(problems.get("custom.cf-z-plan"), ["Plan is required"]);
    assert_eq!(problems.get("custom.cf-m-budget"), [NUMBER_HINT]);
    assert_eq!(problems.get("custom.cf-gone"), [GONE]);
    assert_eq!(problems.count(), 3);
    // Catalog order, not key order: the plan comes first on the form.
    assert_eq!(
        problems.first_in_form_order(WP, &c),
        Some("custom.cf-z-plan")
    );
    // No definitions known: nothing is stale, nothing is required.
    let (stages, tags) = (c.stages.clone(), c.tags.clone());
    let empty = Catalog {
        stages,
        tags,
        ..Catalog::default()
    };
    assert!(check(WP, &empty, &d).is_empty());
    // WhatsMark has no custom fields; stray ones are not its business.
    let mut d = draft(WS);
    d.custom.insert("cf-gone".into(), "x".into());
    assert!(check(WS, &c, &d).is_empty());
}

#[test]
fn first_problem_in_form_order() {
    let c = catalog();
    let mut p = Problems::default();
    assert_eq!(p.first_in_form_order(WP, &c), None);
    // Each key pushed comes earlier on the form than all before it.
    let keys = [
        "server_only",
        "custom.cf-stale",
        "custom.cf-a-birthday",
        "notes",
        "phone",
    ];
    for key in keys {
        p.push(key, "Something");
        assert_eq!(p.first_in_form_order(WP, &c), Some(key));
    }
    p.fields.insert("name".into(), Vec::new());
    assert_eq!(p.first_in_form_order(WP, &c), Some("phone"));
    assert_eq!(p.count(), 5);
    assert!(p.get("name").is_empty() && p.get("nope").is_empty() && !p.is_empty());
    let mut p = Problems::default();
    p.push("city", "x");
    p.push("groups", "y");
    assert_eq!(p.first_in_form_order(WS, &c), Some("groups"));
}

#[test]
fn unknown_keys_have_no_problems() {
    let c = catalog();
    for key in ["firstname", "custom_fields", "custom.cf-never"] {
        assert!(
            validate_field(&rules(WP, None, &c), &draft(WP), key).is_empty(),
            "{key}"
        );
    }
}

/// A Chatwoot country code is two letters of ISO 3166, in either case (the body sends it
/// in upper case: `api::body`'s tests); any two characters went to the CRM before.
#[test]
fn a_country_code_is_an_iso_3166_code() {
    let cat = catalog();
    let r = rules(Flavour::Chatwoot, Some("CO"), &cat);
    let key = "additional_attributes.country_code";
    for (value, want) in [
        ("CO", ""),
        ("co", ""),
        ("In", ""),
        ("zz", "is not a country code"),
        ("1a", "is not a country code"),
        ("C", "is not a country code"),
    ] {
        let mut d = Draft::default();
        d.set(key, value);
        let got = validate_field(&r, &d, key);
        assert!(says(&got, want), "{value}: {got:?}");
    }
}
