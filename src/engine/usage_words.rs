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

/// What is left of the rate-limit window, when the last answer said.
#[must_use]
pub fn rate(rate: &RateLimit) -> Option<String> {
    match (rate.remaining, rate.limit) {
        (Some(left), Some(limit)) => {
            let window = rate
                .window
                .map_or_else(String::new, |w| format!(" in this {w}-second window"));
            Some(format!(
                "Rate limit: {left} of {limit} requests left{window}."
            ))
        }
        (_, None) => Some("Rate limit: none.".to_owned()),
        (None, Some(_)) => None,
    }
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
            rate(&r).as_deref(),
            Some("Rate limit: 59 of 60 requests left in this 60-second window.")
        );
        assert_eq!(
            rate(&RateLimit::default()).as_deref(),
            Some("Rate limit: none.")
        );
    }
}
