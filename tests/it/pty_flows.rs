//! End to end in a real pseudo-terminal, against a real sandbox: every picker kind and
//! custom-field type, quick add, a pasted vCard, and the duplicate warning.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // tests: panics are the failure report

use crate::support;

use serde_json::json;
use support::pty::{CTRL_O, CTRL_S, CTRL_T, CTRL_W, ENTER, Pty, TAB, WAIT};
use support::{ConfigFile, Profile, SeedExt, World};

/// `wm` (the default: WhatsMark demo, lead defaults), `staff` (WhatsMark loadtest with
/// a staff list), `wdemo` and `wload` (Wipsy demo and loadtest with their catalogs).
fn world() -> World {
    World::new(1, |origin, seed| {
        ConfigFile::new()
            .default_profile("wm")
            .profile(
                Profile::whatsmark("wm", origin, "T_WM")
                    .region("IN")
                    .lead_defaults(),
            )
            .profile(
                Profile::whatsmark("staff", origin, "T_LOAD")
                    .region("CO")
                    .assignee(15, "Priya (soporte)")
                    .assignee(16, "Carlos Peña (ventas)"),
            )
            .profile(
                Profile::wipsy("wdemo", origin, "T_WDEMO")
                    .region("CO")
                    .wipsy_catalog(seed, "demo"),
            )
            .profile(
                Profile::wipsy("wload", origin, "T_WLOAD")
                    .region("CO")
                    .wipsy_catalog(seed, "loadtest"),
            )
            .secret("T_WM", seed.wm_token("demo", "full"))
            .secret("T_LOAD", seed.wm_token("loadtest", "full"))
            .secret("T_WDEMO", seed.wipsy_key("demo"))
            .secret("T_WLOAD", seed.wipsy_key("loadtest"))
    })
}

/// Sends keys and waits until the screen shows `text`.
fn keys_then(p: &mut Pty, keys: &str, text: &str) -> String {
    p.send(keys).unwrap();
    p.wait_for(text, WAIT).unwrap()
}

/// Types `text`, waits until the screen shows it, and moves on with Tab.
fn type_then_tab(p: &mut Pty, text: &str) {
    keys_then(p, text, text);
    p.send(TAB).unwrap();
}

/// In the focused multi picker `title`: toggles the first match of `first`, clears the
/// filter (Ctrl-W), toggles the first match of `second`, accepts, and waits for `chip`.
fn pick_two(p: &mut Pty, title: &str, first: &str, second: &str, chip: &str) {
    keys_then(p, ENTER, &format!("┌ {title} "));
    for (i, filter) in [first, second].into_iter().enumerate() {
        if i > 0 {
            p.send(CTRL_W).unwrap();
        }
        keys_then(p, filter, &format!("filter: {filter}"));
        p.send(" ").unwrap();
    }
    p.send(ENTER).unwrap();
    p.wait_for(chip, WAIT).unwrap();
}

/// Opens the focused field's picker, types `filter`, waits for the picker to show it,
/// then sends `finish` (Enter; or Space then Enter in multi pickers).
fn pick(p: &mut Pty, title: &str, filter: &str, finish: &str) {
    keys_then(p, ENTER, &format!("┌ {title} "));
    keys_then(p, filter, &format!("filter: {filter}"));
    p.send(finish).unwrap();
    p.wait_gone(&format!("┌ {title} "), WAIT).unwrap();
}

#[test]
fn a_wipsy_contact_with_two_tags_a_stage_and_every_custom_field_type() {
    let w = world();
    let mut p = w.start_on("wdemo");
    keys_then(&mut p, "Zoë", "Zoë");
    // First name → … → Pipeline stage is seven fields down.
    p.send(&TAB.repeat(7)).unwrap();
    pick(&mut p, "Pipeline stage", "nego", ENTER);
    // A single pick moves on: Tags has the focus.
    pick_two(&mut p, "Tags", "vip", "中文", "[中文客户]");
    // Tags → Address, City, Province, Notes → the first custom field.
    p.send(&TAB.repeat(5)).unwrap();
    type_then_tab(&mut p, "1.020.304");
    pick(&mut p, "Canal preferido", "llam", ENTER);
    type_then_tab(&mut p, "1990-04-01");
    type_then_tab(&mut p, "facturas@acme.co");
    type_then_tab(&mut p, "+57 604 444 5566");
    type_then_tab(&mut p, "1500.5");
    pick(&mut p, "Talla de camiseta", "xl", ENTER);
    p.send(CTRL_S).unwrap();
    p.wait_for("✓ Created Zoë", WAIT).unwrap();
    let rec = w.stored("wipsy", "demo").last().unwrap().clone();
    assert_eq!(rec["name"], "Zoë");
    assert_eq!(rec["pipeline_stage"]["name"], "Negociación");
    let tags = support::names(&rec["tags"]);
    assert_eq!(tags, ["VIP", "中文客户"]);
    let mut custom: Vec<(String, String)> = rec["custom_fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"]["field_type"].as_str().unwrap().to_owned(),
                c["field_value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    custom.sort();
    let want = [
        ("date", "1990-04-01"),
        ("email", "facturas@acme.co"),
        ("number", "1500.5"),
        ("phone", "+57 604 444 5566"),
        ("select", "Llamada"),
        ("select", "XL"),
        ("text", "1.020.304"),
    ];
    assert_eq!(custom, want.map(|(a, b)| (a.to_owned(), b.to_owned())));
}

#[test]
fn a_whatsmark_contact_with_source_status_two_groups_a_country_and_an_assignee() {
    let w = world();
    let mut p = w.start_on("staff");
    type_then_tab(&mut p, "Aarav");
    type_then_tab(&mut p, "Mehta");
    keys_then(&mut p, "301 555 0123", "301 555 0123");
    // Phone → Email, Company → Type.
    p.send(&TAB.repeat(3)).unwrap();
    pick(&mut p, "Type", "cust", ENTER);
    pick(&mut p, "Source", "face", ENTER);
    pick(&mut p, "Status", "negoc", ENTER);
    pick_two(&mut p, "Groups", "mumb", "delhi", "[Delhi]");
    p.send(TAB).unwrap();
    pick(&mut p, "Assigned to", "carl", ENTER);
    pick(&mut p, "Country", "colom", ENTER);
    p.send(CTRL_S).unwrap();
    p.wait_for("✓ Created Aarav Mehta", WAIT).unwrap();
    let rec = w.stored("whatsmark", "loadtest").last().unwrap().clone();
    assert_eq!(rec["type"], "customer");
    assert_eq!(rec["source_id"], 112);
    assert_eq!(rec["status_id"], 284);
    assert_eq!(rec["group_id"], json!([19, 20]));
    assert_eq!(rec["assigned_id"], 16);
    assert_eq!(rec["country_id"], 48);
    assert_eq!(rec["phone"], "+573015550123");
}

#[test]
fn quick_add_one_line_and_enter_in_both_flavours() {
    let w = world();
    let mut p = w.start_on("wm");
    keys_then(&mut p, CTRL_O, "Quick add");
    keys_then(
        &mut p,
        "Priya Nair +91 98470 12399 priya@nair.in #mumbai @interesado customer",
        "+919847012399",
    );
    p.send(ENTER).unwrap();
    p.wait_for("✓ Created Priya Nair", WAIT).unwrap();
    let rec = w.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["phone"], "+919847012399");
    assert_eq!(rec["email"], "priya@nair.in");
    assert_eq!(rec["status_id"], 283);
    assert_eq!(rec["type"], "customer");
    assert_eq!(rec["group_id"], json!([19]));
    // The Wipsy profile, in the same session.
    keys_then(&mut p, CTRL_T, "Switch profile");
    p.send("wload").unwrap();
    p.send(ENTER).unwrap();
    p.wait_for("rolo · wload", WAIT).unwrap();
    keys_then(&mut p, CTRL_O, "Quick add");
    keys_then(
        &mut p,
        "Iñaki Etxeberria +57 300 765 4321 #priority @won",
        "+573007654321",
    );
    p.send(ENTER).unwrap();
    p.wait_for("✓ Created Iñaki Etxeberria", WAIT).unwrap();
    let rec = w.stored("wipsy", "loadtest").last().unwrap().clone();
    assert_eq!(rec["phone"], "+573007654321");
    assert_eq!(rec["tags"][0]["name"], "Priority");
    assert_eq!(rec["pipeline_stage"]["name"], "Won");
}

#[test]
fn a_pasted_vcard_is_reviewed_then_sent() {
    let w = world();
    let mut p = w.start_on("wm");
    let card = std::fs::read_to_string(format!(
        "{}/tests/fixtures/vcards/whatsapp_30.vcf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    p.send(&format!("\x1b[200~{card}\x1b[201~")).unwrap();
    let screen = p.wait_for("vCard on the form", WAIT).unwrap();
    assert!(
        screen.contains("Carlos") && screen.contains("Rodríguez"),
        "{screen}"
    );
    p.send(CTRL_S).unwrap();
    p.wait_for("✓ Created Carlos Rodríguez", WAIT).unwrap();
    let rec = w.stored("whatsmark", "demo").last().unwrap().clone();
    assert_eq!(rec["phone"], "+573188779043");
    assert_eq!(rec["company"], "Repuestos Rodríguez");
}

#[test]
fn a_duplicate_phone_shows_the_warning_before_sending() {
    let w = world();
    let before = w.stored("whatsmark", "demo").len();
    let mut p = w.start_on("wm");
    type_then_tab(&mut p, "Otra");
    type_then_tab(&mut p, "Persona");
    type_then_tab(&mut p, "95874 22363");
    p.wait_for("⚠ Possible duplicate: Priya Raghunathan (id 1001", WAIT)
        .unwrap();
    p.send(CTRL_S).unwrap();
    p.wait_for("Possible duplicate of Priya Raghunathan", WAIT)
        .unwrap();
    // WhatsMark can update: the question offers that beside creating anyway.
    p.wait_for(
        "Update Priya Raghunathan (id 1001) with what you typed",
        WAIT,
    )
    .unwrap();
    p.send("\x1b").unwrap();
    p.wait_gone("Create a new contact anyway", WAIT).unwrap();
    assert_eq!(
        w.stored("whatsmark", "demo").len(),
        before,
        "nothing was sent"
    );
}
