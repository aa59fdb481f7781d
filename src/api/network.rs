//! Naming network failures precisely: refused, timed out, DNS, TLS, reset.

use std::error::Error as _;

use super::Outcome;

/// Why a request got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// Nothing listens at the address.
    Refused,
    /// No answer in time (connect or whole request).
    Timeout,
    /// The host name did not resolve.
    Dns,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The connection closed before the answer was complete.
    Reset,
    /// Anything else the HTTP stack reported.
    Other,
}

impl NetworkKind {
    /// Whether the server may have stored the contact before the failure, so a resend
    /// must first look for it.
    #[must_use]
    pub fn may_have_arrived(self) -> bool {
        matches!(self, Self::Timeout | Self::Reset | Self::Other)
    }
}

/// Every message in the error's source chain, lowercased.
fn chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text.to_lowercase()
}

fn io_kind(e: &reqwest::Error) -> Option<std::io::ErrorKind> {
    let mut source = e.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

fn classify(e: &reqwest::Error, text: &str) -> NetworkKind {
    use std::io::ErrorKind as K;
    if e.is_timeout() {
        return NetworkKind::Timeout;
    }
    match io_kind(e) {
        Some(K::ConnectionRefused) => return NetworkKind::Refused,
        Some(K::TimedOut) => return NetworkKind::Timeout,
        Some(K::ConnectionReset | K::ConnectionAborted | K::UnexpectedEof | K::BrokenPipe) => {
            return NetworkKind::Reset;
        }
        _ => {}
    }
    if text.contains("dns error")
        || text.contains("failed to lookup")
        || text.contains("name or service not known")
    {
        NetworkKind::Dns
    } else if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
        NetworkKind::Tls
    } else if text.contains("connection refused") {
        NetworkKind::Refused
    } else if text.contains("connection closed")
        || text.contains("incomplete message")
        || text.contains("reset")
        || e.is_body()
        || e.is_decode()
    {
        NetworkKind::Reset
    } else {
        NetworkKind::Other
    }
}

/// Maps a transport error to [`Outcome::Network`] with words an agent can act on.
/// The URL in the message carries no secret: keys travel in headers only.
pub fn outcome(e: &reqwest::Error) -> Outcome {
    let text = chain(e);
    let kind = classify(e, &text);
    let host = e.url().map_or_else(
        || "the server".to_owned(),
        |u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or("?"),
                u.port_or_known_default().unwrap_or(0)
            )
        },
    );
    let message = match kind {
        NetworkKind::Refused => format!(
            "Could not connect to {host}: connection refused. Is the server running and the base URL right?"
        ),
        NetworkKind::Timeout => {
            format!("{host} did not answer in time. The contact may or may not have been created.")
        }
        NetworkKind::Dns => {
            format!("Could not find {host} (DNS). Check the base URL and your connection.")
        }
        NetworkKind::Tls => format!("Secure connection to {host} failed (TLS): {text}"),
        NetworkKind::Reset => format!(
            "The connection to {host} closed before the answer arrived. The contact may or may not have been created."
        ),
        NetworkKind::Other => format!("Network error talking to {host}: {text}"),
    };
    Outcome::Network { kind, message }
}
