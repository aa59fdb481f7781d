//! Key scripts for every picker kind and every custom-field type, in both flavours: what
//! the agent types, what the form shows, and the record the sandbox stores.
#![allow(clippy::unwrap_used, clippy::too_many_lines)] // tests: panics are the failure report

use crate::support;

use crossterm::event::KeyCode;
use rolo::tui::app::{CatalogStatus, Mode};
use support::tui::Harness;

fn shown(h: &Harness) -> Vec<String> {
    match &h.app().mode {
        Mode::Picker(p) => p.shown().map(|i| i.name.clone()).collect(),
        _ => panic!("no picker is open"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wipsy_stage_tags_and_every_custom_field_type() {
    let mut h = Harness::new().await;
    h.switch_to("wdemo").await;
    h.typed("Zoë");
    h.focus("Phone");
    h.typed("300 765 4321");

    // Stage: in stage_order, system stages marked, a "none" choice first.
    h.focus("Pipeline stage");
    h.press(KeyCode::Enter);
    assert_eq!(
        shown(&h),
        [
            "(none)",
            "Nuevo",
            "Contactado",
            "Propuesta enviada",
            "Negociación",
            "Ganado",
            "Perdido"
        ]
    );
    assert!(h.screen(120, 40).contains("Nuevo (system)"));
    h.typed("nego");
    h.press(KeyCode::Enter);

    // Tags: fuzzy filter folds accents and takes CJK; Space toggles; Ctrl-W clears the filter.
    h.focus("Tags");
    h.press(KeyCode::Enter);
    h.typed("nandu");
    assert_eq!(shown(&h), ["Ñandú Club"]);
    h.press(KeyCode::Char(' '));
    h.ctrl('w');
    h.typed("中文");
    assert_eq!(shown(&h), ["中文客户"]);
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Enter);
    // A pasted list selects each known name and reports the rest.
    h.paste("VIP, Soporte\nNo existe");
    let s = h.screen(120, 40);
    assert!(s.contains("Not in the catalog: No existe"), "{s}");
    assert!(
        s.contains("[Ñandú Club]") && s.contains("[中文客户]") && s.contains("[Soporte]"),
        "chips:\n{s}"
    );
    // Backspace drops the last chip.
    h.press(KeyCode::Backspace);
    assert!(!h.screen(120, 40).contains("[Soporte]"));

    // Custom fields, one editor per definition, in field_order.
    h.focus("Número de documento");
    h.typed("1.020.304");
    h.press(KeyCode::Tab);
    h.pick("llam");
    assert_eq!(
        h.app().current().form.focused().unwrap().label,
        "Fecha de cumpleaños"
    );
    h.ctrl('d');
    h.press(KeyCode::PageDown);
    let yesterday = jiff::Zoned::now()
        .date()
        .yesterday()
        .unwrap()
        .strftime("%Y-%m-%d")
        .to_string();
    assert!(h.screen(120, 40).contains(&yesterday));
    h.focus("Correo de facturación");
    h.typed("facturas@acme.co");
    h.focus("Teléfono alterno");
    h.typed("+57 604 444 5566");
    h.focus("Presupuesto mensual");
    h.typed("15a00.5");
    assert!(
        h.screen(120, 40).contains("can't go in a number"),
        "letters are refused as typed"
    );
    h.focus("Talla de camiseta");
    h.pick("xl");
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Zoë"), "{s}");

    let rec = h.stored("wipsy", "demo").last().unwrap().clone();
    assert_eq!(rec["pipeline_stage"]["name"], "Negociación");
    let tags = support::names(&rec["tags"]);
    assert_eq!(tags, ["Ñandú Club", "中文客户", "VIP"]);
    let value = |name: &str| {
        rec["custom_fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["field"]["field_name"] == name)
            .map(|c| c["field_value"].as_str().unwrap().to_owned())
    };
    assert_eq!(value("Número de documento").as_deref(), Some("1.020.304"));
    assert_eq!(value("Canal preferido").as_deref(), Some("Llamada"));
    assert_eq!(value("Fecha de cumpleaños"), Some(yesterday));
    assert_eq!(
        value("Correo de facturación").as_deref(),
        Some("facturas@acme.co")
    );
    assert_eq!(
        value("Teléfono alterno").as_deref(),
        Some("+57 604 444 5566")
    );
    assert_eq!(value("Presupuesto mensual").as_deref(), Some("1500.5"));
    assert_eq!(value("Talla de camiseta").as_deref(), Some("XL"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whatsmark_type_source_status_groups_country_and_assignee() {
    let mut h = Harness::new().await;
    h.switch_to("staff").await;
    h.type_fields(&["Aarav", "Mehta", "301 555 0123"]);
    h.picks("Type", &["cust", "face"]);
    h.press(KeyCode::Enter);
    h.typed("negoc");
    assert_eq!(shown(&h), ["En negociación"]);
    assert!(
        h.screen(120, 40).contains("■ En negociación"),
        "statuses show their colour swatch"
    );
    h.press(KeyCode::Enter);
    // Groups: toggle two, one of them by a filter with an accent left out.
    h.press(KeyCode::Enter);
    h.typed("sao");
    h.press(KeyCode::Char(' '));
    h.ctrl('w');
    h.typed("bogo");
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Enter);
    h.picks("Assigned to", &["carl", "colom"]);
    h.submit().await;
    let s = h.screen(120, 40);
    assert!(s.contains("✓ Created Aarav Mehta"), "{s}");
    let rec = h.stored("whatsmark", "loadtest").last().unwrap().clone();
    assert_eq!(rec["type"], "customer");
    assert_eq!(rec["source_id"], 112);
    assert_eq!(rec["status_id"], 284);
    assert_eq!(rec["group_id"], serde_json::json!([18, 14]));
    assert_eq!(rec["assigned_id"], 16);
    assert_eq!(
        rec["country_id"], 48,
        "Colombia in the open countries dataset"
    );
    assert_eq!(rec["phone"], "+573015550123");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_a_toggles_every_shown_entry_and_esc_changes_nothing() {
    let mut h = Harness::new().await;
    h.focus("Groups");
    h.press(KeyCode::Enter);
    h.typed("me");
    let names = shown(&h);
    assert!(names.len() > 1);
    h.ctrl('a');
    let Mode::Picker(p) = &h.app().mode else {
        panic!()
    };
    assert_eq!(p.chosen.len(), names.len());
    h.ctrl('a');
    let Mode::Picker(p) = &h.app().mode else {
        panic!()
    };
    assert!(p.chosen.is_empty(), "a second Ctrl-A untoggles them");
    h.ctrl('a');
    h.press(KeyCode::Esc);
    assert!(
        h.app().current().form.draft.list("groups").is_empty(),
        "Esc leaves the field unchanged"
    );
    // Ctrl-R in a picker refreshes the catalog in the background.
    h.press(KeyCode::Enter);
    h.ctrl('r');
    assert!(
        matches!(h.app().mode, Mode::Picker(_)),
        "the picker stays open"
    );
    h.until(|a| a.current().catalog_status == CatalogStatus::Fresh)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignee_is_a_plain_id_without_a_staff_list() {
    let mut h = Harness::new().await;
    h.focus("Assigned to");
    h.typed("abc");
    h.press(KeyCode::Tab);
    let s = h.screen(120, 40);
    assert!(s.contains("Assigned to") && s.contains("abc"), "{s}");
    assert!(s.contains('✗'), "a non-numeric id is a problem:\n{s}");
    h.focus("Assigned to");
    for _ in 0..3 {
        h.press(KeyCode::Backspace);
    }
    h.typed("15");
    assert_eq!(h.app().current().form.draft.get("assigned_id"), "15");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_id_chosen_earlier_that_vanished_from_the_catalog_is_flagged_not_dropped() {
    // A draft saved by an earlier run, whose status the tenant has since deleted.
    let mut saved = rolo::contact::Draft::default();
    saved.set("firstname", "Ana");
    saved.set("status_id", "9999");
    let mut h = Harness::with_saved_draft(Some(saved)).await;
    let s = h.screen(120, 40);
    assert!(s.contains("⚠ 9999 (not in the catalog)"), "{s}");
    assert_eq!(h.app().current().form.draft.get("status_id"), "9999");
    // The check's words name no key; the form adds the one that refreshes (issue 24).
    h.focus("Status");
    h.press(KeyCode::Tab);
    let s = h.screen(120, 40);
    assert!(
        s.contains("Unknown status 9999 — refresh the catalog (Ctrl-R) or pick"),
        "{s}"
    );
}

/// Issue 15: typing on a picked field opens its picker filtered by everything typed,
/// the first letter included (`cu` on Type filtered by "u").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_on_a_picked_field_keeps_the_first_letter() {
    let mut h = Harness::new().await;
    h.focus("Type");
    h.typed("cu");
    let s = h.screen(120, 40);
    assert!(s.contains("filter: cu"), "{s}");
    h.press(KeyCode::Enter);
    assert_eq!(h.app().current().form.draft.get("type"), "customer");
}

/// Issue 15: a filter ranks names that start with it first: `ind` on Country is India,
/// not British Indian Ocean Territory, which comes first in the list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filter_ranks_names_that_start_with_it_first() {
    let mut h = Harness::new().await;
    h.focus("Country");
    h.typed("ind");
    assert_eq!(shown(&h)[0], "India (IN, +91) · भारत", "{:?}", shown(&h));
    h.press(KeyCode::Enter);
    let id = h.app().current().form.draft.get("country_id").to_owned();
    let c = &h.app().current().catalog;
    assert_eq!(
        c.countries.find(&id).unwrap().name,
        "India (IN, +91) · भारत"
    );
}

/// Big lists are made ready on a worker as soon as they arrive (issue 23): the Tags
/// picker of a tenant with 3,000 tags opens on search strings made off the UI thread,
/// not converted when Enter is pressed, and quick add's name index is made there too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_list_is_ready_before_its_picker_opens() {
    use rolo::contact::fields::CatalogKind;
    let mut h = Harness::with_seed(|seed| {
        let t = seed
            .wipsy
            .iter_mut()
            .find(|t| t.name == "loadtest")
            .unwrap();
        for n in 0..3_000 {
            t.tags.push(rolo::sandbox::state::Tag {
                id: format!("00000000-0000-4000-8000-{n:012}"),
                name: format!("Etiqueta {n:05}"),
                color: "#22AA66".to_owned(),
            });
        }
    })
    .await;
    h.switch_to("wipsy").await;
    let tags = |a: &rolo::tui::app::App| a.current().catalog.items(CatalogKind::Tags).clone();
    h.until(|a| !a.lists_pending && a.searches.find(&tags(a)).is_some())
        .await;
    assert!(tags(h.app()).len() > 3_000);
    assert!(
        tags(h.app()).is_prepared_for_matching(),
        "quick add's name index is made on the worker too"
    );
    let ready = h.app().searches.find(&tags(h.app())).unwrap();
    h.focus("Tags");
    h.press(KeyCode::Enter);
    let Mode::Picker(p) = &h.app().mode else {
        panic!("no picker is open")
    };
    assert!(
        std::sync::Arc::ptr_eq(&p.search(), &ready),
        "the worker's search strings"
    );
    h.typed("02999");
    assert_eq!(
        shown(&h).first().map(String::as_str),
        Some("Etiqueta 02999")
    );
}

/// Issue 25 (10): a picker says where the cursor is ("3 of 17"), Page Down and End move in
/// pages and to the last entry, and Space in a multi picker clears the filter that
/// found the entry, so the next name is typed at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pickers_count_page_and_clear_the_filter_after_space() {
    let mut h = Harness::new().await;
    h.focus("Source");
    h.press(KeyCode::Enter);
    let s = h.screen(120, 40);
    assert!(s.contains("1 of 17"), "{s}");
    h.press(KeyCode::PageDown);
    assert!(h.screen(120, 40).contains("11 of 17"));
    h.press(KeyCode::End);
    assert!(h.screen(120, 40).contains("17 of 17"));
    h.press(KeyCode::Home);
    assert!(h.screen(120, 40).contains("1 of 17"));
    h.press(KeyCode::Esc);
    h.focus("Groups");
    h.press(KeyCode::Enter);
    h.typed("mumb");
    h.press(KeyCode::Char(' '));
    let Mode::Picker(p) = &h.app().mode else {
        panic!("the picker stays open")
    };
    assert_eq!(p.filter, "", "Space cleared the filter");
    h.typed("delh");
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Enter);
    let groups = h.app().current().form.draft.list("groups").to_vec();
    assert_eq!(groups.len(), 2, "Mumbai and Delhi: {groups:?}");
}

/// Issue 25 (11): the terminal cursor sits on the selected row of a picker, where a
/// screen reader reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_cursor_sits_on_the_selected_row() {
    let mut h = Harness::new().await;
    h.focus("Source");
    h.press(KeyCode::Enter);
    for (downs, name) in [(0, "Website"), (1, "WhatsApp"), (2, "Facebook Ads")] {
        for _ in 0..downs {
            h.press(KeyCode::Down);
        }
        let s = h.screen(120, 40);
        let row = s
            .lines()
            .position(|l| l.contains(&format!("│{name}")))
            .unwrap_or_else(|| {
                s.lines()
                    .position(|l| l.contains(name) && l.contains('│'))
                    .unwrap()
            });
        let (_, y) = h.cursor(120, 40);
        assert_eq!(usize::from(y), row, "{name}:\n{s}");
        for _ in 0..downs {
            h.press(KeyCode::Up);
        }
    }
}

/// Issue 25 (11): the read-only lists (F4, F3) put the terminal cursor on their first row.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lists_put_the_cursor_on_their_first_row() {
    let mut h = Harness::new().await;
    h.key(KeyCode::F(4), crossterm::event::KeyModifiers::NONE);
    let s = h.screen(120, 40);
    let row = s
        .lines()
        .position(|l| l.contains("No contact created yet") || l.contains("Priya"))
        .unwrap_or_else(|| panic!("{s}"));
    let (_, y) = h.cursor(120, 40);
    assert_eq!(usize::from(y), row, "{s}");
}

/// Issue 25 (10): a filter typed with `ñ` means it: Ñandú Club comes before Navidad
/// (which only matches `ñ` folded to `n`); a plain `n` still finds both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_typed_enye_ranks_the_names_that_have_it_first() {
    let mut h = Harness::new().await;
    h.focus("Groups");
    h.press(KeyCode::Enter);
    h.typed("ñ");
    let s = h.screen(120, 40);
    let at = |name: &str| s.lines().position(|l| l.contains(name));
    let (nandu, navidad) = (at("Ñandú Club"), at("Navidad"));
    assert!(nandu.is_some(), "{s}");
    assert!(navidad.is_none_or(|n| nandu < Some(n)), "{s}");
}
