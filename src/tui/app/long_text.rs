//! Ctrl-E: long text in the user's own editor. The app only asks for the editor (an
//! effect) and takes its answer (a message); the runtime runs it with the terminal
//! handed over.

use super::{App, Level};
use crate::engine::words;
use crate::tui::editor::Failure;
use crate::tui::keymap::{self, Action};
use crate::tui::message::Effect;

impl App {
    /// Ctrl-E: the focused row's text goes to the editor, or the status says where
    /// Ctrl-E works.
    pub(super) fn open_editor(&mut self) -> Vec<Effect> {
        let form = &self.current().form;
        let Some(field) = form.focused().cloned() else {
            return Vec::new();
        };
        if !field.long_text {
            let key = keymap::key_for(Action::OpenEditor, form.scope());
            self.say(
                Level::Info,
                format!(
                    "{key} opens your editor on Notes, Description and text custom fields; {} is not one of them.",
                    field.label
                ),
            );
            return Vec::new();
        }
        let text = form.value(&field.key).to_owned();
        vec![Effect::EditText {
            profile: self.active,
            key: field.key,
            text,
        }]
    }

    /// The editor closed: its text goes into the field (one undoable change), or the
    /// status says why the old text stayed.
    pub(super) fn on_edited(
        &mut self,
        profile: usize,
        key: &str,
        before: &str,
        edited: Result<String, Failure>,
    ) {
        let text = match edited {
            Ok(text) => text,
            Err(e) => {
                let why = words::capitalised(&e.to_string());
                self.say(Level::Error, format!("{why}; the text was kept."));
                return;
            }
        };
        let Some(p) = self.profiles.get_mut(profile) else {
            return;
        };
        let label = p
            .form
            .fields
            .iter()
            .find(|f| f.key == key)
            .map_or_else(|| key.to_owned(), |f| f.label.clone());
        // Input waits while the editor runs, so the field still holds `before`; were it
        // changed anyway, the editor's text would overwrite that change unseen.
        if p.form.value(key) != before {
            self.say(
                Level::Warn,
                format!("{label} changed while the editor was open; its text was not used."),
            );
            return;
        }
        if !p.form.replace_text(key, &text) {
            self.say(Level::Info, format!("{label} is unchanged."));
            return;
        }
        if profile == self.active {
            self.edited();
        }
        let undo = keymap::key_for(Action::Undo, self.current().form.scope());
        self.say(
            Level::Ok,
            format!("{label}: took the text from your editor ({undo} undoes)."),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use crate::config::Config;
    use crate::contact::{Catalog, Flavour};
    use crate::tui::app::ProfileState;
    use crate::tui::message::Message;
    use crate::tui::theme::Theme;

    fn app() -> App {
        let text = "[profiles.wm]\napi = \"whatsmark\"\nbase_url = \"http://127.0.0.1:1/api/v2\"\napi_key_env = \"X\"\n";
        let config = Config::parse(text, Path::new("c.toml")).expect("config");
        let profile = config.profiles[0].clone();
        assert_eq!(profile.api, Flavour::Whatsmark);
        let state = ProfileState::new(profile, Catalog::default(), None, 0);
        App::new(
            vec![state],
            0,
            Theme {
                color: false,
                animate: false,
            },
        )
    }

    fn status(app: &App) -> String {
        app.status.as_ref().map(|s| s.1.clone()).unwrap_or_default()
    }

    #[test]
    fn ctrl_e_off_long_text_says_where_it_works() {
        let mut app = app();
        assert!(app.open_editor().is_empty());
        assert!(
            status(&app).contains("Ctrl-E opens your editor on Notes"),
            "{}",
            status(&app)
        );
    }

    #[test]
    fn the_editors_text_lands_in_the_field_and_a_failure_keeps_the_old() {
        let mut app = app();
        assert!(app.current_mut().form.focus_key("description"));
        app.current_mut().form.paste("old");
        let fx = app.open_editor();
        let Some(Effect::EditText { profile, key, text }) = fx.first().cloned() else {
            panic!("no editor effect: {fx:?}");
        };
        assert_eq!(
            (profile, key.as_str(), text.as_str()),
            (0, "description", "old")
        );
        let failed = Failure::Failed {
            name: "vim".into(),
            how: "exited with status 1".into(),
        };
        app.update(Message::Edited {
            profile,
            key: key.clone(),
            before: text.clone(),
            edited: Err(failed),
        });
        assert_eq!(app.current().form.draft.get("description"), "old");
        assert_eq!(
            status(&app),
            "The editor (vim) exited with status 1; the text was kept."
        );
        app.update(Message::Edited {
            profile,
            key,
            before: text,
            edited: Ok("old\nnew".into()),
        });
        assert_eq!(app.current().form.draft.get("description"), "old\nnew");
        assert!(
            app.current().unsaved_since.is_some(),
            "the draft is saved soon"
        );
        // Issue 25 (10): one undo takes the editor's text back, one redo puts it again.
        let form = &mut app.profiles[0].form;
        assert!(form.history(false));
        assert_eq!(form.draft.get("description"), "old");
        assert!(form.history(true));
        assert_eq!(form.draft.get("description"), "old\nnew");
    }
}
