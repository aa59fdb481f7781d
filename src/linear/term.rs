//! Lines in, lines out: the only way the linear face talks to the user. No cursor
//! movement, no colour and no escape sequence is ever written (every line passes
//! through [`crate::text::inert_lines`], which also covers strangers' text inside it),
//! so a screen reader, a braille display or a slow link gets plain text in order.

use std::io::{BufRead, Read as _, Write};

/// The longest answer read, in bytes: a paste bigger than this is cut (the rest of its
/// line is skipped), so no input can take the machine's memory.
const MAX_ANSWER: u64 = 64 * 1024;

/// Why the conversation ended early.
#[derive(Debug)]
pub enum Stop {
    /// End of input: Ctrl-D, or the end of a script piped in.
    Eof,
    /// Reading or writing failed (a closed terminal or pipe).
    Io(std::io::Error),
    /// `/find QUERY` was typed at a prompt: the lookup runs, then the prompt comes back
    /// (see `edit`). It never ends the conversation.
    Find(String),
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e)
    }
}

/// The user's side of the conversation: where answers come from and prompts go.
pub struct Term<'a> {
    input: Box<dyn BufRead + 'a>,
    output: Box<dyn Write + 'a>,
    /// Write each answer after its prompt: input from a pipe is not echoed by a
    /// terminal, and a transcript without the answers would not read.
    echo: bool,
}

impl<'a> Term<'a> {
    /// A conversation over any line source and sink (stdin and stdout, or a test's
    /// buffers).
    pub fn new(input: impl BufRead + 'a, output: impl Write + 'a) -> Self {
        Self {
            input: Box::new(input),
            output: Box::new(output),
            echo: false,
        }
    }

    /// The same, writing each answer after its prompt (for input that is not a
    /// terminal, which would have echoed it).
    #[must_use]
    pub fn echoing(mut self, echo: bool) -> Self {
        self.echo = echo;
        self
    }

    /// Writes `text` and a line end.
    pub fn say(&mut self, text: &str) -> Result<(), Stop> {
        writeln!(self.output, "{}", crate::text::inert_lines(text))?;
        Ok(())
    }

    /// Writes a problem on its own line, in words: `Error: …`.
    pub fn error(&mut self, message: &str) -> Result<(), Stop> {
        self.say(&format!("Error: {}", message.trim()))
    }

    /// Writes `prompt` (no line end), waits for one line and gives it trimmed.
    pub fn ask(&mut self, prompt: &str) -> Result<String, Stop> {
        write!(self.output, "{}", crate::text::inert_lines(prompt))?;
        self.output.flush()?;
        let answer = self.read_line()?;
        if self.echo {
            writeln!(self.output, "{}", crate::text::inert(&answer))?;
        }
        Ok(answer)
    }

    /// A yes/no question; an empty answer takes `default`. Anything else is asked again.
    pub fn confirm(&mut self, question: &str, default: bool) -> Result<bool, Stop> {
        let hint = if default { "[Y/n]" } else { "[y/N]" };
        loop {
            let answer = self.ask(&format!("{question} {hint} "))?.to_lowercase();
            match answer.as_str() {
                "" => return Ok(default),
                "y" | "yes" => return Ok(true),
                "n" | "no" => return Ok(false),
                _ => self.error("answer y for yes or n for no")?,
            }
        }
    }

    /// One line of input, at most [`MAX_ANSWER`] bytes, without its line end; bytes
    /// that are not UTF-8 are replaced rather than refused.
    fn read_line(&mut self) -> Result<String, Stop> {
        let mut bytes = Vec::new();
        let n = (&mut self.input)
            .take(MAX_ANSWER)
            .read_until(b'\n', &mut bytes)?;
        if n == 0 {
            return Err(Stop::Eof);
        }
        if bytes.last() != Some(&b'\n') && n as u64 == MAX_ANSWER {
            // Cut: the rest of the line is not a next answer.
            let mut rest = Vec::new();
            self.input.read_until(b'\n', &mut rest)?;
        }
        Ok(String::from_utf8_lossy(&bytes).trim().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn talk(input: &str, f: impl FnOnce(&mut Term) -> Result<(), Stop>) -> (String, bool) {
        let mut out = Vec::new();
        let ended = {
            let mut t = Term::new(input.as_bytes(), &mut out);
            matches!(f(&mut t), Err(Stop::Eof))
        };
        (String::from_utf8(out).unwrap(), ended)
    }

    #[test]
    fn answers_are_trimmed_lines_and_eof_is_a_stop() {
        let (out, ended) = talk("  Ana \r\n", |t| {
            assert_eq!(t.ask("Name: ")?, "Ana");
            t.ask("Again: ").map(|_| ())
        });
        assert!(ended);
        assert_eq!(out, "Name: Again: ");
    }

    #[test]
    fn a_yes_no_question_asks_again_in_words() {
        let (out, _) = talk("maybe\n\n", |t| {
            assert!(t.confirm("Send?", true)?);
            Ok(())
        });
        assert!(out.contains("Error: answer y for yes or n for no\nSend? [Y/n] "));
    }

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        let (out, _) = talk("", |t| t.say("name \x1b]0;pwned\x07"));
        assert!(!out.contains('\x1b'));
        assert!(out.contains("␛]0;pwned␇"));
    }
}
