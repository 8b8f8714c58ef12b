"""Screen the labelled set (sdn2021_set.jsonl) through `sanctrack check` and report recall per class
of variant and false alarms per class of unlisted name.

    python bench/screening/evaluate.py [--set FILE] [--store DB] [--per-process [--jobs N]]
        [--threshold N] [--sweep 70,75,80,85,90 [--rerun]] [--extra-args=--fuzzy]
        [--per-class N] [--show-misses] [--out results.json]
    python bench/screening/evaluate.py --answers results.json [--sweep 90,95] [--show-misses]

The store holds the full July 2021 SDN set, imported with `--published 2021-07-15` (a fresh one in a
temporary folder each run unless --store names one, which is created when missing and reused when
present). Every query goes through ONE process, `sanctrack check --file - --json`, one name per line
on stdin and one JSON object per line out, in input order; with --per-process, one
`sanctrack check NAME --json` process per query instead (for a sanctrack without --file).

A listed query is *found* when one of its matches is a listing whose list id (the last part of
`listing`, SNAPSHOT/LISTID) is the SDN entry's ent_num; "any" counts a match of any listing. A
query not on the list is a *false alarm* when it has any match at all. With --sweep the figures are
computed again at each cut-off from the `score` of every match (a match without a score counts as
100), from one run made with the lowest cut-off as --threshold (or one run per cut-off with --rerun).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from common import REPO, bench_env, run_checked, sanctrack  # noqa: E402

DEFAULT_SET = os.path.join(HERE, "sdn2021_set.jsonl")
DEFAULT_SDN = os.path.join(os.path.dirname(REPO), "shared", "data", "ofac_sdn_csv_full_2021")
PUBLISHED = "2021-07-15"


# -- the store ---------------------------------------------------------------------------------------


def ensure_sdn_store(db: str, sdn: str, env: dict) -> None:
    """Import the SDN set into `db` unless it exists (into a temporary name first, then renamed,
    so an interrupted import is never taken for a store)."""
    if os.path.exists(db):
        return
    partial = db + ".importing"
    for leftover in (partial, partial + "-wal", partial + "-shm"):
        if os.path.exists(leftover):
            os.unlink(leftover)
    print(f"importing {sdn} as ofac-sdn/{PUBLISHED} into {db}…", file=sys.stderr, flush=True)
    run_checked(sanctrack(partial, "import", sdn, "--published", PUBLISHED), env)
    os.replace(partial, db)


# -- screening ---------------------------------------------------------------------------------------


def check_args(threshold: float | None, extra: list[str]) -> list[str]:
    args = ["--json", *extra]
    if threshold is not None:
        args += ["--threshold", f"{threshold:g}"]
    return args


def parse_batch_output(stdout: str) -> list[dict]:
    """The answers of `check --file - --json`: JSON lines (or, leniently, one JSON array)."""
    text = stdout.strip()
    if text.startswith("["):
        return json.loads(text)
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def screen_batch(db: str, queries: list[str], args: list[str], env: dict) -> tuple[list[dict], float]:
    argv = sanctrack(db, "check", "--file", "-", *args)
    payload = "".join(q + "\n" for q in queries).encode("utf-8")
    start = time.perf_counter()
    proc = subprocess.run(argv, input=payload, env=env, cwd=REPO, capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"`{' '.join(argv[3:])}` exited {proc.returncode}: {error_line(proc)}\n"
                         "(a sanctrack without `check --file`? run with --per-process)")
    answers = parse_batch_output(proc.stdout.decode("utf-8"))
    if len(answers) != len(queries):
        raise SystemExit(f"check --file answered {len(answers)} objects for {len(queries)} queries")
    mismatched = [(q, a.get("query")) for q, a in zip(queries, answers) if a.get("query") != q]
    if mismatched:
        print(f"note: {len(mismatched)} answers carry a `query` that differs from the line sent "
              f"(e.g. {shown(mismatched[0][0])} -> {shown(str(mismatched[0][1]))}); matched by order",
              file=sys.stderr)
    return answers, elapsed


def error_line(proc: subprocess.CompletedProcess) -> str:
    """The `Error: …` line of a failed sanctrack process (else its first line of stderr)."""
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    for line in lines:
        if line.startswith("Error"):
            return line
    return lines[0] if lines else f"exit {proc.returncode}"


def _one(db: str, query: str, args: list[str], env: dict) -> dict:
    argv = sanctrack(db, "check", *args, "--", query)
    proc = subprocess.run(argv, env=env, cwd=REPO, capture_output=True)
    if proc.returncode not in (0, 1):
        return {"query": query, "error": error_line(proc), "exit": proc.returncode}
    answer = json.loads(proc.stdout)
    answer.setdefault("query", query)
    return answer


def screen_per_process(db: str, queries: list[str], args: list[str], env: dict,
                       jobs: int) -> tuple[list[dict], float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        answers = list(pool.map(lambda q: _one(db, q, args, env), queries))
    return answers, time.perf_counter() - start


# -- scoring -----------------------------------------------------------------------------------------


def list_id(listing: str | None) -> str | None:
    """The list id of a listing reference SNAPSHOT/LISTID (ofac-sdn/2021-07-15/24283 -> 24283)."""
    if not listing:
        return None
    return listing.rsplit("/", 1)[-1]


def match_score(match: dict) -> float:
    score = match.get("score")
    return 100.0 if score is None else float(score)


def matches_at(answer: dict, cutoff: float | None) -> list[dict]:
    """The matches of one answer that stand at `cutoff` (None: every match returned)."""
    found = answer.get("matches") or []
    if cutoff is None:
        return list(found)
    return [m for m in found if match_score(m) >= cutoff]


def judge(record: dict, answer: dict, cutoff: float | None) -> dict:
    """found: a match of the expected ent_num; any: any match; error: the check failed."""
    if "error" in answer:
        return {"found": False, "any": False, "error": True}
    stood = matches_at(answer, cutoff)
    found = record["listed"] and any(list_id(m.get("listing")) == record["ent_num"] for m in stood)
    return {"found": bool(found), "any": bool(stood), "error": False}


def summarise(records: list[dict], answers: list[dict], cutoff: float | None) -> dict:
    """Recall per listed class, false alarms per unlisted class, and overall, at one cut-off."""
    listed: dict[str, dict] = {}
    unlisted: dict[str, dict] = {}
    for record, answer in zip(records, answers):
        verdict = judge(record, answer, cutoff)
        table = listed if record["listed"] else unlisted
        row = table.setdefault(record["class"], {"n": 0, "found": 0, "any": 0, "errors": 0})
        row["n"] += 1
        row["found"] += verdict["found"]
        row["any"] += verdict["any"]
        row["errors"] += verdict["error"]
    for row in listed.values():
        row["recall"] = row["found"] / row["n"]
        row["any_rate"] = row["any"] / row["n"]
    for row in unlisted.values():
        row["false_alarm_rate"] = row["any"] / row["n"]
    n_listed = sum(r["n"] for r in listed.values())
    n_unlisted = sum(r["n"] for r in unlisted.values())
    return {
        "cutoff": cutoff,
        "listed": listed,
        "not_listed": unlisted,
        "recall": sum(r["found"] for r in listed.values()) / n_listed if n_listed else None,
        "any_match_rate": sum(r["any"] for r in listed.values()) / n_listed if n_listed else None,
        "false_alarm_rate": sum(r["any"] for r in unlisted.values()) / n_unlisted if n_unlisted else None,
        "listed_n": n_listed,
        "not_listed_n": n_unlisted,
        "errors": sum(r["errors"] for r in [*listed.values(), *unlisted.values()]),
    }


# -- output ------------------------------------------------------------------------------------------

_SHOW_AS_CODE = {"\u3164", "\u2800", "\u115f", "\u1160", "\uffa0"}


def shown(text: str) -> str:
    """A query with its invisible and filler characters written as \\uXXXX, for a terminal."""
    out = []
    for ch in text:
        if ch in _SHOW_AS_CODE or (unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Mn")) or (
                unicodedata.category(ch) == "Zs" and ch != " "):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:5.1f}%"


def print_table(summaries: list[tuple[str, dict]]) -> None:
    heads = [name for name, _ in summaries]
    first = summaries[0][1]
    width = 24
    print(f"\n{'listed: found the entry':<{width}} {'n':>4}  " + "  ".join(f"{h:>13}" for h in heads))
    for cls in first["listed"]:
        cells = []
        for _, s in summaries:
            row = s["listed"][cls]
            cells.append(f"{pct(row['recall'])} ({pct(row['any_rate']).strip():>6})")
        print(f"  {cls:<{width - 2}} {first['listed'][cls]['n']:>4}  " + "  ".join(f"{c:>13}" for c in cells))
    print(f"  {'ALL (any match)':<{width - 2}} {first['listed_n']:>4}  "
          + "  ".join(f"{pct(s['recall'])} ({pct(s['any_match_rate']).strip():>6})" for _, s in summaries))
    print(f"\n{'not listed: false alarms':<{width}} {'n':>4}  " + "  ".join(f"{h:>13}" for h in heads))
    for cls in first["not_listed"]:
        cells = [pct(s["not_listed"][cls]["false_alarm_rate"]) for _, s in summaries]
        print(f"  {cls:<{width - 2}} {first['not_listed'][cls]['n']:>4}  " + "  ".join(f"{c:>13}" for c in cells))
    print(f"  {'ALL':<{width - 2}} {first['not_listed_n']:>4}  "
          + "  ".join(f"{pct(s['false_alarm_rate']):>13}" for _, s in summaries))
    errors = max(s["errors"] for _, s in summaries)
    if errors:
        print(f"\n{errors} queries failed (counted as not found / no alarm)")


def best_match(answer: dict) -> str:
    found = answer.get("matches") or []
    if not found:
        closest = answer.get("closest") or []
        if closest:
            c = closest[0]
            return f"closest: {c.get('name') or c.get('matched_name')} ({c.get('score')})"
        return "-"
    top = max(found, key=match_score)
    score = top.get("score")
    return f"{top.get('matched_name') or top.get('name')} [{top.get('listing')}]" + (
        f" {score}" if score is not None else "")


def print_misses(records: list[dict], answers: list[dict], cutoff: float | None) -> None:
    print(f"\nmisses (cut-off {'as run' if cutoff is None else cutoff}):")
    for record, answer in zip(records, answers):
        if not record["listed"]:
            continue
        verdict = judge(record, answer, cutoff)
        if not verdict["found"]:
            why = answer.get("error") if verdict["error"] else best_match(answer)
            print(f"  {record['class']:<16} {shown(record['query'])!s:<48} expected "
                  f"{record['source_name']} [{record['ent_num']}]; got {why}")
    print(f"\nfalse alarms (cut-off {'as run' if cutoff is None else cutoff}):")
    for record, answer in zip(records, answers):
        if record["listed"] or not judge(record, answer, cutoff)["any"]:
            continue
        print(f"  {record['class']:<22} {shown(record['query'])!s:<40} -> {best_match(answer)}")


# -- main --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default=DEFAULT_SET, help="the labelled set (JSON lines)")
    parser.add_argument("--sdn", default=DEFAULT_SDN, help="folder of the SDN CSV set to import")
    parser.add_argument("--store", help="store to use (imported when missing; default: a fresh one)")
    parser.add_argument("--per-process", action="store_true",
                        help="one `check NAME` process per query instead of `check --file -`")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="parallel processes with --per-process (default: cores)")
    parser.add_argument("--threshold", type=float, help="passed to check as --threshold")
    parser.add_argument("--sweep", help="cut-offs to report, e.g. 70,75,80,85,90")
    parser.add_argument("--rerun", action="store_true",
                        help="with --sweep: run check once per cut-off (--threshold N) instead of "
                             "cutting one run's scores")
    parser.add_argument("--extra-args", default="", help="more check options, e.g. --extra-args=--fuzzy")
    parser.add_argument("--answers", help="re-score the answers saved in this results file (--out of an "
                                          "earlier run) instead of screening; with --sweep, at other cut-offs")
    parser.add_argument("--per-class", type=int, help="only the first N queries of each class (a quick pass)")
    parser.add_argument("--show-misses", action="store_true", help="list misses and false alarms")
    parser.add_argument("--out", default=os.path.join(tempfile.gettempdir(), "screening-results.json"),
                        help="JSON results (default: $TMPDIR/screening-results.json)")
    args = parser.parse_args(argv)

    saved = saved_answers = None
    if args.answers:
        with open(args.answers, encoding="utf-8") as stream:
            saved = json.load(stream)
        records = [{key: a.get(key) for key in ("query", "class", "listed", "ent_num", "source_name")}
                   for a in saved["answers"]]
        saved_answers = [{k: v for k, v in a.items() if k != "error" or v is not None}
                         for a in saved["answers"]]
    else:
        with open(args.set, encoding="utf-8") as stream:
            records = [json.loads(line) for line in stream if line.strip()]
    if args.per_class:
        taken: dict[str, int] = {}
        kept = []
        for i, record in enumerate(records):
            taken[record["class"]] = taken.get(record["class"], 0) + 1
            if taken[record["class"]] <= args.per_class:
                kept.append(i)
        records = [records[i] for i in kept]
        if saved_answers is not None:
            saved_answers = [saved_answers[i] for i in kept]
    queries = [r["query"] for r in records]
    extra = shlex.split(args.extra_args)
    cutoffs = [float(c) for c in args.sweep.split(",")] if args.sweep else []
    env = bench_env()

    if saved is not None:
        threshold = saved["runs"][0]["threshold"]
        runs = [("saved", None, threshold, saved_answers, 0.0)]
        runs += [(f">= {c:g}", c, threshold, saved_answers, 0.0) for c in cutoffs
                 if threshold is None or c > threshold]
        return print_report(args, records, runs, f"saved answers ({saved['mode']})", saved["check_args"])

    workdir = None
    if args.store:
        db = args.store
    else:
        workdir = tempfile.mkdtemp(prefix="screening-")
        db = os.path.join(workdir, "sdn2021.db")
    try:
        ensure_sdn_store(db, args.sdn, env)

        def run(threshold: float | None) -> tuple[list[dict], float]:
            cargs = check_args(threshold, extra)
            if args.per_process:
                return screen_per_process(db, queries, cargs, env, max(1, args.jobs))
            return screen_batch(db, queries, cargs, env)

        runs = []  # (label, cutoff used in scoring, threshold passed, answers, seconds)
        if cutoffs and args.rerun:
            for cutoff in cutoffs:
                answers, seconds = run(cutoff)
                runs.append((f"thr {cutoff:g}", None, cutoff, answers, seconds))
        else:
            threshold = args.threshold
            if cutoffs and threshold is None:
                threshold = min(cutoffs)
            answers, seconds = run(threshold)
            label = "as run" if threshold is None else f"thr {threshold:g}"
            runs.append((label, None, threshold, answers, seconds))
            for cutoff in cutoffs:
                if threshold is None or cutoff > threshold:
                    runs.append((f">= {cutoff:g}", cutoff, threshold, answers, 0.0))
    finally:
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    mode = "per-process" if args.per_process else "check --file -"
    return print_report(args, records, runs, mode, check_args(args.threshold, extra))


def print_report(args, records: list[dict], runs: list[tuple], mode: str, cargs: list[str]) -> int:
    """Print the table (and misses), write the JSON results."""
    summaries = [(label, summarise(records, answers, cutoff)) for label, cutoff, _, answers, _ in runs]
    command = " ".join(["check", *cargs])
    source = os.path.relpath(args.answers or args.set)
    times = ", ".join(f"{label}: {seconds:.1f} s" for label, _, _, _, seconds in runs if seconds)
    print(f"{len(records)} queries from {source} ({summaries[0][1]['listed_n']} listed, "
          f"{summaries[0][1]['not_listed_n']} not), {mode}, `{command}`" + (f"; {times}" if times else ""))
    print_table(summaries)
    for label, summary in summaries:
        print(f"{label:>10}: recall {pct(summary['recall'])} (any match {pct(summary['any_match_rate'])}), "
              f"false alarms {pct(summary['false_alarm_rate'])}")
    if args.show_misses:
        label, cutoff, _, answers, _ = runs[0]
        print_misses(records, answers, cutoff)

    result = {
        "set": os.path.abspath(args.set),
        "mode": mode,
        "check_args": cargs,
        "runs": [
            {"label": label, "cutoff": cutoff, "threshold": threshold, "seconds": seconds,
             "summary": summarise(records, answers, cutoff)}
            for label, cutoff, threshold, answers, seconds in runs
        ],
        "answers": [
            {"query": r["query"], "class": r["class"], "listed": r["listed"], "ent_num": r["ent_num"],
             "source_name": r.get("source_name"),
             "matches": [{"listing": m.get("listing"), "score": m.get("score"), "match": m.get("match"),
                          "name": m.get("matched_name") or m.get("name")}
                         for m in (a.get("matches") or [])],
             "closest": a.get("closest"), "error": a.get("error")}
            for r, a in zip(records, runs[0][3])
        ],
    }
    with open(args.out, "w", encoding="utf-8") as stream:
        json.dump(result, stream, ensure_ascii=False, indent=1)
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
