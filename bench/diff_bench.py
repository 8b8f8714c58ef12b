#!/usr/bin/env python3
"""Benchmark of `sanctrack diff`, whole processes, against the bare python + sqlite3 floor measured
in the same run:

  (a) two full OFAC SDN snapshots: the complete 2021 SDN CSV set (8,976 listings,
      ../shared/data/ofac_sdn_csv_full_2021/) imported as ofac-sdn/2021-07-01, and a modified copy of
      it as ofac-sdn/2021-08-01 (50 entries dropped, 30 SYNTHETIC entries added, the programs of 20
      and the aliases of 20 others changed); `diff ofac-sdn/previous ofac-sdn/latest --json`,
      limit 1 s. The diff is checked first: exactly those 50, 30 and 40 must come out.
  (b) two jurisdictions on the 200,000-event store (bench/README.md): `diff US GB --json`, limit 1 s
      (issue 19).

    python bench/diff_bench.py [--sdn DIR] [--data /tmp/bench.jsonl] [--db /tmp/bench-store.db]
                               [--runs 10] [--workdir DIR] [--skip-store]

The event store `--db` is imported from `--data` only when missing (about a minute; it is shared
with the other benchmarks and never deleted). The SDN store is built in a temporary folder (or
`--workdir`, kept). The package is byte-compiled first (this machine sets PYTHONDONTWRITEBYTECODE).

Exit status: 0 every figure passes, 1 one fails, 2 one could not be measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from common import (CommandFailed, bench_env, ensure_store, floor_query_process, report,  # noqa: E402
                    run_checked, sanctrack, time_interleaved)

SDN_LIMIT_S = 1.0
JURISDICTIONS_LIMIT_S = 1.0
DROPPED, ADDED, REPROGRAMMED, REALIASED = 50, 30, 20, 20
SYNTHETIC_BASE = 9_900_001  # ent_nums far above OFAC's


def _rows(data: bytes) -> tuple[list[bytes], bytes]:
    """The lines of an OFAC CSV file (CRLF, cp1252) and its trailer (the DOS end-of-file byte)."""
    trailer = b""
    if data.endswith(b"\x1a"):
        data, trailer = data[:-1], b"\x1a"
    return [line for line in data.split(b"\r\n") if line.strip()], trailer


def _write(path: str, lines: list[bytes], trailer: bytes) -> None:
    with open(path, "wb") as f:
        f.write(b"\r\n".join(lines) + b"\r\n" + trailer)


def _ent(line: bytes) -> int:
    return int(line.split(b",", 1)[0])


def modified_copy(source: str, target: str, seed: int = 2021) -> dict[str, set[str]]:
    """A copy of the SDN CSV set with known changes; returns the ent_nums of each kind of change."""
    os.makedirs(target, exist_ok=True)
    files = {name: open(os.path.join(source, name), "rb").read() for name in os.listdir(source)}
    sdn, sdn_trailer = _rows(files["sdn.csv"])
    alt, alt_trailer = _rows(files["alt.csv"])
    add, add_trailer = _rows(files["add.csv"])
    comments, _ = _rows(files.get("sdn_comments.csv", b""))
    continued = {_ent(line) for line in comments}
    eligible = sorted(_ent(line) for line in sdn if _ent(line) not in continued)
    rng = random.Random(seed)
    picked = rng.sample(eligible, DROPPED + REPROGRAMMED + REALIASED)
    dropped = set(picked[:DROPPED])
    reprogrammed = set(picked[DROPPED : DROPPED + REPROGRAMMED])
    realiased = set(picked[DROPPED + REPROGRAMMED :])

    out = []
    for line in sdn:
        ent = _ent(line)
        if ent in dropped:
            continue
        if ent in reprogrammed:
            # ent_num,"NAME",TYPE,"PROGRAM",…: one more program, written as OFAC joins them.
            parts = _split_csv_line(line)
            parts[3] = _with_program(parts[3], b"SYNTHETIC-BENCH-PROGRAM")
            line = b",".join(parts)
        out.append(line)
    for n in range(ADDED):
        ent = SYNTHETIC_BASE + n
        out.append(
            f'{ent},"SYNTHETIC BENCH ENTRY {n + 1:03d} (NOT A REAL LISTING)",-0- ,"SYNTHETIC-BENCH",'
            '-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"Synthetic entry made by bench/diff_bench.py; not an '
            'OFAC listing."'.encode("cp1252")
        )
    _write(os.path.join(target, "sdn.csv"), out, sdn_trailer)
    alt = [line for line in alt if _ent(line) not in dropped]
    for n, ent in enumerate(sorted(realiased)):
        alt.append(f'{ent},{SYNTHETIC_BASE + n},"aka","SYNTHETIC BENCH ALIAS {n + 1:03d}",-0- '.encode("cp1252"))
    _write(os.path.join(target, "alt.csv"), alt, alt_trailer)
    _write(os.path.join(target, "add.csv"), [line for line in add if _ent(line) not in dropped], add_trailer)
    if "sdn_comments.csv" in files:
        with open(os.path.join(target, "sdn_comments.csv"), "wb") as f:
            f.write(files["sdn_comments.csv"])
    return {
        "dropped": {str(e) for e in dropped},
        "added": {str(SYNTHETIC_BASE + n) for n in range(ADDED)},
        "changed": {str(e) for e in reprogrammed | realiased},
        "reprogrammed": {str(e) for e in reprogrammed},
        "realiased": {str(e) for e in realiased},
    }


def _split_csv_line(line: bytes) -> list[bytes]:
    """Fields of one OFAC CSV line exactly as written, quotes kept (OFAC never doubles quotes)."""
    parts, start, quoted = [], 0, False
    for i, byte in enumerate(line):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x2C and not quoted:
            parts.append(line[start:i])
            start = i + 1
    parts.append(line[start:])
    return parts


def _with_program(field: bytes, program: bytes) -> bytes:
    if field.startswith(b'"'):
        return field[:-1] + b"] [" + program + b'"'
    return b'"' + program + b'"'


def build_sdn_store(sdn: str, workdir: str, env: dict) -> tuple[str, dict]:
    db = os.path.join(workdir, "sdn.db")
    for leftover in (db, db + "-wal", db + "-shm"):
        if os.path.exists(leftover):
            os.unlink(leftover)
    copy = os.path.join(workdir, "ofac_sdn_csv_2021_modified")
    if os.path.exists(copy):
        shutil.rmtree(copy)
    expected = modified_copy(sdn, copy)
    print(f"importing {sdn} as ofac-sdn/2021-07-01 and the modified copy as ofac-sdn/2021-08-01…", flush=True)
    run_checked(sanctrack(db, "import", sdn, "--published", "2021-07-01"), env)
    run_checked(sanctrack(db, "import", copy, "--published", "2021-08-01"), env)
    return db, expected


def check_sdn_diff(db: str, expected: dict, env: dict) -> list[str]:
    argv = sanctrack(db, "diff", "ofac-sdn/previous", "ofac-sdn/latest", "--json")
    result = json.loads(run_checked(argv, env).stdout)
    got = {part: {item["source_id"] for item in result[part]} for part in ("only_left", "only_right", "changed")}
    problems = []
    for part, want in (("only_left", expected["dropped"]), ("only_right", expected["added"]), ("changed", expected["changed"])):
        if got[part] != want:
            problems.append(f"{part}: {len(got[part])} items, expected {len(want)} "
                            f"(missing {sorted(want - got[part])[:5]}, extra {sorted(got[part] - want)[:5]})")
    fields = {item["source_id"]: {c["field"] for c in item["changes"]} for item in result["changed"]}
    if any(fields.get(e) != {"programs"} for e in expected["reprogrammed"]):
        problems.append("the re-programmed entries do not show a `programs` change alone")
    if any(fields.get(e) != {"aliases"} for e in expected["realiased"]):
        problems.append("the entries with a new alias do not show an `aliases` change alone")
    print(f"diff ofac-sdn/previous ofac-sdn/latest: {result['left']['count']} vs {result['right']['count']} "
          f"listings; only_left {len(result['only_left'])}, only_right {len(result['only_right'])}, "
          f"both {len(result['both'])}, changed {len(result['changed'])}; "
          f"{len(json.dumps(result)) / 1e6:.1f} MB of JSON: {'as expected' if not problems else 'WRONG'}")
    return problems


# -- (b) two jurisdictions on the event store ---------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdn", default=os.path.join(os.path.dirname(REPO), "shared", "data", "ofac_sdn_csv_full_2021"))
    parser.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "bench.jsonl"))
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "bench-store.db"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--workdir", help="keep the SDN store and the modified copy here")
    parser.add_argument("--skip-store", action="store_true", help="only the SDN figure")
    args = parser.parse_args()

    env = bench_env()
    subprocess.run([sys.executable, "-m", "compileall", "-q", os.path.join(REPO, "sanctrack")], check=True)
    workdir = args.workdir or tempfile.mkdtemp(prefix="sanctrack-diff-bench-")
    os.makedirs(workdir, exist_ok=True)
    verdicts: list[bool | None] = []
    try:
        try:
            db, expected = build_sdn_store(args.sdn, workdir, env)
            problems = check_sdn_diff(db, expected, env)
            for problem in problems:
                print(f"  WRONG: {problem}")
            argv = sanctrack(db, "diff", "ofac-sdn/previous", "ofac-sdn/latest", "--json")
            times = time_interleaved({"floor": floor_query_process(db), "diff": argv}, runs=args.runs, env=env, cwd=REPO)
            verdict = report("diff two SDN snapshots (json)", times["diff"]["median"], times["floor"]["median"],
                             limit=SDN_LIMIT_S, note=f"medians of {args.runs}, interleaved")  # fmt: skip
            print(f"  runs (ms): {' '.join(f'{t * 1000:.0f}' for t in times['diff']['runs'])}")
            verdicts.append(verdict and not problems)
        except CommandFailed as err:
            sys.stderr.write(f"could not measure (a): {err}\n{err.stderr.decode(errors='replace')}\n")
            verdicts.append(None)
        if not args.skip_store:
            try:
                ensure_store(args.db, args.data, env)
                argv = sanctrack(args.db, "diff", "US", "GB", "--json")
                result = json.loads(run_checked(argv, env).stdout)
                summary = result["summary"]
                print(f"diff US GB on {args.db}: US {result['left']['count']} entities, GB "
                      f"{result['right']['count']}; only US {summary['only_left']}, only GB "
                      f"{summary['only_right']}, both {summary['both']}; {summary.get('text', '')}")
                times = time_interleaved({"floor": floor_query_process(args.db), "diff": argv},
                                         runs=args.runs, env=env, cwd=REPO)  # fmt: skip
                verdict = report("diff US GB, 200k-event store (json)", times["diff"]["median"],
                                 times["floor"]["median"], limit=JURISDICTIONS_LIMIT_S,
                                 note=f"medians of {args.runs}, interleaved")  # fmt: skip
                print(f"  runs (ms): {' '.join(f'{t * 1000:.0f}' for t in times['diff']['runs'])}")
                verdicts.append(verdict)
            except CommandFailed as err:
                sys.stderr.write(f"could not measure (b): {err}\n{err.stderr.decode(errors='replace')}\n")
                verdicts.append(None)
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    if any(v is None for v in verdicts):
        return 2
    return 0 if all(verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
