"""Speed and memory of screening (issue 14), each against a floor measured in the same run.

    python bench/screening/speed.py [--store DB] [--runs 15] [--batch 10000] [--batch-runs 3]
        [--seed 1] [--event-store DB] [--name "Oleg Deripaska"] [--extra-args="--threshold 80"]

(a) single lookup: `sanctrack --db STORE check NAME --json`, whole process, against the bare floor
    `python -c "import sqlite3; c=sqlite3.connect(STORE); c.execute(...).fetchall()"`, medians of
    --runs interleaved runs; limit 5x. On the SDN 2021 store, and with --event-store also on the
    200,000-event store of bench/run.py (imported from --event-data when missing, with
    "HIH Group Holdings" as the name, as run.py checks it).
(b) batch: --batch names (seeded: queries of sdn2021_set.jsonl, half of them changed once more by a
    typo, a case change or a word swap) through ONE `sanctrack check --file NAMES --json` process,
    against rapidfuzz_floor.py (process.cdist, Jaro-Winkler, workers=-1) on the same file, medians of
    --batch-runs interleaved runs; limit 2x. Without `check --file` (exit 2), the old way is measured
    instead on --per-process-sample names: one `check NAME --json` process each, against the
    rapidfuzz script on those names (reported, not gated).
(c) peak RSS of the batch `check --file` process (os.wait4 through an intermediary, as
    bench/common.py peak_rss); limit 250 MiB. The rapidfuzz script's is shown for reference.

Exit 0 every gated figure passes, 1 one fails, 2 one could not be measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from common import (REPO, CommandFailed, bench_env, ensure_store, floor_query_process,  # noqa: E402
                    peak_rss, report, sanctrack, time_interleaved)

from evaluate import DEFAULT_SDN, DEFAULT_SET, ensure_sdn_store, error_line  # noqa: E402

SINGLE_LIMIT = 5.0
BATCH_LIMIT = 2.0
RSS_LIMIT_MIB = 250.0
FLOOR_SCRIPT = os.path.join(HERE, "rapidfuzz_floor.py")


def batch_names(set_path: str, count: int, seed: int) -> list[str]:
    """`count` names drawn from the set's queries, nine in ten changed once or twice more (a letter
    typed twice, dropped or replaced, the case, two words swapped), so the batch is mostly distinct
    names rather than the set's 948 repeated."""
    rng = random.Random(seed)
    with open(set_path, encoding="utf-8") as stream:
        pool = [json.loads(line)["query"] for line in stream if line.strip()]
    names = []
    for _ in range(count):
        name = rng.choice(pool)
        for _ in range(0 if rng.random() < 0.1 else rng.choice([1, 2])):
            how = rng.choice(["double", "drop", "replace", "case", "swap"])
            letters = [i for i, ch in enumerate(name) if ch.isalpha()]
            words = name.split()
            if how == "double" and letters:
                i = rng.choice(letters)
                name = name[:i] + name[i] + name[i:]
            elif how == "drop" and len(letters) > 4:
                i = rng.choice(letters[1:])
                name = name[:i] + name[i + 1:]
            elif how == "replace" and len(letters) > 4:
                i = rng.choice(letters[1:])
                name = name[:i] + rng.choice("aeiourstnl") + name[i + 1:]
            elif how == "case":
                name = name.lower() if rng.random() < 0.5 else name.upper()
            elif how == "swap" and len(words) >= 2:
                i = rng.randrange(len(words) - 1)
                words[i], words[i + 1] = words[i + 1], words[i]
                name = " ".join(words)
        names.append(name)
    return names


def measure_single(label: str, db: str, name: str, extra: list[str], runs: int, env: dict) -> bool | None:
    lookups = {
        "floor": floor_query_process(db),
        "check": sanctrack(db, "check", *extra, "--json", "--", name),
    }
    try:
        res = time_interleaved(lookups, runs=runs, env=env, ok=(0, 1), cwd=REPO)
    except CommandFailed as error:
        print(f"{label}: check failed: {error}\n{error.stderr.decode('utf-8', 'replace')}")
        return report(label, None, None, SINGLE_LIMIT)
    return report(label, res["check"]["median"], res["floor"]["median"], SINGLE_LIMIT,
                  note=f"(medians of {runs}, interleaved; check min {res['check']['min'] * 1000:.0f} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=DEFAULT_SET)
    parser.add_argument("--sdn", default=DEFAULT_SDN)
    parser.add_argument("--store", help="SDN 2021 store (imported when missing; default: a fresh one)")
    parser.add_argument("--event-store", help="also time a single check on this 200,000-event store "
                                              "(imported from --event-data when missing)")
    parser.add_argument("--event-data", default=os.path.join(tempfile.gettempdir(), "bench.jsonl"),
                        help="bench/generate.py output for --event-store (made when missing; "
                             "default $TMPDIR/bench.jsonl)")
    parser.add_argument("--name", default="Oleg Deripaska", help="the single lookup on the SDN store")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--batch", type=int, default=10000)
    parser.add_argument("--batch-runs", type=int, default=3)
    parser.add_argument("--per-process-sample", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--extra-args", default="", help="more check options, e.g. --extra-args=\"--threshold 80\"")
    args = parser.parse_args(argv)

    env = bench_env()
    extra = shlex.split(args.extra_args)
    workdir = tempfile.mkdtemp(prefix="screening-speed-")
    db = args.store or os.path.join(workdir, "sdn2021.db")
    verdicts: list[bool | None] = []
    try:
        ensure_sdn_store(db, args.sdn, env)

        # (a) one lookup, whole process, against the bare sqlite3 floor
        print("(a) single check, whole process")
        verdicts.append(measure_single(f"check {args.name!r} (SDN 2021)", db, args.name, extra,
                                       args.runs, env))
        if args.event_store:
            ensure_store(args.event_store, args.event_data, env)
            verdicts.append(measure_single("check 'HIH Group Holdings' (200k events)", args.event_store,
                                           "HIH Group Holdings", extra, args.runs, env))

        # (b) a batch in one process, against the rapidfuzz script on the same names
        names = batch_names(args.set, args.batch, args.seed)
        names_file = os.path.join(workdir, "names.txt")
        with open(names_file, "w", encoding="utf-8") as stream:
            stream.write("".join(n + "\n" for n in names))
        print(f"\n(b) batch of {len(names)} names ({len(set(names))} distinct), one process")
        batch_argv = sanctrack(db, "check", "--file", names_file, *extra, "--json")
        floor_argv = [sys.executable, FLOOR_SCRIPT, names_file, "--sdn", args.sdn]
        probe = subprocess.run(sanctrack(db, "check", "--file", os.devnull, "--json"), env=env, cwd=REPO,
                               capture_output=True)
        if probe.returncode not in (0, 1):
            print(f"check --file is not available ({error_line(probe)});"
                  f" the old way instead: {args.per_process_sample} names, one process each")
            verdicts.append(report(f"check --file ({len(names)} names)", None, None, BATCH_LIMIT))
            verdicts.append(report("check --file peak RSS", None, None, None, limit=RSS_LIMIT_MIB, unit="MiB"))
            sample = names[:args.per_process_sample]
            sample_file = os.path.join(workdir, "sample.txt")
            with open(sample_file, "w", encoding="utf-8") as stream:
                stream.write("".join(n + "\n" for n in sample))
            start = time.perf_counter()
            for name in sample:
                subprocess.run(sanctrack(db, "check", *extra, "--json", "--", name), env=env, cwd=REPO,
                               capture_output=True)
            per_process = time.perf_counter() - start
            start = time.perf_counter()
            subprocess.run([sys.executable, FLOOR_SCRIPT, sample_file, "--sdn", args.sdn], env=env,
                           cwd=REPO, capture_output=True, check=True)
            floor_sample = time.perf_counter() - start
            print(f"{len(sample)} names: {len(sample)} check processes {per_process:.2f} s, the rapidfuzz "
                  f"script on the same names {floor_sample:.2f} s ({per_process / floor_sample:.1f}x; not gated)")
        else:
            res = time_interleaved({"floor": floor_argv, "check": batch_argv}, runs=args.batch_runs,
                                   env=env, ok=(0, 1), cwd=REPO, warmup=0)
            verdicts.append(report(f"check --file ({len(names)} names)", res["check"]["median"],
                                   res["floor"]["median"], BATCH_LIMIT,
                                   note=f"(medians of {args.batch_runs}, interleaved)"))
            # (c) peak memory of the batch process
            print("\n(c) peak RSS")
            rss, done = peak_rss(batch_argv, env, ok=(0, 1), cwd=REPO)
            lines = [line for line in done.stdout.decode("utf-8").splitlines() if line.strip()]
            floor_rss, _ = peak_rss(floor_argv, env, cwd=REPO)
            verdicts.append(report("check --file peak RSS", rss, floor_rss, None, limit=RSS_LIMIT_MIB,
                                   unit="MiB", note=f"({len(lines)} JSON lines out; floor = the rapidfuzz script's)"))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    return 1 if False in verdicts else 2 if None in verdicts else 0


if __name__ == "__main__":
    sys.exit(main())
