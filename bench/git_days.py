#!/usr/bin/env python3
"""Dated folders of a list's real daily files from a git-scraped history of them, for
`year_bench.py --real OUT_DIR`.

    python bench/git_days.py REPO OUT_DIR [--file sdn.csv]

REPO is a clone of a repository whose commits are scrapes of an official file (such as
jackdwyer/specially-designated-nationals-list: OFAC's sdn.csv, 2021-08-18 to 2024-05-04). Each
commit that changed FILE is written to OUT_DIR/YYYY-MM-DD/FILE, dated by the commit's date (UTC);
of two commits on one day the later wins, and an empty file (a failed scrape) is skipped.
"""

from __future__ import annotations

import argparse
import os
import subprocess


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo")
    parser.add_argument("out")
    parser.add_argument("--file", default="sdn.csv")
    args = parser.parse_args()
    log = subprocess.run(
        ["git", "-C", args.repo, "log", "--reverse", "--format=%H %cd", "--date=format-local:%Y-%m-%d",
         "--", args.file],
        capture_output=True, text=True, check=True, env=dict(os.environ, TZ="UTC"),
    ).stdout.split("\n")  # fmt: skip
    days, skipped = {}, 0
    for line in filter(None, log):
        commit, date = line.split()
        data = subprocess.run(["git", "-C", args.repo, "show", f"{commit}:{args.file}"],
                              capture_output=True, check=True).stdout  # fmt: skip
        if not data.strip():
            skipped += 1
            continue
        days[date] = data  # oldest first: a later commit of the same day replaces an earlier one
    for date, data in days.items():
        os.makedirs(os.path.join(args.out, date), exist_ok=True)
        with open(os.path.join(args.out, date, args.file), "wb") as out:
            out.write(data)
    print(f"{len(days)} days, {min(days)} to {max(days)}; {skipped} empty files skipped")


if __name__ == "__main__":
    main()
