//! The real `rolo` binary against an in-process sandbox: `rolo add`, `rolo catalog`,
//! `rolo profiles`, each documented error with its own exit code, and no secret in any
//! output or file.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::support;

use rolo::sandbox::FaultKind;
use serde_json::{Value, json};
use support::{World, code, sets, stderr, stdout};

#[test]
fn whatsmark_contact_with_every_documented_field() {
    let w = World::cli();
    let out = w.rolo_sets(
        &["add", "--output", "json"],
        &[
            "firstname=Ana María",
            "lastname=Pérez",
            "phone=95874 11111",
            "type=customer",
            "source_id=Website",
            "status_id=Interesado",
            "email=ana@acme.co",
            "company=Acme SAS",
            "description=Vino por Instagram",
            "city=Rajkot",
            "state=Gujarat",
            "zip=360001",
            "address=12 MG Road",
            "country_id=101",
            "assigned_id=15",
            "groups=Mayoristas,14",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let echo: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stored = w.stored("whatsmark", "demo");
    let rec = stored.last().unwrap();
    assert_eq!(rec["id"], echo["id"]);
    let expected = json!({
        "firstname": "Ana María", "lastname": "Pérez", "phone": "+919587411111", "type": "customer",
        "source_id": 110, "status_id": 283, "email": "ana@acme.co", "company": "Acme SAS",
        "description": "Vino por Instagram", "city": "Rajkot", "state": "Gujarat", "zip": "360001",
        "address": "12 MG Road", "country_id": 101, "assigned_id": 15, "group_id": [12, 14],
    });
    for (k, v) in expected.as_object().unwrap() {
        assert_eq!(&rec[k], v, "{k}");
    }
    w.assert_no_secret_leaked();
}

#[test]
fn wipsy_contact_with_every_documented_field() {
    let w = World::cli();
    let out = w.rolo_sets(
        &["--profile", "wipsy", "add"],
        &[
            "name=José",
            "last_name=Ñúñez",
            "phone=301 555 0199",
            "email=jose@ferreteria.co",
            "whatsapp_id=573015550199",
            "pipeline_stage_id=Negociación",
            "profile_picture_url=https://cdn.example.com/j.jpg",
            "address=Calle 10 #5-20",
            "city=Medellín",
            "province=Antioquia",
            "company=Ferretería Núñez",
            "notes=Cliente desde 2019",
            "tags=VIP,中文客户",
            "custom.Número de documento=71.234.567",
            "custom.Canal preferido=Llamada",
            "custom.Fecha de cumpleaños=1990-04-01",
            "custom.Correo de facturación=f@acme.co",
            "custom.Teléfono alterno=+57 604 444 5566",
            "custom.Presupuesto mensual=1500.5",
            "custom.Talla de camiseta=L",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Created José Ñúñez (id "));
    let rec = w.stored("wipsy", "demo").last().unwrap().clone();
    assert_eq!(rec["name"], "José");
    assert_eq!(
        rec["phone"], "+573015550199",
        "normalised with the profile's region"
    );
    assert_eq!(rec["whatsapp_id"], "573015550199");
    assert_eq!(rec["pipeline_stage"]["name"], "Negociación");
    for k in [
        "last_name",
        "email",
        "profile_picture_url",
        "address",
        "city",
        "province",
        "company",
        "notes",
    ] {
        assert!(rec[k].is_string(), "{k}");
    }
    let tags = support::names(&rec["tags"]);
    assert_eq!(tags, ["VIP", "中文客户"]);
    let custom: Vec<(&str, &str)> = rec["custom_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"]["field_name"].as_str().unwrap(),
                c["field_value"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(custom.len(), 7);
    assert!(custom.contains(&("Presupuesto mensual", "1500.5")));
    assert!(custom.contains(&("Teléfono alterno", "+57 604 444 5566")));
    w.assert_no_secret_leaked();
}

#[test]
fn each_error_has_its_own_message_and_exit_code() {
    let w = World::cli();
    let wm_ok = sets(&[
        "lastname=Kumar",
        "type=lead",
        "source_id=110",
        "status_id=281",
    ]);
    let add = |profile: &str, extra: &[&str]| {
        let mut args = vec!["--profile", profile, "add"];
        args.extend_from_slice(extra);
        w.rolo(&args)
    };
    // rolo's own validation: nothing is sent.
    let out = add("wm", &["--set", "phone=12"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    assert!(err.contains("First name"), "{err}");
    assert!(w.stored("whatsmark", "demo").len() == 3);
    // The server's field error (a duplicate phone) lands on the field: past rolo's own
    // duplicate check, which would stop it first.
    let mut dup = vec!["--allow-duplicate"];
    dup.extend(sets(&["firstname=Ravi", "phone=+919587422363"]));
    dup.extend_from_slice(&wm_ok);
    let out = add("wm", &dup);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("Phone: This phone number already exists."),
        "{}",
        stderr(&out)
    );
    // Plan limit, monthly quota.
    let mut full = sets(&["firstname=Ravi", "phone=+34600999111"]);
    full.extend_from_slice(&wm_ok);
    let out = add("wm-full", &full);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("(3 of 3)"), "{}", stderr(&out));
    let out = add(
        "wipsy-full",
        &["--set", "name=Quinto", "--set", "phone=+573001112299"],
    );
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("Monthly contact limit reached"));
    // Auth: wrong key, revoked token, missing scope.
    let out = add("wipsy-wrong", &["--set", "name=X", "--dry-run"]);
    assert_eq!(code(&out), 0, "dry-run sends nothing: {}", stderr(&out));
    let out = add("wipsy-wrong", &["--set", "name=X"]);
    assert_eq!(code(&out), 4);
    let mut body = sets(&["firstname=Ravi", "phone=+919000000077"]);
    body.extend_from_slice(&wm_ok);
    let out = add("wm-revoked", &body);
    assert_eq!(code(&out), 4);
    assert!(stderr(&out).contains("revoked"));
    let out = add("wm-readonly", &body);
    assert_eq!(code(&out), 4);
    assert!(stderr(&out).contains("contacts:write"), "{}", stderr(&out));
    // Network: nothing listens on port 9.
    let out = add("down", &body);
    assert_eq!(code(&out), 6, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("connection refused"),
        "{}",
        stderr(&out)
    );
    // Server errors: 500, HTML page, malformed JSON.
    for kind in [
        FaultKind::Status500,
        FaultKind::Html,
        FaultKind::MalformedJson,
    ] {
        // On the create itself (the duplicate search before it is a GET).
        w.add_fault(support::sandbox::once_on_post(
            "/whatsmark/api/v2/contacts",
            kind.clone(),
            false,
        ));
        let out = add("wm", &body);
        assert_eq!(code(&out), 7, "{kind:?}: {}", stderr(&out));
    }
    // Rate limit: a window of one request per minute, already used by the catalog fetch.
    let patch = w.patch("whatsmark", "demo", &json!({ "rate_limit_per_minute": 1 }));
    assert_eq!(patch, 200);
    let out = add("wm", &body);
    assert_eq!(code(&out), 5, "{}", stderr(&out));
    assert!(stderr(&out).contains("Try again in"));
    w.assert_no_secret_leaked();
}

#[test]
fn a_redirect_to_another_origin_never_receives_the_key() {
    let w = World::cli();
    w.fault(
        "/wipsy/api-create-contact",
        FaultKind::Redirect { location: None },
    );
    let out = w.rolo(&["--profile", "wipsy-full", "add", "--set", "name=X"]);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    assert!(stderr(&out).contains("did not follow"));
    let log = w.control_json("/_sandbox/requests");
    let other_host: Vec<&Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["host"].as_str().unwrap().starts_with("localhost"))
        .collect();
    assert!(
        other_host.is_empty(),
        "nothing reached the other origin: {other_host:?}"
    );
    assert!(
        log.as_array()
            .unwrap()
            .iter()
            .all(|r| r["user_agent"].as_str().unwrap().starts_with("rolo/"))
    );
}

#[test]
fn catalogs_page_to_the_end_and_serve_from_cache_offline() {
    let mut w = World::cli();
    let out = w.rolo(&["catalog", "refresh"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = w.rolo(&["catalog", "show", "--json"]);
    let catalog: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(catalog["groups"].as_array().unwrap().len(), 23);
    assert_eq!(catalog["sources"].as_array().unwrap().len(), 17);
    assert_eq!(catalog["statuses"][0]["color"], "#3B82F6");
    assert_eq!(catalog["tenant"]["plan"], "Growth");
    assert_eq!(catalog["usage"]["limit"], 1000);
    let out = w.rolo(&["profiles"]);
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        listing.contains("* wm") && listing.contains("env ROLO_T_WM"),
        "{listing}"
    );
    // The sandbox goes away; names still resolve from the cache.
    w.stop();
    let out = w.rolo_sets(
        &["add", "--dry-run"],
        &[
            "firstname=Ravi",
            "lastname=K",
            "phone=+919000000123",
            "type=lead",
            "source_id=Google Ads",
            "status_id=Cliente",
            "groups=Mumbai,Delhi",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(body["source_id"], 114);
    assert_eq!(body["status_id"], 285);
    assert_eq!(body["groups"], json!([19, 20]));
    w.assert_no_secret_leaked();
}

#[test]
fn json_input_and_unknown_names() {
    let w = World::cli();
    let file = w.dir.path().join("contact.json");
    std::fs::write(
        &file,
        json!({ "firstname": "Priya", "lastname": "Nair", "phone": "+91 98470 12345", "type": "lead",
                "source_id": 110, "status_id": "Nuevo", "groups": ["Mumbai"] })
        .to_string(),
    )
    .unwrap();
    let out = w.rolo(&["add", "--json", file.to_str().unwrap()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        w.stored("whatsmark", "demo").last().unwrap()["phone"],
        "+919847012345"
    );
    let out = w.rolo_sets(&["add"], &["firstname=A", "source_id=Carrier pigeon"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("Carrier pigeon"), "{}", stderr(&out));
}

/// A JSON value no field takes (an object, a list in a list, true where text goes) is
/// refused under its key with the other problems, exit 2, nothing sent: it once went to
/// the CRM as the text `{"a":1}`. Numbers are text (ids, digits); a custom field's
/// true/false is a checkbox's.
#[test]
fn json_values_of_the_wrong_type_are_refused_not_sent_as_text() {
    let w = World::cli();
    let file = w.dir.path().join("contact.json");
    let before = w.stored("whatsmark", "demo").len();
    std::fs::write(
        &file,
        json!({ "firstname": { "a": 1 }, "lastname": true, "phone": "+91 98470 12346",
                "type": "lead", "source_id": 110, "status_id": "Nuevo", "groups": [["Mumbai"]] })
        .to_string(),
    )
    .unwrap();
    let out = w.rolo(&["add", "--json", file.to_str().unwrap(), "--output", "json"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    for said in [
        "rolo: firstname: expected text or a number, found an object",
        "rolo: lastname: expected text or a number, found true or false",
        "rolo: groups: expected text or a number, found a list",
        "nothing was sent",
    ] {
        assert!(err.contains(said), "{said}: {err}");
    }
    let failure: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(failure["exit_code"], 2);
    assert!(failure["fields"]["firstname"].is_array(), "{failure}");
    assert_eq!(w.stored("whatsmark", "demo").len(), before);
}

#[test]
fn quick_lines_create_or_stop_on_flagged_words() {
    let w = World::cli();
    let out = w.rolo(&[
        "add",
        "--quick",
        "Ravi Kumar +91 98470 77777 ravi@example.in #mumbai @interesado company:\"Kumar & Sons\"",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rec = w.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["firstname"], "Ravi");
    assert_eq!(rec["phone"], "+919847077777");
    assert_eq!(rec["company"], "Kumar & Sons");
    assert_eq!(rec["status_id"], 283);
    assert_eq!(rec["group_id"], json!([19]));
    let before = w.stored("whatsmark", "demo").len();
    let out = w.rolo(&["add", "--quick", "Ana Pérez +91 98470 77778 #atlantiss"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("atlantiss"), "{}", stderr(&out));
    assert_eq!(
        w.stored("whatsmark", "demo").len(),
        before,
        "nothing was sent"
    );
}

#[test]
fn vcards_from_a_file_one_or_several() {
    let w = World::cli();
    let dir = env!("CARGO_MANIFEST_DIR");
    let one = format!("{dir}/tests/fixtures/vcards/whatsapp_30.vcf");
    let out = w.rolo(&["add", "--vcard", &one]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rec = w.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["firstname"], "Carlos");
    assert_eq!(rec["phone"], "+573188779043");
    let several = format!("{dir}/tests/fixtures/vcards/several.vcf");
    let out = w.rolo(&["add", "--vcard", &several]);
    assert_eq!(
        code(&out),
        1,
        "several cards need --yes when nobody can be asked"
    );
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    let out = w.rolo(&["add", "--vcard", &several, "--dry-run"]);
    let bodies = String::from_utf8_lossy(&out.stdout)
        .matches("\"firstname\"")
        .count();
    assert!(
        bodies >= 3,
        "one body per card:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Issue 15: `--output json` says a failure in JSON too (on stdout; the words stay on
/// stderr), whether rolo's own checks refused the contact or the server did not create it.
#[test]
fn output_json_prints_failures_as_json() {
    let w = World::cli();
    let out = w.rolo(&["add", "--output", "json", "--set", "firstname=Ana"]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["created"], false);
    assert_eq!(v["exit_code"], 2);
    assert!(
        v["fields"]["phone"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    assert!(
        v["fields"]["lastname"]
            .as_array()
            .is_some_and(|m| !m.is_empty()),
        "{v}"
    );
    assert!(stderr(&out).contains("Phone"), "{}", stderr(&out));

    w.add_fault(support::sandbox::once_on_post(
        "/whatsmark/api/v2/contacts",
        FaultKind::Status500,
        false,
    ));
    let mut args = vec!["add", "--output", "json"];
    args.extend(sets(&[
        "firstname=Ana",
        "lastname=Díaz",
        "phone=+919800000555",
    ]));
    let out = w.rolo(&args);
    assert_eq!(code(&out), 7, "{}", stderr(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["created"].clone(), v["exit_code"].clone()),
        (json!(false), json!(7))
    );
    assert!(v["error"].as_str().unwrap().contains("HTTP 500"), "{v}");
    assert!(v["advice"].is_string(), "{v}");
}

/// Issue 15: `--vcard` takes `--set` too: the pairs go over every card.
#[test]
fn set_pairs_go_over_every_vcard() {
    let w = World::cli();
    let dir = env!("CARGO_MANIFEST_DIR");
    let several = format!("{dir}/tests/fixtures/vcards/several.vcf");
    let mut args = vec!["add", "--vcard", several.as_str(), "--dry-run"];
    args.extend(sets(&["source_id=Website", "company=Feria 2026"]));
    let out = w.rolo(&args);
    let printed = String::from_utf8_lossy(&out.stdout);
    let cards = printed.matches("\"firstname\"").count();
    assert!(cards >= 3, "{printed}{}", stderr(&out));
    assert_eq!(
        printed.matches("\"source_id\": 110").count(),
        cards,
        "{printed}"
    );
    assert_eq!(printed.matches("Feria 2026").count(), cards, "{printed}");

    let one = format!("{dir}/tests/fixtures/vcards/whatsapp_30.vcf");
    let mut args = vec!["add", "--vcard", one.as_str()];
    args.extend(sets(&["company=Feria 2026"]));
    let out = w.rolo(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let rec = w.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(
        (rec["firstname"].as_str(), rec["company"].as_str()),
        (Some("Carlos"), Some("Feria 2026"))
    );
}

/// Issue 15: `rolo add` runs the duplicate check the form runs; a contact the CRM already
/// has stops it (exit 8) unless `--allow-duplicate`.
#[test]
fn add_checks_for_duplicates_unless_allowed() {
    let w = World::cli();
    let before = w.stored("whatsmark", "demo").len();
    let mut args = vec!["add"];
    args.extend(sets(&[
        "firstname=Otra",
        "lastname=Persona",
        "phone=+919587422363",
    ]));
    let out = w.rolo(&args);
    assert_eq!(code(&out), 8, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("possible duplicate: Priya Raghunathan (id 1001"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("--allow-duplicate"),
        "{}",
        stderr(&out)
    );
    assert_eq!(w.stored("whatsmark", "demo").len(), before, "nothing sent");

    // WhatsMark itself refuses a second contact with that phone: allowed through
    // rolo's check, the server's own answer lands on the field.
    args.insert(1, "--allow-duplicate");
    let out = w.rolo(&args);
    assert!(
        stderr(&out).contains("Phone: This phone number already exists."),
        "{}",
        stderr(&out)
    );
}

/// Issue 15: `rolo add` named only the first bad `--set` and nothing else; every problem
/// of the contact is listed now, each once, and nothing is sent.
#[test]
fn every_problem_of_a_contact_is_listed() {
    let w = World::cli();
    let before = w.stored("whatsmark", "demo").len();
    let out = w.rolo_sets(
        &["add"],
        &[
            "firstname=Ana",
            "source_id=Nowhere",
            "status_id=Bogus",
            "groups=Atlantis",
        ],
    );
    let err = stderr(&out);
    assert_eq!(code(&out), 2, "{err}");
    for said in ["source_id", "status_id", "groups", "Last name", "Phone"] {
        assert!(err.contains(said), "{said} is not named:\n{err}");
    }
    assert_eq!(
        err.matches("Source").count() + err.matches("source_id").count(),
        1,
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    assert_eq!(w.stored("whatsmark", "demo").len(), before);
}

/// Issue 25 (5): a wrong key is the key's fault, said as such (exit 4, not 2), and the
/// failed catalog fetch writes no cache: an empty one would later refuse every name
/// ("no entry named Website (known: )") even with the right key.
#[test]
fn a_wrong_key_exits_4_and_leaves_no_catalog_cache() {
    let w = World::cli();
    for profile in ["wm-revoked", "wipsy-wrong"] {
        let out = w.rolo(&[
            "--profile",
            profile,
            "add",
            "--quick",
            "Ana Pérez +91 98470 77779 source:Website",
        ]);
        assert_eq!(code(&out), 4, "{profile}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("no entry named"),
            "{profile}: {}",
            stderr(&out)
        );
        assert_eq!(
            rolo::store::catalog_cache::load(&w.data_dir(), profile),
            rolo::store::catalog_cache::Cached::Missing,
            "{profile}: no cache written"
        );
    }
    let file = w.write(
        "rows.csv",
        "nombre,apellido,celular\nAna,Pérez,+919847077780\n",
    );
    let out = w.rolo(&["--profile", "wm-revoked", "import", &file.to_string_lossy()]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was imported"),
        "{}",
        stderr(&out)
    );
}

/// Issue 25 (7): a spent quota is said once: the server's words already advise the
/// upgrade, so rolo's own advice is not added after them.
#[test]
fn a_spent_quota_gives_its_advice_once() {
    let w = World::cli();
    let out = w.rolo(&[
        "--profile",
        "wipsy-full",
        "add",
        "--set",
        "name=Quinto",
        "--set",
        "phone=+573001112298",
    ]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let said = stderr(&out).to_lowercase();
    assert_eq!(said.matches("upgrade").count(), 1, "{}", stderr(&out));
}

/// Issue 25 (8): WhatsMark's table is narrower than its validator. rolo checks the
/// column widths before sending, and when the table still refuses (a tenant whose type
/// enum lacks guest), the 500 naming the column is shown under that field, without the
/// SQL it carries (every value sent), and nothing is kept as if it might pass.
#[test]
fn the_tables_limits_are_checked_first_and_a_refused_column_is_its_fields_error() {
    let w = World::cli();
    let long_city = format!("city={}", "C".repeat(101));
    let out = w.rolo_sets(
        &["add"],
        &[
            "firstname=Ana",
            "lastname=Ruiz",
            "phone=+919847012399",
            &long_city,
        ],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("City: At most 100 characters (this has 101)"),
        "{}",
        stderr(&out)
    );
    assert!(
        w.stored("whatsmark", "demo")
            .iter()
            .all(|c| c["phone"] != "+919847012399")
    );
    // No create defaults to guest: lead is the type unless the agent chooses.
    let out = w.rolo_sets(
        &["--profile", "wm-full", "add", "--dry-run"],
        &[
            "firstname=Ana",
            "lastname=Ruiz",
            "phone=+919847012398",
            "source_id=Website",
            "status_id=Nuevo",
        ],
    );
    assert!(
        support::stdout(&out).contains("\"type\": \"lead\""),
        "{}",
        support::show(&out)
    );
    // A tenant whose table refuses guest.
    assert!(
        w.patch(
            "whatsmark",
            "demo",
            &json!({ "type_enum_without_guest": true })
        )
        .is_success()
    );
    let out = w.rolo_sets(
        &["add"],
        &[
            "firstname=Ana",
            "lastname=Ruiz",
            "phone=+919847012397",
            "type=guest",
        ],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("Type: This tenant does not take guest contacts"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("SQL"), "{}", stderr(&out));
    assert!(
        !stderr(&out).contains("kept in the outbox"),
        "{}",
        stderr(&out)
    );
}

/// Issue 25 (9): under `--output json` every outcome prints JSON on stdout, a quick-add
/// line with flagged words and a value that cannot go in the contact too.
#[test]
fn output_json_covers_flagged_quick_words_and_refused_values() {
    let w = World::cli();
    let out = w.rolo(&[
        "add",
        "--output",
        "json",
        "--quick",
        "Ana Pérez +91 98470 77781 #nosuchgroupatall",
    ]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&support::stdout(&out)).unwrap();
    assert_eq!(v["created"], false);
    assert_eq!(v["exit_code"], 2);
    assert!(
        v["form"][0].as_str().unwrap().contains("#nosuchgroupatall"),
        "{v}"
    );
    let out = w.rolo_sets(
        &["add", "--output", "json"],
        &["firstname=Ana", "source_id=Nowhere"],
    );
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let v: Value = serde_json::from_str(&support::stdout(&out)).unwrap();
    assert_eq!(v["created"], false);
    assert!(v["fields"]["source_id"][0].is_string(), "{v}");
}

/// Issue 25 (9): the shipped example config works as it is against the sandbox: its
/// first profile takes its key from `rolo sandbox --print-key` and its defaults by name.
#[test]
fn the_example_configs_first_profile_works_against_the_sandbox() {
    let w = World::cli();
    let example = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml"),
    )
    .unwrap()
    .replace("http://127.0.0.1:7878", &w.origin());
    let config = w.write("example.toml", example);
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_rolo"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new(bin)
        .args(["add", "--quick", "Ana Pérez +91 98470 22234"])
        .env_remove("ROLO_PROFILE")
        .env("ROLO_CONFIG", &config)
        .env("ROLO_DATA_DIR", w.data_dir())
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", support::show(&out));
    let rec = w.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["firstname"], "Ana");
    assert_eq!(rec["type"], "lead");
}

/// Issue 26 (2): an answer past 16 MiB is not read: a server answering 50 MB gets "the
/// server's answer was too large", not a gigabyte of memory. A bare local server that
/// answers every request with 50 MB of JSON-looking bytes and no length (read until it
/// closes, so the cap is met while reading, not from a header).
#[test]
fn an_answer_too_large_is_refused_unread() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 8192];
            let _ = s.read(&mut buf);
            let head = "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n\
                        Connection: close\r\n\r\n{\"data\":{\"id\":\"";
            if s.write_all(head.as_bytes()).is_err() {
                continue;
            }
            let chunk = vec![b'9'; 1 << 20];
            for _ in 0..50 {
                if s.write_all(&chunk).is_err() {
                    break;
                }
            }
        }
    });
    let w = World::new(1, move |origin, seed| {
        support::cli::cli_config(origin, seed).profile(
            support::config::Profile::whatsmark(
                "huge",
                &format!("http://127.0.0.1:{port}/whatsmark/api/v2"),
                "ROLO_T_WM",
            )
            .lead_defaults(),
        )
    });
    let out = w.rolo_sets(
        &["--profile", "huge", "add"],
        &[
            "firstname=Ana",
            "lastname=Ruiz",
            "phone=+919847012390",
            "source_id=1",
            "status_id=1",
        ],
    );
    assert_eq!(code(&out), 7, "{}", support::show(&out));
    assert!(
        stderr(&out).contains("the server's answer was too large"),
        "{}",
        stderr(&out)
    );
}

/// Issue 26 (4): an `api_key_cmd` that prints more than one line is refused by name (the
/// profile, the command, why), exit 4 like any key problem; it failed later, exit 1,
/// without naming the profile. What it printed is not shown: it may be the key.
#[test]
fn a_key_command_printing_two_lines_is_named() {
    let w = World::new(1, |origin, seed| {
        support::cli::cli_config(origin, seed).profile(
            support::config::Profile::whatsmark("twolines", origin, "ROLO_T_WM")
                .key_cmd("placeholder")
                .text("api_key_cmd", "printf 'wm_%s\\nsecond line' first_line"),
        )
    });
    let config = std::fs::read_to_string(w.config_path()).unwrap();
    let config = config.replace("api_key_cmd = \"printf %s placeholder\"\n", "");
    std::fs::write(w.config_path(), config).unwrap();
    let out = w.rolo_sets(
        &["--profile", "twolines", "add"],
        &["firstname=Ana", "lastname=Ruiz", "phone=+919847012391"],
    );
    assert_eq!(code(&out), 4, "{}", support::show(&out));
    let said = stderr(&out);
    assert!(
        said.contains("twolines") && said.contains("a key is one line"),
        "{said}"
    );
    assert!(!said.contains("wm_first_line"), "{said}");
}
