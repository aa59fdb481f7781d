//! The one way back into the UI loop, and the work `update` asks the controller to do.

use crossterm::event::Event;

use crate::contact::Draft;
use crate::contact::catalog::Usage;
use crate::engine::RateLimit;
use crate::engine::catalog::Fetched;
use crate::engine::outbox::Item;
use crate::engine::session::Session;
use crate::engine::submit::Submitted;

/// What one outbox resend told about its profile: the profile's name, the created
/// contact's echo (if one was created) and the answer's rate figures.
pub type OutboxAnswer = (
    String,
    Option<serde_json::Value>,
    Option<crate::engine::RateLimit>,
);

/// Everything that can change the app's state.
#[derive(Debug)]
pub enum Message {
    /// A key, paste, mouse click or resize.
    Input(Event),
    /// A submit finished (or was abandoned by the server).
    Submitted {
        /// Profile index.
        profile: usize,
        /// Which submit this answers, so a cancelled one is ignored.
        seq: u64,
        /// What the server said, and what was recorded.
        submitted: Box<Submitted>,
    },
    /// A catalog refresh finished.
    Catalog {
        /// Profile index.
        profile: usize,
        /// The result, with the parts that could not be fetched or cached.
        fetched: Box<Fetched>,
    },
    /// Fresh usage figures (WhatsMark `account/usage`).
    Usage {
        /// Profile index.
        profile: usize,
        /// The figures, when they came.
        usage: Option<Usage>,
        /// Rate-limit headers of that answer.
        rate: Option<RateLimit>,
    },
    /// A profile's key was resolved (off the UI thread: commands and keyrings block).
    Key {
        /// Profile index.
        profile: usize,
        /// The opened profile, or why it could not be opened.
        session: Result<Box<Session>, String>,
    },
    /// A duplicate check finished.
    Duplicates {
        /// Profile index.
        profile: usize,
        /// The phone and email that were checked.
        checked: (String, String),
        /// Matches, or why the check failed.
        found: Result<Vec<crate::contact::duplicates::Known>, String>,
        /// The rate figures of the search's answer.
        rate: Option<RateLimit>,
        /// Send the contact next if nothing was found.
        then_submit: bool,
    },
    /// The outbox changed on disk (after a resend): the items left, and what happened.
    OutboxChanged {
        /// Items still waiting.
        items: Vec<Item>,
        /// Outbox files that do not read as items (see `App::outbox_damaged`).
        damaged: Vec<crate::engine::outbox::Damaged>,
        /// One line per item tried.
        said: Vec<String>,
        /// The history entries of contacts now known to exist (created, or found from an
        /// earlier attempt): F4's recent list and the month's count take them as a send
        /// from the form does.
        recorded: Vec<crate::engine::record::Entry>,
        /// Per profile name: the echoes of contacts created now (a catalog the API cannot
        /// list learns from them, as after a send from the form) and the last rate
        /// figures its server gave, for the status bar.
        answers: Vec<OutboxAnswer>,
    },
    /// A lookup (Ctrl-F) answered.
    Found {
        /// Profile index.
        profile: usize,
        /// Which search this answers: only the newest is shown.
        seq: u64,
        /// The matches, or why there are none.
        found: Result<crate::engine::update::Searched, String>,
        /// The rate figures of the answer.
        rate: Option<RateLimit>,
    },
    /// A contact was read from the server.
    Opened {
        /// Profile index.
        profile: usize,
        /// What it was opened for.
        purpose: Purpose,
        /// The contact, or what the server said instead.
        opened: Result<Box<crate::engine::update::Opened>, crate::engine::Outcome>,
        /// The rate figures of the answer.
        rate: Option<RateLimit>,
    },
    /// An update finished (or was abandoned by the server).
    Updated {
        /// Profile index.
        profile: usize,
        /// Which send this answers, so a cancelled one is ignored.
        seq: u64,
        /// What it was for.
        purpose: Purpose,
        /// What the server said, and what was recorded.
        updated: Box<crate::engine::update::Updated>,
    },
    /// The config's long lists were read (after the first frame): each profile, in
    /// order, with them; or why the file is refused.
    Lists(Result<Vec<Listed>, String>),
    /// The editor opened with Ctrl-E closed (see [`Effect::EditText`]).
    Edited {
        /// Profile index.
        profile: usize,
        /// The field's key.
        key: String,
        /// The text it held when the editor opened.
        before: String,
        /// The edited text, or why there is none.
        edited: Result<String, super::editor::Failure>,
    },
    /// The phone database is loaded ([`crate::contact::phone::load`], on a worker
    /// thread after the first frame): phones are checked for real from now on.
    PhonesLoaded,
    /// A worker made the search strings of big lists (see [`Effect::PrepareLists`]).
    ListsPrepared(Vec<(crate::contact::catalog::Items, super::ranking::Search)>),
    /// Time passed: spinner frames, autosave.
    Tick,
    /// Go on with work cut in steps (ranking a big picker list) after what is queued.
    Step,
    /// A signal asked rolo to stop (see [`super::stops`]): quit as Ctrl-C does, drafts
    /// saved, whatever is open.
    Stop(super::stops::Stop),
}

/// Why a contact is opened, and so what its update does after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Found with Ctrl-F: it fills the form for editing; done, the form goes back to
    /// the contact it held before.
    Edit,
    /// The duplicate question's update: what was typed goes over it; done, the form is
    /// ready for the next contact, as after a create.
    Merge,
}

/// A profile as its config's long lists complete it.
#[derive(Debug)]
pub struct Listed {
    /// The profile, lists and all.
    pub profile: crate::config::Profile,
    /// The catalog the lists were merged into (the one the form had then).
    pub base: crate::contact::Catalog,
    /// That catalog with the lists (and the cache, when it was read late).
    pub catalog: crate::contact::Catalog,
    /// Why a cache read late could not be used.
    pub notice: Option<String>,
}

/// Work for the controller: it alone spawns tasks and touches files.
#[derive(Debug, Clone)]
pub enum Effect {
    /// The form of this profile was emptied by a send, a clear or the outbox: open a
    /// draft another window left, if any.
    NextDraft(usize),
    /// Resolve the profile's key and build its client.
    Connect(usize),
    /// Send a checked draft (the engine builds the request and records the outcome).
    Submit {
        /// Profile index.
        profile: usize,
        /// Submit number.
        seq: u64,
        /// The contact.
        draft: Box<Draft>,
        /// Whether an earlier send may have created it (the engine looks first).
        attempt: crate::engine::submit::Attempt,
    },
    /// Drop the submit in flight.
    CancelSubmit,
    /// Refresh a profile's catalog.
    RefreshCatalog(usize),
    /// Refresh a profile's usage figures.
    RefreshUsage(usize),
    /// Write a profile's draft now.
    SaveDraft(usize),
    /// Look for contacts with the same phone or email.
    CheckDuplicates {
        /// Profile index.
        profile: usize,
        /// Phone and email to look for.
        checked: (String, String),
        /// Send the contact next if nothing is found.
        then_submit: bool,
    },
    /// Look contacts up (after a pause in the typing: a newer search calls this one off).
    Find {
        /// Profile index.
        profile: usize,
        /// The search's number.
        seq: u64,
        /// What was typed.
        query: String,
    },
    /// Call off the lookup in flight.
    CancelFind,
    /// Keep a new contact as a draft of its own, to come back after the next send or
    /// clear of the form.
    SetAside {
        /// Profile index.
        profile: usize,
        /// The contact.
        draft: Box<Draft>,
    },
    /// Read one contact from the server.
    OpenContact {
        /// Profile index.
        profile: usize,
        /// The server's id.
        id: String,
        /// What it is opened for.
        purpose: Purpose,
    },
    /// Send a partial update (planned by the engine); cancelled as a submit is.
    Update {
        /// Profile index.
        profile: usize,
        /// Send number.
        seq: u64,
        /// The contact's id.
        id: String,
        /// The contact as it will be.
        after: Box<Draft>,
        /// Only what changed, and what each changed field held.
        planned: Box<crate::engine::update::Planned>,
        /// What it is for.
        purpose: Purpose,
    },
    /// Put a contact in the outbox.
    ToOutbox(Box<Item>),
    /// Resend what waits in the outbox.
    RetryOutbox,
    /// Read the outbox again: the send step put something there itself (the labels of
    /// a created contact, on an API that sets them apart).
    ReadOutbox,
    /// Write a profile's sticky fields and last sent contact.
    SaveSticky(usize),
    /// Come back with [`Message::Step`] once the input queued so far is handled.
    Step,
    /// Make these big lists ready on a worker before anyone opens them: their pickers'
    /// search strings (answered by [`Message::ListsPrepared`]) and quick add's folded
    /// names, so neither is built on the UI thread.
    PrepareLists(Vec<crate::contact::catalog::Items>),
    /// Open the user's editor on a field's text, answered by [`Message::Edited`]. The
    /// runtime performs it, not the controller: it hands the terminal over meanwhile.
    EditText {
        /// Profile index.
        profile: usize,
        /// The field's key.
        key: String,
        /// Its text now.
        text: String,
    },
}
