#!/usr/bin/env python3
"""The July 2021 SDN set written as FollowTheMoney entities (one JSON object a line), to time a
first import of the same 8,976 entries read by another reader:

    python bench/sdn_as_ftm.py OUT.ftm.json [--dir DIR]
    python bench/first_import_bench.py --dir OUT.ftm.json --published 2021-07-01

Each entry becomes one target entity (Person, Organization, Vessel, Airplane, else LegalEntity)
holding its name, aliases, birth dates, programs, addresses and remarks as sanctrack's OFAC
reader parsed them. The file is derived data for timing only (the entries are OFAC's; the FtM
shape is this script's), not a fixture and not OpenSanctions' own export.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from first_import_bench import FULL  # noqa: E402

SCHEMA_OF_KIND = {
    "person": "Person", "organization": "Organization", "vessel": "Vessel", "aircraft": "Airplane",
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--dir", default=FULL)
    args = parser.parse_args()

    from sanctrack.importers import importer_for

    path = Path(args.dir)
    count = 0
    with open(args.out, "w", encoding="utf-8") as out:
        for listing in importer_for(path).read(path).listings:
            properties = {
                "name": [listing.name],
                "alias": listing.aliases,
                "birthDate": listing.birth_dates,
                "programId": listing.programs,
                "address": listing.addresses,
                "notes": [listing.remarks] if listing.remarks else [],
            }
            entity = {
                "id": f"ofac-{listing.list_id}",
                "caption": listing.name,
                "schema": SCHEMA_OF_KIND.get(listing.kind, "LegalEntity"),
                "properties": {key: values for key, values in properties.items() if values},
                "datasets": ["us_ofac_sdn"],
                "target": True,
            }
            out.write(json.dumps(entity, ensure_ascii=False) + "\n")
            count += 1
    print(f"{count} entities in {args.out}")


if __name__ == "__main__":
    main()
