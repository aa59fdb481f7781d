//! The full-screen form: `rolo` with no subcommand.
//!
//! Layout follows the data flow: input becomes an [`keymap::Action`] through the one
//! keymap, [`app::App::update`] changes state and returns [`message::Effect`]s, the
//! [`runtime`] controller performs them (the only place that spawns tasks), and
//! [`view::draw`] paints the state.

pub mod app;
pub mod controller;
pub mod editor;
pub mod form;
pub mod fuzzy;
pub mod inert;
pub mod keyboard;
pub mod keymap;
pub mod message;
pub mod popup;
pub mod ranking;
pub mod runtime;
pub mod stops;
pub mod theme;
pub mod view;
