//! The status bar's counters (contacts against the plan, requests left in the rate
//! window) follow what the server last said: after creates, after duplicate checks,
//! after a 429, after the tenant's limits change, and when the rate window has passed.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use rolo::tui::app::App;
use serde_json::json;
use support::tui::Harness;

/// The status bar: the screen's last line inside the frame.
fn bar(h: &mut Harness) -> String {
    let s = h.screen(120, 40);
    s.lines().rev().nth(1).unwrap().to_owned()
}

async fn patch(h: &Harness, body: &serde_json::Value) {
    let url = format!("{}/_sandbox/whatsmark/demo", h.sb.origin());
    let resp = reqwest::Client::new()
        .patch(url)
        .json(body)
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{resp:?}");
}

fn remaining(a: &App) -> Option<i64> {
    a.current().rate.and_then(|r| r.remaining)
}

fn limit(a: &App) -> Option<u32> {
    a.current().rate.and_then(|r| r.limit)
}

/// Issue 15: the counters went stale after creates, after a 429 and after the limits
/// changed, and a duplicate check's answer never updated the rate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_bar_counts_what_the_server_said_last() {
    let mut h = Harness::new().await;
    let start = bar(&mut h);
    assert!(start.contains("contacts 3/1000"), "{start}");

    // The tenant's plan and rate limit change on the server.
    patch(
        &h,
        &json!({ "contact_limit": 50, "rate_limit_per_minute": 30 }),
    )
    .await;

    // Leaving the phone runs the duplicate check: its answer carries the new rate limit.
    h.type_fields(&["Meera", "Iyer", "+91 98470 55501"]);
    h.press(crossterm::event::KeyCode::Tab);
    h.until(|a| limit(a) == Some(30)).await;
    let after_check = remaining(h.app()).unwrap();
    assert!(
        bar(&mut h).contains(&format!("rate {after_check}/30")),
        "{}",
        bar(&mut h)
    );

    // A create: the count goes up from the create itself and the rate comes from its
    // headers (issue 25: two requests a contact, no usage request after each); Ctrl-R
    // reads the plan's new limit from the server.
    h.picks("Type", &["lead", "web", "nuevo"]);
    h.submit().await;
    assert!(bar(&mut h).contains("contacts 4/1000"), "{}", bar(&mut h));
    let now = remaining(h.app()).unwrap();
    assert!(now < after_check, "{now} after {after_check}");
    assert!(
        bar(&mut h).contains(&format!("rate {now}/30")),
        "{}",
        bar(&mut h)
    );
    h.ctrl('r');
    h.until(|a| a.current().usage.is_some_and(|u| u.limit == Some(50)))
        .await;
    let s = bar(&mut h);
    assert!(s.contains("contacts 4/50"), "{s}");

    // A 429 on the next check: the bar says none are left and when more come.
    patch(&h, &json!({ "rate_limit_per_minute": 1 })).await;
    h.type_fields(&["Ravi", "Kumar", "+91 98470 55502"]);
    h.press(crossterm::event::KeyCode::Tab);
    h.until(|a| remaining(a) == Some(0) && limit(a) == Some(1))
        .await;
    let s = bar(&mut h);
    assert!(s.contains("rate 0/1"), "{s}");
    assert!(s.contains("more in"), "when the window resets: {s}");
}

/// Issue 15: once the window the server counted in has passed, the old figure is not
/// shown as if it still held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passed_rate_window_is_not_shown_as_current() {
    let mut h = Harness::new().await;
    patch(&h, &json!({ "rate_limit_per_minute": 5 })).await;
    // The server's clock two minutes behind rolo's: the window it counts this check in
    // (60 s) has already passed on rolo's clock, with no test waiting for it to pass.
    h.sb.move_clock(-120).unwrap();
    h.type_fields(&["Meera", "Iyer", "+91 98470 55503"]);
    h.press(crossterm::event::KeyCode::Tab);
    h.until(|a| limit(a) == Some(5)).await;
    let reset = h.app().current().rate.unwrap().reset.unwrap();
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap();
    assert!(
        reset < now,
        "the window has passed: reset {reset}, now {now}"
    );
    assert_eq!(remaining(h.app()), Some(4), "the server counted the check");
    let s = bar(&mut h);
    assert!(s.contains("rate 5/5 (new window)"), "{s}");
}
