#!/usr/bin/env python3
"""A deterministic year of daily SDN-like snapshots, grown from the real July 2021 SDN CSV set.

    python bench/year_generator.py OUT_DIR [--days 365] [--seed 1] [--data DIR] [--start 2021-07-01]

Day 0 is the real 2021 set as published (../shared/data/ofac_sdn_csv_full_2021: sdn.csv 8,976
entries, add.csv, alt.csv, sdn_comments.csv), byte for byte. Each later day adds, removes and
amends a few entries at the rates the real SDN list showed between July 2019 and July 2021
(~1,858 additions and ~261 removals in two years: 2.5 and 0.36 a day), and amends about 2 a day;
a few days (`BATCH_DAYS` of them, placed by the seed) carry larger batches, as designation rounds
do (100-250 additions, 20-60 removals, 20-60 amendments).

* An addition clones a random entry under a new ent_num (above any real one) and a new name made
  of name parts of two other entries, with its addresses and aliases; it is a new party.
* A removal drops an entry with its addresses, aliases and comments.
* An amendment does one of what OFAC amendments do: adds an alias, adds a program, appends to the
  remarks, or adds an address.

Entries not touched keep their original lines byte for byte. The data is synthetic from day 1 on:
it stands for no real designation. `Year(seed).days()` yields (date, files) in order, so a
benchmark can write one day, import it and drop it (a year on disk would be ~1.3 GB);
the command writes every day as OUT_DIR/YYYY-MM-DD/{sdn,add,alt,sdn_comments}.csv.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
from typing import Iterator

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "data", "ofac_sdn_csv_full_2021"))
if not os.path.isdir(DEFAULT_DATA):
    DEFAULT_DATA = "/work/shared/data/ofac_sdn_csv_full_2021"

ADDS_PER_DAY = 1858 / 730
REMOVALS_PER_DAY = 261 / 730
AMENDMENTS_PER_DAY = 2.0
BATCH_DAYS = 4
FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
EOL = b"\r\n"


def _fields(line: bytes) -> list[str]:
    import csv

    return next(csv.reader([line.decode("utf-8", "replace")]))


def _quoted(value: str) -> str:
    if value.strip() == "-0-":
        return "-0- "
    return '"' + value.replace('"', '""') + '"'


def _line(fields: list[str]) -> bytes:
    """A CSV line as OFAC writes them: numbers bare, text quoted, nulls as `-0- `."""
    out = []
    for value in fields:
        out.append(value if value.isdigit() else _quoted(value))
    return ",".join(out).encode("utf-8")


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: small means only, which is all this needs.
    import math

    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class Year:
    """The state of the list, evolved one day at a time."""

    def __init__(self, seed: int = 1, data: str = DEFAULT_DATA, start: str = "2021-07-01", days: int = 365,
                 rates: tuple[float, float, float] = (ADDS_PER_DAY, REMOVALS_PER_DAY, AMENDMENTS_PER_DAY),
                 batches: int = BATCH_DAYS):  # fmt: skip
        self.rng = random.Random(seed)
        self.start = datetime.date.fromisoformat(start)
        self.total_days = days
        self.rates = rates
        self.batch_days = set(self.rng.sample(range(1, days), min(batches, days - 1))) if days > 1 else set()
        self.order: list[str] = []  # ent_nums in file order
        self.sdn: dict[str, bytes] = {}
        self.rows: dict[str, dict[str, list[bytes]]] = {f: {} for f in FILES[1:]}
        self.terminators: dict[str, bytes] = {}
        for name in FILES:
            if not os.path.exists(os.path.join(data, name)):
                self.terminators[name] = b""
                continue
            with open(os.path.join(data, name), "rb") as f:
                raw = f.read()
            lines = raw.split(EOL)
            self.terminators[name] = lines[-1]  # the 0x1A OFAC ends its files with, or b""
            for line in lines[:-1]:
                ent = line.split(b",", 1)[0].decode()
                if name == "sdn.csv":
                    self.order.append(ent)
                    self.sdn[ent] = line
                else:
                    self.rows[name].setdefault(ent, []).append(line)
        self.next_ent = max(int(e) for e in self.order) + 1
        self.next_row = {
            f: max((int(l.split(b",")[1]) for ls in rows.values() for l in ls if l.split(b",")[1].isdigit()), default=0) + 1
            for f, rows in self.rows.items() if f != "sdn_comments.csv"
        }  # fmt: skip
        self.stats = {"added": 0, "removed": 0, "amended": 0}

    # -- one day ---------------------------------------------------------------------------------

    def _add(self) -> None:
        rng = self.rng
        model = rng.choice(self.order)
        fields = _fields(self.sdn[model])
        a, b = _fields(self.sdn[rng.choice(self.order)]), _fields(self.sdn[rng.choice(self.order)])
        first = a[1].replace(",", " ").split()
        second = b[1].replace(",", " ").split()
        name = " ".join(first[: max(1, len(first) // 2)] + second[len(second) // 2 :]) or a[1]
        ent = str(self.next_ent)
        self.next_ent += 1
        fields[0], fields[1] = ent, name
        self.order.append(ent)
        self.sdn[ent] = _line(fields)
        for f in ("add.csv", "alt.csv"):
            for line in self.rows[f].get(model, []):
                row = _fields(line)
                row[0], row[1] = ent, str(self.next_row[f])
                self.next_row[f] += 1
                if f == "alt.csv":
                    row[3] = f"{row[3]} {name.split()[0]}"  # an alias of the new party, not the model's
                self.rows[f].setdefault(ent, []).append(_line(row))
        self.stats["added"] += 1

    def _remove(self) -> None:
        if len(self.order) < 4:
            return  # a list is never emptied
        ent = self.rng.choice(self.order)
        self.order.remove(ent)
        del self.sdn[ent]
        for rows in self.rows.values():
            rows.pop(ent, None)
        self.stats["removed"] += 1

    def _amend(self, day: datetime.date) -> None:
        rng = self.rng
        ent = rng.choice(self.order)
        fields = _fields(self.sdn[ent])
        how = rng.choice(("alias", "program", "remarks", "address"))
        if how == "alias":
            row = [ent, str(self.next_row["alt.csv"]), "aka", f"{fields[1]} {rng.choice('ABCDEFGH')}{day.day}", "-0-"]
            self.next_row["alt.csv"] += 1
            self.rows["alt.csv"].setdefault(ent, []).append(_line(row))
        elif how == "program":
            extra = rng.choice(("SDGT", "CYBER2", "RUSSIA-EO14024", "GLOMAG", "IRAN-EO13902"))
            fields[3] = f"{fields[3]}] [{extra}" if fields[3].strip() != "-0-" else extra
            self.sdn[ent] = _line(fields)
        elif how == "remarks":
            note = f"Additional Sanctions Information - amended {day.isoformat()}."
            fields[11] = note if fields[11].strip() == "-0-" else f"{fields[11]} {note}"
            self.sdn[ent] = _line(fields)
        else:
            row = [ent, str(self.next_row["add.csv"]), f"{rng.randint(1, 400)} Street {rng.randint(1, 99)}",
                   "-0-", rng.choice(("Russia", "Iran", "China", "Syria", "Venezuela")), "-0-"]  # fmt: skip
            self.next_row["add.csv"] += 1
            self.rows["add.csv"].setdefault(ent, []).append(_line(row))
        self.stats["amended"] += 1

    def _evolve(self, index: int, day: datetime.date) -> None:
        rng = self.rng
        if index in self.batch_days:
            adds, removals, amends = rng.randint(100, 250), rng.randint(20, 60), rng.randint(20, 60)
        else:
            adds = _poisson(rng, self.rates[0])
            removals = _poisson(rng, self.rates[1])
            amends = _poisson(rng, self.rates[2])
        for _ in range(adds):
            self._add()
        for _ in range(removals):
            self._remove()
        for _ in range(amends):
            self._amend(day)

    def files(self) -> dict[str, bytes]:
        out = {}
        out["sdn.csv"] = b"".join(self.sdn[e] + EOL for e in self.order) + self.terminators["sdn.csv"]
        for name in FILES[1:]:
            rows = self.rows[name]
            out[name] = b"".join(line + EOL for e in self.order for line in rows.get(e, ())) + self.terminators[name]
        return out

    def days(self) -> Iterator[tuple[str, dict[str, bytes]]]:
        """(ISO date, {file name: bytes}) of every day, in order; day 0 is the real file set."""
        for index in range(self.total_days):
            day = self.start + datetime.timedelta(days=index)
            if index:
                self._evolve(index, day)
            yield day.isoformat(), self.files()


def write_day(folder: str, files: dict[str, bytes]) -> None:
    os.makedirs(folder, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--start", default="2021-07-01")
    args = parser.parse_args()
    year = Year(args.seed, args.data, args.start, args.days)
    for date, files in year.days():
        write_day(os.path.join(args.out, date), files)
    print(f"{args.days} days in {args.out}: {year.stats}; batch days {sorted(year.batch_days)}")


if __name__ == "__main__":
    main()
