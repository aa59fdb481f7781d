//! The integration tests, one binary with a module per area: building and linking the
//! library once instead of once per file. Where a new test goes: `tests/README.md`.

mod support;

mod after_create;
mod big_catalogs;
mod cli_add;
mod cli_docs;
mod cli_find;
mod concurrency;
mod config_check;
mod control_chars;
mod damaged_files;
mod durable_drafts;
mod exactly_once;
mod exit_codes;
mod fuzz_replay;
mod history_faces;
mod hostile_text;
mod import;
mod key_command;
mod layering;
mod limits;
mod linear;
mod log_file;
mod outbox;
mod private_files;
mod pty_e2e;
mod pty_flows;
mod resend_exact;
mod sandbox_faults;
mod sandbox_whatsmark;
mod sandbox_whatsmark_by_id;
mod sandbox_wipsy;
mod tui_checks;
mod tui_editor;
mod tui_find;
mod tui_keys;
mod tui_layout;
mod tui_outbox;
mod tui_paste;
mod tui_phones;
mod tui_pickers;
mod tui_quick;
mod tui_rapid;
mod tui_signals;
mod tui_status;
