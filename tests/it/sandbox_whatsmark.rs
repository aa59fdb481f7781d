//! The WhatsMark flavour of the sandbox, over real HTTP on 127.0.0.1.
// Table-driven tests read best as one long function.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::support;

use serde_json::{Value, json};
use support::sandbox::wm_minimal as minimal;

#[tokio::test]
async fn create_with_every_documented_field_and_read_it_back() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let body = json!({
        "firstname": "Ana María", "lastname": "Pérez", "phone": "+573188770000",
        "type": "customer", "source_id": 115, "status_id": 287,
        "email": "ana.perez@acme.co", "company": "Acme SAS", "description": "Vino por Instagram 📸",
        "city": "Medellín", "state": "Antioquia", "zip": "050021", "address": "Cra. 43A #1-50",
        "country_id": 48, "assigned_id": 15, "groups": [12, 14, 999],
    });
    let (status, created) = sb.wm_create(&token, &body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["success"], true);
    assert_eq!(created["message"], "Contact created successfully");
    assert!(created["meta"]["request_id"].is_string());
    let c = &created["data"];
    for (key, value) in body.as_object().unwrap() {
        if key != "groups" {
            assert_eq!(&c[key], value, "{key}");
        }
    }
    assert_eq!(
        c["group_id"],
        json!([12, 14, 999]),
        "group ids are not checked"
    );
    let names = support::names(&c["groups"]);
    assert_eq!(names, ["Mayoristas", "Bogotá"]);
    assert!(c["id"].as_i64().unwrap() > 0);

    let found = sb
        .wm_json(
            &token,
            "/contacts?search=573188770000&include=groups,source,status",
        )
        .await;
    assert_eq!(found["meta"]["pagination"]["total"], 1);
    let read = &found["data"][0];
    assert_eq!(read["firstname"], "Ana María");
    assert_eq!(read["source"]["name"], "Referido");
    assert_eq!(read["status"]["color"], "#F97316");
    let stored = sb.stored("whatsmark", "demo");
    assert_eq!(stored.last().unwrap()["email"], "ana.perez@acme.co");
}

#[tokio::test]
async fn every_documented_validation_message() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let (status, answer) = sb.wm_create(&token, &json!({})).await;
    assert_eq!(status, 422);
    assert_eq!(answer["success"], false);
    assert_eq!(answer["error"]["code"], "VALIDATION_ERROR");
    assert_eq!(
        answer["error"]["details"],
        json!({
            "firstname": ["First name is required."],
            "lastname": ["Last name is required."],
            "phone": ["Phone number is required."],
            "type": ["Type is required."],
            "source_id": ["Source is required."],
            "status_id": ["Status is required."],
        })
    );
    let long = "x".repeat(256);
    let cases = vec![
        (
            "firstname",
            json!(long),
            "The firstname field must not be greater than 255 characters.",
        ),
        ("lastname", json!(""), "Last name is required."),
        (
            "phone",
            json!("+91 95874 22363 12345 6"),
            "The phone field must not be greater than 20 characters.",
        ),
        (
            "phone",
            json!("+919587422363"),
            "This phone number already exists.",
        ),
        (
            "email",
            json!("priya.r@example.in"),
            "This email address already exists.",
        ),
        (
            "email",
            json!("not an email"),
            "The email field must be a valid email address.",
        ),
        (
            "type",
            json!("vip"),
            "Type must be either lead, customer, or guest.",
        ),
        (
            "type",
            json!(1),
            "Type must be either lead, customer, or guest.",
        ),
        (
            "source_id",
            json!(9999),
            "The selected source does not exist or does not belong to your account.",
        ),
        (
            "status_id",
            json!(9999),
            "The selected status does not exist or does not belong to your account.",
        ),
        (
            "source_id",
            json!("abc"),
            "The source id field must be an integer.",
        ),
        (
            "zip",
            json!("1".repeat(21)),
            "The zip field must not be greater than 20 characters.",
        ),
        (
            "address",
            json!("a".repeat(501)),
            "The address field must not be greater than 500 characters.",
        ),
        (
            "company",
            json!(["Acme"]),
            "The company field must be a string.",
        ),
        (
            "country_id",
            json!(10.5),
            "The country id field must be an integer.",
        ),
        ("groups", json!("12"), "The groups field must be an array."),
        ("groups", json!(null), "The groups field must be an array."),
        (
            "groups.1",
            json!(null),
            "The groups.1 field must be an integer.",
        ),
        (
            "nickname",
            json!("Ravi"),
            "The nickname field is prohibited.",
        ),
    ];
    for (field, value, message) in cases {
        let mut body = minimal("+919000000001");
        if field == "groups.1" {
            body["groups"] = json!([12, "x"]);
        } else {
            body[field] = value;
        }
        let (status, answer) = sb.wm_create(&token, &body).await;
        assert_eq!(status, 422, "{field}: {answer}");
        let got = &answer["error"]["details"][field];
        assert_eq!(got, &json!([message]), "{field}: {answer}");
    }
}

#[tokio::test]
async fn auth_failures_have_their_codes() {
    let sb = support::sandbox::start().await;
    let cases = [
        (None, 401, "AUTHENTICATION_REQUIRED"),
        (Some("wm_nope".to_owned()), 401, "INVALID_TOKEN"),
        (Some(sb.wm_token("demo", "revoked")), 401, "TOKEN_REVOKED"),
        (Some(sb.wm_token("demo", "expired")), 401, "TOKEN_EXPIRED"),
        (
            Some(sb.wm_token("demo", "whitelisted")),
            403,
            "IP_NOT_WHITELISTED",
        ),
    ];
    for (token, status, code) in cases {
        let mut req = sb
            .http
            .post(sb.wm_url("/contacts"))
            .json(&minimal("+919000000002"));
        if let Some(t) = &token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), status, "{code}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["success"], false);
        assert_eq!(body["error"]["code"], code);
        assert!(body["meta"]["request_id"].is_string());
    }
    let (status, body) = sb
        .wm_create(&sb.wm_token("demo", "read only"), &minimal("+919000000003"))
        .await;
    assert_eq!(status, 403);
    assert_eq!(body["error"]["code"], "INSUFFICIENT_SCOPE");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("contacts:write")
    );
    let resp = sb
        .wm_get(&sb.wm_token("demo", "contacts:write"), "/sources")
        .await;
    assert_eq!(resp.status(), 403);
    let body: Value = resp.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sources:read")
    );
}

#[tokio::test]
async fn the_plan_limit_is_checked_after_validation() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("full-house", "full");
    let (status, answer) = sb.wm_create(&token, &minimal("+34600999000")).await;
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["error"]["code"], "FEATURE_LIMIT_EXCEEDED");
    assert_eq!(
        answer["error"]["details"],
        json!({ "feature": "contacts", "current": 3, "maximum": 3 })
    );
    let (status, answer) = sb.wm_create(&token, &json!({ "firstname": "X" })).await;
    assert_eq!(status, 422, "validation first: {answer}");
    let usage = sb.wm_json(&token, "/account/usage").await;
    assert_eq!(usage["data"]["contacts"]["remaining"], 0);
    assert_eq!(usage["data"]["contacts"]["percentage_used"], 100.0);
}

/// A 429's `Retry-After`, in seconds.
fn retry_after(resp: &reqwest::Response) -> i64 {
    resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn rate_limit_headers_count_down_then_429_with_retry_after() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let limit = 60;
    for i in 1..=limit {
        let resp = sb.wm_get(&token, "/statuses").await;
        assert_eq!(resp.status(), 200, "request {i}");
        let h = resp.headers();
        assert_eq!(h["x-ratelimit-limit"], "60");
        assert_eq!(h["x-ratelimit-remaining"], (limit - i).to_string().as_str());
        assert_eq!(h["x-ratelimit-window"], "60");
        assert!(
            h["x-ratelimit-reset"]
                .to_str()
                .unwrap()
                .parse::<i64>()
                .unwrap()
                > 1_700_000_000
        );
    }
    let resp = sb.wm_get(&token, "/statuses").await;
    assert_eq!(resp.status(), 429);
    let retry = retry_after(&resp);
    assert!((1..=60).contains(&retry));
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "0");
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "RATE_LIMIT_EXCEEDED");
    assert_eq!(body["meta"]["retry_after"], retry);
    // Other tokens have their own window.
    let other = sb
        .wm_get(&sb.wm_token("rasl-retail", "full"), "/statuses")
        .await;
    assert_eq!(other.headers()["x-ratelimit-remaining"], "59");
    // An unlimited tenant says so.
    let load = sb
        .wm_get(&sb.wm_token("loadtest", "full"), "/statuses")
        .await;
    assert_eq!(load.headers()["x-ratelimit-limit"], "unlimited");
}

/// A rate window ends when the sandbox's clock moves past it: a test waits for nothing.
#[tokio::test]
async fn a_rate_window_ends_when_the_clock_moves_past_it() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    for _ in 0..60 {
        assert_eq!(sb.wm_get(&token, "/statuses").await.status(), 200);
    }
    let limited = sb.wm_get(&token, "/statuses").await;
    assert_eq!(limited.status(), 429);
    let retry = retry_after(&limited);
    // Five seconds short of the window's end (a wall-clock second may pass meanwhile):
    // still limited, and the wait shrinks with the clock.
    sb.move_clock(retry - 5).await;
    let still = sb.wm_get(&token, "/statuses").await;
    assert_eq!(still.status(), 429);
    let left = retry_after(&still);
    assert!((1..=5).contains(&left), "{left} s left");
    sb.move_clock(5).await;
    let resp = sb.wm_get(&token, "/statuses").await;
    assert_eq!(resp.status(), 200, "a new window");
    assert_eq!(resp.headers()["x-ratelimit-remaining"], "59");
}

#[tokio::test]
async fn catalog_lists_page_15_at_a_time_whatever_per_page_says() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let mut url = sb.wm_url("/groups?per_page=100");
    let mut names = Vec::new();
    let mut pages = 0;
    loop {
        let page: Value = sb
            .http
            .get(&url)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pages += 1;
        let p = &page["meta"]["pagination"];
        assert_eq!(p["per_page"], 15);
        assert_eq!(p["total"], 23);
        assert_eq!(p["total_pages"], 2);
        assert_eq!(p["current_page"], pages);
        assert_eq!(p["count"], page["data"].as_array().unwrap().len());
        names.extend(
            page["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g["name"].as_str().unwrap().to_owned()),
        );
        if p["has_more"] == false {
            assert_eq!(page["links"]["next"], Value::Null);
            break;
        }
        url = page["links"]["next"].as_str().unwrap().to_owned();
    }
    assert_eq!(pages, 2);
    assert_eq!(names.len(), 23);
    assert!(names.contains(&"中文客户".to_owned()));
    for q in ["/sources?page=0", "/sources?page=abc", "/sources"] {
        let page = sb.wm_json(&token, q).await;
        assert_eq!(page["meta"]["pagination"]["current_page"], 1, "{q}");
        assert_eq!(page["data"].as_array().unwrap().len(), 15, "{q}");
    }
    let statuses = sb.wm_json(&token, "/statuses").await;
    assert_eq!(statuses["data"][0]["color"], "#3B82F6");
    let searched = sb.wm_json(&token, "/sources?search=ads").await;
    assert_eq!(searched["meta"]["pagination"]["total"], 2);
}

#[tokio::test]
async fn contacts_search_matches_names_email_phone_and_company() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    for (q, expected) in [
        ("priya", "Priya"),
        ("GÓMEZ", "María José"),
        ("mjgomez@", "María José"),
        ("9587422363", "Priya"),
        ("textiles", "Priya"),
    ] {
        let page: Value = sb
            .http
            .get(sb.wm_url("/contacts"))
            .query(&[("search", q)])
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["meta"]["pagination"]["total"], 1, "{q}");
        assert_eq!(page["data"][0]["firstname"], expected, "{q}");
    }
    let all = sb.wm_json(&token, "/contacts?per_page=2").await;
    assert_eq!(all["meta"]["pagination"]["per_page"], 2);
    assert_eq!(all["meta"]["pagination"]["total_pages"], 2);
    assert_eq!(all["data"][0]["firstname"], "João", "newest first");
}

#[tokio::test]
async fn account_usage_and_limits() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let account = sb.wm_json(&token, "/account").await;
    assert_eq!(account["data"]["name"], "demo");
    assert_eq!(account["data"]["subscription"]["plan_name"], "Growth");
    let before = sb.wm_json(&token, "/account/usage").await;
    assert_eq!(before["data"]["contacts"]["current"], 3);
    assert_eq!(before["data"]["contacts"]["limit"], 1000);
    let (status, _) = sb.wm_create(&token, &minimal("+919000000009")).await;
    assert_eq!(status, 201);
    let after = sb.wm_json(&token, "/account/usage").await;
    assert_eq!(after["data"]["contacts"]["current"], 4);
    assert_eq!(after["data"]["contacts"]["remaining"], 996);
    let limits = sb.wm_json(&token, "/account/limits").await;
    assert_eq!(
        limits["data"]["limits"]["api_calls_per_minute"]["limit"],
        60
    );
    let load = sb
        .wm_json(&sb.wm_token("loadtest", "full"), "/account/limits")
        .await;
    assert_eq!(load["data"]["limits"]["contacts"]["limit"], -1);
    assert_eq!(load["data"]["limits"]["contacts"]["is_unlimited"], true);
    // rasl-retail answers single resources wrapped twice, as some installs do.
    let rasl = sb
        .wm_json(&sb.wm_token("rasl-retail", "full"), "/account")
        .await;
    assert_eq!(rasl["data"]["data"]["name"], "rasl-retail");
}

#[tokio::test]
async fn malformed_requests_get_the_envelope() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    for (body, status) in [
        (b"{\"firstname\": ".to_vec(), 422),
        (b"\"just a string\"".to_vec(), 422),
        (vec![b' '; 1024 * 1024 + 10], 413),
    ] {
        let resp = sb
            .wm_post(&token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), status);
        assert!(resp.headers().contains_key("x-ratelimit-remaining"));
        let answer: Value = resp.json().await.unwrap();
        assert_eq!(answer["success"], false, "{answer}");
        assert!(answer["error"]["code"].is_string());
    }
    let resp = sb.wm_get(&token, "/nothing").await;
    assert_eq!(resp.status(), 404);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["error"]["code"], "NOT_FOUND");
    let resp = sb.http.delete(sb.wm_url("/contacts")).send().await.unwrap();
    assert_eq!(resp.status(), 405);
    let answer: Value = resp.json().await.unwrap();
    assert_eq!(answer["success"], false);
}

/// A tenant switched to `allow_duplicates` stores a taken phone and email again, as a CRM
/// without a uniqueness rule does: what the exactly-once tests run on.
#[tokio::test]
async fn a_tenant_that_allows_duplicates_stores_a_taken_phone_again() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let mut body = minimal("+919587422363");
    body["email"] = json!("priya.r@example.in");
    assert_eq!(sb.wm_create(&token, &body).await.0, 422);
    let on = json!({ "allow_duplicates": true });
    assert_eq!(sb.patch_tenant("whatsmark", "demo", &on).await, 200);
    let before = sb.stored("whatsmark", "demo").len();
    for _ in 0..2 {
        let (status, answer) = sb.wm_create(&token, &body).await;
        assert_eq!(status, 201, "{answer}");
    }
    assert_eq!(sb.stored("whatsmark", "demo").len(), before + 2);
    let off = json!({ "allow_duplicates": false });
    assert_eq!(sb.patch_tenant("whatsmark", "demo", &off).await, 200);
    assert_eq!(sb.wm_create(&token, &body).await.0, 422);
}
