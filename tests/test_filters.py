"""The record filters defined once (cli/common.filter_options) and shared by search, recent and
timeline; timeline --action and --stance (issue 17)."""

from __future__ import annotations

import inspect

import pytest
import typer

from conftest import SEED
from sanctrack.cli.common import FilterSpec, filter_options
from sanctrack.vocabulary import EVENT_ACTIONS, STANCES


@pytest.fixture
def seeded(cli):
    cli("import", str(SEED))
    return cli


def _options(command: str) -> dict[str, str]:
    """--option: its help, as the built command holds it."""
    from sanctrack.cli.app import build_command

    return {param.opts[0]: param.help for param in build_command(command).params if param.opts[0].startswith("--")}


def test_search_recent_and_timeline_share_one_definition_of_each_filter(cli):
    search, recent, timeline = (_options(name) for name in ("search", "recent", "timeline"))
    for name in ("--jurisdiction", "--authority", "--program", "--action", "--stance", "--since", "--until"):
        assert search[name] == recent[name], name
    for name in ("--action", "--stance"):
        assert timeline[name] == search[name], name
    # the help names every allowed value, as the values are checked
    assert all(action in search["--action"] for action in EVENT_ACTIONS)
    assert all(stance in search["--stance"] for stance in STANCES)
    # --type offers what each command lists
    assert "entity" in search["--type"] and "entity" not in recent["--type"]


def test_filter_options_hands_the_command_one_filter_spec():
    seen = {}

    @filter_options("action", "stance")
    def command(ctx: typer.Context, limit: int = 3, *, filters: FilterSpec):
        seen["filters"] = filters

    params = list(inspect.signature(command).parameters)
    assert params == ["ctx", "action", "stance", "limit"]
    command(None, action="designation", stance=None, limit=3)
    assert seen["filters"] == FilterSpec(action="designation")
    with pytest.raises(TypeError):
        filter_options("colour")
    with pytest.raises(TypeError):

        @filter_options("since")
        def clash(since: str = "", *, filters: FilterSpec):
            pass


def test_search_and_recent_still_filter(seeded):
    hits = seeded.json("recent", "--stance", "rejects")
    assert hits and {hit["type"] for hit in hits} == {"response"}
    assert seeded.json("search", "--stance", "rejects") == hits
    seeded("recent", "--stance", "cheers", code=2)


def test_timeline_stance_keeps_the_events_that_drew_it_with_those_responses_only(seeded):
    everything = seeded.json("timeline", "Integrity Technology Group")
    responses = {item["id"]: item["stance"] for item in everything if item["type"] == "response"}
    assert "rejects" in responses.values() and set(responses.values()) != {"rejects"}
    rejecting = seeded.json("timeline", "Integrity Technology Group", "--stance", "rejects")
    kept = [item for item in rejecting if item["type"] == "response"]
    assert kept and all(item["stance"] == "rejects" for item in kept)
    assert {item["id"] for item in kept} == {rid for rid, stance in responses.items() if stance == "rejects"}
    events = {item["id"] for item in rejecting if item["type"] == "event"}
    assert events == {item["event_id"] for item in kept}
    # plain output agrees, and a stance nobody took is "nothing found" naming the filter
    plain = seeded("timeline", "Integrity Technology Group", "--stance", "rejects", "--format", "plain").stdout
    assert {line.split("\t")[2] for line in plain.splitlines() if "\tresponse\t" in line} == {i["id"] for i in kept}
    missing = seeded("timeline", "Integrity Technology Group", "--stance", "welcomes", code=1)
    assert "--stance welcomes" in missing.stderr


def test_timeline_action_keeps_the_events_of_that_action(seeded):
    designations = seeded.json("timeline", "--action", "designation")
    events = [item for item in designations if item["type"] == "event"]
    assert events and all(item["action"] == "designation" for item in events)
    assert seeded.json("timeline") == designations  # the seed holds designations only
    missing = seeded("timeline", "US", "--action", "delisting", code=1)
    assert "--action delisting" in missing.stderr
    seeded("timeline", "--action", "banishment", code=2)
