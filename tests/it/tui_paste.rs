//! Pastes with any line ends (issue 15): terminals paste line ends as CR (tmux, most
//! others), LF or CRLF, and the form reads them alike.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use support::tui::Harness;

fn whatsapp_card() -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/vcards/whatsapp_30.vcf",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
    .replace("\r\n", "\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vcard_pasted_with_any_line_ends_fills_the_form() {
    for end in ["\r", "\n", "\r\n"] {
        let mut h = Harness::new().await;
        h.paste(&whatsapp_card().replace('\n', end));
        let d = h.app().current().form.draft.clone();
        assert_eq!(
            (d.get("firstname"), d.get("lastname"), d.get("phone")),
            ("Carlos", "Rodríguez", "+573188779043"),
            "line end {end:?}"
        );
        assert!(h.screen(120, 40).contains("vCard on the form"), "{end:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_pasted_one_per_line_into_a_list_are_each_picked() {
    for end in ["\r", "\n", "\r\n"] {
        let mut h = Harness::new().await;
        h.focus("Groups");
        h.paste(&format!("Cali{end}Bogotá"));
        let s = h.screen(120, 40);
        assert!(
            s.contains("[Cali]") && s.contains("[Bogotá]"),
            "line end {end:?}:\n{s}"
        );
        assert!(!s.contains("CaliBogotá"), "{s}");
        assert_eq!(h.app().current().form.draft.list("groups").len(), 2);
    }
}

/// Issue 15: a number field takes a decimal comma as the decimal point (`12,5` was
/// `125`), typed or pasted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decimal_comma_in_a_number_field_is_the_decimal_point() {
    let mut h = Harness::new().await;
    h.switch_to("wdemo").await;
    let id = h.custom_id("Presupuesto mensual");
    let value = |h: &Harness| h.app().current().form.draft.custom.get(&id).cloned();
    h.focus("Presupuesto mensual");
    h.typed("12,5");
    assert_eq!(value(&h).as_deref(), Some("12.5"));
    h.ctrl('w');
    h.ctrl('w');
    h.ctrl('w');
    assert_eq!(value(&h).unwrap_or_default(), "");
    h.paste("7,25");
    assert_eq!(value(&h).as_deref(), Some("7.25"));
}
