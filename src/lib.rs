//! rolo: enter contacts into WhatsApp CRMs from the terminal.
//!
//! The crate is laid out as the data flows (see `shared/design.md`): the CLI face in
//! [`cli`], the local stand-in for both CRM APIs in [`sandbox`], and files in [`store`].

pub mod api;
pub mod cli;
pub mod config;
pub mod contact;
pub mod engine;
pub mod sandbox;
pub mod secret;
pub mod store;
pub mod tui;
