//! The plan's standing in sentences: contacts against the quota and what is left of the
//! rate-limit window, the figures the form's status bar shows, worded for faces that
//! speak in lines (the linear prompts, read aloud by a screen reader).

use crate::api::RateLimit;
use crate::config::Profile;
use crate::contact::catalog::Usage;

/// Contacts against the plan: what the API reported (`WhatsMark`), else rolo's own count
/// of this month's contacts (Wipsy, whose API cannot tell), else that it is unknown.
#[must_use]
pub fn quota(profile: &Profile, usage: Option<Usage>, created_this_month: usize) -> String {
    let estimate = profile.api.caps().monthly_quota_estimate;
    match usage {
        Some(Usage {
            current,
            limit: Some(limit),
        }) => format!("Quota: {current} of {limit} contacts used."),
        Some(Usage {
            current,
            limit: None,
        }) => format!("Quota: {current} contacts, no limit."),
        None if estimate => match profile.monthly_contact_limit {
            Some(limit) => format!(
                "Quota: {created_this_month} of {limit} contacts this month, as counted by rolo."
            ),
            None => format!("Quota: {created_this_month} contacts this month, as counted by rolo."),
        },
        None => "Quota: unknown.".to_owned(),
    }
}

/// Where the rate-limit window stands at a moment, from the last answer's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateNow {
    /// No limit.
    Unlimited,
    /// `left` of `limit` requests left in the window the server counted in.
    Left {
        /// Requests left.
        left: i64,
        /// Requests a window allows.
        limit: u32,
        /// Seconds until the window resets, when the server said.
        resets_in: Option<i64>,
    },
    /// The window the figures came from has passed: a new one has begun, with all its
    /// requests as far as this client knows. Decision: shown as the full limit, marked
    /// as a new window, rather than the last count, which no longer holds.
    NewWindow {
        /// Requests a window allows.
        limit: u32,
    },
}

/// Where the window stands at `now` (unix seconds); `None` when the answer said too
/// little to tell.
#[must_use]
pub fn rate_now(rate: &RateLimit, now: i64) -> Option<RateNow> {
    let Some(limit) = rate.limit else {
        return Some(RateNow::Unlimited);
    };
    match rate.reset {
        Some(reset) if now >= reset => Some(RateNow::NewWindow { limit }),
        reset => Some(RateNow::Left {
            left: rate.remaining?.max(0),
            limit,
            resets_in: reset.map(|r| r - now),
        }),
    }
}

/// The current unix second.
#[must_use]
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// What is left of the rate-limit window at `now`, when the last answer said.
#[must_use]
pub fn rate(rate: &RateLimit, now: i64) -> Option<String> {
    Some(match rate_now(rate, now)? {
        RateNow::Unlimited => "Rate limit: none.".to_owned(),
        RateNow::NewWindow { limit } => {
            format!("Rate limit: a new window has begun, {limit} requests.")
        }
        RateNow::Left {
            left: 0,
            limit,
            resets_in: Some(s),
        } => format!("Rate limit: none of {limit} requests left; more in {s} seconds."),
        RateNow::Left { left, limit, .. } => {
            let window = rate
                .window
                .map_or_else(String::new, |w| format!(" in this {w}-second window"));
            format!("Rate limit: {left} of {limit} requests left{window}.")
        }
    })
}

/// The same, as few words as the status bar has room for: `rate 12/60`, `rate 0/60,
/// more in 34 s`, `rate 60/60 (new window)`, `rate unlimited`.
#[must_use]
pub fn rate_short(rate: &RateLimit, now: i64) -> Option<String> {
    Some(match rate_now(rate, now)? {
        RateNow::Unlimited => "rate unlimited".to_owned(),
        RateNow::NewWindow { limit } => format!("rate {limit}/{limit} (new window)"),
        RateNow::Left {
            left: 0,
            limit,
            resets_in: Some(s),
        } => format!("rate 0/{limit}, more in {s} s"),
        RateNow::Left { left, limit, .. } => format!("rate {left}/{limit}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_figures_read_as_a_sentence() {
        let r = RateLimit {
            limit: Some(60),
            remaining: Some(59),
            reset: None,
            window: Some(60),
        };
        assert_eq!(
            rate(&r, 0).as_deref(),
            Some("Rate limit: 59 of 60 requests left in this 60-second window.")
        );
        assert_eq!(
            rate(&RateLimit::default(), 0).as_deref(),
            Some("Rate limit: none.")
        );
        let spent = RateLimit {
            remaining: Some(0),
            reset: Some(1_000),
            ..r
        };
        assert_eq!(
            rate(&spent, 966).as_deref(),
            Some("Rate limit: none of 60 requests left; more in 34 seconds.")
        );
        assert_eq!(
            rate_short(&spent, 966).as_deref(),
            Some("rate 0/60, more in 34 s")
        );
        assert_eq!(
            rate_short(&spent, 1_000).as_deref(),
            Some("rate 60/60 (new window)")
        );
        assert_eq!(rate_short(&r, 5).as_deref(), Some("rate 59/60"));
    }
}
