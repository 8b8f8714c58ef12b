"""The batch-screening floor of issue 14: a plain script that scores each name of a file against every
SDN name and alias with rapidfuzz (process.cdist, Jaro-Winkler, all cores) and prints, per name, a
JSON line with the listed names that score at or above a cut-off.

    python bench/screening/rapidfuzz_floor.py NAMES.txt [--sdn DIR] [--cutoff 0.9] [--chunk 500]

NAMES.txt: one name per line (UTF-8). Needs rapidfuzz and numpy (cdist returns a numpy matrix).
No normalisation beyond rapidfuzz's default_process (lower case, non-alphanumerics to spaces).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SDN = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "shared", "data",
                           "ofac_sdn_csv_full_2021")


def sdn_names(folder: str) -> tuple[list[str], list[str]]:
    """(names, ent_nums): every primary name of sdn.csv and every alias of alt.csv."""
    names, ents = [], []
    for file, column in (("sdn.csv", 1), ("alt.csv", 3)):
        with open(os.path.join(folder, file), encoding="cp1252", newline="") as stream:
            for row in csv.reader(stream):
                if len(row) > column and row[0].strip().isdigit() and row[column].strip() != "-0-":
                    names.append(row[column].strip())
                    ents.append(row[0].strip())
    return names, ents


def main(argv: list[str] | None = None) -> int:
    from rapidfuzz import process
    from rapidfuzz.distance import JaroWinkler
    from rapidfuzz.utils import default_process

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names")
    parser.add_argument("--sdn", default=DEFAULT_SDN)
    parser.add_argument("--cutoff", type=float, default=0.9)
    parser.add_argument("--chunk", type=int, default=500)
    args = parser.parse_args(argv)

    names, ents = sdn_names(args.sdn)
    choices = [default_process(n) for n in names]
    with open(args.names, encoding="utf-8") as stream:
        queries = [line.rstrip("\n") for line in stream if line.strip()]
    processed = [default_process(q) for q in queries]
    out = sys.stdout
    for start in range(0, len(queries), args.chunk):
        block = process.cdist(processed[start:start + args.chunk], choices,
                              scorer=JaroWinkler.normalized_similarity, workers=-1,
                              dtype="float32")
        for offset, row in enumerate(block):
            hits = (row >= args.cutoff).nonzero()[0]
            matches = sorted(({"name": names[i], "ent_num": ents[i], "score": round(float(row[i]) * 100, 1)}
                              for i in hits), key=lambda m: -m["score"])
            out.write(json.dumps({"query": queries[start + offset], "matches": matches[:10]},
                                 ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
