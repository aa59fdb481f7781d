//! Fault injection, the control surface, the state file and the `rolo sandbox` command.
// Table-driven tests read best as one long function.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rolo::sandbox::FaultKind;
use serde_json::{Value, json};
use support::SeedExt;
use support::sandbox::{once as rule, wm_minimal as body};

const WM_CONTACTS: &str = "/whatsmark/api/v2/contacts";

#[tokio::test]
async fn status_500_in_each_flavours_shape_then_normal_again() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    sb.handle.add_fault(rule(WM_CONTACTS, FaultKind::Status500));
    sb.handle.add_fault(rule("/wipsy/*", FaultKind::Status500));
    let (status, answer) = sb.wm_create(&token, &body("+919100000001")).await;
    assert_eq!(status, 500);
    assert_eq!(answer["error"]["code"], "INTERNAL_ERROR");
    let (status, answer) = sb.wipsy_create("loadtest", &json!({ "name": "A" })).await;
    assert_eq!(status, 500);
    assert!(answer["error"].is_string());
    let (status, _) = sb.wm_create(&token, &body("+919100000001")).await;
    assert_eq!(status, 201, "times: 1 fires once");
}

#[tokio::test]
async fn delay_holds_the_answer_back() {
    let sb = support::sandbox::start().await;
    sb.handle
        .add_fault(rule(WM_CONTACTS, FaultKind::Delay { ms: 300 }));
    let started = Instant::now();
    let (status, _) = sb
        .wm_create(&sb.wm_token("demo", "full"), &body("+919100000002"))
        .await;
    assert_eq!(status, 201);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_and_after_means_stored() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    sb.handle.add_fault(rule(WM_CONTACTS, FaultKind::Drop));
    let err = sb
        .wm_post(&token)
        .json(&body("+919100000003"))
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_status(), "{err}");
    assert_eq!(sb.stored("whatsmark", "demo").len(), 3, "not stored");
    let mut after = rule(WM_CONTACTS, FaultKind::Drop);
    after.after = true;
    sb.handle.add_fault(after);
    let err = sb.wm_post(&token).json(&body("+919100000004")).send().await;
    assert!(err.is_err());
    let stored = sb.stored("whatsmark", "demo");
    assert_eq!(stored.len(), 4, "stored before the drop");
    assert_eq!(stored[3]["phone"], "+919100000004");
}

#[tokio::test]
async fn malformed_json_html_and_redirect() {
    let sb = support::sandbox::start().await;
    sb.handle
        .add_fault(rule("/wipsy/api-get-contacts", FaultKind::MalformedJson));
    let resp = sb
        .wipsy_get("loadtest", "/api-get-contacts")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "application/json");
    assert!(resp.json::<Value>().await.is_err());

    sb.handle
        .add_fault(rule("/wipsy/api-get-contacts", FaultKind::Html));
    let resp = sb
        .wipsy_get("loadtest", "/api-get-contacts")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 502);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(resp.text().await.unwrap().contains("<html>"));

    sb.handle.add_fault(rule(
        "/wipsy/api-get-contacts",
        FaultKind::Redirect { location: None },
    ));
    let resp = sb
        .wipsy_get("loadtest", "/api-get-contacts?limit=1")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 307);
    let port = sb.handle.addr().port();
    assert_eq!(
        resp.headers()["location"],
        format!("http://localhost:{port}/wipsy/api-get-contacts?limit=1").as_str()
    );
}

#[tokio::test]
async fn the_control_surface_over_http() {
    let sb = support::sandbox::start().await;
    let origin = sb.handle.origin();
    let resp = sb
        .http
        .post(format!("{origin}/_sandbox/faults"))
        .json(&json!({ "path": WM_CONTACTS, "method": "POST", "kind": "status500", "times": 2 }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    let token = sb.wm_token("demo", "full");
    for _ in 0..2 {
        assert_eq!(sb.wm_create(&token, &body("+919100000005")).await.0, 500);
    }
    assert_eq!(sb.wm_create(&token, &body("+919100000005")).await.0, 201);

    let resp = sb
        .http
        .patch(format!("{origin}/_sandbox/whatsmark/demo"))
        .json(&json!({ "rate_limit_per_minute": 2 }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let statuses: Vec<u16> = futures_statuses(&sb, &token, 2).await;
    // Faulted requests never reached the API, so the window holds one request.
    assert_eq!(statuses, [200, 429]);

    let log = sb.control_json("/_sandbox/requests").await;
    let log = log.as_array().unwrap();
    assert!(log.iter().all(|r| r["had_credentials"] == true));
    assert!(
        !log.iter().any(|r| r.to_string().contains(&token)),
        "secrets are never logged"
    );

    // Four Wipsy tenants, four WhatsMark ones, two Chatwoot accounts (issue 30).
    let tenants = sb.control_json("/_sandbox/tenants").await;
    assert_eq!(tenants.as_array().unwrap().len(), 10);
}

async fn futures_statuses(sb: &support::Sb, token: &str, n: usize) -> Vec<u16> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(sb.wm_get(token, "/sources").await.status().as_u16());
    }
    out
}

#[tokio::test]
async fn the_state_file_follows_every_create() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let (handle, seed) = support::sandbox::start_with(|c| c.state_file = Some(path.clone())).await;
    let key = seed.wipsy_key("loadtest");
    rolo::api::install_crypto();
    let resp = reqwest::Client::new()
        .post(format!("{}/wipsy/api-create-contact", handle.origin()))
        .header("x-api-key", key)
        .json(&json!({ "name": "Estado", "phone": "+573009998877" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    handle.shutdown().await;
    let state: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let load = state["wipsy"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "loadtest")
        .unwrap();
    assert_eq!(load["contacts"][0]["name"], "Estado");
}

/// Starts the real binary and reads what it prints before serving.
fn sandbox_output(extra: &[&str], lines: usize) -> Vec<String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rolo"))
        .args(["sandbox", "--port", "0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut out = Vec::new();
    for _ in 0..lines {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        out.push(line.trim_end().to_owned());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    out
}

#[test]
fn rolo_sandbox_prints_one_line_per_tenant() {
    let lines = sandbox_output(&[], 10);
    let first: Vec<&str> = lines[0].split(' ').collect();
    assert_eq!(first[0], "wipsy");
    assert_eq!(first[1], "demo");
    assert!(first[2].starts_with("http://127.0.0.1:") && first[2].ends_with("/wipsy"));
    assert!(first[3].starts_with("wpy_"));
    let wm: Vec<&str> = lines[4].split(' ').collect();
    assert_eq!(wm[0], "whatsmark");
    assert!(wm[2].ends_with("/whatsmark/api/v2"));
    assert!(wm[3].starts_with("wm_") && wm[3].len() == 63);
    // Chatwoot's lines name the account too, a fifth column (issue 30).
    let cw: Vec<&str> = lines[8].split(' ').collect();
    assert_eq!(cw[0], "chatwoot");
    assert_eq!(cw[1], "demo");
    assert!(cw[2].ends_with("/chatwoot/api/v1"));
    assert!(cw[3].starts_with("cwk_"));
    assert_eq!(cw[4], "1");
    let json = sandbox_output(&["--json"], 1);
    let tenants: Value = serde_json::from_str(&json[0]).unwrap();
    assert_eq!(tenants.as_array().unwrap().len(), 10);
    assert_eq!(tenants[8]["account_id"], 1);
    assert_eq!(tenants[0]["flavour"], "wipsy");
}
