//! The outbox on the form: a submit that failed for a reason that may pass is offered to
//! the outbox (the default), and waiting contacts are resent on their own: rate-limited
//! ones after Retry-After, the others every little while.

use std::time::{Duration, Instant};

use super::{App, Level, Mode, Question, display_name};
use crate::engine::Outcome;
use crate::engine::outbox as kept;
use crate::tui::message::Effect;

/// How often waiting contacts without a Retry-After are tried again.
const EVERY: Duration = Duration::from_secs(30);

/// The failed submit an outbox question is about.
#[derive(Debug, Clone)]
pub struct Offer {
    /// Profile index.
    pub profile: usize,
    /// How the submit failed.
    pub outcome: Outcome,
    /// Whether the contact may exist on the server (this or an earlier attempt).
    pub may_exist: bool,
}

impl Offer {
    /// The offer for a failed submit.
    #[must_use]
    pub fn of(profile: usize, o: &Outcome, may_exist: bool) -> Self {
        Self {
            profile,
            may_exist,
            outcome: o.clone(),
        }
    }
}

impl App {
    /// Asks whether the failed contact should wait in the outbox (Enter = yes).
    pub(super) fn offer_outbox(&mut self, offer: Offer) {
        // Honest about what rolo knows: after a timeout, a dropped connection, a 5xx or an
        // unreadable answer the server may have stored the contact.
        let what = if offer.may_exist {
            "It may or may not have been created. Keep it in the outbox (rolo looks for it \
             before sending it again) and start the next contact?"
        } else {
            "Not created, but this may pass. Keep it in the outbox (rolo resends it) and \
             start the next contact?"
        };
        self.pending_outbox = Some(offer);
        self.mode = Mode::Confirm(Question::Outbox(what.to_owned()));
    }

    /// Yes: the contact goes to the outbox, the form starts the next one.
    pub(super) fn keep_in_outbox(&mut self) -> Vec<Effect> {
        let Some(offer) = self.pending_outbox.take() else {
            return Vec::new();
        };
        let i = offer.profile;
        let sent = self.profiles[i].form.draft.clone();
        let keep = self.next_draft(i, &sent);
        let p = &mut self.profiles[i];
        let name = display_name(&p.form);
        let item = kept::item(&p.profile, sent, &offer.outcome, offer.may_exist);
        p.form.clear(&keep);
        p.revalidate();
        self.outbox.push(item.clone());
        self.say(
            Level::Warn,
            format!(
                "{name} waits in the outbox ({}); rolo sends it again on its own.",
                item.reason
            ),
        );
        vec![
            Effect::ToOutbox(Box::new(item)),
            Effect::SaveDraft(i),
            Effect::NextDraft(i),
        ]
    }

    /// On each tick: resend what is due (never while a submit is in flight).
    pub(super) fn outbox_due(&mut self, now: Instant) -> Vec<Effect> {
        if self.outbox.is_empty() || self.submitting.is_some() {
            return Vec::new();
        }
        if self
            .outbox_tried
            .is_some_and(|t| now.duration_since(t) < Duration::from_secs(2))
        {
            return Vec::new();
        }
        let unix = jiff::Timestamp::now().as_second();
        let stale = self
            .outbox_tried
            .is_none_or(|t| now.duration_since(t) >= EVERY);
        // Only items whose profile is connected: a try before the key is read would send
        // nothing and still put the next one off for a whole period.
        let ready = |profile: &str| {
            self.profiles
                .iter()
                .any(|p| p.profile.name == profile && p.session.is_some())
        };
        let due = self.outbox.iter().any(|i| {
            ready(&i.profile)
                && match i.retry_at {
                    Some(at) => at <= unix,
                    None => stale,
                }
        });
        if !due {
            return Vec::new();
        }
        self.outbox_tried = Some(now);
        vec![Effect::RetryOutbox]
    }
}
