"""Helpers of the benchmarks (bench/run.py, diff_bench.py, timeline_bench.py). Standard library only.

Every figure is a whole process, timed from outside with time.perf_counter (interpreter start-up,
imports and teardown included), because that is what a user waits for.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, Iterable, Mapping, Sequence


class CommandFailed(RuntimeError):
    """A measured process exited with a code outside the allowed set."""

    def __init__(self, argv, returncode, stdout, stderr):
        self.argv, self.returncode, self.stdout, self.stderr = list(argv), returncode, stdout, stderr
        super().__init__(f"exit {returncode}: {' '.join(map(str, argv))}")


HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def sanctrack(db: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "sanctrack", "--db", db, *args]


def bench_env() -> dict:
    """The environment sanctrack runs in: this checkout first on the path, no colour, a fixed
    reference day, and never the user's own store."""
    env = dict(os.environ)
    env.pop("SANCTRACK_DB", None)  # never touch the user's own store
    # As installed, Python keeps the modules' bytecode: a checkout whose environment forbids
    # writing it would compile every module on every run and time the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    env["SANCTRACK_TODAY"] = "2026-07-01"  # reproducible date arithmetic (lags, "today")
    env["PYTHONPATH"] = REPO + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_checked(argv: list[str], env: dict) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, env=env, cwd=REPO, capture_output=True)
    if proc.returncode != 0:
        raise CommandFailed(argv, proc.returncode, proc.stdout, proc.stderr)
    return proc


def ensure_data(path: str) -> None:
    """Generate the benchmark data at `path` (bench/generate.py) unless it is there."""
    if os.path.exists(path) and os.path.exists(path + ".meta.json"):
        return
    print(f"generating {path} (about 15 s)…", flush=True)
    subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), path], check=True)


def ensure_store(db: str, data: str, env: dict) -> None:
    """Import `data` into `db` unless it exists (into a temporary name first, then renamed, so an
    interrupted import is never taken for a store). An existing store is never deleted."""
    if os.path.exists(db):
        return
    ensure_data(data)
    partial = db + ".importing"
    for leftover in (partial, partial + "-wal", partial + "-shm"):
        if os.path.exists(leftover):
            os.unlink(leftover)
    print(f"importing {data} into {db} (about a minute, done once)…", flush=True)
    run_checked(sanctrack(partial, "import", data), env)
    os.replace(partial, db)


def _check(argv, proc: subprocess.CompletedProcess, ok: Iterable[int]):
    if proc.returncode not in ok:
        raise CommandFailed(argv, proc.returncode, proc.stdout, proc.stderr)


def run_once(argv: Sequence[str], env: Mapping[str, str] | None = None, ok: Iterable[int] = (0,),
             cwd: str | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Run argv once with output captured; return (elapsed seconds, CompletedProcess)."""
    t0 = time.perf_counter()
    proc = subprocess.run(list(argv), env=None if env is None else dict(env), cwd=cwd,
                          stdin=subprocess.DEVNULL, capture_output=True)
    el = time.perf_counter() - t0
    _check(argv, proc, ok)
    return el, proc


def _stats(times: list[float]) -> dict:
    return {"median": statistics.median(times), "min": min(times), "runs": list(times)}


def time_process(argv: Sequence[str], runs: int = 5, env: Mapping[str, str] | None = None,
                 ok: Iterable[int] = (0,), setup: Callable[[], None] | None = None,
                 cwd: str | None = None, warmup: int = 0) -> dict:
    """Time a whole subprocess `runs` times: {median, min, runs: [seconds...]}.

    Output is captured (never printed); a return code outside `ok` raises CommandFailed (with
    the captured stderr).  `setup` runs before every run, outside the timed span (e.g. to delete
    the database an import writes); `warmup` untimed runs go first (each also after `setup`).
    """
    ok = tuple(ok)
    for _ in range(warmup):
        if setup:
            setup()
        run_once(argv, env, ok, cwd)
    times = []
    for _ in range(runs):
        if setup:
            setup()
        el, _ = run_once(argv, env, ok, cwd)
        times.append(el)
    return _stats(times)


def time_interleaved(argvs: Mapping[str, Sequence[str]], runs: int = 15,
                     env: Mapping[str, str] | None = None, ok: Iterable[int] = (0,),
                     cwd: str | None = None, warmup: int = 1) -> dict[str, dict]:
    """Time several commands round-robin (A B A B ...), so drift in machine load hits all alike.

    Returns {name: {median, min, runs}}.  `warmup` untimed rounds go first (page cache, .pyc).
    """
    ok = tuple(ok)
    for _ in range(warmup):
        for argv in argvs.values():
            run_once(argv, env, ok, cwd)
    times: dict[str, list[float]] = {name: [] for name in argvs}
    for _ in range(runs):
        for name, argv in argvs.items():
            el, _ = run_once(argv, env, ok, cwd)
            times[name].append(el)
    return {name: _stats(t) for name, t in times.items()}


# A tiny intermediary that starts the measured command as ITS OWN child and reports that child's
# rusage.  Why: on Linux, execve() folds the pre-exec memory image's high-water mark into the
# process's ru_maxrss, so a child spawned straight from a big parent (the runner holding data, or
# any parent) reports at least the PARENT's peak.  Spawned from this ~9 MiB intermediary, the
# measured command's figure is its own peak (with a floor of ~9 MiB, below any Python process).
_RSS_WRAPPER = r"""
import os, sys
fd = int(sys.argv[1])
argv = sys.argv[2:]
pid = os.posix_spawn(argv[0], argv, os.environ)
_, status, ru = os.wait4(pid, 0)
os.write(fd, b"%d %d" % (os.waitstatus_to_exitcode(status), ru.ru_maxrss))
os.close(fd)
"""


def peak_rss(argv: Sequence[str], env: Mapping[str, str] | None = None, ok: Iterable[int] = (0,),
             cwd: str | None = None) -> tuple[float, subprocess.CompletedProcess]:
    """Run argv once; return (its own peak RSS in MiB, CompletedProcess with captured output).

    The peak comes from os.wait4() on the measured process (ru_maxrss, KiB on Linux): that process's
    own peak (including any descendants it waited for), not the runner's.
    """
    argv = list(argv)
    exe = argv[0] if os.path.sep in argv[0] else (shutil.which(argv[0]) or argv[0])
    r, w = os.pipe()
    try:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = subprocess.Popen([sys.executable, "-S", "-c", _RSS_WRAPPER, str(w), exe, *argv[1:]],
                                    env=None if env is None else dict(env), cwd=cwd, pass_fds=(w,),
                                    stdin=subprocess.DEVNULL, stdout=out, stderr=err)
            os.close(w)
            w = -1
            report = b""
            while chunk := os.read(r, 64):
                report += chunk
            proc.wait()
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
    if proc.returncode != 0 or not report:
        raise CommandFailed(argv, proc.returncode, stdout,
                            stderr + b"\n(peak_rss wrapper failed)")
    code, maxrss_kib = map(int, report.split())
    done = subprocess.CompletedProcess(argv, code, stdout, stderr)
    _check(argv, done, tuple(ok))
    return maxrss_kib / 1024.0, done


def peak_rss_mib(argv: Sequence[str], env: Mapping[str, str] | None = None, ok: Iterable[int] = (0,),
                 cwd: str | None = None) -> float:
    """Peak RSS (MiB) of one run of argv (see peak_rss)."""
    return peak_rss(argv, env, ok, cwd)[0]


def floor_query_process(db: str) -> list[str]:
    """argv of the floor for one lookup: a bare Python that opens DB with sqlite3 and runs a query."""
    code = (f"import sqlite3; c=sqlite3.connect({str(db)!r}); "
            "c.execute('select 1 from sqlite_master limit 1').fetchall()")
    return [sys.executable, "-c", code]


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "-"
    if unit == "s":
        return f"{v * 1000:.1f} ms" if v < 1 else f"{v:.2f} s"
    return f"{v:.1f} {unit}"


def report(name: str, value: float | None, floor: float | None, limit_ratio: float | None = None,
           *, limit: float | None = None, unit: str = "s", note: str = "") -> bool | None:
    """Print one aligned line: figure, floor, ratio, limit, PASS/FAIL (or SKIP when value is None).

    `limit_ratio` bounds value/floor; `limit` bounds the value itself (same unit).  Returns True
    (pass), False (fail) or None (skipped: no value).
    """
    ratio = value / floor if value is not None and floor else None
    limits = []
    verdict: bool | None = None
    if limit_ratio is not None:
        limits.append(f"<= {limit_ratio:g}x")
    if limit is not None:
        limits.append(f"<= {_fmt(limit, unit)}")
    if value is not None:
        verdict = True
        if limit_ratio is not None:
            verdict = ratio is not None and ratio <= limit_ratio
        if limit is not None:
            verdict = verdict and value <= limit
    status = {True: "PASS", False: "FAIL", None: "SKIP"}[verdict]
    print(f"{name:<40} {_fmt(value, unit):>11}   floor {_fmt(floor, unit):>11}   "
          f"ratio {('%.2fx' % ratio) if ratio is not None else '-':>7}   "
          f"limit {' and '.join(limits) or '-':<18} {status}{('  ' + note) if note else ''}",
          flush=True)
    return verdict
