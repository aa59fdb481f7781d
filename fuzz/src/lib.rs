//! What the fuzz targets share: a demo catalog, the choices the first input byte makes
//! (flavour, phone region, catalog), and an HTTP answer read from the input bytes the way
//! `rolo::api::Client` reads one off the wire.

pub mod targets;

use std::borrow::Cow;

use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use rolo::api::{Outcome, RateLimit, excerpt};
use rolo::contact::catalog::{CustomFieldDef, CustomType, Item, Items};
use rolo::contact::{Catalog, Flavour};
use serde_json::Value;

/// Run once before the first input (`fuzz_target!(init: …)`).
///
/// The phone database loaded once, as the app loads it, so that no input pays for it
/// (and `phonenumber` keeps every pattern it compiles: its LRU of 100 thrashed as a
/// fuzzer reaches every country in turn, 1.6 ms a parse instead of 50 µs; see
/// `rolo::contact::phone::load`). Only speed changes: a cached regex is the same regex.
pub fn init() {
    rolo::contact::phone::load();
}

/// Phone regions a profile may give, including ones that are not regions at all.
const REGIONS: [Option<&str>; 8] = [
    None,
    Some("CO"),
    Some("IN"),
    Some("BR"),
    Some("ES"),
    Some("US"),
    Some("XX"),
    Some("colombia"),
];

/// The flavour a control byte picks (bit 0).
#[must_use]
pub fn flavour(control: u8) -> Flavour {
    if control & 1 == 0 {
        Flavour::Wipsy
    } else {
        Flavour::Whatsmark
    }
}

/// The default phone region a control byte picks (bits 1 to 3).
#[must_use]
pub fn region(control: u8) -> Option<&'static str> {
    REGIONS[usize::from((control >> 1) & 7)]
}

/// The demo catalog (bit 4 clear) or an empty one (bit 4 set: Wipsy then takes any
/// name as typed, as `rolo add` does).
#[must_use]
pub fn catalog_for(control: u8) -> Catalog {
    if control & 0x10 == 0 {
        demo_catalog()
    } else {
        Catalog::default()
    }
}

/// The first byte as the control byte and the rest; an empty input is control 0.
#[must_use]
pub fn split_control(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((&c, rest)) => (c, rest),
        None => (0, data),
    }
}

/// Bytes as text the way a paste reaches the parsers: invalid UTF-8 replaced.
#[must_use]
pub fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

fn items(pairs: &[(&str, &str)]) -> Items {
    let item = |&(id, name): &(&str, &str)| Item {
        id: id.into(),
        name: name.into(),
        ..Item::default()
    };
    pairs.iter().map(item).collect()
}

fn custom(id: &str, name: &str, kind: CustomType, options: &[&str]) -> CustomFieldDef {
    CustomFieldDef {
        id: id.into(),
        name: name.into(),
        kind,
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        required: false,
        order: 0,
        pattern: None,
    }
}

/// One tenant's worth of both flavours' catalogs, as the integration tests build it:
/// accents, CJK, multi-word names, numeric and uuid-like ids, every custom-field type.
#[must_use]
pub fn demo_catalog() -> Catalog {
    Catalog {
        tags: items(&[
            ("t-vip", "VIP"),
            ("t-sop", "Soporte"),
            ("t-nandu", "Ñandú Club"),
            ("t-zh", "中文客户"),
            ("t-new", "Cliente nuevo"),
            ("t-new2", "Cliente nuevo premium"),
        ]),
        stages: items(&[
            ("st-pro", "Prospecto"),
            ("st-neg", "Negociación"),
            ("st-won", "Cerrado ganado"),
        ]),
        sources: items(&[("1", "Website"), ("2", "Facebook Ads")]),
        statuses: items(&[("10", "Nuevo"), ("11", "Interesado"), ("283", "Nuevo lead")]),
        groups: items(&[("20", "Mumbai"), ("21", "São Paulo")]),
        assignees: items(&[("15", "Priya Sharma"), ("16", "Carlos Ruiz")]),
        countries: items(&[
            ("101", "India (IN, +91) · भारत"),
            ("48", "Colombia (CO, +57) · Colombia"),
            ("31", "Brazil (BR, +55) · Brasil"),
        ]),
        custom_fields: vec![
            custom("cf-bday", "Fecha de cumpleaños", CustomType::Date, &[]),
            custom(
                "cf-canal",
                "Canal preferido",
                CustomType::Select,
                &["WhatsApp", "Llamada", "Correo"],
            ),
            custom("cf-mail", "Correo alterno", CustomType::Email, &[]),
            custom("cf-tel", "Teléfono oficina", CustomType::Phone, &[]),
            custom("cf-num", "Número de pedidos", CustomType::Number, &[]),
            custom("cf-txt", "Comentario", CustomType::Text, &[]),
        ],
        ..Catalog::default()
    }
}

/// An HTTP answer: `STATUS\nName: value\n...\n\nBODY`. A status outside 100..=999 is
/// folded into it; header lines that are not valid HTTP are left out.
#[derive(Debug)]
pub struct Answer<'a> {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, as bytes.
    pub body: &'a [u8],
}

impl<'a> Answer<'a> {
    /// Reads an answer out of the fuzzer's bytes.
    #[must_use]
    pub fn parse(data: &'a [u8]) -> Self {
        let (head, body) = match find(data, b"\n\n") {
            Some(at) => (&data[..at], &data[at + 2..]),
            None => (data, &data[data.len()..]),
        };
        let mut lines = head.split(|&b| b == b'\n');
        let first = lines.next().unwrap_or_default();
        let code = std::str::from_utf8(first)
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
            .unwrap_or(200);
        let code = if (100..=999).contains(&code) {
            code
        } else {
            100 + code % 900
        };
        let status = u16::try_from(code)
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
            .unwrap_or(StatusCode::OK);
        let mut headers = HeaderMap::new();
        for line in lines {
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                continue;
            };
            let name = HeaderName::from_bytes(line[..colon].trim_ascii());
            let value = HeaderValue::from_bytes(line[colon + 1..].trim_ascii());
            if let (Ok(name), Ok(value)) = (name, value) {
                headers.append(name, value);
            }
        }
        Self {
            status,
            headers,
            body,
        }
    }

    /// The body as JSON; a body that is not JSON is still handed to the decoders, as a
    /// JSON string, since they must cope with any shape.
    #[must_use]
    pub fn json(&self) -> (Value, bool) {
        match serde_json::from_slice::<Value>(self.body) {
            Ok(v) => (v, true),
            Err(_) => (Value::String(lossy(self.body).into_owned()), false),
        }
    }

    /// What `Client::read` does with an answer once it has arrived (that function is
    /// private and async, so its steps are repeated here with the same public pieces):
    /// the rate-limit headers, a redirect, `Retry-After`, then the body through `map`.
    pub fn read(
        &self,
        map: impl Fn(StatusCode, &Value) -> Outcome,
    ) -> (Outcome, Option<RateLimit>) {
        let rate = RateLimit::from_headers(&self.headers);
        if self.status.is_redirection() {
            let base = "https://crm.example.com/api/v2/";
            let to = self
                .headers
                .get("location")
                .and_then(|l| l.to_str().ok())
                .and_then(|l| url_join(base, l))
                .unwrap_or_else(|| "an unknown place".to_owned());
            return (Outcome::Redirected { to }, rate);
        }
        let retry_after = self
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let (json, is_json) = self.json();
        // The decoders see strings too (above); the client itself never hands them one.
        let mapped = map(self.status, &json);
        let outcome = if is_json {
            match (mapped, retry_after) {
                (Outcome::RateLimited { message, .. }, Some(secs)) => Outcome::RateLimited {
                    retry_after: Some(secs),
                    message,
                },
                (other, _) => other,
            }
        } else if self.status.is_server_error() {
            Outcome::ServerError {
                status: self.status.as_u16(),
                message: format!(
                    "the server answered with an error page: {}",
                    excerpt(self.body)
                ),
            }
        } else {
            Outcome::Undecodable {
                status: self.status.as_u16(),
                excerpt: excerpt(self.body),
            }
        };
        (outcome, rate)
    }
}

/// `location` against the profile's base, as an origin (what `Client::read` shows).
fn url_join(base: &str, location: &str) -> Option<String> {
    let base = url::Url::parse(base).ok()?;
    base.join(location)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

/// Everything an outcome is shown as: its summary and whether it may pass later.
#[must_use]
pub fn show(outcome: &Outcome) -> (String, bool) {
    (outcome.summary(), outcome.may_pass())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
