"""`sanctrack timeline`: subjects, chains, windows, every format, bad input and large timelines."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from conftest import SEED, modules_loaded, run_process
from sanctrack.records import EVENT_FIELDS, RESPONSE_FIELDS

US_EVENT = "ev-ed50c1d3506c"
GB_EVENT = "ev-de2b667efa31"
SVG = "{http://www.w3.org/2000/svg}"


def seed(cli) -> None:
    cli("import", str(SEED))


def add_event(cli, date, jurisdiction, *targets, authority=None, **options) -> str:
    """Add an event naming `targets` (a name, or (name, [aliases])); returns its id."""
    argv = ["add", "event", "--date", date, "--jurisdiction", jurisdiction,
            "--authority", authority or f"{jurisdiction} sanctions authority"]  # fmt: skip
    for target in targets:
        name, aliases = (target, []) if isinstance(target, str) else target
        argv += ["--target", name]
        for alias in aliases:
            argv += [f"--alias={alias}"]
    for option, value in options.items():
        for one in value if isinstance(value, list) else [value]:
            argv += ["--" + option.replace("_", "-"), one]
    return cli.json(*argv)["id"]


def add_response(cli, event_id, date, actor, **options) -> str:
    argv = ["add", "response", "--to", event_id, "--date", date, "--actor", actor]
    for option, value in options.items():
        argv += ["--" + option.replace("_", "-"), value]
    return cli.json(*argv)["id"]


def timeline(cli, *args, code: int = 0):
    result = cli("timeline", *args, "--json", code=code)
    return json.loads(result.stdout) if code == 0 else result


def shape(items) -> list[tuple]:
    return [(i["type"], i["id"], i["depth"], i["lag_days"]) for i in items]


# -- the seed: one entity named in two jurisdictions ------------------------------------------


SEED_CHAIN = [
    ("event", US_EVENT, 0, None),
    ("response", "rs-17235e5ed9b0", 1, 0),
    ("response", "rs-23dd9cc0e613", 1, 3),
    ("response", "rs-332cfc493dc0", 1, 3),
    ("event", GB_EVENT, 0, None),
    ("response", "rs-d4650f3f927d", 1, 1),
]


def test_entity_timeline_of_the_seed_is_the_whole_chain_in_order(cli):
    seed(cli)
    unrelated = add_event(cli, "2025-03-01", "US", "Some Unrelated Shipping Co")
    add_response(cli, unrelated, "2025-03-02", "Someone", stance="rejects")
    items = timeline(cli, "Integrity Technology Group")
    assert shape(items) == SEED_CHAIN
    assert [i["date"] for i in items] == ["2025-01-03", "2025-01", "2025-01-06", "2025-01-06", "2025-12-09", "2025-12-10"]
    assert all(i["event_id"] == US_EVENT for i in items[1:4]) and items[5]["event_id"] == GB_EVENT
    us, gb = items[0], items[4]
    assert (us["jurisdiction"], us["authority"], us["action"]) == ("US", "US Department of the Treasury, OFAC", "designation")
    assert us["named_as"] == ["Integrity Technology Group"]
    assert gb["named_as"] == ["Integrity Technology Group Incorporated"]
    assert [t["name"] for t in gb["targets"]] == ["Sichuan Anxun Information Technology", "Integrity Technology Group Incorporated"]
    assert items[1]["speaker"] == "Guo Jiakun" and items[1]["stance"] == "rejects" and items[1]["quote"].startswith("For some time")
    assert unrelated not in {i["id"] for i in items}


def test_item_fields_follow_the_contract(cli):
    seed(cli)
    items = timeline(cli, "Integrity Technology Group")
    event, response = items[0], items[1]
    assert list(event)[: len(EVENT_FIELDS) + 1] == ["type", *EVENT_FIELDS]
    assert {"depth", "lag_days", "answers", "via", "follows", "named_as"} <= set(event)
    assert list(response)[: len(RESPONSE_FIELDS) + 1] == ["type", *RESPONSE_FIELDS]
    assert {"depth", "lag_days"} <= set(response)
    for item in items:
        assert {"type", "id", "date"} <= set(item)


@pytest.mark.parametrize(
    "subject",
    ["Integrity Technology Group", "integrity technology group, inc.", "Yongxin Zhicheng Technology Group",
     "INTEGRITY TECHNOLOGY GROUP INCORPORATED"],
)  # fmt: skip
def test_an_entity_is_found_by_any_of_its_names(cli, subject):
    seed(cli)
    assert shape(timeline(cli, subject)) == SEED_CHAIN


def test_an_entity_is_found_by_its_id_and_an_id_prefix(cli):
    seed(cli)
    entity_id = cli.json("show", US_EVENT)["targets"][0]["entity_id"]
    assert shape(timeline(cli, entity_id)) == SEED_CHAIN
    assert shape(timeline(cli, entity_id[:7])) == SEED_CHAIN
    assert shape(timeline(cli, entity_id.upper())) == SEED_CHAIN


def test_a_name_prefix_names_the_one_entity_it_starts(cli):
    seed(cli)
    result = cli("timeline", "Sichuan An", "--json")
    assert [i["id"] for i in json.loads(result.stdout)] == [GB_EVENT, "rs-d4650f3f927d"]
    assert "Sichuan Anxun Information Technology" in result.stderr  # says how it read the word


def test_a_name_of_several_entities_is_refused_with_their_ids(cli):
    add_event(cli, "2025-01-01", "US", "Acme Trading", target_kind="person")
    add_event(cli, "2025-02-01", "GB", "Acme Trading", target_kind="company")
    result = cli("timeline", "Acme Trading", code=2)
    assert "several entities" in result.stderr and result.stderr.count("en-") >= 2


# -- jurisdictions, programs, tags, everything ---------------------------------------------------


def test_jurisdiction_timelines_and_uk_for_gb(cli):
    seed(cli)
    gb = [i["id"] for i in timeline(cli, "GB")]
    assert gb == [GB_EVENT, "rs-d4650f3f927d"]
    assert [i["id"] for i in timeline(cli, "uk")] == gb
    assert [i["id"] for i in timeline(cli, "US")][0] == US_EVENT and len(timeline(cli, "US")) == 4


def test_program_and_tag_timelines(cli):
    seed(cli)
    add_event(cli, "2024-05-01", "EU", "Cyber Front Z", program="CFSP 2019/797", tag="ransomware")
    assert [i["id"] for i in timeline(cli, "cfsp 2019/797")][0].startswith("ev-")
    assert len(timeline(cli, "CFSP 2019/797")) == 1
    tagged = timeline(cli, "flax-typhoon")
    assert [i["id"] for i in tagged] == [US_EVENT, "rs-17235e5ed9b0", "rs-23dd9cc0e613", "rs-332cfc493dc0"]
    assert timeline(cli, "Ransomware")[0]["jurisdiction"] == "EU"


def test_everything_when_there_is_no_subject(cli):
    seed(cli)
    assert shape(timeline(cli)) == SEED_CHAIN


def test_a_word_that_is_two_things_says_which_and_the_options_choose(cli):
    seed(cli)
    first = add_event(cli, "2024-01-01", "US", "Alpha Corp", program="Sky Net")
    second = add_event(cli, "2024-02-01", "GB", "Beta Corp", tag="sky net")
    result = cli("timeline", "Sky Net", "--json")
    assert [i["id"] for i in json.loads(result.stdout)] == [first]
    assert "program" in result.stderr and "tag" in result.stderr and "--tag" in result.stderr
    assert [i["id"] for i in timeline(cli, "Sky Net", "--tag")] == [second]
    assert [i["id"] for i in timeline(cli, "--tag", "sky net")] == [second]
    assert [i["id"] for i in timeline(cli, "--program", "Sky Net")] == [first]
    # A jurisdiction code wins over an entity of the same name, unless --entity says otherwise.
    named_us = add_event(cli, "2024-03-01", "GB", "US")
    assert timeline(cli, "US")[0]["jurisdiction"] == "US"
    assert [i["id"] for i in timeline(cli, "US", "--entity")] == [named_us]
    assert [i["id"] for i in timeline(cli, "Alpha Corp", "--entity")] == [first]


def test_forcing_options_check_their_subject(cli):
    seed(cli)
    assert "not a two-letter code" in cli("timeline", "USA", "--jurisdiction", code=2).stderr
    assert "contradict" in cli("timeline", "X", "--tag", "--program", code=2).stderr
    assert cli("timeline", "--entity", code=2).stderr.startswith("Error:")
    result = cli("timeline", "GB", "--tag", code=1)
    assert "nothing recorded for the tag 'GB'" in result.stderr


# -- counter-measures and "followed" lines -------------------------------------------------------


def test_counter_measures_are_the_next_link_of_the_chain(cli):
    us = add_event(cli, "2025-01-03", "US", "Integrity Technology Group", program="CYBER2")
    protest = add_response(cli, us, "2025-01-05", "PRC Ministry of Foreign Affairs", country="CN",
                           kind="press-conference", stance="threatens")  # fmt: skip
    # China answers with sanctions on a US company: the event names another party altogether.
    counter = add_event(cli, "2025-02-17", "CN", "Skyline Defense Systems", in_response_to=us,
                        authority="PRC Ministry of Commerce")  # fmt: skip
    carried = add_response(cli, us, "2025-02-17", "PRC Ministry of Commerce", country="CN",
                           kind="countermeasure", stance="threatens", counter_event=counter)  # fmt: skip
    reply = add_response(cli, counter, "2025-02-18", "US Department of State", country="US", stance="condemns")
    # A counter-measure carried out by a response only (no --in-response-to) is a link too.
    second = add_event(cli, "2025-03-01", "CN", "Eagle Aerospace", authority="PRC Ministry of Commerce")
    by_response = add_response(cli, us, "2025-02-28", "PRC Ministry of Commerce", kind="countermeasure",
                               counter_event=second)  # fmt: skip
    add_event(cli, "2025-04-01", "CN", "Unrelated Co", authority="PRC Ministry of Commerce")
    items = timeline(cli, "Integrity Technology Group")
    assert shape(items) == [
        ("event", us, 0, None),
        ("response", protest, 1, 2),
        ("response", carried, 1, 45),
        ("event", counter, 1, 45),
        ("response", reply, 2, 1),
        ("response", by_response, 1, 56),
        ("event", second, 1, 57),
    ]
    assert items[3]["answers"] == us and items[3]["via"] == carried and items[3]["in_response_to"] == us
    assert items[6]["answers"] == us and items[6]["via"] == by_response and items[6]["in_response_to"] is None
    # The CN timeline holds the counter-measures whole, with their lags to the events they answer.
    cn = timeline(cli, "CN")
    assert [(i["id"], i["depth"], i["lag_days"]) for i in cn if i["type"] == "event"] == [
        (counter, 0, 45), (second, 0, 57)] + [(cn[-1]["id"], 0, None)]  # fmt: skip
    # Everything: each counter-measure once, under the event it answers.
    everything = timeline(cli)
    assert [i["id"] for i in everything].count(counter) == 1
    assert next(i for i in everything if i["id"] == counter)["depth"] == 1


def test_a_cycle_of_answers_shows_each_event_once(cli):
    first = add_event(cli, "2025-01-01", "US", "Loop One")
    second = add_event(cli, "2025-02-01", "CN", "Loop Two", in_response_to=first)
    cli("edit", first, "--in-response-to", second)
    items = timeline(cli)
    assert sorted(i["id"] for i in items) == sorted([first, second])


def test_followed_lines_count_days_from_the_first_designation_of_each_jurisdiction(cli):
    seed(cli)
    eu = add_event(cli, "2026-02", "EU", "Integrity Technology Group", authority="Council of the EU")
    items = timeline(cli, "Integrity Technology Group")
    gb = next(i for i in items if i["id"] == GB_EVENT)
    assert [(f["jurisdiction"], f["followed"], f["lag_days"], f["text"]) for f in gb["follows"]] == [
        ("GB", "US", 340, "GB followed US after 340 days")]  # fmt: skip
    assert gb["follows"][0]["followed_event_id"] == US_EVENT and gb["follows"][0]["followed_date"] == "2025-01-03"
    eu_item = next(i for i in items if i["id"] == eu)
    assert [(f["followed"], f["lag_days"]) for f in eu_item["follows"]] == [("US", 394), ("GB", 54)]
    assert next(i for i in items if i["id"] == US_EVENT)["follows"] == []
    # A later designation by a jurisdiction that acted already is not a "follow".
    again = add_event(cli, "2026-05-01", "GB", "Integrity Technology Group", authority="UK FCDO")
    assert next(i for i in timeline(cli, "Integrity Technology Group") if i["id"] == again)["follows"] == []
    plain = cli("timeline", "Integrity Technology Group", "--format", "plain").stdout
    assert "GB followed US after 340 days" in plain
    # In the GB timeline too, though the US event is not in it.
    assert timeline(cli, "GB")[0]["follows"][0]["text"] == "GB followed US after 340 days"


# -- windows, limit, reverse -------------------------------------------------------------------


def test_since_and_until_are_inclusive_and_take_partial_dates(cli):
    seed(cli)
    first_half = timeline(cli, "Integrity Technology Group", "--since", "2025", "--until", "2025-06")
    assert shape(first_half) == SEED_CHAIN[:4]
    assert shape(timeline(cli, "Integrity Technology Group", "--since", "2025-12-09")) == SEED_CHAIN[4:]
    assert shape(timeline(cli, "Integrity Technology Group", "--until", "2025-01-03")) == SEED_CHAIN[:2]
    result = cli("timeline", "Integrity Technology Group", "--since", "2026", code=1)
    assert "nothing recorded for the entity Integrity Technology Group" in result.stderr
    assert "since 2026-01-01" in result.stderr


def test_a_response_in_the_window_to_an_event_before_it_stands_alone(cli):
    seed(cli)
    items = timeline(cli, "Integrity Technology Group", "--since", "2025-01-05", "--until", "2025-01-31")
    # The partial 2025-01 overlaps the window; the US event of 2025-01-03 does not.
    assert shape(items) == [("response", "rs-17235e5ed9b0", 0, 0), ("response", "rs-23dd9cc0e613", 0, 3),
                            ("response", "rs-332cfc493dc0", 0, 3)]  # fmt: skip
    assert all(i["event_id"] == US_EVENT for i in items)


def test_limit_and_reverse(cli):
    seed(cli)
    assert shape(timeline(cli, "Integrity Technology Group", "--limit", "1")) == SEED_CHAIN[:4]
    assert shape(timeline(cli, "Integrity Technology Group", "--reverse")) == SEED_CHAIN[4:] + SEED_CHAIN[:4]
    assert shape(timeline(cli, "Integrity Technology Group", "-r", "-n", "1")) == SEED_CHAIN[4:]
    assert cli("timeline", "--limit", "0", code=2).stderr.startswith("Error:")


def test_relative_dates_use_the_reference_day(cli):
    seed(cli)
    # SANCTRACK_TODAY is 2025-01-08: "last month" is December 2024, before everything.
    assert cli("timeline", "--until", "last month", code=1).stderr.startswith("Error: nothing recorded")
    assert len(timeline(cli, "--since", "3 days ago", "--today", "2025-12-12")) == 2


# -- formats ----------------------------------------------------------------------------------


def test_plain_is_one_tab_separated_line_per_item(cli):
    seed(cli)
    lines = cli("timeline", "Integrity Technology Group").stdout.splitlines()  # piped: plain
    assert len(lines) == 7  # six items and one "followed" line
    rows = [line.split("\t") for line in lines]
    assert all(len(r) == 9 for r in rows)
    assert [r[1] for r in rows] == ["event", "response", "response", "response", "event", "follow", "response"]
    assert rows[1][:5] == ["2025-01", "response", "rs-17235e5ed9b0", "0", US_EVENT]
    assert rows[5][8] == "GB followed US after 340 days"


def test_jsonl_csv_and_tsv_hold_the_same_items(cli):
    seed(cli)
    items = timeline(cli, "Integrity Technology Group")
    lines = cli("timeline", "Integrity Technology Group", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == items
    rows = list(csv.DictReader(io.StringIO(cli("timeline", "Integrity Technology Group", "-f", "csv").stdout)))
    assert [(r["type"], r["id"], r["lag_days"]) for r in rows] == [
        (i["type"], i["id"], "" if i["lag_days"] is None else str(i["lag_days"])) for i in items]  # fmt: skip
    assert rows[4]["follows"] == "GB followed US after 340 days: Integrity Technology Group Incorporated"
    assert rows[0]["targets"] == "Integrity Technology Group"
    tsv = cli("timeline", "Integrity Technology Group", "-f", "tsv").stdout.splitlines()
    assert len(tsv) == 7 and all(len(line.split("\t")) == len(tsv[0].split("\t")) for line in tsv)


def test_markdown_is_a_document_with_a_table_and_its_sources(cli):
    seed(cli)
    text = cli("timeline", "Integrity Technology Group", "--format", "markdown").stdout
    assert text.startswith("# Timeline: Integrity Technology Group\n")
    assert "| Date | Days after | Who | Action or response | Details |" in text
    assert "|---|--:|---|---|---|" in text
    table = [line for line in text.splitlines() if line.startswith("| ")]
    assert len(table) == 1 + 6 + 1  # header, six items, one "followed" row
    assert "GB followed US after 340 days" in text
    assert "## Sources" in text and "<https://www.securityweek.com/" in text
    assert cli("timeline", "GB", "-f", "md").stdout.startswith("# Timeline: GB")


def test_table_on_a_terminal(cli):
    seed(cli)
    text = cli("timeline", "Integrity Technology Group", "--format", "table").stdout
    assert "Timeline of Integrity Technology Group" in text
    assert "GB followed US after 340 days" in text and "+340  GB" in text  # lag in days, its own column
    assert "Guo Jiakun" in text


def _svg(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{SVG}svg"
    return root


def _texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def test_svg_is_a_chart_with_lanes_an_axis_marks_and_links(cli):
    seed(cli)
    root = _svg(cli("timeline", "Integrity Technology Group", "--format", "svg").stdout)
    assert float(root.get("width")) <= 800 and root.get("viewBox")
    texts = _texts(root)
    assert "Timeline: Integrity Technology Group" in texts
    assert {"US", "GB"} <= set(texts)  # one lane per jurisdiction
    assert any(t.startswith("PRC Ministry of Foreign") for t in texts)  # a lane per responder
    assert "Jan 2025" in texts and "Oct" in texts  # month ticks (by quarter) over a year's span
    assert any("GB followed US after 340 days" in t for t in texts)
    # An event's label: its name, then its number (a text of its own, in the lane's colour).
    assert any(t == "Integrity Technology Group" and "1" in texts[n + 1 : n + 4] for n, t in enumerate(texts))
    assert len(list(root.iter(f"{SVG}circle"))) >= 6  # every event and response has its mark
    assert len([p for p in root.iter(f"{SVG}path") if p.get("fill") == "none"]) >= 4  # links
    tooltips = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert any("For some time now" in t for t in tooltips)


def test_svg_axis_fits_the_span(cli):
    add_event(cli, "2001-05-01", "US", "Old Party")
    add_event(cli, "2024-05-01", "GB", "Old Party")
    texts = _texts(_svg(cli("timeline", "-f", "svg").stdout))
    years = [t for t in texts if t.isdigit() and len(t) == 4]
    assert 3 <= len(years) <= 12 and ("2005" in years or "2010" in years)
    add_event(cli, "2024-05-03", "EU", "Short Span")
    texts = _texts(_svg(cli("timeline", "Short Span", "-f", "svg").stdout))
    assert any(t.startswith("3 May") for t in texts) or "3 May 2024" in texts


def test_data_text_is_escaped_in_every_format(cli):
    hostile = 'Evil <script>alert("x")</script> & Co \x1b[31m\u202e'
    event = add_event(cli, "2025-01-01", "US", (hostile, ['alias "quoted" <b>']), reason="*bold* | [link](x)")
    add_response(cli, event, "2025-01-02", "Actor <img src=x>", quote='He said "no" & </text>')
    svg = cli("timeline", hostile, "--entity", "-f", "svg").stdout
    root = _svg(svg)  # well-formed, whatever the data held
    assert "<script>" not in svg and "<img" not in svg and "\x1b" not in svg and "\u202e" not in svg
    joined = " ".join(_texts(root))
    assert "Evil <script>" in joined and "\\x1b" in joined and "\\u202e" in joined
    plain = cli("timeline", hostile, "--entity").stdout
    assert "\x1b" not in plain and "\\x1b[31m" in plain and "\\u202e" in plain
    markdown = cli("timeline", hostile, "--entity", "-f", "markdown").stdout
    assert "<script>" not in markdown and "\\<script\\>" in markdown
    assert "\\*bold\\* \\| \\[link\\]" in markdown
    table = cli("timeline", hostile, "--entity", "-f", "table").stdout
    assert "\x1b[31m" not in table
    items = timeline(cli, hostile, "--entity")
    assert items[0]["targets"][0]["name"] == hostile  # JSON keeps the data verbatim


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_csv_and_tsv_show_control_characters_as_escapes(cli, fmt):
    """A name holding SGR (ESC[31m), BEL and an OSC 52 clipboard write comes out as visible
    escapes in a timeline's CSV and TSV, as it does in search's: never as the raw bytes."""
    hostile = "Red \x1b[31mAlert\x07 \x1b]52;c;ZXZpbA==\x07 Co"
    add_event(cli, "2025-01-01", "US", hostile)
    text = cli("timeline", hostile, "--entity", "-f", fmt).stdout
    assert "\x1b" not in text and "\x07" not in text
    rows = list(csv.DictReader(io.StringIO(text), dialect="excel-tab" if fmt == "tsv" else "excel"))
    assert rows[0]["targets"] == "Red \\x1b[31mAlert\\x07 \\x1b]52;c;ZXZpbA==\\x07 Co"
    searched = cli("search", "Red", "-f", fmt).stdout
    assert "Red \\x1b[31mAlert\\x07 \\x1b]52;c;ZXZpbA==\\x07 Co" in searched  # one policy


def test_output_file_takes_its_format_from_the_extension(cli, tmp_path):
    seed(cli)
    cli("timeline", "GB", "-o", str(tmp_path / "gb.svg"))
    _svg((tmp_path / "gb.svg").read_text())
    cli("timeline", "GB", "--output", str(tmp_path / "gb.md"))
    assert (tmp_path / "gb.md").read_text().startswith("# Timeline")
    cli("timeline", "GB", "-o", str(tmp_path / "gb.json"))
    assert json.loads((tmp_path / "gb.json").read_text())[0]["id"] == GB_EVENT
    assert cli("timeline", "GB", "-o", str(tmp_path / "missing" / "x.svg"), code=2).stderr.startswith("Error:")
    assert "folder" in cli("timeline", "GB", "-o", str(tmp_path), code=2).stderr


def test_unknown_format_is_refused(cli):
    seed(cli)
    assert "unknown format" in cli("timeline", "GB", "--format", "pdf", code=2).stderr


# -- bad input ----------------------------------------------------------------------------------


def test_unknown_subject_exits_1_with_close_names(cli):
    seed(cli)
    result = cli("timeline", "Integrety Technology", code=1)
    assert result.stderr.startswith("Error: nothing recorded for 'Integrety Technology'")
    assert "Hint:" in result.stderr and "Integrity Technology Group" in result.stderr
    assert cli("timeline", "Zebra Unknown Holdings", code=1).stdout == ""
    assert "US (jurisdiction)" in cli("timeline", "USA", code=1).stderr
    assert cli("timeline", "en-ffffff", code=1).stderr.startswith("Error: nothing recorded")


def test_empty_store_says_nothing_is_recorded(cli, db):
    assert cli("timeline", code=3).stderr.startswith(f"Error: no store at {db}")
    assert not db.exists()
    cli("import", "-", "--format", "jsonl", input="")
    assert cli("timeline", code=1).stderr.startswith("Error: nothing recorded")
    assert "add event" in cli("timeline", "Anything", code=1).stderr


@pytest.mark.parametrize("date", ["2025-13", "03/04/2025", "someday"])
def test_a_bad_date_exits_2(cli, date):
    seed(cli)
    result = cli("timeline", "GB", "--since", date, code=2)
    assert result.stderr.startswith("Error:")
    assert cli("timeline", "--since", "2025-06", "--until", "2025-01", code=2).stderr.startswith("Error:")


def test_exit_codes_as_a_process(tmp_path):
    db = str(tmp_path / "p.db")
    assert run_process("--db", db, "import", str(SEED)).returncode == 0
    ok = run_process("--db", db, "timeline", "Integrity Technology Group", "--json")
    assert ok.returncode == 0 and len(json.loads(ok.stdout)) == 6
    missing = run_process("--db", db, "timeline", "Nobody At All")
    assert missing.returncode == 1 and missing.stderr.decode().startswith("Error: nothing recorded")
    bad = run_process("--db", db, "timeline", "--since", "2025-02-30")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr.decode()


# -- large timelines ---------------------------------------------------------------------------


def _many_events(path, count: int) -> None:
    with open(path, "w") as stream:
        for n in range(count):
            year, day = 2000 + n // 365, n % 365
            date = f"{year}-{1 + day // 31 % 12:02d}-{1 + day % 28:02d}"
            event = {"type": "event", "id": f"ev-{n:012x}", "date": date, "authority": "OFAC",
                     "jurisdiction": ["US", "GB", "EU"][n % 3],
                     "targets": [{"name": "Hotspot Industrial Holdings", "kind": "company"},
                                 {"name": f"Other Party {n}", "kind": "company"}]}  # fmt: skip
            stream.write(json.dumps(event) + "\n")
            if n % 4 == 0:
                response = {"type": "response", "id": f"rs-{n:012x}", "event_id": event["id"],
                            "date": date, "actor": "Ministry", "stance": "rejects"}  # fmt: skip
                stream.write(json.dumps(response) + "\n")


def test_a_timeline_of_a_thousand_events_streams_when_piped(tmp_path):
    data = tmp_path / "many.jsonl"
    _many_events(data, 1000)
    db = str(tmp_path / "many.db")
    assert run_process("--db", db, "import", str(data)).returncode == 0
    proc = subprocess.Popen([sys.executable, "-m", "sanctrack", "--db", db, "timeline",
                             "Hotspot Industrial Holdings"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=dict(os.environ, PAGER="false"))  # fmt: skip
    first = proc.stdout.readline()  # output comes before the process ends
    rest = proc.stdout.read()
    errors = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, errors
    lines = [first] + rest.splitlines()
    assert first.startswith(b"2000-01-01\tevent\t")
    assert len(lines) >= 1250  # 1,000 events, 250 responses, "followed" lines
    # `head` closing the pipe early is no error.
    head = subprocess.run(f"{sys.executable} -m sanctrack --db {db} timeline | head -3", shell=True,
                          capture_output=True)  # fmt: skip
    assert head.stdout.count(b"\n") == 3 and b"Error" not in head.stderr and b"Traceback" not in head.stderr
    svg = run_process("--db", db, "timeline", "--format", "svg")
    assert svg.returncode == 0 and ET.fromstring(svg.stdout).tag == f"{SVG}svg"


def test_timeline_lookups_import_nothing_heavy(tmp_path):
    db = tmp_path / "seed.db"
    assert run_process("--db", str(db), "import", str(SEED)).returncode == 0
    for argv in (["timeline", "Integrity Technology Group", "--json"], ["timeline", "GB"],
                 ["timeline", "--format", "svg"], ["timeline", "US", "-f", "markdown"]):  # fmt: skip
        loaded = modules_loaded("--db", str(db), *argv)
        assert not loaded & {"rich", "sqlite_utils", "dateutil", "platformdirs", "click"}, argv


# -- the two representations and the two ways of reading links agree --------------------------


def _rich_store(cli) -> dict:
    """The seed, a chain of counter-measures and hostile text: one store to compare paths on."""
    seed(cli)
    us = add_event(cli, "2025-03-03", "US", ('Tëst "Quoted" <Co> \x1b\u202e', ["Alias & Co"]),
                   program="CYBER2", tag="t1", reason="why\nnot", source="https://example.org/a")  # fmt: skip
    counter = add_event(cli, "2025-04-01", "CN", "Skyline Defense Systems", in_response_to=us)
    add_response(cli, us, "2025-03-20", "Ministry", kind="countermeasure", counter_event=counter,
                 quote="控制 \x00 “x”")  # fmt: skip
    add_response(cli, counter, "2025-04-02", "State", stance="condemns")
    add_event(cli, "2025-05-01", "GB", ('Tëst "Quoted" <Co> \x1b\u202e', []))
    return {"us": us, "counter": counter}


def test_json_written_by_the_store_equals_the_items(cli, db):
    from sanctrack import timeline as core
    from sanctrack.store import Store

    _rich_store(cli)
    store = Store.open(db)
    subjects = [None, "Integrity Technology Group", 'Tëst "Quoted" <Co> \x1b\u202e', "US", "CN",
                "cyber2", "t1"]  # fmt: skip
    for text in subjects:
        for window in ({}, {"since": "2025-03-15"}, {"until": "2025-03-31"}):
            subject = core.resolve_subject(store, text)
            try:
                plain = list(core.build_timeline(store, subject, **window).items)
            except core.NotFound:
                continue
            encoded = list(core.build_timeline(store, subject, encoded=True, **window).items)
            assert all(isinstance(i, str) for i in encoded)
            parsed = [json.loads(i) for i in encoded]
            assert parsed == plain, (text, window)
            assert [list(p) for p in parsed] == [list(i) for i in plain]  # same keys, same order
    store.close()


def test_many_events_are_linked_alike(cli, monkeypatch):
    """Past timeline.MANY events links and windows are read whole and filtered: same result."""
    from sanctrack import timeline as core

    _rich_store(cli)
    cases = [(), ("US",), ("--since", "2025-03-15"), ("CN", "--until", "2025-04-01"), ("--since", "2025-12")]
    expected = [timeline(cli, *case) for case in cases]
    monkeypatch.setattr(core, "MANY", 0)
    assert [timeline(cli, *case) for case in cases] == expected
