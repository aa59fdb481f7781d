#!/usr/bin/env python3
"""Instruction budgets: counts each scenario of benches/budgets.rs with valgrind and holds
it against its budget in budgets.toml. Instructions, not seconds: the same code gives the
same count on a busy machine, so a budget with 25 % headroom does not flake.

    python3 .ci/budgets.py                 # build, count every scenario, fail over budget
    python3 .ci/budgets.py --only NAME     # one scenario (repeatable)
    python3 .ci/budgets.py --runs 3        # each scenario 3 times: the spread
    python3 .ci/budgets.py --report        # print, never fail, and suggest budget lines
    python3 .ci/budgets.py --report --write  # ...and write them into budgets.toml

Exit status: 0 every scenario within its budget; 1 one or more over budget (or a scenario
without a budget, or a budget without a scenario); 2 it could not run (no valgrind, the
build failed, a scenario failed).

In-process scenarios (kind `callgrind`) count only the measured step, on the calling
thread: `--toggle-collect` on the bench's `budget_measured_step`. The scenarios of one
session share its setup and run in one process; callgrind dumps after each step, one
out file per scenario (`NAME.RUN.callgrind.out.K`). Process scenarios (kind `cachegrind`)
count the whole rolo process, every thread. Valgrind's outputs and each run's log stay
under target/budgets/ (read them with callgrind_annotate / cg_annotate).
See docs/budgets.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import time
import tomllib
import traceback
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGETS = ROOT / "budgets.toml"
PROFILE = "dev"
# How the counted binaries are built, here and in CI alike: the dev profile (opt-level 1),
# no incremental compilation (its partitioning changes what LLVM inlines), and rolo's own
# crates compiled by clippy's driver (CI's one build lints as it compiles, and clippy
# turns MIR optimisations off: the same driver everywhere gives the same counts).
CLIPPY_ARGS = "-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
HEADROOM = 1.25
# A count under this share of its budget is reported as loose: a budget far above what
# the code costs would let a regression through unnoticed.
LOOSE = 0.5
# The bench's measured function: counting is on inside it (any instance: it is generic),
# and callgrind dumps its counters each time it returns (a prefix, no leading wildcard).
TOGGLE = "*budget_measured_step*"
DUMP_AFTER = "budgets::budget_measured_step"
MEASURED = "budgets: measured "


class CannotRun(Exception):
    """The guard could not count (exit 2)."""


@dataclass
class Scenario:
    name: str
    kind: str
    session: str
    counts: list[int] = field(default_factory=list)


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, text=True, **kw)


def target_dir() -> Path:
    out = run(["cargo", "metadata", "--format-version", "1", "--no-deps"], capture_output=True)
    if out.returncode != 0:
        raise CannotRun(f"cargo metadata failed:\n{out.stderr}")
    return Path(json.loads(out.stdout)["target_directory"])


def build_env() -> dict[str, str]:
    """The environment of the counted build (see CLIPPY_ARGS)."""
    driver = shutil.which("clippy-driver")
    if driver is None:
        raise CannotRun("no clippy-driver on PATH (rustup component add clippy)")
    # The caller's flags and profile overrides would change what is counted (Cargo.toml
    # itself suggests CARGO_PROFILE_DEV_OPT_LEVEL=0 for a debugger): not here.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CARGO_PROFILE_")
           and k not in ("RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS")}
    return dict(env, CARGO_INCREMENTAL="0", RUSTC_WORKSPACE_WRAPPER=driver,
                CLIPPY_ARGS=CLIPPY_ARGS)


def build() -> tuple[Path, Path]:
    """Builds the bench and rolo as CI does (see CLIPPY_ARGS); their paths."""
    cmd = ["cargo", "build", "--profile", PROFILE, "--bench", "budgets", "--bin", "rolo",
           "--message-format=json-render-diagnostics"]
    print("== " + " ".join(cmd[:-1]), flush=True)
    started = time.monotonic()
    proc = run(cmd, stdout=subprocess.PIPE, env=build_env())
    if proc.returncode != 0:
        raise CannotRun("the build failed (see above)")
    bench = rolo = None
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") != "compiler-artifact" or not msg.get("executable"):
            continue
        t = msg["target"]
        if t["name"] == "budgets" and "bench" in t["kind"]:
            bench = Path(msg["executable"])
        elif t["name"] == "rolo" and "bin" in t["kind"]:
            rolo = Path(msg["executable"])
    if bench is None or rolo is None:
        raise CannotRun("the build named no budgets bench or rolo binary")
    print(f"   built in {time.monotonic() - started:.0f} s", flush=True)
    return bench, rolo


def scenarios(bench: Path) -> list[Scenario]:
    out = run([str(bench), "--list"], capture_output=True)
    if out.returncode != 0:
        raise CannotRun(f"{bench} --list failed:\n{out.stderr}")
    return [Scenario(*line.split()) for line in out.stdout.splitlines() if line.strip()]


def parse_total(path: Path) -> int:
    """The instruction count of a callgrind or cachegrind out file: its `totals:` line
    (callgrind: what was collected), else its `summary:` line; the first event is Ir."""
    found = {}
    for line in path.read_text().splitlines():
        for key in ("totals:", "summary:"):
            if line.startswith(key):
                found[key] = int(line.split()[1])
    total = found.get("totals:", found.get("summary:"))
    if total is None:
        raise CannotRun(f"no totals or summary line in {path}")
    return total


def command(bench: Path, kind: str, session: str, out: Path) -> tuple[list[str], dict]:
    """How to run one session under valgrind, and its environment."""
    env = {}
    if kind == "callgrind":
        cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no",
               f"--toggle-collect={TOGGLE}", f"--dump-after={DUMP_AFTER}",
               f"--callgrind-out-file={out}", str(bench), session]
    elif kind == "cachegrind":
        env["ROLO_BUDGET_WRAP"] = json.dumps(
            ["valgrind", "--tool=cachegrind", "--cache-sim=no",
             f"--cachegrind-out-file={out}"])
        cmd = [str(bench), session]
    else:
        raise CannotRun(f"session {session}: unknown kind {kind!r}")
    return cmd, env


def count(bench: Path, rolo: Path, session: list[Scenario], run_no: int,
          out_dir: Path) -> dict[str, int]:
    """Runs one session once under valgrind; each of its scenarios' counts. Callgrind
    dumps after each measured step (`out.1`, `out.2`... in the order the bench says it
    measured them); cachegrind counts the one process of a process scenario."""
    kind, name = session[0].kind, session[0].session
    out = out_dir / f"{name}.{run_no}.{kind}.out"
    log = out_dir / f"{name}.{run_no}.log"
    for old in out_dir.glob(f"{out.name}*"):
        old.unlink()
    cmd, env = command(bench, kind, name, out)
    with log.open("w") as f:
        proc = run(cmd, env=dict(os.environ, ROLO_BUDGET_BIN=str(rolo), **env),
                   stdout=f, stderr=subprocess.STDOUT)
    text = log.read_text(errors="replace")
    if proc.returncode != 0 or not out.exists():
        tail = "".join(text.splitlines(True)[-40:])
        raise CannotRun(f"session {name} failed (exit {proc.returncode}); {log}:\n{tail}")
    if kind == "cachegrind":
        return {session[0].name: parse_total(out)}
    said = [line[len(MEASURED):].strip() for line in text.splitlines()
            if line.startswith(MEASURED)]
    parts = sorted(out_dir.glob(f"{out.name}.*"), key=lambda p: int(p.suffix[1:]))
    expected = [s.name for s in session]
    if said != expected or len(parts) != len(said):
        raise CannotRun(f"session {name}: measured {said} in {len(parts)} dumps, "
                        f"expected {expected} ({log})")
    return {n: parse_total(p) for n, p in zip(said, parts)}


def count_all(bench: Path, rolo: Path, sessions: dict[str, list[Scenario]], runs: int,
              jobs: int, out_dir: Path) -> None:
    """Counts every run of every session, `jobs` at a time: valgrind runs a program on
    one core, and a count does not depend on what else the machine is doing."""
    def one(name: str, n: int) -> tuple[str, int, dict[str, int], float]:
        t0 = time.monotonic()
        return name, n, count(bench, rolo, sessions[name], n, out_dir), time.monotonic() - t0

    # The longest sessions (most scenarios: the big catalog) start first.
    order = sorted(sessions, key=lambda k: -len(sessions[k]))
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        todo = [pool.submit(one, name, n) for name in order for n in range(runs)]
        try:
            for done in concurrent.futures.as_completed(todo):
                name, n, counts, seconds = done.result()
                for s in sessions[name]:
                    s.counts.append(counts[s.name])
                shown = ", ".join(f"{k} {figure(v)}" for k, v in counts.items())
                print(f"   {name} run {n + 1} ({seconds:.0f} s): {shown}", flush=True)
        except CannotRun:
            for t in todo:
                t.cancel()
            raise


def load_budgets() -> dict:
    try:
        with BUDGETS.open("rb") as f:
            return tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise CannotRun(f"cannot read {BUDGETS}: {e}") from e


def figure(n: int | None) -> str:
    return "-" if n is None else f"{n:,}"


def judged(s: Scenario, budgets: dict) -> tuple[int, int | None, str]:
    """The figure held against the budget (the median of the runs), the budget, the status."""
    measured = int(statistics.median(s.counts))
    budget = budgets.get(s.name, {}).get("budget")
    if budget is None:
        return measured, None, "NO BUDGET"
    if measured > budget:
        return measured, budget, "OVER"
    if measured < budget * LOOSE:
        return measured, budget, "ok (loose)"
    return measured, budget, "ok"


def table(found: list[Scenario], budgets: dict, runs: int) -> list[str]:
    """Prints figure beside budget for every scenario; the problems, in words."""
    spread = runs > 1
    head = f"{'scenario':<26} {'measured':>15} {'budget':>15} {'headroom':>9}  {'status':<11}"
    if spread:
        head += f" {'min':>15} {'max':>15} {'spread':>8}"
    print("\n" + head)
    print("-" * len(head))
    problems = []
    for s in found:
        measured, budget, status = judged(s, budgets)
        room = "-" if budget is None else f"{(budget / measured - 1) * 100:+.1f} %"
        line = f"{s.name:<26} {figure(measured):>15} {figure(budget):>15} {room:>9}  {status:<11}"
        if spread:
            lo, hi = min(s.counts), max(s.counts)
            line += f" {figure(lo):>15} {figure(hi):>15} {(hi - lo) / measured * 100:>6.2f} %"
        print(line)
        if status == "OVER":
            problems.append(
                f"{s.name}: {figure(measured)} instructions, over its budget of "
                f"{figure(budget)} by {figure(measured - budget)} "
                f"({(measured / budget - 1) * 100:.1f} %)")
        elif status == "NO BUDGET":
            problems.append(f"{s.name}: no budget in budgets.toml")
        elif status == "ok (loose)":
            print(f"   note: {s.name} uses {measured / budget:.0%} of its budget; "
                  "lower it (--report suggests a line) so that a regression shows")
    names = {s.name for s in found}
    for stale in sorted(set(budgets) - names):
        problems.append(f"{stale}: a budget in budgets.toml for no scenario")
    return problems


def round_up(x: float) -> int:
    """Up to three significant digits, so that a budget reads as a round figure."""
    n = int(math.ceil(x))
    q = 10 ** max(0, len(str(n)) - 3)
    return -(-n // q) * q


def stamp() -> str:
    """Today and the commit measured; `+wip` when the working tree has changes."""
    head = run(["git", "rev-parse", "--short", "HEAD"], capture_output=True).stdout.strip()
    dirty = run(["git", "status", "--porcelain", "--untracked-files=no"],
                capture_output=True).stdout.strip()
    return f"{datetime.date.today().isoformat()} {head or '?'}{'+wip' if dirty else ''}"


def toml_int(n: int) -> str:
    return f"{n:_}"


def entry(name: str, budget: int, measured: int, when: str, why: str) -> str:
    return (f"[{name}]\nbudget = {toml_int(budget)}\nmeasured = {toml_int(measured)}\n"
            f"measured_on = \"{when}\"\nwhy = {json.dumps(why, ensure_ascii=False)}\n")


def suggestions(found: list[Scenario], budgets: dict) -> dict[str, str]:
    """budgets.toml's tables as measured now: the largest count of the runs × 1.25."""
    when = stamp()
    out = {}
    for s in found:
        measured = max(s.counts)
        why = budgets.get(s.name, {}).get("why", "TODO: what this scenario covers")
        out[s.name] = entry(s.name, round_up(measured * HEADROOM), measured, when, why)
    return out


def write_budgets(fresh: dict[str, str], budgets: dict, order: list[str]) -> None:
    """Rewrites budgets.toml in the bench's order of scenarios: its opening comment kept,
    the tables measured now replaced, the others kept; a budget of no scenario dropped."""
    header = []
    for line in BUDGETS.read_text().splitlines(True):
        if line.startswith("["):
            break
        header.append(line)
    tables = []
    for name in order:
        old = budgets.get(name)
        if name in fresh:
            tables.append(fresh[name])
        elif old:
            tables.append(entry(name, old["budget"], old["measured"], old["measured_on"],
                                old["why"]))
    for name in sorted(set(budgets) - set(order)):
        print(f"dropped [{name}]: no such scenario")
    BUDGETS.write_text("".join(header).rstrip("\n") + "\n\n" + "\n".join(tables))
    print(f"wrote {BUDGETS}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", action="append", metavar="NAME", help="count only NAME")
    ap.add_argument("--runs", type=int, default=1, help="runs per scenario (spread)")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                    help="scenarios counted at once (default: 2, or 1 on one core)")
    ap.add_argument("--report", action="store_true", help="print, never fail; suggest budgets")
    ap.add_argument("--write", action="store_true", help="with --report: write budgets.toml")
    ap.add_argument("--bench-bin", type=Path, help="the budgets bench, built already")
    ap.add_argument("--rolo-bin", type=Path, help="the rolo binary, built already")
    args = ap.parse_args()
    started = time.monotonic()
    try:
        if shutil.which("valgrind") is None:
            raise CannotRun("valgrind is not installed (Debian: apt-get install valgrind)")
        every_budget = budgets = load_budgets()
        if args.bench_bin and args.rolo_bin:
            bench, rolo = args.bench_bin.resolve(), args.rolo_bin.resolve()
        else:
            bench, rolo = build()
        found = every = scenarios(bench)
        if args.only:
            unknown = set(args.only) - {s.name for s in every}
            if unknown:
                raise CannotRun(f"no such scenario: {', '.join(sorted(unknown))}")
            found = [s for s in every if s.name in args.only]
            budgets = {k: v for k, v in budgets.items() if k in args.only}
        # A session runs whole (its scenarios share one setup), even for one of them.
        chosen = {s.session for s in found}
        sessions: dict[str, list[Scenario]] = {}
        for s in every:
            if s.session in chosen:
                sessions.setdefault(s.session, []).append(s)
        out_dir = target_dir() / "budgets"
        out_dir.mkdir(parents=True, exist_ok=True)
        count_all(bench, rolo, sessions, max(1, args.runs), max(1, args.jobs), out_dir)
    except CannotRun as e:
        print(f"budgets: cannot run: {e}", file=sys.stderr)
        return 2
    problems = table(found, budgets, args.runs)
    print(f"\nvalgrind outputs: {out_dir}; {time.monotonic() - started:.0f} s in all")
    if args.report:
        fresh = suggestions(found, budgets)
        print("\nbudgets.toml as measured now (budget = largest count × 1.25):\n")
        print("\n".join(fresh.values()))
        if args.write:
            write_budgets(fresh, every_budget, [s.name for s in every])
        return 0
    for p in problems:
        print(f"budgets: FAIL {p}", file=sys.stderr)
    if problems:
        print("A budget is raised only on purpose: see the top of budgets.toml.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # a bug of this script is "could not run", never "over budget"
        traceback.print_exc()
        sys.exit(2)
