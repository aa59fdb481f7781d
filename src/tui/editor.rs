//! Long text in the user's own editor (Ctrl-E): which editor, how its command line is
//! split, and one run of it on a private temp file.
//!
//! Only the runtime calls [`edit`], with the terminal handed over (see
//! `runtime::Tui::run`): the app asks for it with an effect and gets the text back as a
//! message, so `update` stays free of I/O.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::process::ExitStatus;

/// Why the editor gave no text back. The words fit after "the text was kept because".
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// `$VISUAL` or `$EDITOR` is not a command line rolo can split.
    #[error("${var} ({value:?}) cannot be read as a command: {why}")]
    BadCommand {
        /// Which variable.
        var: &'static str,
        /// What it holds.
        value: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// The terminal could not be handed over, or the temp file could not be written.
    #[error("cannot prepare the editor: {0}")]
    Prepare(String),
    /// The program could not be started.
    #[error("cannot start the editor ({name}): {why}")]
    Start {
        /// The program's file name.
        name: String,
        /// Why, in words.
        why: String,
    },
    /// The program ran and reported failure.
    #[error("the editor ({name}) {how}")]
    Failed {
        /// The program's file name.
        name: String,
        /// "exited with status 1", "was stopped by signal 9".
        how: String,
    },
    /// The file could not be read back.
    #[error("cannot read the edited text: {0}")]
    ReadBack(String),
}

/// An editor command: the program and the arguments that come before the file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// The program, as `$VISUAL` or `$EDITOR` names it (a path or a name on `PATH`).
    pub program: String,
    /// Its arguments (`--wait` of `code --wait`).
    pub args: Vec<String>,
}

/// The editor used when neither `$VISUAL` nor `$EDITOR` is set: POSIX has it everywhere.
pub const FALLBACK: &str = "vi";

impl Command {
    /// The user's editor: `$VISUAL`, else `$EDITOR`, else [`FALLBACK`]. A variable that
    /// is empty or blank counts as unset.
    pub fn from_env() -> Result<Self, Failure> {
        let read = |name| std::env::var(name).ok();
        Self::choose(read("VISUAL").as_deref(), read("EDITOR").as_deref())
    }

    /// [`Command::from_env`] over given values of `$VISUAL` and `$EDITOR`.
    pub fn choose(visual: Option<&str>, editor: Option<&str>) -> Result<Self, Failure> {
        let visual = visual.filter(|s| !s.trim().is_empty());
        let editor = editor.filter(|s| !s.trim().is_empty());
        let (var, value) = match (visual, editor) {
            (Some(v), _) => ("VISUAL", v),
            (None, Some(e)) => ("EDITOR", e),
            (None, None) => ("", FALLBACK),
        };
        let words = split(value).map_err(|why| Failure::BadCommand {
            var,
            value: value.to_owned(),
            why,
        })?;
        let mut words = words.into_iter();
        let program = words.next().unwrap_or_else(|| FALLBACK.to_owned());
        Ok(Self {
            program,
            args: words.collect(),
        })
    }

    /// The program's file name, for messages: `vim` rather than `/usr/bin/vim`.
    #[must_use]
    pub fn name(&self) -> &str {
        Path::new(&self.program)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.program)
    }
}

/// Splits an editor command line into words the way a POSIX shell does for the simple
/// cases people put in `$EDITOR`:
///
/// - words are separated by blanks (spaces, tabs, newlines);
/// - `'…'` keeps everything inside as it is;
/// - `"…"` keeps everything inside, except that a backslash escapes `"`, `\`, `$` and
///   `` ` `` (elsewhere it stays a backslash);
/// - outside quotes a backslash keeps the next character as it is (`my\ editor`).
///
/// Nothing is expanded: no `$VARIABLES`, `~`, globs or `$(…)`, and `|`, `;`, `&&`, `<`
/// and `>` are ordinary characters. An unclosed quote or a trailing backslash is an
/// error; an empty or blank line gives no words.
pub fn split(line: &str) -> Result<Vec<String>, &'static str> {
    let mut words = Vec::new();
    // `None` between words; an empty `Some` after `''` is still a word.
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => w.push(c),
                        None => return Err("a single quote is not closed"),
                    }
                }
            }
            '"' => double_quoted(&mut chars, word.get_or_insert_with(String::new))?,
            '\\' => match chars.next() {
                Some(c) => word.get_or_insert_with(String::new).push(c),
                None => return Err("it ends with a backslash"),
            },
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    Ok(words)
}

/// The inside of `"…"`, up to and without the closing quote.
fn double_quoted(chars: &mut std::str::Chars<'_>, w: &mut String) -> Result<(), &'static str> {
    loop {
        match chars.next() {
            Some('"') => return Ok(()),
            Some('\\') => match chars.next() {
                Some(c @ ('"' | '\\' | '$' | '`')) => w.push(c),
                Some(c) => {
                    w.push('\\');
                    w.push(c);
                }
                None => return Err("a double quote is not closed"),
            },
            Some(c) => w.push(c),
            None => return Err("a double quote is not closed"),
        }
    }
}

/// A temp file that is removed when dropped: whatever happens to the editor, the text
/// does not stay behind in the temp dir.
struct TempFile(PathBuf);

impl TempFile {
    /// A new file in the OS temp dir, readable by its owner only, holding `text`.
    /// `create_new` refuses a name that exists (a symlink planted there included).
    fn with(text: &str) -> std::io::Result<Self> {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let dir = std::env::temp_dir();
        let mut tries = 0;
        loop {
            let path = dir.join(format!("rolo-{}.txt", uuid::Uuid::new_v4().simple()));
            match options.open(&path) {
                Ok(mut file) => {
                    // From here on the file is ours to remove, written or not.
                    let temp = Self(path);
                    file.write_all(text.as_bytes())?;
                    file.sync_all()?;
                    return Ok(temp);
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists && tries < 3 => tries += 1,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.0)
            && e.kind() != ErrorKind::NotFound
        {
            tracing::warn!("cannot remove the editor's temp file: {e}");
        }
    }
}

/// Runs `cmd` on a private temp file holding `text` and waits for it; the file's text
/// afterwards, with the one trailing newline editors add dropped and `\r\n` read as
/// `\n`. The terminal must be the editor's meanwhile (the caller hands it over). The
/// temp file is removed in every case.
pub fn edit(cmd: &Command, text: &str) -> Result<String, Failure> {
    // Editors end the last line with a newline; one is added here too, so a text that
    // comes back unchanged compares equal.
    let file = TempFile::with(&format!("{text}\n"))
        .map_err(|e| Failure::Prepare(format!("cannot write a temp file: {e}")))?;
    let name = cmd.name().to_owned();
    let mut child = std::process::Command::new(&cmd.program)
        .args(&cmd.args)
        .arg(&file.0)
        .spawn()
        .map_err(|e| Failure::Start {
            name: name.clone(),
            why: start_error(&e),
        })?;
    let status = wait_as_a_job(&mut child).map_err(|e| Failure::Failed {
        name: name.clone(),
        how: format!("could not be waited for: {e}"),
    })?;
    if !status.success() {
        return Err(Failure::Failed {
            name,
            how: exit_words(status),
        });
    }
    // Read by name: editors often save by writing a new file over the old one.
    let read = std::fs::read(&file.0).map_err(|e| Failure::ReadBack(e.to_string()))?;
    let read =
        String::from_utf8(read).map_err(|_| Failure::ReadBack("it is not UTF-8 text".into()))?;
    Ok(trimmed(&read))
}

/// Waits for the editor; a `SIGTSTP` meanwhile (its Ctrl-Z stops its process group)
/// stops rolo too, as it would a job without a handler, so the shell sees the whole job
/// stopped and `fg` brings back both.
fn wait_as_a_job(child: &mut std::process::Child) -> std::io::Result<std::process::ExitStatus> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if super::stops::take_suspend() {
            super::stops::stop_self()?;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The file's text as the field takes it: `\r\n` as `\n`, one trailing newline dropped.
fn trimmed(read: &str) -> String {
    let text = read.replace("\r\n", "\n");
    text.strip_suffix('\n').unwrap_or(&text).to_owned()
}

fn start_error(e: &std::io::Error) -> String {
    match e.kind() {
        ErrorKind::NotFound => "it is not installed or not on PATH; set $VISUAL or $EDITOR".into(),
        ErrorKind::PermissionDenied => "it is not executable".into(),
        _ => e.to_string(),
    }
}

fn exit_words(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return format!("was stopped by signal {signal}");
    }
    format!("ended abnormally ({status})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        split(line).expect("splits")
    }

    #[test]
    fn blanks_separate_words() {
        assert_eq!(words("code --wait"), ["code", "--wait"]);
        assert_eq!(words("  nano\t-R  "), ["nano", "-R"]);
        assert!(words("").is_empty());
        assert!(words(" \t ").is_empty());
    }

    #[test]
    fn quotes_and_backslashes_keep_blanks_in_a_word() {
        assert_eq!(
            words(r#""/opt/My Editor/bin/ed" -w"#),
            ["/opt/My Editor/bin/ed", "-w"]
        );
        assert_eq!(words("'a b'c d"), ["a bc", "d"]);
        assert_eq!(words(r"my\ editor --flag"), ["my editor", "--flag"]);
        assert_eq!(words(r#"ed "say \"hi\" \n""#), ["ed", r#"say "hi" \n"#]);
        assert_eq!(words(r"'it\s' ''"), [r"it\s", ""]);
    }

    #[test]
    fn nothing_is_expanded() {
        assert_eq!(
            words("vim $HOME ~ *.txt | x"),
            ["vim", "$HOME", "~", "*.txt", "|", "x"]
        );
    }

    #[test]
    fn unclosed_quotes_are_refused() {
        assert!(split("vim 'x").is_err());
        assert!(split("vim \"x").is_err());
        assert!(split("vim \"x\\").is_err());
        assert!(split("vim x\\").is_err());
    }

    #[test]
    fn visual_wins_over_editor_and_vi_is_the_fallback() {
        let c = Command::choose(Some("code --wait"), Some("nano")).expect("command");
        assert_eq!(
            (c.program.as_str(), c.args.as_slice()),
            ("code", &["--wait".to_owned()][..])
        );
        let c = Command::choose(Some("  "), Some("/usr/bin/nano -R")).expect("command");
        assert_eq!(c.name(), "nano");
        assert_eq!(c.args, ["-R"]);
        let c = Command::choose(None, Some("")).expect("command");
        assert_eq!(c.program, FALLBACK);
        let bad = Command::choose(None, Some("vim 'x")).expect_err("refused");
        assert!(bad.to_string().starts_with("$EDITOR (\"vim 'x\")"), "{bad}");
    }

    #[test]
    fn one_trailing_newline_is_dropped() {
        assert_eq!(trimmed("a\nb\n"), "a\nb");
        assert_eq!(trimmed("a\r\nb\r\n"), "a\nb");
        assert_eq!(trimmed("a\n\n"), "a\n");
        assert_eq!(trimmed("a"), "a");
    }

    #[cfg(unix)]
    #[test]
    fn a_failing_or_missing_editor_keeps_nothing_and_leaves_no_file() {
        let fails = Command {
            program: "false".into(),
            args: Vec::new(),
        };
        let e = edit(&fails, "x").expect_err("false fails");
        assert_eq!(e.to_string(), "the editor (false) exited with status 1");
        let missing = Command {
            program: "/nonexistent/rolo-editor".into(),
            args: Vec::new(),
        };
        let e = edit(&missing, "x").expect_err("not there");
        assert!(
            e.to_string()
                .starts_with("cannot start the editor (rolo-editor)"),
            "{e}"
        );
        // `true` leaves the file as written: the text comes back unchanged.
        let keeps = Command {
            program: "true".into(),
            args: Vec::new(),
        };
        assert_eq!(edit(&keeps, "a\nb").expect("true succeeds"), "a\nb");
    }
}
