#!/usr/bin/env python3
"""sanctrack's benchmark: whole-process figures, each against a floor measured in the same run.

    python bench/run.py [--data FILE.jsonl] [--import-runs 1] [--show-runs 15] [--keep]

Figures (see bench/README.md):
  import time        `sanctrack --db DB import FILE`   vs  bench/floor_import.py FILE DB   limit 1.5x
                     (wall gated; CPU, user + system of the process, printed beside it)
  import peak RSS    peak RSS of that import process                                  limit 250 MiB
  show (event)       `sanctrack --db DB show ID --format json`
                                         vs  bare `python -c "import sqlite3; ...query..."`  limit 5.0x
                     (medians of --show-runs runs each, interleaved)
Extra, not gated: the floor import's own peak RSS, and `show` of the hotspot entity (1,000 events).

Exit status: 0 all gated figures pass, 1 one fails, 2 one could not be measured (e.g. sanctrack
failed; its stderr is printed and the run goes on).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import (CommandFailed, bench_env, floor_query_process, peak_rss, report,  # noqa: E402
                    sanctrack, time_interleaved)

IMPORT_LIMIT_RATIO = 1.5  # issue 19 (was 2.0)
IMPORT_RSS_LIMIT_MIB = 250.0
SHOW_LIMIT_RATIO = 5.0
SEARCH_LIMIT_RATIO = 5.0


def remove_db(db: str) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            os.remove(db + suffix)
        except FileNotFoundError:
            pass


def failed(what: str, err: CommandFailed) -> None:
    print(f"\n!! {what} failed (exit {err.returncode}): {' '.join(err.argv)}", file=sys.stderr)
    text = (err.stderr or b"").decode("utf-8", "replace").strip()
    tail = text.splitlines()[-40:]
    print("   " + "\n   ".join(tail or ["(no stderr)"]), file=sys.stderr)
    print(file=sys.stderr, flush=True)


def timed_import(argv: list[str], env: dict, db: str) -> tuple[float, float, float]:
    """One whole-process run into a fresh `db`: (wall seconds, CPU seconds of the process (user +
    system, from os.wait4), the 1-minute load average when it began)."""
    remove_db(db)
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=REPO, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise CommandFailed(argv, proc.returncode, b"", stderr)
    return wall, usage.ru_utime + usage.ru_stime, load


def ensure_data(args) -> tuple[str, dict]:
    data = args.data
    regenerate = False
    if data is None:
        # default: $TMPDIR/bench.jsonl (what `python bench/generate.py /tmp/bench.jsonl` writes),
        # regenerated if missing or made with other --events/--responses/--seed
        sizes = (args.events, args.responses, args.seed)
        name = "bench.jsonl" if sizes == (200_000, 67_000, 1) else "bench-e%d-r%d-s%d.jsonl" % sizes
        data = os.path.join(tempfile.gettempdir(), name)
        try:
            with open(data + ".meta.json", encoding="utf-8") as fh:
                m = json.load(fh)
            regenerate = (m.get("events"), m.get("responses"), m.get("seed")) != sizes
        except (OSError, ValueError):
            regenerate = True
    meta_path = data + ".meta.json"
    if regenerate or not (os.path.exists(data) and os.path.exists(meta_path)):
        print(f"generating {data} ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), data,
                        "--events", str(args.events), "--responses", str(args.responses),
                        "--seed", str(args.seed)], check=True)
    with open(meta_path, encoding="utf-8") as fh:
        meta = json.load(fh)
    return data, meta


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="sanctrack whole-process benchmark")
    ap.add_argument("--data", help="JSONL made by bench/generate.py (with its .meta.json); generated "
                                   "there if missing (default: $TMPDIR/bench.jsonl, reused across runs)")
    ap.add_argument("--events", type=int, default=200_000, help="when generating")
    ap.add_argument("--responses", type=int, default=67_000, help="when generating")
    ap.add_argument("--seed", type=int, default=1, help="when generating")
    ap.add_argument("--workdir", help="where the databases go (default: a fresh temp dir)")
    ap.add_argument("--import-runs", type=int, default=1,
                    help="timed imports per side, interleaved, after one untimed run that measures RSS")
    ap.add_argument("--show-runs", type=int, default=15, help="timed runs per lookup, interleaved")
    ap.add_argument("--show-id", help="record to show (default: the sidecar's sample_event_id)")
    ap.add_argument("--keep", action="store_true", help="keep the workdir (databases)")
    args = ap.parse_args(argv)

    data, meta = ensure_data(args)
    # An installed sanctrack has its bytecode compiled by pip; run from the source tree (and with
    # PYTHONDONTWRITEBYTECODE set, as on this machine) every start would compile it again.
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(REPO, "sanctrack")],
                   check=True)
    workdir = args.workdir or tempfile.mkdtemp(prefix="sanctrack-bench-")
    os.makedirs(workdir, exist_ok=True)
    floor_db = os.path.join(workdir, "floor.db")
    db = os.path.join(workdir, "sanctrack.db")
    env = bench_env()
    show_id = args.show_id or meta.get("sample_event_id")
    size_mib = os.path.getsize(data) / 2**20
    print(f"data {data}: {meta.get('events')} events, {meta.get('responses')} responses, "
          f"{size_mib:.0f} MiB; hotspot {meta.get('hotspot_name')!r} in {meta.get('hotspot_events')} "
          f"events; workdir {workdir}", flush=True)

    verdicts: list[bool | None] = []
    floor_argv = [sys.executable, os.path.join(HERE, "floor_import.py"), data, floor_db]
    import_argv = sanctrack(db, "import", data)
    try:
        # ---- imports: one untimed run each for peak RSS (it also warms the page cache) ------------
        floor_rss, _ = peak_rss(floor_argv, env=env, cwd=REPO)
        st_rss = None
        st_ok = True
        # sanctrack import (whole process).  TODO(sanctrack): once the CLI lands, also check what it
        # says it imported (`import --json` counts) against meta["events"] / meta["responses"].
        try:
            remove_db(db)
            st_rss, _ = peak_rss(import_argv, env=env, cwd=REPO)
        except CommandFailed as e:
            failed("sanctrack import", e)
            st_ok = False

        floor_runs, st_runs = [], []  # (wall, cpu, load) of each timed run
        for number in range(max(1, args.import_runs)):
            floor_runs.append(timed_import(floor_argv, env, floor_db))
            if st_ok:
                try:
                    st_runs.append(timed_import(import_argv, env, db))
                except CommandFailed as e:
                    failed("sanctrack import", e)
                    st_ok = False
            for side, runs in (("floor", floor_runs), ("sanctrack", st_runs)):
                if len(runs) > number:
                    wall, cpu, load = runs[number]
                    print(f"   import run {number + 1} {side:<9} wall {wall:6.2f} s  cpu {cpu:6.2f} s"
                          f"  (load {load:.2f})", flush=True)
        floor_times = [run[0] for run in floor_runs]
        floor_t = sorted(floor_times)[len(floor_times) // 2]
        st_t = sorted(run[0] for run in st_runs)[len(st_runs) // 2] if st_ok and st_runs else None
        floor_cpu = sorted(run[1] for run in floor_runs)[len(floor_runs) // 2]
        st_cpu = sorted(run[1] for run in st_runs)[len(st_runs) // 2] if st_ok and st_runs else None

        print()
        verdicts.append(report("import time (whole process)", st_t, floor_t, IMPORT_LIMIT_RATIO))
        report("import CPU (user + system)", st_cpu, floor_cpu, IMPORT_LIMIT_RATIO,
               note="(not gated: steadier than wall on a loaded machine)")
        verdicts.append(report("import peak RSS", st_rss, floor_rss, None,
                               limit=IMPORT_RSS_LIMIT_MIB, unit="MiB", note="(floor: floor_import)"))

        # ---- show: whole process vs a bare python + sqlite3 query on the same database -----------
        # TODO(sanctrack): expected exit code of `show` is 0; adjust `ok` if the contract changes.
        show_argv = sanctrack(db, "show", show_id, "--format", "json")
        floor_q = floor_query_process(db if st_ok and os.path.exists(db) else floor_db)
        lookups = {"floor": floor_q}
        entity_id = None
        if st_ok:
            try:
                # one untimed check run: it must succeed, and it tells the hotspot's entity id
                out = subprocess.run(show_argv, env=env, cwd=REPO, capture_output=True)
                if out.returncode != 0:
                    raise CommandFailed(show_argv, out.returncode, out.stdout, out.stderr)
                lookups["show_event"] = show_argv
                entity_id = hotspot_entity_id(out.stdout, meta)
                if entity_id:
                    lookups["show_entity"] = sanctrack(db, "show", entity_id, "--format", "json")
                # issue 4: search by a partial name, check by the alias (both exit 0 here)
                hotspot = meta.get("hotspot_name", "Hotspot Industrial Holdings")
                lookups["search"] = sanctrack(db, "search", " ".join(hotspot.split()[:2]), "--json")
                lookups["check"] = sanctrack(db, "check", meta.get("hotspot_alias", hotspot), "--json")
            except CommandFailed as e:
                failed(f"sanctrack show {show_id}", e)
        res = time_interleaved(lookups, runs=args.show_runs, env=env, cwd=REPO)
        floor_q_t = res["floor"]["median"]
        show_t = res["show_event"]["median"] if "show_event" in res else None
        verdicts.append(report(f"show {show_id} (event)", show_t, floor_q_t, SHOW_LIMIT_RATIO,
                               note=f"(medians of {args.show_runs}, interleaved)"))
        if "show_entity" in res:
            report(f"show {entity_id} (hotspot entity)", res["show_entity"]["median"], floor_q_t,
                   SHOW_LIMIT_RATIO, note="(extra, not gated)")
        elif st_ok and "show_event" in res:
            print("   (hotspot entity id not found in the show output; entity lookup not measured)")
        for name, label in (("search", "search (partial name, json)"), ("check", "check (alias, json)")):
            if name in res:
                verdicts.append(report(label, res[name]["median"], floor_q_t, SEARCH_LIMIT_RATIO,
                                       note=f"(medians of {args.show_runs}, interleaved)"))
        print(f"\nfloor import {floor_t:.2f} s (runs {', '.join(f'{t:.2f}' for t in floor_times)}); "
              f"floor query {floor_q_t * 1000:.1f} ms")
    finally:
        if args.keep or args.workdir:
            print(f"databases kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)

    if any(v is False for v in verdicts):
        return 1
    if any(v is None for v in verdicts):
        return 2
    return 0


def hotspot_entity_id(show_json: bytes, meta: dict) -> str | None:
    """entity_id of the hotspot target in `show EVENT --format json` output (docs/JSON.md), if any."""
    try:
        rec = json.loads(show_json)
    except ValueError:
        return None
    if isinstance(rec, list) and rec:
        rec = rec[0]
    names = {meta.get("hotspot_name", "").casefold(), meta.get("hotspot_alias", "").casefold()}
    for t in (rec.get("targets") or []) if isinstance(rec, dict) else []:
        written = [t.get("name") or ""] + list(t.get("aliases") or [])
        if any(any(n and w.casefold().startswith(n) for n in names) for w in written):
            return t.get("entity_id")
    return None


if __name__ == "__main__":
    sys.exit(main())
