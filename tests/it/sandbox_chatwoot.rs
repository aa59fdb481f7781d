//! The sandbox's Chatwoot, over real HTTP, as `shared/api/chatwoot.openapi.yaml` and the
//! README's "Flavour chatwoot" say (issue 30): the token and the account, create's 200
//! with `payload.contact`, the 422 `{message, attributes}`, labels overwritten whole,
//! search over resolved contacts 15 a page with `%2B`, merged attribute objects, the bare
//! array of definitions filtered by model, and the search limit's plain 429.
#![allow(clippy::unwrap_used)]

use crate::support;

use rolo::sandbox::errors::Flavour;
use serde_json::{Value, json};

const DEMO: &str = "cwk_demo_6Jx2Q9sVnT4mLrP8aZ1dW7yC";
const NORTE: &str = "cwk_norte_3Hf8Kq1ZpR5vXe9bN2tM6wYs";
const BOT: &str = "cwk_bot_9Pq4Lm7Xz2Nc5Vb8Rt1Hs6Jd";

fn url(sb: &support::Sb, path: &str) -> String {
    format!("{}{path}", sb.handle.base_url(Flavour::Chatwoot))
}

async fn call(
    sb: &support::Sb,
    method: reqwest::Method,
    token: Option<&str>,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = sb.http.request(method, url(sb, path));
    if let Some(t) = token {
        req = req.header("api_access_token", t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get(sb: &support::Sb, path: &str) -> (u16, Value) {
    call(sb, reqwest::Method::GET, Some(DEMO), path, None).await
}

async fn post(sb: &support::Sb, path: &str, body: Value) -> (u16, Value) {
    call(sb, reqwest::Method::POST, Some(DEMO), path, Some(body)).await
}

#[tokio::test]
async fn the_token_and_the_account_are_checked_as_chatwoot_does() {
    let sb = support::sandbox::start().await;
    let (s, b) = call(&sb, reqwest::Method::GET, None, "/accounts/1/labels", None).await;
    assert_eq!(s, 401);
    assert_eq!(
        b["errors"][0],
        "You need to sign in or sign up before continuing."
    );
    let (s, b) = call(
        &sb,
        reqwest::Method::GET,
        Some("nope"),
        "/accounts/1/labels",
        None,
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("Invalid Access Token"))
    );
    let (s, b) = call(
        &sb,
        reqwest::Method::GET,
        Some(NORTE),
        "/accounts/1/labels",
        None,
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (401, Some("You are not authorized to access this account"))
    );
    let (s, b) = call(
        &sb,
        reqwest::Method::GET,
        Some(BOT),
        "/accounts/1/labels",
        None,
    )
    .await;
    assert_eq!(
        (s, b["error"].as_str()),
        (
            401,
            Some("Access to this endpoint is not authorized for bots")
        )
    );
    let (s, b) = get(&sb, "/accounts/99/labels").await;
    assert_eq!(
        (s, b["error"].as_str()),
        (404, Some("Resource could not be found"))
    );
    let (s, b) = get(&sb, "/profile").await;
    assert_eq!(s, 200);
    assert_eq!(b["accounts"].as_array().unwrap().len(), 2);
    assert_eq!(b["accounts"][0]["id"], 1);
}

#[tokio::test]
async fn create_answers_200_with_the_payload_and_refuses_as_the_model_does() {
    let sb = support::sandbox::start().await;
    let body = json!({
        "name": "Lucía Gómez", "email": "Lucia.Gomez@Example.co", "phone_number": "+573001112233",
        "inbox_id": 1, "additional_attributes": { "company_name": "Acme", "city": "Cali" },
        "custom_attributes": { "plan": "oro" }, "labels": ["vip"], "unknown": 1,
    });
    let (s, b) = post(&sb, "/accounts/1/contacts", body).await;
    assert_eq!(s, 200, "{b}");
    let c = &b["payload"]["contact"];
    assert_eq!(c["email"], "lucia.gomez@example.co", "stored lowercased");
    assert!(c["created_at"].is_i64(), "unix seconds");
    assert_eq!(b["payload"]["contact_inbox"]["source_id"], "573001112233");
    let id = c["id"].as_i64().unwrap();
    let (_, labels) = get(&sb, &format!("/accounts/1/contacts/{id}/labels")).await;
    assert_eq!(
        labels["payload"],
        json!([]),
        "labels cannot be set on create"
    );

    // Taken, malformed: every message joined, every attribute named.
    let (s, b) = post(
        &sb,
        "/accounts/1/contacts",
        json!({ "email": "lucia.gomez@example.co", "phone_number": "3001112233" }),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        b["message"],
        "Email has already been taken, Phone number should be in e164 format"
    );
    assert_eq!(b["attributes"], json!(["email", "phone_number"]));
    let (s, b) = post(
        &sb,
        "/accounts/1/contacts",
        json!({ "phone_number": "+573001112233" }),
    )
    .await;
    assert_eq!(
        (s, b["attributes"][0].as_str()),
        (422, Some("phone_number"))
    );
    // A WhatsApp inbox needs a phone; another account's inbox is 404; nothing is kept.
    let before = sb.stored("chatwoot", "demo").len();
    let (s, b) = post(
        &sb,
        "/accounts/1/contacts",
        json!({ "name": "Sin tel", "inbox_id": 1 }),
    )
    .await;
    assert_eq!(s, 422);
    assert_eq!(
        b["error"],
        "param is missing or the value is empty: contact phone number"
    );
    let (s, _) = post(
        &sb,
        "/accounts/1/contacts",
        json!({ "name": "X", "inbox_id": 21 }),
    )
    .await;
    assert_eq!(s, 404);
    assert_eq!(sb.stored("chatwoot", "demo").len(), before);
    // The model's phone rule is anchored only at the end.
    let (s, _) = post(
        &sb,
        "/accounts/1/contacts",
        json!({ "phone_number": "x+573009998877" }),
    )
    .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn labels_are_overwritten_whole_and_attributes_merged() {
    let sb = support::sandbox::start().await;
    let (_, found) = get(&sb, "/accounts/1/contacts/search?q=%2B573157771234").await;
    let id = found["payload"][0]["id"].as_i64().unwrap();
    let path = format!("/accounts/1/contacts/{id}/labels");
    assert_eq!(get(&sb, &path).await.1["payload"], json!(["vip"]));
    let (s, b) = post(
        &sb,
        &path,
        json!({ "labels": ["soporte", "mayorista", "soporte"] }),
    )
    .await;
    assert_eq!((s, &b["payload"]), (200, &json!(["soporte", "mayorista"])));
    let (_, b) = post(&sb, &path, json!({})).await;
    assert_eq!(b["payload"], json!([]), "a missing list clears");

    let contact = format!("/accounts/1/contacts/{id}");
    let (s, b) = call(
        &sb,
        reqwest::Method::PATCH,
        Some(DEMO),
        &contact,
        Some(json!({ "custom_attributes": { "orders": 13 }, "additional_attributes": { "city": "Palmira" } })),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let c = &b["payload"];
    assert_eq!(
        c["custom_attributes"],
        json!({ "plan": "oro", "orders": 13 })
    );
    assert_eq!(
        c["additional_attributes"]["company_name"],
        "Ferretería Pérez"
    );
    assert_eq!(c["additional_attributes"]["city"], "Palmira");
    assert_eq!(c["email"], "ana.perez@example.co", "keys not sent are kept");
    // PUT is the same; its own phone passes its uniqueness.
    let (s, _) = call(
        &sb,
        reqwest::Method::PUT,
        Some(DEMO),
        &contact,
        Some(json!({ "phone_number": "+573157771234" })),
    )
    .await;
    assert_eq!(s, 200);
    let (s, _) = get(&sb, "/accounts/1/contacts/424242").await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn search_finds_resolved_contacts_and_definitions_come_by_model() {
    let sb = support::sandbox::start().await;
    let (s, b) = get(&sb, "/accounts/1/contacts/search?q=").await;
    assert_eq!(
        (s, b["error"].as_str()),
        (422, Some("Specify search string with parameter q"))
    );
    let (_, b) = get(&sb, "/accounts/1/contacts/search?q=p%C3%A9rez").await;
    assert_eq!(b["payload"].as_array().unwrap().len(), 1);
    assert_eq!(b["meta"]["count"], 1);
    // "Visitante sin datos" has no email, phone or identifier: not resolved, not found.
    let (_, b) = get(&sb, "/accounts/1/contacts/search?q=visitante").await;
    assert_eq!(b["payload"], json!([]));
    let (_, b) = get(&sb, "/accounts/1/contacts/search?q=ferreter").await;
    assert_eq!(
        b["payload"].as_array().unwrap().len(),
        1,
        "company_name too"
    );
    let (_, b) = get(
        &sb,
        "/accounts/1/contacts/search?q=rafa&include_contact_inboxes=false",
    )
    .await;
    assert!(b["payload"][0].get("contact_inboxes").is_none());
    // Definitions: a bare array, by model.
    let (_, defs) = get(
        &sb,
        "/accounts/1/custom_attribute_definitions?attribute_model=contact_attribute",
    )
    .await;
    let types: Vec<&str> = defs
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["attribute_display_type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "list", "date", "number", "currency", "percent", "link", "checkbox", "text"
        ]
    );
    let (_, all) = get(&sb, "/accounts/1/custom_attribute_definitions").await;
    assert_eq!(
        all.as_array().unwrap().len(),
        9,
        "blank gives every model's"
    );
}

#[tokio::test]
async fn searches_are_limited_to_100_a_minute_per_account_and_paged_by_15() {
    let sb = support::sandbox::start().await;
    // 20 contacts that "pag" finds: a page of 15, then 5.
    for n in 0..20 {
        let body = json!({ "name": format!("Paginado {n}"), "identifier": format!("pag-{n}") });
        assert_eq!(post(&sb, "/accounts/2/contacts", body).await.0, 200);
    }
    let (_, p1) = get(&sb, "/accounts/2/contacts/search?q=pag").await;
    let (_, p2) = get(&sb, "/accounts/2/contacts/search?q=pag&page=2").await;
    assert_eq!(p1["payload"].as_array().unwrap().len(), 15);
    assert_eq!(p2["payload"].as_array().unwrap().len(), 5);
    assert_eq!(
        (
            p1["meta"]["count"].as_i64(),
            p2["meta"]["current_page"].as_str()
        ),
        (Some(20), Some("2"))
    );
    // Account 1 has its own count: 100 go through, the 101st is rack-attack's.
    for n in 1..=100 {
        let (s, _) = get(&sb, "/accounts/1/contacts/search?q=a").await;
        assert_eq!(s, 200, "search {n}");
    }
    let resp = sb
        .http
        .get(url(&sb, "/accounts/1/contacts/search?q=a"))
        .header("api_access_token", DEMO)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert_eq!(resp.headers()["content-type"], "text/plain");
    assert!(resp.headers().get("retry-after").is_none());
    assert_eq!(resp.text().await.unwrap(), "Retry later\n");
    // Counted before the token is looked at.
    let (s, _) = call(
        &sb,
        reqwest::Method::GET,
        Some("nope"),
        "/accounts/1/contacts/search?q=a",
        None,
    )
    .await;
    assert_eq!(s, 429);
    sb.handle.move_clock(61).unwrap();
    assert_eq!(get(&sb, "/accounts/1/contacts/search?q=a").await.0, 200);
}

#[tokio::test]
async fn a_blank_inbox_is_no_inbox_and_a_bot_has_no_profile() {
    let sb = support::sandbox::start().await;
    for blank in [json!(""), json!(" "), json!(false), Value::Null] {
        let (s, b) = post(
            &sb,
            "/accounts/1/contacts",
            json!({ "name": "Sin bandeja", "inbox_id": blank }),
        )
        .await;
        assert_eq!(s, 200, "{blank}: {b}");
        assert_eq!(b["payload"]["contact_inbox"]["inbox"], Value::Null);
    }
    let (s, b) = call(&sb, reqwest::Method::GET, Some(BOT), "/profile", None).await;
    assert_eq!(
        (s, b["error"].as_str()),
        (
            401,
            Some("Access to this endpoint is not authorized for bots")
        )
    );
    // An email with a stray space fails Devise's format; it is lowercased, not trimmed.
    let (s, b) = post(
        &sb,
        "/accounts/1/contacts",
        json!({ "email": " Ana@Example.co" }),
    )
    .await;
    assert_eq!(
        (s, b["message"].as_str()),
        (422, Some("Email Invalid email"))
    );
    // A WhatsApp source id is the number without any +.
    let (_, b) = post(
        &sb,
        "/accounts/1/contacts",
        json!({ "phone_number": "x+573001230000", "inbox_id": 1 }),
    )
    .await;
    assert_eq!(b["payload"]["contact_inbox"]["source_id"], "x573001230000");
}
