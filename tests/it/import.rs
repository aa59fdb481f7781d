//! `rolo import` end to end: the real binary against an in-process sandbox, with a temp
//! config and data dir. The sandbox is the judge: what it stored, and the statuses in its
//! request log.
//!
//! The rate-limit test keeps WhatsMark's 600-requests-per-window limit but shortens the
//! window from 60 s to 2 s (`rate_window_secs`): the client paces by the headers
//! (`X-RateLimit-Remaining`, `-Reset`, `-Window`) whatever the window is, so the same
//! logic is exercised ~9 times over 5,000 rows in about 20 s instead of 8.5 minutes.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

use crate::support;

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rolo::sandbox::state::RequestRecord;
use serde_json::{Value, json};
use support::{ConfigFile, Profile, SeedExt, World, code, show, stderr, stdout};

/// `wm` (the default: WhatsMark loadtest, unlimited, region CO, lead defaults) and
/// `wipsy` (Wipsy demo); rolo runs in the temp dir, which holds the files it imports.
fn world() -> World {
    World::new(2, |origin, seed| {
        ConfigFile::new()
            .default_profile("wm")
            .profile(
                Profile::whatsmark("wm", origin, "ROLO_T_LOAD")
                    .region("CO")
                    .lead_defaults(),
            )
            .profile(Profile::wipsy("wipsy", origin, "ROLO_T_WIPSY").region("CO"))
            .secret("ROLO_T_LOAD", seed.wm_token("loadtest", "full"))
            .secret("ROLO_T_WIPSY", seed.wipsy_key("demo"))
    })
}

/// `PATCH /_sandbox/{flavour}/{tenant}`, which must succeed.
fn patch(w: &World, flavour: &str, tenant: &str, body: &Value) {
    let status = w.patch(flavour, tenant, body);
    assert!(status.is_success(), "PATCH answered {status}");
}

fn stored_phones(w: &World) -> Vec<String> {
    w.stored("whatsmark", "loadtest")
        .iter()
        .map(|c| c["phone"].as_str().unwrap().to_owned())
        .collect()
}

/// Takes the request log so far (the sandbox keeps only the last 2,000).
fn drain_requests(w: &World) -> Vec<RequestRecord> {
    w.handle().state().lock().requests.drain(..).collect()
}

/// Runs rolo while draining the request log often enough that nothing is dropped.
fn rolo_logged(w: &World, args: &[&str]) -> (Output, Vec<RequestRecord>) {
    let done = AtomicBool::new(false);
    // What came before this run is not this run's.
    drain_requests(w);
    std::thread::scope(|s| {
        let drainer = s.spawn(|| {
            let mut seen = Vec::new();
            while !done.load(Ordering::SeqCst) {
                seen.extend(drain_requests(w));
                std::thread::sleep(Duration::from_millis(50));
            }
            seen
        });
        let out = w.rolo(args);
        done.store(true, Ordering::SeqCst);
        let mut log = drainer.join().unwrap();
        log.extend(drain_requests(w));
        (out, log)
    })
}

/// A valid Colombian mobile number, distinct per `i`.
fn phone(i: usize) -> String {
    format!("+57 300 {i:07}")
}

fn e164(i: usize) -> String {
    format!("+57300{i:07}")
}

/// `n` valid rows for the `wm` profile, phones from `first`.
fn rows_csv(first: usize, n: usize) -> String {
    let mut csv = String::from("first name,last name,phone,email\n");
    for i in first..first + n {
        writeln!(csv, "Ana{i},Pérez,{},ana{i}@example.com", phone(i)).unwrap();
    }
    csv
}

fn posts(log: &[RequestRecord]) -> Vec<&RequestRecord> {
    log.iter()
        .filter(|r| r.method == "POST" && r.uri.ends_with("/contacts"))
        .collect()
}

/// Expands `2, 5-9` into line numbers.
fn expand(ranges: &str) -> BTreeSet<u64> {
    let mut out = BTreeSet::new();
    for part in ranges.split(", ") {
        match part.split_once('-') {
            Some((a, b)) => out.extend(a.parse::<u64>().unwrap()..=b.parse().unwrap()),
            None => {
                out.insert(part.parse().unwrap());
            }
        }
    }
    out
}

/// `rolo_line` → `rolo_reason` of a rejected or unsent file.
fn reasons(path: &Path) -> HashMap<u64, String> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            (rec[0].parse().unwrap(), rec[1].to_owned())
        })
        .collect()
}

#[test]
fn five_thousand_rows_respect_the_rate_limit_and_a_rerun_creates_nothing() {
    let w = world();
    patch(
        &w,
        "whatsmark",
        "loadtest",
        &json!({ "rate_limit_per_minute": 600, "rate_window_secs": 2 }),
    );
    w.write("big.csv", rows_csv(0, 5000));
    let (out, log) = rolo_logged(&w, &["import", "big.csv"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        stdout(&out).contains("5000 created, 0 skipped (already imported)"),
        "{}",
        show(&out)
    );
    let limited = log.iter().filter(|r| r.status == 429).count();
    assert!(limited <= 1, "{limited} answers were 429");
    let created = posts(&log).iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 5000);
    let phones = stored_phones(&w);
    let unique: BTreeSet<&String> = phones.iter().collect();
    assert_eq!(
        (phones.len(), unique.len()),
        (5000, 5000),
        "each phone once"
    );
    assert!((0..5000).all(|i| unique.contains(&e164(i))));

    let (again, log) = rolo_logged(&w, &["import", "big.csv"]);
    assert_eq!(code(&again), 0, "{}", show(&again));
    assert!(
        stdout(&again).contains("0 created, 5000 skipped (already imported)"),
        "{}",
        show(&again)
    );
    assert!(posts(&log).is_empty(), "the re-run sent nothing");
    assert_eq!(stored_phones(&w).len(), 5000);
}

#[test]
fn a_quota_stop_reports_exactly_the_rows_not_sent_and_they_go_later() {
    let w = world();
    patch(&w, "whatsmark", "loadtest", &json!({ "contact_limit": 7 }));
    w.write("twenty.csv", rows_csv(100, 20));
    let out = w.rolo(&["import", "twenty.csv"]);
    assert_eq!(code(&out), 3, "{}", show(&out));
    assert!(stderr(&out).contains("quota"), "{}", show(&out));
    let report = stdout(&out);
    let listed = report
        .lines()
        .find_map(|l| l.strip_prefix("not sent: lines "))
        .and_then(|l| l.split(" (").next())
        .map(expand)
        .unwrap_or_default();
    let stored: BTreeSet<String> = stored_phones(&w).into_iter().collect();
    assert_eq!(stored.len(), 7);
    // Row i of the file (0-based) is on line i + 2 and has phone 100 + i.
    let not_created: BTreeSet<u64> = (0..20)
        .filter(|i| !stored.contains(&e164(100 + i)))
        .map(|i| i as u64 + 2)
        .collect();
    assert_eq!(listed.len(), 13, "{report}");
    assert_eq!(listed, not_created);
    let unsent = reasons(&w.path("twenty.csv.unsent.csv"));
    assert_eq!(unsent.keys().copied().collect::<BTreeSet<_>>(), listed);
    assert!(unsent.values().all(|r| r.contains("quota")));
    assert!(report.contains("7 created, 0 skipped (already imported), 0 rejected, 13 not sent"));

    // The plan grows: the same import sends exactly the rest.
    patch(&w, "whatsmark", "loadtest", &json!({ "contact_limit": -1 }));
    let out = w.rolo(&["import", "twenty.csv"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        stdout(&out).contains("13 created, 7 skipped (already imported), 0 rejected, 0 not sent")
    );
    assert_eq!(stored_phones(&w).len(), 20);
    assert!(!w.path("twenty.csv.unsent.csv").exists());
}

#[test]
fn dry_run_lists_every_bad_row_by_line_and_sends_nothing() {
    let w = world();
    let csv = format!(
        "nombre,apellido,celular,correo,grupos,notas\n\
         Ana,Pérez,{},ana@example.com,Mayoristas,\n\
         Luis,Gómez,{},not-an-email,,\n\
         Eva,Gil,{},,,\"dos\nlíneas\"\n\
         Sin,,{},,,\n\
         Raúl,Díaz,{},,Nope,\n\
         Olga,Ruiz,12,,,\n\
         Iván,Mora,{},,,\n\
         Teo,Paz,{},,,,extra\n",
        phone(1),
        phone(2),
        phone(3),
        phone(4),
        phone(5),
        phone(1),
        phone(8),
    );
    w.write("check.csv", csv);
    let (out, log) = rolo_logged(&w, &["import", "--dry-run", "check.csv"]);
    assert_eq!(code(&out), 2, "{}", show(&out));
    let report = stdout(&out);
    let bad: BTreeSet<u64> = report
        .lines()
        .filter_map(|l| l.strip_prefix("line "))
        .map(|l| l.split(':').next().unwrap().parse().unwrap())
        .collect();
    // Line 4 holds a quoted line break, so every later row starts one line further.
    assert_eq!(bad, BTreeSet::from([3, 6, 7, 8, 9, 10]), "{report}");
    for expected in [
        "line 3: Email: ",
        "line 6: Last name: ",
        "line 7: Groups: no entry named \"Nope\"",
        "line 8: Phone: ",
        "line 9: Phone: the same phone as line 2",
        "line 10: row: 7 cells",
    ] {
        assert!(report.contains(expected), "{expected:?} in {report}");
    }
    assert!(report.contains("8 rows: 2 ready to send, 6 with problems"));
    assert!(posts(&log).is_empty());
    assert!(stored_phones(&w).is_empty());
}

#[test]
fn csv_quirks_bom_semicolons_spanish_headers_quoted_newlines_and_latin1() {
    let w = world();
    let text = format!(
        "\u{feff}Nombre;Apellidos;Teléfono;Correo electrónico;Ciudad;Estado;Descripción;Tipo\n\
         José;Pérez Núñez;{};jose@example.com;Medellín;Interesado;\"Primera línea\nsegunda; con punto y coma\";customer\n\
         María;Ñúñez;{};;Cali;Nuevo;;\n",
        phone(201),
        phone(202)
    );
    w.write("es.csv", &text);
    let out = w.rolo(&["import", "es.csv"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        stderr(&out).contains("\"Estado\" read as the status"),
        "{}",
        show(&out)
    );
    let stored = w.stored("whatsmark", "loadtest");
    let jose = stored.iter().find(|c| c["phone"] == e164(201)).unwrap();
    assert_eq!(jose["firstname"], "José");
    assert_eq!(jose["lastname"], "Pérez Núñez");
    assert_eq!(jose["city"], "Medellín");
    assert_eq!(jose["type"], "customer");
    assert_eq!(
        jose["description"],
        "Primera línea\nsegunda; con punto y coma"
    );
    let maria = stored.iter().find(|c| c["phone"] == e164(202)).unwrap();
    assert_eq!(
        maria["type"], "lead",
        "the profile default under an empty cell"
    );
    assert_ne!(jose["status_id"], maria["status_id"], "Interesado vs Nuevo");

    // The same kind of file as Excel saves it on a Spanish Windows: Latin-1, no BOM.
    let latin = format!(
        "Nombre;Apellidos;Teléfono\nJosé;Muñoz;{}\nÁngela;Peña;{}\n",
        phone(203),
        phone(204)
    );
    let bytes: Vec<u8> = latin.chars().map(|c| u8::try_from(c).unwrap()).collect();
    w.write("latin.csv", bytes);
    let out = w.rolo(&["import", "latin.csv"]);
    assert_eq!(code(&out), 1, "{}", show(&out));
    let err = stderr(&out);
    assert!(
        err.contains("line 1") && err.contains("--encoding latin1"),
        "{err}"
    );
    assert_eq!(stored_phones(&w).len(), 2, "nothing sent");
    let out = w.rolo(&["import", "--encoding", "latin1", "latin.csv"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let stored = w.stored("whatsmark", "loadtest");
    let angela = stored.iter().find(|c| c["phone"] == e164(204)).unwrap();
    assert_eq!(
        (&angela["firstname"], &angela["lastname"]),
        (&json!("Ángela"), &json!("Peña"))
    );
}

#[test]
fn rejected_rows_go_to_a_file_with_the_reason_for_each() {
    let w = world();
    w.write("first.csv", rows_csv(300, 1));
    assert_eq!(code(&w.rolo(&["import", "first.csv"])), 0);
    let csv = format!(
        "name,surname,mobile,e-mail,Favourite colour\n\
         Ana,Pérez,{},,blue\n\
         Dup,Licado,{},,red\n\
         Bad,Mail,{},ana@@example,green\n\
         Ok,Two,{},,\n",
        phone(301),
        phone(300),
        phone(302),
        phone(303)
    );
    w.write("mixed.csv", csv);
    let out = w.rolo(&["import", "mixed.csv"]);
    assert_eq!(code(&out), 2, "{}", show(&out));
    assert!(stderr(&out).contains("\"Favourite colour\" matches no whatsmark field"));
    assert!(
        stdout(&out).contains("2 created, 0 skipped (already imported), 2 rejected, 0 not sent")
    );
    let rejected = reasons(&w.path("mixed.csv.rejected.csv"));
    assert_eq!(rejected.len(), 2);
    assert!(
        rejected[&3].contains("Phone: This phone number already exists."),
        "{rejected:?}"
    );
    assert!(rejected[&4].starts_with("Email: "), "{rejected:?}");
    // The rejected file keeps the original columns, so it can be fixed and imported.
    let text = std::fs::read_to_string(w.path("mixed.csv.rejected.csv")).unwrap();
    assert!(
        text.starts_with("rolo_line,rolo_reason,name,surname,mobile,e-mail,Favourite colour\n")
    );
    assert_eq!(stored_phones(&w).len(), 3);
}

#[test]
fn vcards_and_wipsy_tags_by_name() {
    let w = world();
    let vcf = format!(
        "BEGIN:VCARD\nVERSION:3.0\nN:Gómez;Lucía;;;\nFN:Lucía Gómez\nTEL;TYPE=CELL:{}\nEND:VCARD\n\
         BEGIN:VCARD\nVERSION:3.0\nN:Rojas;Pedro;;;\nFN:Pedro Rojas\nTEL:{}\nEMAIL:pedro@example.com\nEND:VCARD\n",
        phone(401),
        phone(402)
    );
    w.write("cards.vcf", vcf);
    let out = w.rolo(&["import", "cards.vcf"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(stdout(&out).contains("2 created"));
    let phones = stored_phones(&w);
    assert!(phones.contains(&e164(401)) && phones.contains(&e164(402)));

    let csv = format!(
        "Nombre completo,Celular,Etiquetas,Provincia,Número de documento,Canal preferido\n\
         Carla Méndez Ruiz,{},\"VIP, Mayorista\",Antioquia,71.234.567,Llamada\n",
        phone(403)
    );
    w.write("wipsy.csv", csv);
    let out = w.rolo(&["--profile", "wipsy", "import", "wipsy.csv"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let carla = w
        .stored("wipsy", "demo")
        .into_iter()
        .find(|c| c["phone"] == e164(403))
        .unwrap();
    assert_eq!(
        (&carla["name"], &carla["last_name"]),
        (&json!("Carla"), &json!("Méndez Ruiz"))
    );
    assert_eq!(carla["province"], "Antioquia");
    let tags = support::names(&carla["tags"]);
    assert_eq!(tags, ["VIP", "Mayorista"]);
}

#[test]
fn map_overrides_a_column_and_unknown_targets_are_refused() {
    let w = world();
    let csv = format!("Cliente,Tel,Ref\nLaura Vega,{},A-1\n", phone(501));
    w.write("map.csv", csv);
    let out = w.rolo(&["import", "--dry-run", "--map", "Ref=shoe size", "map.csv"]);
    assert_eq!(code(&out), 1, "{}", show(&out));
    assert!(stderr(&out).contains("no whatsmark field named \"shoe size\""));
    let out = w.rolo(&[
        "import",
        "--map",
        "Cliente=full_name",
        "--map",
        "Ref=company",
        "map.csv",
    ]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    let laura = w.stored("whatsmark", "loadtest").pop().unwrap();
    assert_eq!(
        (&laura["firstname"], &laura["lastname"]),
        (&json!("Laura"), &json!("Vega"))
    );
    assert_eq!(laura["company"], "A-1");
    let history = std::fs::read_to_string(w.path("data/history.jsonl")).unwrap();
    assert!(history.contains("Laura Vega") && history.contains(&e164(501)));
}

const CONTACTS: &str = "/whatsmark/api/v2/contacts";

/// [`world`] on a tenant that stores a taken phone again (as a CRM without a uniqueness
/// rule), so a row sent twice shows as two contacts.
fn allowing_duplicates() -> World {
    let w = world();
    patch(
        &w,
        "whatsmark",
        "loadtest",
        &json!({ "allow_duplicates": true }),
    );
    w
}

/// `rolo import FILE --jobs 1` started, its output captured, not waited for.
fn spawn_import(w: &World, file: &str) -> std::process::Child {
    w.command()
        .args(["import", file, "--jobs", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (20 s at most) until `done` holds.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Issue 24: the server stores a row and the connection drops. The retry looks first
/// and finds it: the row is created (not "rejected" as a duplicate of itself), in the
/// history once, and a tenant that takes duplicates holds it once.
#[test]
fn a_row_stored_before_the_connection_dropped_is_found_not_sent_again() {
    let w = allowing_duplicates();
    w.add_fault(support::sandbox::once_on_post(
        CONTACTS,
        rolo::sandbox::FaultKind::Drop,
        true,
    ));
    w.write("one.csv", rows_csv(500, 3));
    let out = w.rolo(&["import", "one.csv"]);
    assert_eq!(code(&out), 0, "{}", show(&out));
    assert!(
        stdout(&out).contains("3 created, 0 skipped (already imported), 0 rejected, 0 not sent"),
        "{}",
        show(&out)
    );
    for i in 500..503 {
        let copies = stored_phones(&w).iter().filter(|p| **p == e164(i)).count();
        assert_eq!(copies, 1, "row {i}");
    }
    let history = rolo::engine::record::read(&w.data_dir());
    assert_eq!(history.len(), 3, "{history:?}");
    assert!(history.iter().all(|e| e.phone.starts_with("+57300")));
}

/// Issue 24: one row that gets no answer three times goes to unsent.csv and the import
/// goes on with the rest (it used to stop: 6,887 rows not sent for one bad row).
#[test]
fn a_row_that_keeps_failing_waits_and_the_import_goes_on() {
    let w = world();
    w.add_fault(rolo::sandbox::FaultRule {
        path: CONTACTS.into(),
        method: Some("POST".into()),
        kind: rolo::sandbox::FaultKind::Drop,
        after: false,
        times: Some(3),
    });
    w.write("rows.csv", rows_csv(600, 4));
    // One worker: the three drops all meet the first row.
    let out = w.rolo(&["import", "rows.csv", "--jobs", "1"]);
    assert!(
        stdout(&out).contains("3 created, 0 skipped (already imported), 0 rejected, 1 not sent"),
        "{}",
        show(&out)
    );
    assert!(!show(&out).contains("the import stopped"), "{}", show(&out));
    assert_eq!(code(&out), 6, "a row waits for the network: {}", show(&out));
    let unsent = reasons(&w.path("rows.csv.unsent.csv"));
    assert_eq!(unsent.keys().copied().collect::<Vec<_>>(), vec![2]);
    assert!(unsent[&2].contains("no answer after 3 tries"), "{unsent:?}");
    assert_eq!(
        stored_phones(&w).len(),
        3 + w.seed.wm_tenant("loadtest").seed_contacts.len()
    );
}

/// Issue 24: a 429 asking for 2^64-1 seconds panicked ("overflow when adding duration to
/// instant"); now the wait is an hour at most, Ctrl-C ends it at once with the report
/// and unsent.csv written, and the report names the server's figure.
#[test]
fn an_absurd_retry_after_is_bounded_and_ctrl_c_ends_the_wait() {
    an_absurd_wait_ends_on("INT");
}

/// Issue 26 (4): SIGTERM (a closed session, a service manager) ends an import as Ctrl-C
/// does: the report printed and `unsent.csv` written.
#[test]
fn sigterm_ends_an_import_with_its_report() {
    an_absurd_wait_ends_on("TERM");
}

/// An import waiting out an absurd `Retry-After`, stopped by `signal`.
fn an_absurd_wait_ends_on(signal: &str) {
    let w = world();
    w.add_fault(support::sandbox::once_on_post(
        CONTACTS,
        rolo::sandbox::FaultKind::Answer {
            status: 429,
            body: json!({
                "success": false, "message": "Too many requests",
                "meta": { "retry_after": 18_446_744_073_709_551_615_u64 }
            }),
        },
        false,
    ));
    w.write("slow.csv", rows_csv(700, 2));
    let child = spawn_import(&w, "slow.csv");
    // Waiting once the 429 is answered: the fault is spent. (A Ctrl-C before the wait
    // begins ends the import the same way: the row is not sent.)
    wait_until("the 429 never came", || {
        w.handle().state().lock().faults.is_empty()
    });
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap()
            .success()
    );
    let out = child.wait_with_output().unwrap();
    assert!(!show(&out).contains("panicked"), "{}", show(&out));
    assert!(show(&out).contains("interrupted"), "{}", show(&out));
    assert!(
        show(&out).contains("the server asked to wait 18446744073709551615 seconds"),
        "{}",
        show(&out)
    );
    assert!(stdout(&out).contains("0 created"), "{}", show(&out));
    assert_eq!(reasons(&w.path("slow.csv.unsent.csv")).len(), 2);
}

/// Issue 24: two imports of one file at once sent 1,600 creates for 1,000 rows. The
/// second is refused, naming the first, and sends nothing; the first sends each row once.
#[test]
fn a_second_import_of_the_same_file_is_refused_while_the_first_runs() {
    let w = world();
    w.add_fault(rolo::sandbox::FaultRule {
        path: CONTACTS.into(),
        method: Some("POST".into()),
        kind: rolo::sandbox::FaultKind::Delay { ms: 400 },
        after: false,
        times: None,
    });
    w.write("same.csv", rows_csv(800, 6));
    let first = spawn_import(&w, "same.csv");
    // The first holds the lock once its first create is out.
    wait_until("the first never sent", || {
        stored_phones(&w).iter().any(|p| *p == e164(800))
    });
    let second = w.rolo(&["import", "same.csv"]);
    assert_eq!(code(&second), 1, "{}", show(&second));
    let pid = first.id();
    assert!(
        stderr(&second).contains(&format!(
            "same.csv is being imported by another rolo (process {pid}, started "
        )),
        "{}",
        show(&second)
    );
    assert!(!stdout(&second).contains("created"), "{}", show(&second));
    w.handle().clear_faults();
    let first = first.wait_with_output().unwrap();
    assert_eq!(code(&first), 0, "{}", show(&first));
    for i in 800..806 {
        let copies = stored_phones(&w).iter().filter(|p| **p == e164(i)).count();
        assert_eq!(copies, 1, "row {i}");
    }
}

/// Unmounts its directory when dropped (a failed test leaves no mount behind).
struct Unmount(std::path::PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Mounts a tmpfs of `size` over `dir` (this test runs as root, as CI does), or changes
/// the size of the one there.
fn tmpfs(dir: &Path, size: &str, remount: bool) {
    let options = if remount {
        format!("remount,size={size}")
    } else {
        format!("size={size},mode=0700")
    };
    let status = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", &options, "tmpfs"])
        .arg(dir)
        .status()
        .unwrap();
    assert!(status.success(), "mount -o {options} (the test needs root)");
}

/// Issue 24: a full disk mid-import lost 25 of 27 created rows from the journal and the
/// history, and the next run sent them again. Now each row's "sending" line is written
/// before its create leaves: the disk fills, the import stops cleanly, and the next run
/// (with room again) looks for the rows that were out and sends the rest: every row once,
/// every row in the history once.
#[test]
fn a_full_disk_stops_the_import_and_the_next_run_sends_each_row_once() {
    let w = allowing_duplicates();
    let data = w.data_dir();
    std::fs::create_dir_all(&data).unwrap();
    tmpfs(&data, "24k", false);
    let _unmount = Unmount(data.clone());
    let rows = 400;
    w.write("big.csv", rows_csv(900, rows));
    let first = w.rolo(&["import", "big.csv", "--jobs", "4"]);
    assert_ne!(code(&first), 0, "the disk fills: {}", show(&first));
    assert!(
        show(&first).contains("cannot write the import journal"),
        "{}",
        show(&first)
    );
    tmpfs(&data, "8m", true);
    let again = w.rolo(&["import", "big.csv"]);
    assert_eq!(code(&again), 0, "{}", show(&again));
    let phones = stored_phones(&w);
    for i in 900..900 + rows {
        let copies = phones.iter().filter(|p| **p == e164(i)).count();
        assert_eq!(copies, 1, "row {i}: {}", show(&first));
    }
    let history = rolo::engine::record::read(&data);
    assert_eq!(history.len(), rows, "every row in the history once");
    let distinct: std::collections::BTreeSet<&str> =
        history.iter().map(|e| e.phone.as_str()).collect();
    assert_eq!(distinct.len(), rows);
}

/// A row refused as the same phone as an earlier row stays refused on the next run, when
/// that earlier row is skipped as already imported: a re-run once sent it, and a tenant
/// that takes duplicates then held the phone twice.
#[test]
fn a_row_refused_as_a_repeat_stays_refused_when_its_first_is_already_imported() {
    let w = allowing_duplicates();
    let csv = format!(
        "first name,last name,phone\nPedro,Uno,{}\nPedro,Dos,{}\n",
        phone(700),
        phone(700)
    );
    w.write("twice.csv", csv);
    for run in ["first", "second"] {
        let out = w.rolo(&["import", "twice.csv"]);
        assert_eq!(code(&out), 2, "{run} run: {}", show(&out));
        assert!(
            stdout(&out).contains("line 3: Phone: the same phone as line 2"),
            "{run} run: {}",
            show(&out)
        );
    }
    let phones = stored_phones(&w);
    assert_eq!(
        phones.iter().filter(|p| **p == e164(700)).count(),
        1,
        "{phones:?}"
    );
}
