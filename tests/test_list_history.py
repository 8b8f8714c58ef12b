"""Issue 18: the history of official lists in the timeline and `show`, announcements linked to the
listings that carry them out (with their lag), the lag report, and "who moved first" from lists'
own dates.

The lists are the fixtures' real samples (fixtures/lists/SOURCES.md): the OFAC SDN pair of
2024-04-04 and 2024-04-12 (no listing dates) and the UN sample (LISTED_ON dates). The recorded
events here are test records under a "test authority": their dates are counted from the list's
own date (read from the fixture) so that each lag is known by construction; no fact about a real
announcement is claimed."""

from __future__ import annotations

import datetime
import json
import statistics
from pathlib import Path

from sanctrack.listing_history import view_history
from sanctrack.store import Store

LISTS = Path(__file__).resolve().parent.parent / "fixtures" / "lists"
PAIR = LISTS / "ofac_sdn_csv_diffpair"
UN = LISTS / "un_consolidated_xml" / "sample_un_consolidated.xml"
# LISTED_ON of three individuals of the UN sample, as the file gives them.
UN_LISTED = {"AQSA MAHMOOD": "2015-09-28", "ABDERRAHMANE OULD EL AMAR": "2013-02-22",
             "NIK MOHAMMAD DOST MOHAMMAD": "2001-01-31"}  # fmt: skip


def days_before(day: str, days: int) -> str:
    return (datetime.date.fromisoformat(day) - datetime.timedelta(days=days)).isoformat()


def import_pair(cli) -> None:
    cli("import", str(PAIR / "2024-04-04" / "sdn.csv"), "--published", "2024-04-04")
    cli("import", str(PAIR / "2024-04-12" / "sdn.csv"), "--published", "2024-04-12")


def add_event(cli, date: str, jurisdiction: str, name: str) -> str:
    return cli.json("add", "event", "--date", date, "--jurisdiction", jurisdiction,
                    "--authority", f"{jurisdiction} test authority", "--target", name,
                    "--target-kind", "person")["id"]  # fmt: skip


def timeline(cli, *args, code: int = 0):
    result = cli("timeline", *args, "--json", code=code)
    return json.loads(result.stdout) if code == 0 else result


# -- list history --------------------------------------------------------------------------------


def test_entity_timeline_shows_designation_and_delisting_from_snapshots(cli):
    import_pair(cli)
    items = timeline(cli, "STANKOVIC, Slobodan")
    assert [(i["type"], i["change"], i["date"], i["date_from"], i["snapshot"]) for i in items] == [
        ("listing", "designation", "2024-04-04", "snapshot", "ofac-sdn/2024-04-04"),
        ("listing", "delisting", "2024-04-12", "snapshot", "ofac-sdn/2024-04-12"),
    ]
    assert items[0]["text"].startswith("first seen in ofac-sdn/2024-04-04")
    assert items[0]["jurisdiction"] == "US" and items[0]["lag_days"] is None
    assert items[1]["previous_snapshot"] == "ofac-sdn/2024-04-04"


def test_amendment_names_the_fields_that_changed(cli):
    import_pair(cli)
    items = timeline(cli, "PERETYATKO, Ruslan Aleksandrovich")
    amendment = [i for i in items if i["change"] == "amendment"]
    assert len(amendment) == 1
    assert amendment[0]["date"] == "2024-04-12" and amendment[0]["id"] == "ofac-sdn/2024-04-12/46788"
    assert {c["field"] for c in amendment[0]["changes"]} >= {"identifiers"}


def test_show_entity_tells_the_list_history(cli):
    import_pair(cli)
    entity = timeline(cli, "STANKOVIC, Slobodan")[0]["entity_id"]
    record = cli.json("show", entity)
    assert [(h["change"], h["date"], h["date_from"]) for h in record["list_history"]] == [
        ("designation", "2024-04-04", "snapshot"), ("delisting", "2024-04-12", "snapshot"),
    ]
    plain = cli("show", entity, "--format", "plain").stdout
    assert "list_history\t2024-04-12\tdelisting" in plain


def test_jurisdiction_and_everything_hold_the_lists_and_kind_selects(cli):
    import_pair(cli)
    us = timeline(cli, "US")
    assert {i["type"] for i in us} == {"listing"}
    changes = [i["change"] for i in us if i["date"] == "2024-04-12"]
    assert sorted(changes) == ["amendment"] + ["delisting"] * 2 + ["designation"] * 4
    assert timeline(cli) == us
    result = timeline(cli, "US", "--kind", "event", code=1)
    assert "nothing recorded" in result.stderr
    event = add_event(cli, "2024-04-10", "US", "ABU SHANAB, William")
    only_events = timeline(cli, "US", "--kind", "event")
    assert [i["id"] for i in only_events] == [event]
    assert {i["type"] for i in timeline(cli, "US", "--kind", "listing,response")} == {"listing"}
    assert cli("timeline", "US", "--kind", "lists,bogus", code=2).stderr.startswith("Error: --kind")


def test_many_changes_of_one_snapshot_are_summed_up(cli, db):
    import_pair(cli)
    store = Store.open(db)
    items = list(view_history(store, "US", detail_limit=5))
    first, second = items
    assert first["change"] == second["change"] == "summary"
    assert first["counts"] == {"added": 32, "removed": 0, "changed": 0}
    assert second["counts"] == {"added": 4, "removed": 2, "changed": 1}
    assert "sanctrack diff ofac-sdn/2024-04-04 ofac-sdn/2024-04-12" in second["text"]


def test_every_format_draws_list_items(cli):
    import_pair(cli)
    for fmt in ("plain", "markdown", "csv", "jsonl", "table"):
        out = cli("timeline", "STANKOVIC, Slobodan", "--format", fmt).stdout
        assert "gone from ofac-sdn/2024-04-12" in out, fmt
    svg = cli("timeline", "STANKOVIC, Slobodan", "--format", "svg").stdout
    assert svg.count("<rect") >= 2 and "list, delisting of STANKOVIC" in svg


# -- announcement -> list --------------------------------------------------------------------------


def test_event_linked_to_listing_first_seen_has_no_lag(cli):
    import_pair(cli)
    event = add_event(cli, "2024-04-10", "US", "ABU SHANAB, William")
    links = cli.json("show", event)["list_links"]
    assert [(l["source"], l["status"], l["listing"], l["first_seen_in"], l["lag_days"]) for l in links] == [
        ("ofac-sdn", "listed", "ofac-sdn/2024-04-12/48240", "ofac-sdn/2024-04-12", None)
    ]
    assert "lag unknown" in links[0]["text"]
    item = [i for i in timeline(cli, "ABU SHANAB, William") if i["type"] == "event"][0]
    assert item["list_links"] == links


def test_listing_first_seen_in_a_snapshot_bounds_the_lag_without_claiming_one(cli):
    import_pair(cli)  # 48239 and 48240 are new in 2024-04-12, not in 2024-04-04
    inside = add_event(cli, "2024-04-09", "US", "ABU SHANAB, William")
    before = add_event(cli, "2024-04-01", "US", "AL-KAHLUT, Hudhayfa Samir 'Abdallah")
    oldest = add_event(cli, "2024-03-01", "US", "STANKOVIC, Slobodan")  # in the first snapshot
    bounds = {}
    for event in (inside, before, oldest):
        [link] = cli.json("show", event)["list_links"]
        assert link["status"] == "listed" and link["lag_days"] is None and "lag unknown" in link["text"]
        bounds[event] = (link["lag_at_least_days"], link["lag_at_most_days"])
    # by hand: 2024-04-12 minus the event; 2024-04-04 minus the event where that is not before it
    assert bounds == {inside: (None, 3), before: (3, 11), oldest: (None, 34)}
    [link] = cli.json("show", before)["list_links"]
    assert "on the list 3 to 11 days after the announcement" in link["text"]
    [group] = cli.json("lag")
    assert (group["dated"], group["undated"], group["median"]) == (0, 3, None)


def test_a_name_check_matches_is_never_called_not_on_the_list(cli):
    """The press release's "Ruslan Peretyatko" is the list's "PERETYATKO, Ruslan Aleksandrovich" to
    `check` (a dropped patronymic) but not one entity: the link says so, with the edit that joins
    them, and claims no lag; after that edit the event is linked to the entry."""
    import_pair(cli)
    event = add_event(cli, "2024-04-10", "US", "Ruslan Peretyatko")
    nobody = add_event(cli, "2024-04-10", "US", "Nobody Listed Anywhere")
    [link] = cli.json("show", event)["list_links"]
    assert (link["status"], link["list_id"], link["name"], link["lag_days"]) == (
        "name_match", "46788", "PERETYATKO, Ruslan Aleksandrovich", None)
    assert link["score"] >= 85 and "not on" not in link["text"]
    assert "--add-alias 'Ruslan Peretyatko=PERETYATKO, Ruslan Aleksandrovich'" in link["text"]
    assert cli.json("show", nobody)["list_links"][0]["status"] == "not_listed"
    [group] = cli.json("lag")
    assert (group["pairs"], group["name_match"], [p["event_id"] for p in group["not_listed"]]) == (2, 1, [nobody])
    cli("edit", event, "--add-alias", "Ruslan Peretyatko=PERETYATKO, Ruslan Aleksandrovich")
    [link] = cli.json("show", event)["list_links"]
    assert (link["status"], link["list_id"]) == ("listed_before", "46788")  # on the list since 2024-04-04


def test_event_linked_to_dated_listing_with_lag_and_the_report(cli):
    cli("import", str(UN))
    aqsa = add_event(cli, days_before(UN_LISTED["AQSA MAHMOOD"], 10), "UN", "AQSA MAHMOOD")
    amar = add_event(cli, days_before(UN_LISTED["ABDERRAHMANE OULD EL AMAR"], 3), "UN", "ABDERRAHMANE OULD EL AMAR")
    nik = add_event(cli, days_before(UN_LISTED["NIK MOHAMMAD DOST MOHAMMAD"], 40), "UN", "NIK MOHAMMAD DOST MOHAMMAD")
    later = add_event(cli, "2016-01-01", "UN", "AQSA MAHMOOD")  # after the list's date
    nobody = add_event(cli, "2016-01-01", "UN", "Nobody Listed Anywhere")
    link = cli.json("show", aqsa)["list_links"][0]
    assert (link["status"], link["listed_on"], link["lag_days"], link["date_from"]) == (
        "listed", "2015-09-28", 10, "list")
    assert cli.json("show", later)["list_links"][0]["status"] == "listed_before"
    missing = cli.json("show", nobody)["list_links"][0]
    assert missing["status"] == "not_listed" and missing["text"].startswith("not on un as of un/")
    [group] = cli.json("lag")
    assert (group["pairs"], group["dated"], group["undated"], group["listed_before"]) == (5, 3, 0, 1)
    lags = [l["lag_days"] for l in group["lags"]]
    assert lags == [3, 10, 40]
    assert group["median"] == 10 and group["worst"] == 40 and group["worst_event"] == nik
    assert (group["q1"], group["q3"]) == (6.5, 25.0)  # inclusive quartiles of 3, 10, 40, by hand
    assert [p["event_id"] for p in group["not_listed"]] == [nobody]
    pairs = cli.json("lag", "--pairs")
    assert sorted((p["event_id"], p["status"]) for p in pairs) == sorted(
        [(aqsa, "dated"), (amar, "dated"), (nik, "dated"), (later, "listed_before"), (nobody, "not_listed")]
    )
    assert statistics.median(lags) == group["median"]


def test_followed_lines_use_the_lists_own_dates(cli):
    cli("import", str(UN))
    gb = add_event(cli, "2016-01-01", "GB", "AQSA MAHMOOD")
    item = [i for i in timeline(cli, "AQSA MAHMOOD") if i["id"] == gb][0]
    [follow] = item["follows"]
    listed = datetime.date.fromisoformat(UN_LISTED["AQSA MAHMOOD"])
    assert follow["followed"] == "UN" and follow["followed_from"] == "list"
    assert follow["followed_listing"].startswith("un/") and follow["followed_event_id"] is None
    assert follow["lag_days"] == (datetime.date(2016, 1, 1) - listed).days


def test_a_list_without_dates_never_leads(cli):
    import_pair(cli)
    gb = add_event(cli, "2024-04-20", "GB", "ABU SHANAB, William")
    item = [i for i in timeline(cli, "ABU SHANAB, William") if i["id"] == gb][0]
    assert item["follows"] == []


# -- who moved first in `diff`, by the earliest dated act ------------------------------------------


def both_of(cli, left: str, right: str) -> tuple[list[dict], dict]:
    result = cli.json("diff", left, right)
    return result["both"], result["summary"]


def test_diff_names_the_first_mover_by_a_lists_own_date(cli):
    cli("import", str(UN))
    listed = UN_LISTED["AQSA MAHMOOD"]
    gb = add_event(cli, "2016-01-01", "GB", "AQSA MAHMOOD")
    [item], summary = both_of(cli, "UN", "GB")
    expected = (datetime.date(2016, 1, 1) - datetime.date.fromisoformat(listed)).days
    assert (item["first"], item["lag_days"], item["left_since"]) == ("left", expected, listed)
    assert (item["left_from"], item["right_from"], item["right_act"]) == ("list", "event", gb)
    assert item["left_act"].startswith("un/") and summary["leader"] == "left"
    assert summary["text"].startswith(f"GB followed UN after a median of {expected} days")
    # An act recorded before the list's date moves first, whichever side it is on.
    us = add_event(cli, days_before(listed, 30), "US", "AQSA MAHMOOD")
    [item], summary = both_of(cli, "UN", "US")
    assert (item["first"], item["lag_days"], item["right_from"], item["right_act"]) == ("right", 30, "event", us)
    assert summary["leader"] == "right"


def test_diff_takes_the_earliest_of_a_jurisdictions_event_and_list_date(cli):
    cli("import", str(UN))
    listed = UN_LISTED["ABDERRAHMANE OULD EL AMAR"]
    add_event(cli, days_before(listed, -20), "GB", "ABDERRAHMANE OULD EL AMAR")  # 20 days after
    un_later = add_event(cli, days_before(listed, -5), "UN", "ABDERRAHMANE OULD EL AMAR")
    [item], _ = both_of(cli, "UN", "GB")
    assert (item["left_since"], item["left_from"], item["lag_days"]) == (listed, "list", 20)
    assert item["left_act"] != un_later
    un_earlier = add_event(cli, days_before(listed, 7), "UN", "ABDERRAHMANE OULD EL AMAR")
    [item], _ = both_of(cli, "UN", "GB")
    assert (item["left_since"], item["left_from"], item["left_act"], item["lag_days"]) == (
        days_before(listed, 7), "event", un_earlier, 27)


def test_diff_claims_no_lag_from_a_list_without_dates(cli):
    import_pair(cli)  # the SDN CSV gives no listing dates: first seen in a snapshot only
    add_event(cli, "2024-04-20", "GB", "ABU SHANAB, William")
    [item], summary = both_of(cli, "US", "GB")
    assert (item["first"], item["lag_days"], item["left_since"]) == (None, None, None)
    assert (item["left_from"], item["left_first_seen_in"]) == ("snapshot", "ofac-sdn/2024-04-12")
    assert (summary["leader"], summary["median_lag_days"], summary["lag_unknown"]) == (None, None, 1)
    assert "who moved first is unknown" in summary["text"]
    plain = cli("diff", "US", "GB", "--format", "plain").stdout.splitlines()
    [row] = [line.split("\t") for line in plain if line.startswith("both\t")]
    assert row[5:7] == ["", ""]  # first, lag_days: nothing claimed
    # A recorded US act gives the US side a date: then a lag is claimed, from it.
    us = add_event(cli, "2024-04-01", "US", "ABU SHANAB, William")
    [item], summary = both_of(cli, "US", "GB")
    assert (item["first"], item["lag_days"], item["left_from"], item["left_act"]) == ("left", 19, "event", us)


# -- recorded delistings -> the delisting seen on the list -------------------------------------------


def add_delisting(cli, date: str, jurisdiction: str, name: str) -> str:
    return cli.json("add", "event", "--date", date, "--jurisdiction", jurisdiction, "--action", "delisting",
                    "--authority", f"{jurisdiction} test authority", "--target", name,
                    "--target-kind", "person")["id"]  # fmt: skip


def test_a_recorded_delisting_is_linked_to_the_first_snapshot_without_the_entry(cli):
    import_pair(cli)  # STANKOVIC is in 2024-04-04, gone from 2024-04-12; the list gives no dates
    between = add_delisting(cli, "2024-04-08", "US", "STANKOVIC, Slobodan")
    [link] = cli.json("show", between)["list_links"]
    assert (link["status"], link["gone_in"], link["last_seen_in"], link["date_from"]) == (
        "delisted", "ofac-sdn/2024-04-12", "ofac-sdn/2024-04-04", "snapshot")
    # No list date: no lag claimed, only its bounds (the list still held it 4 days before).
    assert (link["lag_days"], link["lag_at_least_days"], link["lag_at_most_days"]) == (None, None, 4)
    assert "at most 4 days" in link["text"] and "lag unknown" in link["text"]
    earlier = add_delisting(cli, "2024-04-02", "US", "STANKOVIC, Slobodan")
    [link] = cli.json("show", earlier)["list_links"]
    assert (link["lag_at_least_days"], link["lag_at_most_days"]) == (2, 10)
    later = add_delisting(cli, "2024-04-20", "US", "STANKOVIC, Slobodan")
    [link] = cli.json("show", later)["list_links"]
    assert link["status"] == "delisted_before" and link["gone_in"] == "ofac-sdn/2024-04-12"
    items = {i["id"]: i for i in timeline(cli, "STANKOVIC, Slobodan") if i["type"] == "event"}
    assert items[between]["list_links"] == cli.json("show", between)["list_links"]
    assert {i["list_links"][0]["status"] for i in timeline(cli, "US", "--kind", "event")} == {
        "delisted", "delisted_before"}


def test_a_recorded_delisting_of_a_party_still_listed_or_never_listed(cli):
    import_pair(cli)
    still = add_delisting(cli, "2024-04-06", "US", "PERETYATKO, Ruslan Aleksandrovich")
    [link] = cli.json("show", still)["list_links"]
    assert (link["status"], link["text"]) == ("still_listed", "still on ofac-sdn as of ofac-sdn/2024-04-12")
    assert link["listing"].endswith("/46788") and link["lag_days"] is None
    never = add_delisting(cli, "2024-04-06", "US", "Nobody Listed Anywhere")
    [link] = cli.json("show", never)["list_links"]
    assert (link["status"], link["text"]) == ("not_listed", "not on ofac-sdn as of ofac-sdn/2024-04-12")
    other = add_delisting(cli, "2024-04-06", "GB", "STANKOVIC, Slobodan")  # no GB list in the store
    assert cli.json("show", other)["list_links"] == []
    plain = cli("show", still, "--format", "plain").stdout
    assert "list_link\tofac-sdn\tstill_listed" in plain


def test_a_program_only_lists_carry_is_a_timeline_subject(cli):
    import_pair(cli)  # CYBER2: KORINETS and PERETYATKO (amended in 2024-04-12); no event names it
    forced = timeline(cli, "--program", "cyber2")
    assert [(i["change"], i["list_id"], i["date"]) for i in forced] == [
        ("designation", "46787", "2024-04-04"), ("designation", "46788", "2024-04-04"),
        ("amendment", "46788", "2024-04-12"),
    ]
    assert all("CYBER2" in i["programs"] for i in forced)
    assert timeline(cli, "CYBER2") == forced
    heading = cli("timeline", "--program", "Cyber2", "--format", "markdown").stdout.splitlines()[0]
    assert heading == "# Timeline: CYBER2"
    assert "nothing recorded for the program 'CYBER3'" in timeline(cli, "--program", "CYBER3", code=1).stderr


def test_every_formats_summary_counts_the_list_items_alike(cli):
    import_pair(cli)
    event = add_event(cli, "2024-04-10", "US", "ABU SHANAB, William")
    cli("add", "response", "--to", event, "--date", "2024-04-11", "--actor", "Test responder")
    items = timeline(cli, "US")
    listings = sum(1 for i in items if i["type"] == "listing")
    events = sum(1 for i in items if i["type"] == "event")
    assert (events, listings) == (1, 39)  # 32 first seen, then 4 added, 2 gone, 1 changed
    counts = f"1 event, {listings} list changes"
    table = cli("timeline", "US", "--format", "table").stdout.splitlines()[0]
    assert table.startswith(f"Timeline of the jurisdiction US: {counts}, 2024-04-04 to 2024-04-12")
    markdown = cli("timeline", "US", "--format", "markdown").stdout.splitlines()[2]
    assert markdown.startswith(f"Jurisdiction US. {counts}, 2024-04-04 to 2024-04-12;")
    svg = cli("timeline", "US", "--format", "svg").stdout
    assert f">1 event, 1 response, {listings} list changes · 4 Apr 2024 to 12 Apr 2024" in svg
    window = cli("timeline", "US", "--format", "markdown", "--since", "2024-04-05").stdout
    assert "1 event, 7 list changes, 2024-04-10 to 2024-04-12;" in window.splitlines()[2]


def test_action_keeps_the_lists_acts_of_that_change_and_stance_keeps_none(cli):
    import_pair(cli)
    designated = add_event(cli, "2024-03-01", "US", "STANKOVIC, Slobodan")
    cli("add", "response", "--to", designated, "--date", "2024-03-02", "--actor", "Slobodan Stankovic",
        "--kind", "statement", "--stance", "rejects")
    everything = timeline(cli, "STANKOVIC, Slobodan")
    assert {i["change"] for i in everything if i["type"] == "listing"} == {"designation", "delisting"}
    delistings = timeline(cli, "STANKOVIC, Slobodan", "--action", "delisting")
    assert [(i["type"], i["change"]) for i in delistings] == [("listing", "delisting")]
    designations = timeline(cli, "STANKOVIC, Slobodan", "--action", "designation")
    assert [(i["type"], i.get("change")) for i in designations if i["type"] != "response"] == [
        ("event", None), ("listing", "designation")]
    rejecting = timeline(cli, "STANKOVIC, Slobodan", "--stance", "rejects")
    assert [i["type"] for i in rejecting] == ["event", "response"]
