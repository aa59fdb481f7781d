//! Nothing on screen is cut off at 80x24 or 120x40: the footer and status bar drop whole
//! pieces, popups' key hints keep their first and last keys, help and questions wrap at
//! spaces under their own text, long labels and hints take more lines; a marker says
//! when fields lie below the fold; Ctrl-U clears a field.
#![allow(clippy::unwrap_used)] // tests: panics are the failure report

use crate::support;

use crossterm::event::KeyCode;
use rolo::tui::app::Mode;
use support::tui::Harness;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

/// The screen's lines, inside the outer frame's side borders.
fn lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| {
            let l = l.strip_prefix('│').unwrap_or(l);
            l.strip_suffix('│').unwrap_or(l).to_owned()
        })
        .collect()
}

/// The last two lines inside the frame: the keys line and the status bar.
fn bottom(s: &str) -> (String, String) {
    let l = lines(s);
    (l[l.len() - 3].clone(), l[l.len() - 2].clone())
}

/// Issue 15: the footer was cut to "F1 hel" and the status bar to "· ca" at 80x24.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn footer_and_status_bar_drop_whole_pieces() {
    let mut h = Harness::new().await;
    for (w, ht) in SIZES {
        let s = h.screen(w, ht);
        let (keys, status) = bottom(&s);
        assert!(
            keys.contains("Ctrl-S send") && keys.contains("F1 help"),
            "{w}x{ht}\n{s}"
        );
        let last = keys.trim_end().rsplit(" · ").next().unwrap().to_owned();
        assert!(
            ["send", "next", "profile", "clear", "help", "quit", "editor"]
                .iter()
                .any(|word| last.ends_with(word)),
            "the keys end in a whole piece at {w}x{ht}: {keys:?}"
        );
        assert!(
            status.trim_end().ends_with("catalog fresh"),
            "{w}x{ht}: {status:?}"
        );
        assert!(
            status.contains("contacts 3/1000") && status.contains("rate "),
            "{status:?}"
        );
    }
    let (_, wide) = bottom(&h.screen(120, 40));
    assert!(
        wide.contains("whatsmark · demo (Growth)"),
        "room for all at 120: {wide}"
    );
}

/// Issue 15: help columns ran together ("Enterfilter") and wrapped to the left edge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_wraps_under_its_own_column() {
    let mut h = Harness::new().await;
    h.key(KeyCode::F(1), crossterm::event::KeyModifiers::NONE);
    for (w, ht) in SIZES {
        let s = h.screen(w, ht);
        // The help's own lines, from the column after its left border.
        let rows: Vec<&str> = s.lines().collect();
        let top = rows.iter().position(|l| l.contains("┌ Keys")).unwrap();
        let left = rows[top].chars().position(|c| c == '┌').unwrap() + 1;
        let inside: Vec<String> = rows[top + 1..]
            .iter()
            .take_while(|l| !l.contains('└'))
            .map(|l| l.chars().skip(left).collect())
            .collect();
        assert!(inside.len() > 5, "{s}");
        for l in &inside {
            // A line is keys then their text, keys alone, or text indented under text.
            assert!(
                !l.starts_with('(') && !l.starts_with("form)") && !l.starts_with("lists)"),
                "text wrapped to the edge at {w}x{ht}: {l:?}\n{s}"
            );
        }
        let continued = inside.iter().filter(|l| l.starts_with("    ")).count();
        assert!(continued > 0, "long texts wrap under their column:\n{s}");
        assert!(
            !s.contains("Enterfilter") && !s.contains("Enter move"),
            "{s}"
        );
    }
}

/// Issue 15: a picker's keys kept "Esc" without its word; a long question was cut.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn popups_keep_their_keys_and_whole_words() {
    let mut h = Harness::new().await;
    h.focus("Source");
    h.press(KeyCode::Enter);
    for (w, ht) in SIZES {
        let s = h.screen(w, ht);
        assert!(s.contains("Esc closes"), "{w}x{ht}\n{s}");
        assert!(s.contains("Enter chooses"), "{s}");
    }
    h.press(KeyCode::Esc);
    h.focus("First name");
    h.type_fields(&["Ana", "Pérez"]);
    h.ctrl('x');
    assert!(matches!(h.app().mode, Mode::Confirm(_)));
    for (w, ht) in SIZES {
        let s = h.screen(w, ht);
        assert!(
            s.contains("Clear the form? What you typed will be gone."),
            "{s}"
        );
        assert!(s.contains("Enter = yes · Esc = no"), "{s}");
    }
    h.press(KeyCode::Esc);
}

/// Issue 15: a long custom-field label was cut, and the duplicate hint too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_labels_and_hints_take_more_lines() {
    const LONG: &str = "Número de documento de identidad del titular";
    let mut h = Harness::with_seed(|seed| {
        seed.wipsy[0].custom_fields[0].field_name = LONG.to_owned();
    })
    .await;
    h.switch_to("wdemo").await;
    for (w, ht) in SIZES {
        h.focus(LONG);
        let s = h.screen(w, ht);
        let words: Vec<&str> = s
            .split(|c: char| c.is_whitespace() || c == '│')
            .filter(|w| !w.is_empty())
            .collect();
        let label: Vec<&str> = LONG.split(' ').collect();
        assert!(
            words
                .windows(label.len())
                .any(|win| win == label.as_slice()),
            "the whole label at {w}x{ht}:\n{s}"
        );
    }
    // The duplicate warning under Phone: a contact of the seed, by its phone.
    h.switch_to("wm").await;
    let seeded = h.stored("whatsmark", "demo")[0].clone();
    let phone = seeded["phone"].as_str().unwrap().to_owned();
    h.focus("Phone");
    h.typed(&phone);
    h.press(KeyCode::Tab);
    h.until(|a| !a.current().duplicates.is_empty()).await;
    let s = h.screen(80, 24);
    let warning: String = lines(&s)
        .iter()
        .map(|l| l.trim())
        .skip_while(|l| !l.starts_with("⚠ Possible duplicate"))
        .take_while(|l| !l.is_empty() && !l.contains(" *  ") && !l.starts_with("──"))
        .collect::<Vec<_>>()
        .join(" ");
    let name = seeded["firstname"].as_str().unwrap();
    assert!(warning.contains(name), "{warning}\n{s}");
    assert!(
        warning.contains("(id ") && warning.ends_with(')'),
        "the whole hint: {warning}\n{s}"
    );
}

/// Issue 15: nothing said that required fields lay below the fold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marker_says_what_lies_below() {
    let mut h = Harness::new().await;
    let s = h.screen(80, 24);
    assert!(s.contains("↓ 2 more fields below"), "{s}");
    let s = h.screen(80, 14);
    assert!(s.contains("more fields below, 3 required"), "{s}");
    // At the end of the form there is nothing below, and no marker.
    h.focus("Description");
    let s = h.screen(80, 24);
    assert!(!s.contains("↓"), "{s}");
}

/// Issue 15: a key clears a field: Ctrl-U empties text (Ctrl-Z brings it back) and
/// drops every entry of a picked field.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_u_clears_a_field() {
    let mut h = Harness::new().await;
    h.typed("Anastasia");
    h.ctrl('u');
    assert_eq!(h.app().current().form.draft.get("firstname"), "");
    h.ctrl('z');
    assert_eq!(h.app().current().form.draft.get("firstname"), "Anastasia");
    h.focus("Groups");
    h.press(KeyCode::Enter);
    h.typed("mumb");
    h.press(KeyCode::Char(' '));
    h.ctrl('w');
    h.typed("delhi");
    h.press(KeyCode::Char(' '));
    h.press(KeyCode::Enter);
    h.focus("Groups");
    assert_eq!(h.app().current().form.draft.list("groups").len(), 2);
    h.ctrl('u');
    assert!(h.app().current().form.draft.list("groups").is_empty());
}
