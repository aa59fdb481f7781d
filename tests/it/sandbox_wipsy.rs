//! The Wipsy flavour of the sandbox, over real HTTP on 127.0.0.1.
// Table-driven tests read best as one long function.
#![allow(clippy::unwrap_used, clippy::too_many_lines)]

use crate::support;

use serde_json::{Value, json};

/// The two custom fields the demo tenant requires.
fn required_custom(sb: &support::Sb) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert(
        sb.wipsy_id("demo", "custom_fields", "Número de documento"),
        json!("1.020.304"),
    );
    m.insert(
        sb.wipsy_id("demo", "custom_fields", "Canal preferido"),
        json!("WhatsApp"),
    );
    m
}

#[tokio::test]
async fn create_with_every_documented_field_and_read_it_back() {
    let sb = support::sandbox::start().await;
    let stage = sb.wipsy_id("demo", "stages", "Negociación");
    let vip = sb.wipsy_id("demo", "tags", "VIP");
    let cn = sb.wipsy_id("demo", "tags", "中文客户");
    let mut custom = required_custom(&sb);
    for (name, value) in [
        ("Fecha de cumpleaños", "1990-04-01"),
        ("Correo de facturación", "facturas@acme.co"),
        ("Teléfono alterno", "+57 604 444 5566"),
        ("Presupuesto mensual", "1500000.50"),
        ("Talla de camiseta", "M"),
    ] {
        custom.insert(sb.wipsy_id("demo", "custom_fields", name), json!(value));
    }
    let body = json!({
        "name": "Ana María", "last_name": "Pérez Ñúñez", "phone": "+57 318 877 9043",
        "email": "ana@acme.co", "whatsapp_id": "573188779043",
        "pipeline_stage_id": stage, "profile_picture_url": "https://cdn.example.com/ana.jpg",
        "address": "Cra. 43A #1-50", "city": "Medellín", "province": "Antioquia",
        "company": "Acme SAS", "notes": "Llamar después de las 3 pm 📞\nPrefiere WhatsApp",
        "tags": [vip, cn], "custom_fields": custom,
    });
    // The seed already holds José with +573188779043, so use a fresh number.
    let mut body = body;
    body["phone"] = json!("+57 (301) 555-0101");
    let (status, created) = sb.wipsy_create("demo", &body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["success"], true);
    let c = &created["data"];
    assert_eq!(c["name"], "Ana María");
    assert_eq!(c["last_name"], "Pérez Ñúñez");
    assert_eq!(
        c["phone"], "+573015550101",
        "the server normalises the phone"
    );
    assert_eq!(c["whatsapp_id"], "573188779043");
    for key in [
        "email",
        "profile_picture_url",
        "address",
        "city",
        "province",
        "company",
        "notes",
    ] {
        assert_eq!(c[key], body[key], "{key}");
    }
    assert_eq!(c["pipeline_stage"]["name"], "Negociación");
    assert_eq!(c["pipeline_stage"]["stage_order"], 3);
    assert_eq!(c["pipeline_stage"]["color"], "#F59E0B");
    let tag_names = support::names(&c["tags"]);
    assert_eq!(tag_names, ["VIP", "中文客户"]);
    assert_eq!(c["tags"][0]["color"], "#F59E0B");
    let fields = c["custom_fields"].as_array().unwrap();
    assert_eq!(fields.len(), 7);
    let date = fields
        .iter()
        .find(|f| f["field"]["field_name"] == "Fecha de cumpleaños")
        .unwrap();
    assert_eq!(date["field_value"], "1990-04-01");
    assert_eq!(date["field"]["field_type"], "date");
    assert_eq!(date["customer_id"], c["id"]);

    let id = c["id"].as_str().unwrap();
    let read = sb
        .wipsy_get("demo", "/api-get-contacts")
        .query(&[("contactId", id)])
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let read: Value = read.json().await.unwrap();
    assert_eq!(&read["data"], c, "read-back equals the create echo");
    assert_eq!(sb.stored("wipsy", "demo").last().unwrap(), c);
}

#[tokio::test]
async fn whatsapp_id_defaults_to_the_normalised_phone() {
    let sb = support::sandbox::start().await;
    let body = json!({ "name": "Iñigo", "phone": "0034 612 000 111",
                       "custom_fields": required_custom(&sb) });
    let (status, created) = sb.wipsy_create("demo", &body).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["data"]["phone"], "+34612000111");
    assert_eq!(created["data"]["whatsapp_id"], "+34612000111");
    assert_eq!(created["data"]["pipeline_stage"], Value::Null);
}

#[tokio::test]
async fn each_validation_rule_answers_400_with_its_message() {
    let sb = support::sandbox::start().await;
    let field = |name: &str| sb.wipsy_id("demo", "custom_fields", name);
    let with_custom = |extra: Value| {
        let mut m = required_custom(&sb);
        if let Value::Object(e) = extra {
            m.extend(e);
        }
        Value::Object(m)
    };
    let cases = vec![
        (json!({ "last_name": "Sin Nombre" }), "name is required"),
        (json!({ "name": "" }), "name is required"),
        (
            json!({ "name": "A", "tags": null }),
            "tags must be an array",
        ),
        (
            json!({ "name": "A", "custom_fields": null }),
            "custom_fields must be an object",
        ),
        (json!({ "name": 42 }), "Field 'name' must be a string"),
        (
            json!({ "name": "A", "phone": "call me" }),
            "Invalid phone number",
        ),
        (
            json!({ "name": "A", "tags": "VIP" }),
            "tags must be an array",
        ),
        (
            json!({ "name": "A", "tags": ["00000000-0000-0000-0000-000000000000"] }),
            "Tag not found",
        ),
        (
            json!({ "name": "A", "pipeline_stage_id": "nope" }),
            "Pipeline stage not found",
        ),
        (
            json!({ "name": "A", "nickname": "Anita" }),
            "Unknown field: nickname",
        ),
        (
            json!({ "name": "A", "custom_fields": { "nope": "x" } }),
            "Custom field not found",
        ),
        (
            json!({ "name": "A", "custom_fields": [] }),
            "custom_fields must be an object",
        ),
        (
            json!({ "name": "A" }),
            "Custom field 'Número de documento' is required",
        ),
        (
            json!({ "name": "A", "custom_fields": with_custom(json!({ field("Presupuesto mensual"): "mucho" })) }),
            "'Presupuesto mensual' must be a number",
        ),
        (
            json!({ "name": "A", "custom_fields": with_custom(json!({ field("Fecha de cumpleaños"): "01/04/1990" })) }),
            "'Fecha de cumpleaños' must be a date (YYYY-MM-DD)",
        ),
        (
            json!({ "name": "A", "custom_fields": with_custom(json!({ field("Correo de facturación"): "no-at-sign" })) }),
            "'Correo de facturación' must be a valid email",
        ),
        (
            json!({ "name": "A", "custom_fields": with_custom(json!({ field("Teléfono alterno"): "12" })) }),
            "'Teléfono alterno' must be a valid phone number",
        ),
        (
            json!({ "name": "A", "custom_fields": with_custom(json!({ field("Talla de camiseta"): "XXL" })) }),
            "'Talla de camiseta' must be one of: XS, S, M, L, XL",
        ),
        (
            json!({ "name": "A", "custom_fields": with_custom(json!({ field("Talla de camiseta"): 3 })) }),
            "the value must be a string",
        ),
    ];
    for (body, expected) in cases {
        let (status, answer) = sb.wipsy_create("demo", &body).await;
        assert_eq!(status, 400, "{body} -> {answer}");
        let msg = answer["error"].as_str().unwrap();
        assert!(msg.contains(expected), "{body}: {msg:?} lacks {expected:?}");
        assert_eq!(answer.as_object().unwrap().len(), 1, "only {{error}}");
    }
    assert_eq!(sb.stored("wipsy", "demo").len(), 3, "nothing was stored");
}

/// A tenant switched to `allow_duplicates` stores the same phone twice, as a CRM without
/// a uniqueness rule does: what the exactly-once tests run on, so a double send shows.
#[tokio::test]
async fn a_tenant_that_allows_duplicates_stores_a_taken_phone_again() {
    let sb = support::sandbox::start().await;
    let body = json!({ "name": "Otro", "phone": "+57 318-877-9043", "custom_fields": required_custom(&sb) });
    assert_eq!(sb.wipsy_create("demo", &body).await.0, 409);
    let on = json!({ "allow_duplicates": true });
    assert_eq!(sb.patch_tenant("wipsy", "demo", &on).await, 200);
    let before = sb.stored("wipsy", "demo").len();
    for _ in 0..2 {
        let (status, answer) = sb.wipsy_create("demo", &body).await;
        assert_eq!(status, 201, "{answer}");
    }
    let stored = sb.stored("wipsy", "demo");
    assert_eq!(stored.len(), before + 2);
    let off = json!({ "allow_duplicates": false });
    assert_eq!(sb.patch_tenant("wipsy", "demo", &off).await, 200);
    assert_eq!(sb.wipsy_create("demo", &body).await.0, 409);
}

#[tokio::test]
async fn a_duplicate_phone_or_whatsapp_id_is_a_409() {
    let sb = support::sandbox::start().await;
    // José is seeded with +57 318 877 9043; the same number typed differently collides.
    let (status, answer) = sb
        .wipsy_create(
            "demo",
            &json!({ "name": "Otro", "phone": "+57 318-877-9043", "custom_fields": required_custom(&sb) }),
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("phone"));
    let (status, answer) = sb
        .wipsy_create(
            "demo",
            &json!({ "name": "Otro", "whatsapp_id": "+573188779043", "custom_fields": required_custom(&sb) }),
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    assert!(answer["error"].as_str().unwrap().contains("whatsapp_id"));
}

#[tokio::test]
async fn a_missing_or_wrong_key_is_a_401() {
    let sb = support::sandbox::start().await;
    let url = sb.wipsy_url("/api-create-contact");
    let none = sb
        .http
        .post(&url)
        .json(&json!({"name": "A"}))
        .send()
        .await
        .unwrap();
    assert_eq!(none.status(), 401);
    let body: Value = none.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("x-api-key"));
    let wrong = sb
        .http
        .get(sb.wipsy_url("/api-get-contacts"))
        .header("x-api-key", "wpy_not_a_key")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body, json!({ "error": "Invalid API key" }));
}

#[tokio::test]
async fn the_monthly_quota_answers_429_after_validation() {
    let sb = support::sandbox::start().await;
    // agencia-llena: Free plan with a quota of 3, all used by its seed contacts.
    let (status, answer) = sb
        .wipsy_create(
            "agencia-llena",
            &json!({ "name": "Cuarto", "phone": "+573001112299" }),
        )
        .await;
    assert_eq!(status, 429, "{answer}");
    assert_eq!(answer["error"], "Monthly contact limit reached");
    let details = answer["details"].as_str().unwrap();
    assert!(details.contains("3 new contacts per month"), "{details}");
    let (status, _) = sb
        .wipsy_create("agencia-llena", &json!({ "last_name": "sin nombre" }))
        .await;
    assert_eq!(status, 400, "validation runs before the quota");
    let (status, _) = sb
        .wipsy_create(
            "agencia-llena",
            &json!({ "name": "Dup", "phone": "+57 300 111 2233" }),
        )
        .await;
    assert_eq!(status, 409, "a conflict is reported before the quota");
}

/// The month a quota counts ends when the sandbox's clock moves into the next one: no
/// test waits for the first of the month.
#[tokio::test]
async fn the_quota_month_ends_when_the_clock_moves_into_the_next() {
    let sb = support::sandbox::start().await;
    let full = json!({ "name": "Cuarto", "phone": "+573001112299" });
    let (status, _) = sb.wipsy_create("agencia-llena", &full).await;
    assert_eq!(status, 429, "the seed used this month's quota");
    let before = sb.move_clock(0).await;
    assert_eq!(before["ahead_secs"], 0);
    // 32 days on is always another month, whatever today is.
    let moved = sb.move_clock(32 * 86_400).await;
    assert_eq!(moved["ahead_secs"], 32 * 86_400);
    let month = |v: &Value| v.as_str().unwrap()[..7].to_owned();
    assert_ne!(month(&moved["now"]), month(&before["now"]));
    let (status, answer) = sb.wipsy_create("agencia-llena", &full).await;
    assert_eq!(status, 201, "a new month, a new quota: {answer}");
    assert_eq!(month(&answer["data"]["created_at"]), month(&moved["now"]));
    // And back: the month the seed filled, full again.
    sb.move_clock(-32 * 86_400).await;
    let other = json!({ "name": "Quinto", "phone": "+573001112288" });
    let (status, _) = sb.wipsy_create("agencia-llena", &other).await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn recent_contacts_come_newest_first_within_the_limit() {
    let sb = support::sandbox::start().await;
    let get = |q: &'static str| {
        sb.wipsy_get("demo", &format!("/api-get-contacts?{q}"))
            .send()
    };
    let two: Value = get("limit=2").await.unwrap().json().await.unwrap();
    let names = support::names(&two["data"]);
    assert_eq!(names, ["王芳", "Zoë"]);
    let all: Value = get("").await.unwrap().json().await.unwrap();
    assert_eq!(all["data"].as_array().unwrap().len(), 3);
    for bad in ["limit=0", "limit=501", "limit=ten", "contactId=not-a-uuid"] {
        let resp = get(bad).await.unwrap();
        assert_eq!(resp.status(), 400, "{bad}");
        let body: Value = resp.json().await.unwrap();
        assert!(body["error"].is_string());
    }
    let missing = get("contactId=00000000-0000-4000-8000-000000000000")
        .await
        .unwrap();
    assert_eq!(missing.status(), 400);
}

#[tokio::test]
async fn malformed_requests_get_the_error_shape() {
    let sb = support::sandbox::start().await;
    let post = |body: Vec<u8>| {
        sb.wipsy_post("demo")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    for (body, status) in [
        (b"{\"name\": ".to_vec(), 400),
        (b"[1,2]".to_vec(), 400),
        (b"".to_vec(), 400),
        (vec![b' '; 1024 * 1024 + 10], 413),
    ] {
        let resp = post(body).await.unwrap();
        assert_eq!(resp.status(), status);
        let answer: Value = resp.json().await.unwrap();
        assert!(answer["error"].is_string(), "{answer}");
    }
    let resp = sb
        .http
        .get(sb.wipsy_url("/api-nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let answer: Value = resp.json().await.unwrap();
    assert!(answer["error"].is_string());
}
