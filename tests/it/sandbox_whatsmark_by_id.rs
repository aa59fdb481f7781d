//! The WhatsMark sandbox's `GET` / `PATCH /contacts/{id}` and its table's column widths,
//! as `../shared/api/README.md` describes the real server, over real HTTP on 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::support;

use serde_json::{Value, json};
use support::sandbox::{Sb, wm_minimal as minimal};

async fn patch(sb: &Sb, token: &str, id: &str, body: &Value) -> (u16, Value) {
    let resp = sb
        .http
        .patch(sb.wm_url(&format!("/contacts/{id}")))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.json().await.unwrap())
}

async fn get(sb: &Sb, token: &str, path: &str) -> (u16, Value) {
    let resp = sb.wm_get(token, path).await;
    (resp.status().as_u16(), resp.json().await.unwrap())
}

async fn created(sb: &Sb, token: &str, body: &Value) -> i64 {
    let (status, answer) = sb.wm_create(token, body).await;
    assert_eq!(status, 201, "{answer}");
    answer["data"]["id"].as_i64().unwrap()
}

#[tokio::test]
async fn get_by_id_is_wrapped_twice_and_includes_only_what_is_asked() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let mut body = minimal("+919800000101");
    body["groups"] = json!([12]);
    let id = created(&sb, &token, &body).await;
    let (status, answer) = get(&sb, &token, &format!("/contacts/{id}")).await;
    assert_eq!(status, 200, "{answer}");
    let c = &answer["data"]["data"];
    assert_eq!(c["id"], id);
    assert_eq!(c["phone"], "+919800000101");
    assert_eq!(c["group_id"], json!([12]));
    for absent in ["groups", "source", "status"] {
        assert!(c.get(absent).is_none(), "{absent} without include: {c}");
    }
    let path = format!("/contacts/{id}?include=groups,status");
    let (_, answer) = get(&sb, &token, &path).await;
    let c = &answer["data"]["data"];
    assert_eq!(support::names(&c["groups"]), ["Mayoristas"]);
    assert_eq!(c["status"]["id"], 281);
    assert!(c.get("source").is_none());

    let (status, answer) = get(&sb, &token, "/contacts/987654321").await;
    assert_eq!(status, 404);
    assert_eq!(answer["error"]["code"], "NOT_FOUND");
    assert_eq!(answer["error"]["message"], "Contact not found.");
    let (status, answer) = get(&sb, &token, "/contacts/abc").await;
    assert_eq!(
        (status, answer),
        (500, json!({ "message": "Server Error" }))
    );
}

#[tokio::test]
async fn patch_writes_only_the_keys_sent_and_null_clears() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let mut body = minimal("+919800000102");
    body["email"] = json!("ravi@example.in");
    body["city"] = json!("Pune");
    body["groups"] = json!([12, 14]);
    let id = created(&sb, &token, &body).await;
    let id_s = id.to_string();

    let (status, answer) = patch(&sb, &token, &id_s, &json!({})).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["message"], "Contact updated successfully");
    assert_eq!(answer["data"]["city"], "Pune", "{{}} changes nothing");

    let change =
        json!({ "city": "Surat", "email": null, "groups": [14, 14, 999], "status_id": 287 });
    let (status, answer) = patch(&sb, &token, &id_s, &change).await;
    assert_eq!(status, 200, "{answer}");
    let c = &answer["data"];
    assert_eq!(c["city"], "Surat");
    assert_eq!(c["email"], Value::Null, "null clears");
    assert_eq!(c["firstname"], "Ravi", "absent keeps");
    assert_eq!(c["status_id"], 287);
    assert_eq!(
        c["group_id"],
        json!([14, 999]),
        "groups replace, deduplicated"
    );
    assert_eq!(
        support::names(&c["groups"]),
        ["Bogotá"],
        "only existing groups"
    );

    // Absent or null groups keep them; [] clears.
    let (_, answer) = patch(&sb, &token, &id_s, &json!({ "groups": null })).await;
    assert_eq!(answer["data"]["group_id"], json!([14, 999]));
    let (_, answer) = patch(&sb, &token, &id_s, &json!({ "groups": [] })).await;
    assert_eq!(answer["data"]["group_id"], json!([]));

    // The freed email can be taken by another contact now.
    let mut other = minimal("+919800000103");
    other["email"] = json!("ravi@example.in");
    created(&sb, &token, &other).await;
    let (_, read) = get(&sb, &token, &format!("/contacts/{id}")).await;
    assert_eq!(read["data"]["data"]["city"], "Surat");
}

#[tokio::test]
async fn patch_required_fields_uniqueness_and_order_of_checks() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let id = created(&sb, &token, &minimal("+919800000104")).await;
    created(&sb, &token, &minimal("+919800000105")).await;
    let id_s = id.to_string();

    let blank = json!({ "firstname": null, "lastname": "  ", "type": "", "source_id": null });
    let (status, answer) = patch(&sb, &token, &id_s, &blank).await;
    assert_eq!(status, 422);
    assert_eq!(
        answer["error"]["details"],
        json!({
            "firstname": ["First name is required."],
            "lastname": ["Last name is required."],
            "type": ["Type is required."],
            "source_id": ["Source is required."],
        })
    );
    // Its own phone passes; another contact's does not.
    let (status, _) = patch(&sb, &token, &id_s, &json!({ "phone": "+919800000104" })).await;
    assert_eq!(status, 200);
    let (status, answer) = patch(&sb, &token, &id_s, &json!({ "phone": "+919800000105" })).await;
    assert_eq!(status, 422);
    assert_eq!(
        answer["error"]["details"]["phone"],
        json!(["This phone number already exists."])
    );
    // A changed phone frees the old one.
    let (status, _) = patch(&sb, &token, &id_s, &json!({ "phone": "+919800000106" })).await;
    assert_eq!(status, 200);
    created(&sb, &token, &minimal("+919800000104")).await;

    // Validation before the lookup: invalid on an unknown id is 422, valid is 404.
    let (status, _) = patch(&sb, &token, "99999", &json!({ "type": "vip" })).await;
    assert_eq!(status, 422);
    let (status, answer) = patch(&sb, &token, "99999", &json!({ "city": "Goa" })).await;
    assert_eq!(status, 404, "{answer}");
    assert_eq!(answer["error"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn values_the_validator_takes_but_the_table_cannot_hold_fail_with_a_500_naming_the_column() {
    let sb = support::sandbox::start().await;
    let token = sb.wm_token("demo", "full");
    let before = sb.stored("whatsmark", "demo").len();
    let cases = [
        (
            "firstname",
            json!("é".repeat(192)),
            "1406 Data too long for column 'firstname'",
        ),
        (
            "company",
            json!("c".repeat(200)),
            "1406 Data too long for column 'company'",
        ),
        (
            "city",
            json!("c".repeat(101)),
            "1406 Data too long for column 'city'",
        ),
        (
            "zip",
            json!("1234567890123456"),
            "1406 Data too long for column 'zip'",
        ),
        (
            "assigned_id",
            json!(-1),
            "1264 Out of range value for column 'assigned_id'",
        ),
        (
            "country_id",
            json!(2_147_483_648_i64),
            "1264 Out of range value for column 'country_id'",
        ),
    ];
    for (i, (field, value, sql)) in cases.iter().enumerate() {
        let mut body = minimal(&format!("+9198000002{i:02}"));
        body[*field] = value.clone();
        let (status, answer) = sb.wm_create(&token, &body).await;
        assert_eq!(status, 500, "{field}: {answer}");
        assert_eq!(answer["error"]["code"], "INTERNAL_ERROR");
        assert_eq!(answer["error"]["message"], "Failed to create contact");
        let error = answer["error"]["details"]["error"].as_str().unwrap();
        assert!(error.contains(sql), "{field}: {error}");
        assert!(
            error.contains("(Connection: mysql, SQL: insert into `demo_contacts`"),
            "{error}"
        );
    }
    // The widths hold exactly: 191 characters (not bytes) of a name go in.
    let mut body = minimal("+919800000299");
    body["firstname"] = json!("é".repeat(191));
    body["city"] = json!("c".repeat(100));
    body["zip"] = json!("123456789012345");
    let id = created(&sb, &token, &body).await;
    assert_eq!(
        sb.stored("whatsmark", "demo").len(),
        before + 1,
        "no failed row stored"
    );

    // An update fails the same way, and changes nothing.
    let (status, answer) = patch(
        &sb,
        &token,
        &id.to_string(),
        &json!({ "state": "s".repeat(101), "city": "Goa" }),
    )
    .await;
    assert_eq!(status, 500, "{answer}");
    assert_eq!(answer["error"]["message"], "Failed to update contact");
    let error = answer["error"]["details"]["error"].as_str().unwrap();
    assert!(
        error.contains("1406 Data too long for column 'state'"),
        "{error}"
    );
    assert!(error.contains("SQL: update `demo_contacts` set"), "{error}");
    let (_, read) = get(&sb, &token, &format!("/contacts/{id}")).await;
    assert_eq!(read["data"]["data"]["city"], "c".repeat(100));
}
