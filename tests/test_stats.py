"""`sanctrack stats` (issue 17): counts per jurisdiction and year, per source, the median response
lag; each figure checked against what other commands say of the same store."""

from __future__ import annotations

import csv
import io
import json
import statistics

import pytest

from conftest import REPO, SEED
from sanctrack.stats import STATS_COLUMNS

PAIR = REPO / "fixtures" / "lists" / "ofac_sdn_csv_diffpair"


@pytest.fixture
def seeded(cli):
    cli("import", str(SEED))
    return cli


def _by_scope(rows: list[dict]) -> dict[tuple, dict]:
    return {(row["scope"], row["name"], row["year"]): row for row in rows}


def test_counts_and_median_lags_agree_with_the_records(seeded):
    rows = seeded.json("stats")
    assert all(list(row) == list(STATS_COLUMNS) for row in rows)
    found = _by_scope(rows)
    def export(kind: str) -> list[dict]:
        return json.loads(seeded("export", "--type", kind, "--format", "json").stdout)

    events, responses = export("event"), export("response")
    # the seed's entities are those its events name, each one `show` knows
    entities = {target["entity_id"] for event in events for target in event["targets"]}
    assert all(seeded.json("show", entity)["id"] == entity for entity in entities)
    total = found[("total", None, None)]
    assert (total["events"], total["responses"], total["entities"], total["snapshots"]) == (
        len(events), len(responses), len(entities), 0
    )  # fmt: skip
    # per jurisdiction and year: each event's responses with the lags `show` gives them
    expected: dict[tuple, dict] = {}
    every_lag = []
    for event in events:
        shown = seeded.json("show", event["id"])
        key = ("jurisdiction", event["jurisdiction"], int(event["date"][:4]))
        group = expected.setdefault(key, {"events": 0, "lags": [], "entities": set()})
        group["events"] += 1
        group["lags"] += [response["lag_days"] for response in shown["responses"]]
        group["entities"] |= {target["entity_id"] for target in event["targets"]}
        every_lag += [response["lag_days"] for response in shown["responses"]]
    assert {key for key in found if key[0] == "jurisdiction"} == set(expected)
    for key, group in expected.items():
        row = found[key]
        assert row["events"] == group["events"]
        assert row["responses"] == len(group["lags"])
        assert row["entities"] == len(group["entities"])
        assert row["median_lag_days"] == (statistics.median(group["lags"]) if group["lags"] else None)
    assert total["median_lag_days"] == statistics.median(every_lag)


def test_sources_count_their_snapshots(seeded):
    seeded("import", str(PAIR / "2024-04-04"), "--published", "2024-04-04")
    seeded("import", str(PAIR / "2024-04-12"), "--published", "2024-04-12")
    sources = seeded.json("sources")
    rows = seeded.json("stats")
    by_source = {row["name"]: row for row in rows if row["scope"] == "source"}
    assert list(by_source) == ["ofac-sdn"]
    row = by_source["ofac-sdn"]
    assert (row["snapshots"], row["first"], row["latest"]) == (2, "2024-04-04", "2024-04-12")
    latest = seeded.json("diff", "ofac-sdn/previous", "ofac-sdn/latest", "--stat")
    assert row["listings"] == latest["right"]["count"] and latest["left"]["count"] != latest["right"]["count"]
    assert rows[0]["snapshots"] == 2
    assert [(s["snapshots"], s["latest"]) for s in sources if s["name"] == "ofac-sdn"] == [(2, "ofac-sdn/2024-04-12")]


def test_plain_and_csv_carry_the_documented_columns(seeded):
    plain = seeded("stats", "--format", "plain").stdout.splitlines()
    assert [line.split("\t")[:3] for line in plain[:1]] == [["total", "", ""]]
    assert all(len(line.split("\t")) == len(STATS_COLUMNS) for line in plain)
    table = list(csv.DictReader(io.StringIO(seeded("stats", "--format", "csv").stdout)))
    assert tuple(table[0]) == STATS_COLUMNS
    assert [row["scope"] for row in table] == [line.split("\t")[0] for line in plain]
    help_text = " ".join(seeded("stats", "--help").stdout.split())
    assert ", ".join(STATS_COLUMNS) in help_text


def test_no_store_is_refused(cli, tmp_path):
    result = cli("stats", "--db", str(tmp_path / "none.db"), code=None)
    assert result.exit_code != 0 and "no store" in result.stderr
    assert not (tmp_path / "none.db").exists()
