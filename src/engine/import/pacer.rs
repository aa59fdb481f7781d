//! Pacing sends to the server's rate limit, read from its `X-RateLimit-*` headers.
//!
//! `WhatsMark` counts requests per token in a fixed window (`X-RateLimit-Window` seconds,
//! ending at `X-RateLimit-Reset`). The pacer keeps a budget of sends left in the current
//! window and errs on the low side: every answer lowers the budget to what the server
//! says remains minus the requests still in flight (which the server may not have counted
//! yet), sends in flight when a window ends are charged to the next one, and when the
//! budget is spent the workers sleep until the window resets.
//!
//! Until the first headers arrive (a cached catalog means no request was made yet) only
//! one request is in flight, so at most that one meets a 429; its `Retry-After` and
//! headers then set the pace. An answer that is unlimited, or carries no headers (Wipsy),
//! leaves the workers' own concurrency as the only bound.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::Notify;

use crate::api::{Outcome, RateLimit};

/// How long after the announced reset the next window is entered, for the server's
/// whole-second clock and the way there.
const MARGIN: Duration = Duration::from_millis(100);

/// The longest the import waits on the server's word (`Retry-After`, `meta.retry_after`,
/// `X-RateLimit-Reset`): a figure beyond it is a broken server, not a plan (2^64-1
/// seconds overflowed the clock and panicked; 10^12 slept for ever). Ctrl-C ends any wait.
pub const LONGEST_WAIT: Duration = Duration::from_secs(3600);

/// What is known of the server's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing yet: one request at a time.
    Unknown,
    /// No limit, or none announced.
    Unlimited,
    /// `limit` requests per window.
    Limited { limit: u32 },
}

#[derive(Debug)]
struct State {
    mode: Mode,
    /// Sends left in the current window.
    budget: i64,
    /// Unix second at which the current window ends; `None` right after entering a new
    /// window, until an answer tells its end.
    reset: Option<i64>,
    /// The end of the last window left behind: answers about it are stale.
    passed: i64,
    /// Requests sent and not yet answered.
    in_flight: i64,
    /// No send before this (a 429's `Retry-After`).
    blocked_until: Option<Instant>,
    /// The largest wait the server asked for beyond [`LONGEST_WAIT`], in seconds.
    asked_too_long: Option<u64>,
}

/// What a worker should do now.
enum Step {
    Go,
    Until(Instant),
    AwaitAnswer,
}

/// Shared by the workers of one import.
#[derive(Debug)]
pub struct Pacer {
    state: Mutex<State>,
    answered: Notify,
}

impl Pacer {
    /// A pacer that has seen `rate` (the catalog fetch's last headers), or nothing.
    #[must_use]
    pub fn new(rate: Option<RateLimit>) -> Self {
        let pacer = Self {
            state: Mutex::new(State {
                mode: Mode::Unknown,
                budget: 0,
                reset: None,
                passed: 0,
                in_flight: 0,
                blocked_until: None,
                asked_too_long: None,
            }),
            answered: Notify::new(),
        };
        if let Some(rate) = rate {
            pacer.lock().learn(&rate);
        }
        pacer
    }

    /// A pacer that never waits (Wipsy: no rate headers; its 429 is the monthly quota).
    #[must_use]
    pub fn unlimited() -> Self {
        let pacer = Self::new(None);
        pacer.lock().mode = Mode::Unlimited;
        pacer
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until one more request may be sent, and counts it as in flight.
    pub async fn acquire(&self) {
        loop {
            let answered = self.answered.notified();
            tokio::pin!(answered);
            answered.as_mut().enable();
            let step = self.lock().step(Instant::now(), unix_now());
            match step {
                Step::Go => return,
                Step::Until(t) => tokio::time::sleep_until(t.into()).await,
                Step::AwaitAnswer => {
                    // The timeout only guards against a lost wake-up.
                    let _ = tokio::time::timeout(Duration::from_millis(250), answered).await;
                }
            }
        }
    }

    /// Gives back a permit that was not used (the import stopped meanwhile).
    pub fn release(&self) {
        let mut s = self.lock();
        s.in_flight -= 1;
        s.budget += 1;
        drop(s);
        self.answered.notify_waiters();
    }

    /// A request sent after [`Pacer::acquire`] that was not a create (a look for an
    /// earlier try): it counted against the window, and its answer teaches nothing.
    pub fn spent(&self) {
        self.lock().in_flight -= 1;
        self.answered.notify_waiters();
    }

    /// Records an answer to a request sent after [`Pacer::acquire`].
    pub fn answered(&self, outcome: &Outcome, rate: Option<&RateLimit>) {
        let mut s = self.lock();
        s.in_flight -= 1;
        match rate {
            Some(r) => s.learn(r),
            // An HTTP answer without headers: this server announces no limit.
            None if s.mode == Mode::Unknown && !matches!(outcome, Outcome::Network { .. }) => {
                s.mode = Mode::Unlimited;
            }
            None => {}
        }
        if let Outcome::RateLimited { retry_after, .. } = outcome {
            let asked = retry_after.unwrap_or(1).max(1);
            let wait = s.bounded(asked);
            s.blocked_until = Some(Instant::now() + wait);
            s.budget = s.budget.min(0);
        }
        drop(s);
        self.answered.notify_waiters();
    }

    /// What the report says when the server asked for a wait longer than
    /// [`LONGEST_WAIT`]: its figure, and that rolo did not take it.
    #[must_use]
    pub fn note(&self) -> Option<String> {
        self.lock().asked_too_long.map(|asked| {
            format!(
                "the server asked to wait {asked} seconds before the next request; rolo waited \
                 at most {} minutes each time",
                LONGEST_WAIT.as_secs() / 60
            )
        })
    }
}

impl State {
    /// A wait the server asked for, in seconds, as rolo takes it: at most
    /// [`LONGEST_WAIT`] (a longer one is remembered for the report).
    fn bounded(&mut self, asked: u64) -> Duration {
        if asked > LONGEST_WAIT.as_secs() {
            self.asked_too_long = self.asked_too_long.max(Some(asked));
            return LONGEST_WAIT;
        }
        Duration::from_secs(asked)
    }

    fn step(&mut self, now: Instant, unix: f64) -> Step {
        if let Some(t) = self.blocked_until {
            if now < t {
                return Step::Until(t);
            }
            self.blocked_until = None;
        }
        let go = |s: &mut Self| {
            s.in_flight += 1;
            Step::Go
        };
        match self.mode {
            Mode::Unlimited => go(self),
            Mode::Unknown if self.in_flight == 0 => go(self),
            Mode::Unknown => Step::AwaitAnswer,
            Mode::Limited { .. } if self.budget > 0 => {
                self.budget -= 1;
                go(self)
            }
            Mode::Limited { limit } => match self.reset {
                Some(reset) => {
                    #[allow(clippy::cast_precision_loss)] // unix seconds fit an f64 exactly
                    let left = reset as f64 - unix;
                    if left > 0.0 {
                        #[allow(
                            clippy::cast_possible_truncation,
                            clippy::cast_sign_loss,
                            clippy::cast_precision_loss
                        )]
                        let asked = left.ceil().min(u64::MAX as f64) as u64;
                        let wait = if asked > LONGEST_WAIT.as_secs() {
                            self.bounded(asked)
                        } else {
                            Duration::from_secs_f64(left)
                        };
                        return Step::Until(now + wait + MARGIN);
                    }
                    // A new window: what is still in flight may be counted in it.
                    self.passed = reset;
                    self.reset = None;
                    self.budget = i64::from(limit) - self.in_flight;
                    self.step(now, unix)
                }
                // A new window whose end no answer has told yet; with nothing in flight
                // a single request finds out.
                None if self.in_flight == 0 => go(self),
                None => Step::AwaitAnswer,
            },
        }
    }

    fn learn(&mut self, r: &RateLimit) {
        let Some(limit) = r.limit else {
            self.mode = Mode::Unlimited;
            return;
        };
        let remaining = r.remaining.unwrap_or(0) - self.in_flight;
        let first = !matches!(self.mode, Mode::Limited { .. });
        self.mode = Mode::Limited { limit };
        match (r.reset, self.reset) {
            (Some(t), _) if t <= self.passed => {}
            (Some(t), Some(cur)) if t < cur => {}
            // A window we had not entered yet, or the first news of the current one.
            (Some(t), cur) if first || cur.is_none_or(|c| t > c) => {
                let entered = cur.is_none() && !first;
                self.reset = Some(t);
                self.budget = if entered {
                    self.budget.min(remaining)
                } else {
                    remaining
                };
            }
            _ => self.budget = self.budget.min(remaining),
        }
    }
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(limit: u32, remaining: i64, reset: i64) -> RateLimit {
        RateLimit {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(reset),
            window: Some(60),
        }
    }

    fn created() -> Outcome {
        Outcome::Created {
            id: "1".into(),
            echo: serde_json::Value::Null,
        }
    }

    fn goes(s: &mut State, now: Instant, unix: f64) -> bool {
        matches!(s.step(now, unix), Step::Go)
    }

    /// Issue 24: a `Retry-After` of 2^64-1 (or 10^12) overflowed the clock and panicked,
    /// or slept for ever; a reset as far away did the same. Both wait an hour at most,
    /// and the report names the server's figure.
    #[test]
    fn absurd_waits_are_bounded_and_named() {
        let p = Pacer::new(Some(rate(3, 1, 1000)));
        let limited = |secs| Outcome::RateLimited {
            retry_after: Some(secs),
            message: String::new(),
        };
        assert!(p.note().is_none());
        p.lock().in_flight += 1;
        p.answered(&limited(u64::MAX), None);
        let until = p.lock().blocked_until.unwrap();
        assert!(until <= Instant::now() + LONGEST_WAIT);
        let note = p.note().unwrap();
        assert!(note.contains("18446744073709551615 seconds"), "{note}");
        assert!(note.contains("at most 60 minutes"), "{note}");
        // A reset 10^12 seconds away.
        let p = Pacer::new(Some(rate(3, 0, 1_000_000_000_000)));
        let now = Instant::now();
        let Step::Until(t) = p.lock().step(now, 1000.0) else {
            panic!("waits for the window");
        };
        assert!(t <= now + LONGEST_WAIT + MARGIN);
        assert!(p.note().unwrap().contains("999999999000 seconds"));
        // An ordinary wait is taken as asked.
        let p = Pacer::new(None);
        p.lock().in_flight += 1;
        p.answered(&limited(30), None);
        assert!(p.note().is_none());
    }

    #[test]
    fn the_budget_is_spent_then_the_window_reset_is_awaited() {
        let p = Pacer::new(Some(rate(3, 2, 1000)));
        let now = Instant::now();
        let mut s = p.lock();
        assert!(goes(&mut s, now, 990.0));
        assert!(goes(&mut s, now, 990.0));
        let Step::Until(t) = s.step(now, 990.0) else {
            panic!("the third send waits");
        };
        assert!(t >= now + Duration::from_secs(10));
        // Both answered after the reset: a new window of 3, nothing in flight.
        s.in_flight = 0;
        assert!(goes(&mut s, now, 1000.2));
        assert_eq!((s.budget, s.reset, s.passed), (2, None, 1000));
        // A late answer about the old window changes nothing; one about the new sets its end.
        s.learn(&rate(3, 0, 1000));
        assert_eq!(s.budget, 2);
        s.learn(&rate(3, 1, 1060));
        assert_eq!((s.budget, s.reset), (0, Some(1060)));
    }

    #[test]
    fn unknown_limits_probe_one_at_a_time_and_a_429_blocks() {
        let p = Pacer::new(None);
        let now = Instant::now();
        assert!(goes(&mut p.lock(), now, 0.0));
        assert!(matches!(p.lock().step(now, 0.0), Step::AwaitAnswer));
        let limited = Outcome::RateLimited {
            retry_after: Some(5),
            message: String::new(),
        };
        p.answered(&limited, Some(&rate(60, 0, 1005)));
        assert!(matches!(p.lock().step(now, 1000.0), Step::Until(_)));
        let later = now + Duration::from_secs(6);
        assert!(
            goes(&mut p.lock(), later, 1006.0),
            "a new window after the reset"
        );
    }

    #[test]
    fn answers_without_headers_or_unlimited_ones_lift_the_pacing() {
        let p = Pacer::new(None);
        let now = Instant::now();
        assert!(goes(&mut p.lock(), now, 0.0));
        p.answered(&created(), None);
        assert!(goes(&mut p.lock(), now, 0.0));
        assert!(goes(&mut p.lock(), now, 0.0));
        let q = Pacer::new(Some(RateLimit {
            limit: None,
            remaining: Some(-1),
            reset: Some(10),
            window: Some(60),
        }));
        assert!(goes(&mut q.lock(), now, 0.0));
        assert!(goes(&mut q.lock(), now, 0.0));
    }

    #[test]
    fn in_flight_requests_lower_what_the_server_says_remains() {
        let p = Pacer::new(Some(rate(10, 10, 1000)));
        let now = Instant::now();
        for _ in 0..4 {
            assert!(goes(&mut p.lock(), now, 990.0));
        }
        // The first answered says 9 remain; 3 others are in flight.
        p.answered(&created(), Some(&rate(10, 9, 1000)));
        assert_eq!(p.lock().budget, 6);
        // Another says 5 remain (the others were counted first): 5 - 2 in flight.
        p.answered(&created(), Some(&rate(10, 5, 1000)));
        assert_eq!(p.lock().budget, 3);
    }
}
