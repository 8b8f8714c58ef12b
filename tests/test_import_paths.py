"""The short ways an own-format import takes (issue 19) give what the long ways give: the common
shape of a record (records.py `_quick_event`), a target met again (core.py `EntityResolver._again`)
and the JSONL reader's direct parse (ownformat.py `read_jsonl`)."""

from __future__ import annotations

import codecs
import copy
import io
import json
import sqlite3
from functools import lru_cache

import pytest

from conftest import SEED
from sanctrack import core, records
from sanctrack.dates import PartialDate
from sanctrack.errors import SanctrackError
from sanctrack.ownformat import MAX_JSON_DEPTH, _loads, read_jsonl

SEED_RECORDS = json.loads(SEED.read_text())

# Values put in each field of the seed's records in turn: the shapes a file may hold, usual
# and not (wrong types, blanks, spellings to fold, codes to alias, bad ids and dates).
VARIANTS = [
    None, "", "   ", " padded ", "UK", "uk", " us ", "EL", "USA", "u", "Designation", "de_listing",
    "renewal", "sanction", "Company", "government body", "person", "statement", "support",
    "ev-ed50c1d3506c", " ev-ed50c1d3506c ", "ev-XYZ", "rs-0123456789ab", "ev-12345", "2025",
    "2025-Q1", "2025-01", "2025-02-30", "2025-1-3", "yesterday", " 2025-01-03 ", 7, 2.5, True,
    [], ["a", "a", " b ", "", None], ["x", 3], "one", {"a": 1}, [{"name": "X"}],
    123456789012345678901234567890,
]  # fmt: skip


def outcome(clean, values, parse) -> tuple:
    """What cleaning `values` gives: the record, or the error's words (and hint)."""
    try:
        return ("record", clean(copy.deepcopy(values), parse))
    except SanctrackError as err:
        return ("error", type(err).__name__, err.message, err.hint)


def mutations(record: dict):
    """The record with each field (a target's too) set to each variant, dropped, or an unknown
    field added."""
    yield record
    yield dict(record, surprise="x")
    for field in record:
        yield {k: v for k, v in record.items() if k != field}
        for value in VARIANTS:
            yield dict(record, **{field: value})
    for n, target in enumerate(record.get("targets") or []):
        for field in (*records.TARGET_FIELDS, "entity_id", "other"):
            for value in VARIANTS:
                targets = copy.deepcopy(record["targets"])
                targets[n] = dict(target, **{field: value})
                yield dict(record, targets=targets)
        yield dict(record, targets=[target["name"]])


@pytest.mark.parametrize("parse", [PartialDate.from_iso, lru_cache(maxsize=64)(PartialDate.from_iso)])
def test_the_common_shape_cleans_as_field_by_field(parse):
    taken = 0
    for record in SEED_RECORDS:
        is_event = record["type"] == "event"
        quick, slow = (records._quick_event, records._event_by_fields) if is_event else (
            records._quick_response, records._response_by_fields)  # fmt: skip
        public = records.clean_event if is_event else records.clean_response
        for values in mutations(record):
            expected = outcome(slow, values, parse)
            assert outcome(public, values, parse) == expected, values
            assert outcome(public, values, parse) == expected, values  # the memos filled
            try:
                got = quick(copy.deepcopy(values), parse)
            except records._Unusual:
                continue
            taken += 1
            assert ("record", got) == expected, values
    # The short way is the one the seed's own records take (else this test shows nothing).
    for record in SEED_RECORDS:
        quick = records._quick_event if record["type"] == "event" else records._quick_response
        quick(copy.deepcopy(record), parse)
    assert taken > 500


# Synthetic parties (no fact claimed): names met again around merges and kinds learnt later.
TARGETS = [
    [{"name": "Alpha Widgets Ltd"}],
    [{"name": "Alpha Widgets Ltd"}],
    [{"name": "Beta Gadgets Ltd", "kind": "company"}],
    [{"name": "Alpha Widgets Ltd", "kind": "company"}],
    [{"name": "Alpha Widgets Ltd", "kind": "person"}],
    [{"name": "Alpha Widgets Ltd"}, {"name": "Beta Gadgets Ltd", "kind": "company"}],
    [{"name": "Alpha Widgets Limited", "aliases": ["Beta Gadgets"], "kind": "company"}],
    [{"name": "Beta Gadgets Ltd", "kind": "company"}],
    [{"name": "Alpha Widgets Ltd"}],
    [{"name": "Gamma", "kind": "company"}],
    [{"name": "Gamma", "kind": "person"}],
    [{"name": "Gamma"}],
    [{"name": "Gamma", "kind": "company"}],
    [{"name": "Delta Tools", "aliases": ["Gamma"]}],
    [{"name": "Gamma"}],
    [{"name": "Beta Gadgets Ltd", "kind": "company"}],
]


def _dump(db) -> list:
    conn = sqlite3.connect(db)
    found = []
    for table in ("entities", "entity_names", "targets", "sanction_periods", "sanction_states"):
        found += [(table, row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3")]
    conn.close()
    return found


@pytest.mark.parametrize("batch", [1, 3, 2000])
def test_a_target_met_again_links_as_resolved_anew(cli, tmp_path, monkeypatch, batch):
    """Every target resolved the long way (`_again` never answers) and with its short way give
    the same entities, names and links, in batches of any size, over a store that held some."""
    monkeypatch.setattr(core, "TARGET_BATCH", batch)
    lines = [
        json.dumps({"type": "event", "date": f"2024-{month:02d}-{n + 1:02d}", "authority": "OFAC",
                    "jurisdiction": "US", "targets": targets})
        for month in (1, 2) for n, targets in enumerate(TARGETS)
    ]  # fmt: skip
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_text("\n".join(lines[:4]) + "\n")
    second.write_text("\n".join(lines) + "\n")  # its first four already present

    def imported(name: str) -> list:
        db = tmp_path / f"{name}.db"
        cli("--db", str(db), "import", str(first))
        cli("--db", str(db), "import", str(second))
        return _dump(db)

    calls = []
    real_again = core.EntityResolver._again
    monkeypatch.setattr(core.EntityResolver, "_again", lambda self, *a: calls.append(1) or real_again(self, *a))
    short = imported("short")
    assert len(calls) > 10  # the short way was tried
    monkeypatch.setattr(core.EntityResolver, "_again", lambda self, *a: None)
    assert imported("long") == short


def _reference_jsonl(name: str, stream) -> list:
    """The reader before its direct parse: every line through `_loads`."""
    from sanctrack.limits import bounded_lines

    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    found = []
    for number, raw in enumerate(bounded_lines(stream, name), start=1):
        line = decoder.decode(raw)  # (no undecodable line among the cases below)
        if line.strip():
            found.append((f"line {number}", _loads(line, f"{name}: line {number}")))
    return found


LINES = [
    b'{"type": "event", "a": [1, 2.5, null, true], "b": {"c": "\xc3\xa9"}}',
    b"", b"   ", b"\xc2\xa0", b"\x1c", b"\xef\xbb\xbf{}", b'"\\u00e9"', b'"\\ud83d\\ude00"', b'"\\ud800"',
    b'{"a": NaN}', b'{"a": Infinity}', b"123456789012345678901234567890", b"1e400", b'{"a": 1, "a": 2}',
    b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), b"[" * 40 + b"]" * 40, b"[1] [2]",
    b'{"a": "x\x01"}', b"{'a': 1}", b"\x0c{}", b"1" * 5000, b"{} \r", b"{}\r", b' {"a": 1}',
    b'{"a": 1}\t', b'{"a": 1}\x0c', b'{"a": 1} {', b'{"a": 1}\r\r',  b'"x"', b"-", b"[1,]",
]  # fmt: skip


@pytest.mark.parametrize("first", [b'{"first": 1}', b"\xef\xbb\xbf{}", b""])
@pytest.mark.parametrize("line", LINES)
def test_the_jsonl_reader_reads_each_line_as_loads_does(first, line):
    data = first + b"\n" + line + b"\n" + b'{"last": true}'

    def read(reader) -> tuple:
        try:
            return ("records", list(reader("f.jsonl", io.BytesIO(data))))
        except SanctrackError as err:
            return ("error", err.message)

    expected = read(_reference_jsonl)
    got = read(read_jsonl)
    assert repr(got) == repr(expected)  # repr: NaN equals itself only so


def test_the_cycle_collector_is_back_after_an_import_whole_or_refused(cli, tmp_path, monkeypatch):
    """An import sets Python's cycle collector aside while it runs (collector.collection_paused),
    and gives it back however it ends; one that found it off leaves it off."""
    import gc

    good, bad = tmp_path / "good.json", tmp_path / "bad.jsonl"
    good.write_text(SEED.read_text())
    bad.write_text('{"type": "rumour"}\n')
    during = []
    real = records.clean_event
    monkeypatch.setattr(records, "clean_event", lambda *a: during.append(gc.isenabled()) or real(*a))

    assert gc.isenabled()
    cli("import", str(good))
    assert during == [False, False] and gc.isenabled()
    cli("import", str(bad), code=3)
    assert gc.isenabled()
    gc.disable()
    try:
        cli("import", str(good))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_bulk_leaves_the_full_text_config_as_the_schema_made_it(cli, db, tmp_path):
    """The bulk's larger FTS5 hashsize (store/changes.py `_fts_hash_size`) is not kept in the
    store: each index's config table is as a new store's, and the indexes hold their rows."""
    from sanctrack.store.schema import FTS_COLUMNS

    fresh = tmp_path / "fresh.db"
    cli("--db", str(fresh), "add", "event", "--date", "2025", "--authority", "X", "--jurisdiction",
        "US", "--target", "Alpha Widgets Ltd")  # fmt: skip  (synthetic party: no fact claimed)
    cli("import", str(SEED))
    conn, new = sqlite3.connect(db), sqlite3.connect(fresh)
    for table in FTS_COLUMNS:
        config = f"SELECT * FROM [{table}_fts_config] ORDER BY k"
        assert conn.execute(config).fetchall() == new.execute(config).fetchall() == [("version", 4)]
        conn.execute(f"INSERT INTO [{table}_fts] ([{table}_fts]) VALUES ('integrity-check')")
    assert conn.execute("SELECT count(*) FROM events_fts WHERE events_fts MATCH 'hacking'").fetchone()[0] > 0
