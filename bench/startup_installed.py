"""Lookups as a user runs them: sanctrack installed by the README's main command (`pip install .`,
not editable), its console script, against the bare `python -c "import sqlite3; …"` floor of the
same virtual environment.

Why a venv of its own: the development venv (`pip install -e`) loads an editable-install finder at
every interpreter start, the floor's included (~10 ms here), which flatters every ratio; and a
source tree run with PYTHONDONTWRITEBYTECODE=1 recompiles sanctrack on each run, which a user
never pays (pip compiles bytecode at install). Both are measured away here.

    python bench/startup_installed.py --db STORE [--venv DIR] [--runs 21] \\
        [--lookup 'check|HIH Group Holdings|--json'] ...

Each `--lookup` is a `|`-separated argument list after `sanctrack --db STORE` (default: a check
of the 200k bench store's hotspot alias, and a search of it). Prints wall and CPU (user + system
of the child) medians and their ratios to the floor, interleaved round-robin after one warm-up
round. Limit (issue 14): ≤ 5x the floor.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

from common import REPO


def install(venv: str) -> None:
    """This checkout installed into `venv` as the README does; a venv made by an earlier run keeps
    its dependencies and gets this checkout's sanctrack again (never a stale copy)."""
    pip = os.path.join(venv, "bin", "pip")
    if os.path.exists(os.path.join(venv, "bin", "sanctrack")):
        subprocess.run([pip, "install", "-q", "--no-deps", "--force-reinstall", REPO], check=True)
        return
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    subprocess.run([pip, "install", "-q", REPO], check=True)


def measure(argvs: dict[str, list[str]], runs: int) -> dict[str, tuple[float, float]]:
    env = dict(os.environ, NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("SANCTRACK_DB", None)
    wall: dict[str, list[float]] = {name: [] for name in argvs}
    cpu: dict[str, list[float]] = {name: [] for name in argvs}
    for round_ in range(runs + 1):
        for name, argv in argvs.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                           cwd=tempfile.gettempdir(), check=False)  # fmt: skip
            elapsed = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if round_:  # the first round warms the page cache
                wall[name].append(elapsed)
                cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in argvs}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--venv", default=os.path.join(tempfile.gettempdir(), "sanctrack-bench-venv"))
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--lookup", action="append")
    args = parser.parse_args()
    install(args.venv)
    python = os.path.join(args.venv, "bin", "python")
    script = os.path.join(args.venv, "bin", "sanctrack")
    floor = f"import sqlite3; c=sqlite3.connect({args.db!r}); c.execute('select 1 from sqlite_master limit 1').fetchall()"
    argvs = {"floor": [python, "-c", floor]}
    for lookup in args.lookup or ["check|HIH Group Holdings|--json", "search|Hotspot Industrial|--json"]:
        words = lookup.split("|")
        argvs[" ".join(words)] = [script, "--db", args.db, *words]
    found = measure(argvs, args.runs)
    floor_wall, floor_cpu = found["floor"]
    print(f"load average {os.getloadavg()[0]:.2f}; {args.runs} runs each, medians")
    for name, (wall, cpu) in found.items():
        print(f"{name[:50]:50s} wall {wall * 1000:6.1f} ms {wall / floor_wall:5.2f}x   "
              f"cpu {cpu * 1000:6.1f} ms {cpu / floor_cpu:5.2f}x")
    worst = max(w / floor_wall for n, (w, _) in found.items() if n != "floor")
    return 0 if worst <= 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
