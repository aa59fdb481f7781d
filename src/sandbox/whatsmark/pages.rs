//! Query parameters and Laravel-style pages: `meta.pagination` plus `links`.

use axum::extract::Request;
use axum::http::header;
use serde_json::{Value, json};

use crate::sandbox::errors::meta;

/// A request's query, and the absolute URL of its resource for `links`.
pub struct Query {
    params: Vec<(String, String)>,
    base: String,
}

impl Query {
    /// Reads the query; undecodable parameters are ignored, as the server does.
    pub fn parse(req: &Request) -> Self {
        let params =
            serde_urlencoded::from_str(req.uri().query().unwrap_or_default()).unwrap_or_default();
        let host = req
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        Self {
            params,
            base: format!("http://{host}{}", req.uri().path()),
        }
    }

    /// The first value of a parameter.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `page`: values below 1 or not numbers read as page 1.
    fn page_number(&self) -> usize {
        self.get("page")
            .and_then(|p| p.trim().parse::<usize>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
    }

    /// `per_page` for contacts: default 15; the documented maximum of 100 is not enforced.
    pub fn per_page(&self) -> usize {
        self.get("per_page")
            .and_then(|p| p.trim().parse::<usize>().ok())
            .filter(|p| (1..=10_000).contains(p))
            .unwrap_or(15)
    }

    fn link(&self, page: usize) -> String {
        let mut pairs: Vec<(String, String)> = self
            .params
            .iter()
            .filter(|(k, _)| k != "page")
            .cloned()
            .collect();
        pairs.push(("page".to_owned(), page.to_string()));
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{}?{query}", self.base)
    }

    /// One page of `items` with its pagination meta and links.
    pub fn page(&self, items: Vec<Value>, per_page: usize) -> Value {
        let total = items.len();
        let total_pages = total.div_ceil(per_page).max(1);
        let current = self.page_number();
        let data: Vec<Value> = items
            .into_iter()
            .skip((current - 1).saturating_mul(per_page))
            .take(per_page)
            .collect();
        let mut m = meta();
        m["pagination"] = json!({
            "total": total,
            "count": data.len(),
            "per_page": per_page,
            "current_page": current,
            "total_pages": total_pages,
            "has_more": current < total_pages,
        });
        json!({
            "success": true,
            "data": data,
            "meta": m,
            "links": {
                "self": self.link(current),
                "first": self.link(1),
                "last": self.link(total_pages),
                "prev": (current > 1).then(|| self.link((current - 1).min(total_pages))),
                "next": (current < total_pages).then(|| self.link(current + 1)),
            },
        })
    }
}
