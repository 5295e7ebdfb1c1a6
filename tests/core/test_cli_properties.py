"""Property-based checks of the listing and lookup commands on a real store (the corpus, ingested and linked):
whatever a user types as option values, no command crashes with a traceback, and the exit code is one the README
documents (0 fine, 1 not found, 2 usage error). In-process through typer's CliRunner, so hundreds of runs take
seconds.

Two properties per command family: free text in a free-text filter (``--search``, ``--actor``, ``--speaker``,
``--entity``, a name or an id) is never a usage error and never crashes; any value at all in any option (numbers
out of range, unknown choices, garbage dates) gives 0 or 2 for listings and 0, 1 or 2 for lookups.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newstrace.cli import app
from newstrace.model import MODALITIES, SOURCE_KINDS, VERDICTS

runner = CliRunner()
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# what a shell can pass: any text but NUL (argv strings end at it)
TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=("Cs",)), max_size=40)
# text shaped like what people type into filters, with the characters that break naive SQL, LIKE and FTS5
TYPED = st.one_of(TEXT, st.sampled_from(['"', "'", "%", "_", "*", "Kabul*", '"Kabul', "NEAR(a b)", "a OR", "AND",
                                         "-x", "--", "()", "^", "col:Kabul", "\\", "Awan", "ISI", "s", "",
                                         # rich markup: printed back in an error or a table, never parsed
                                         "[/x]", "[bold]", "[red]Kabul[/red]", "[", "]", "[link=x]"]))
NUMBER = st.one_of(st.integers(min_value=-10, max_value=200), st.integers(), st.sampled_from(["0", "-1", "abc", "1e3",
                                                                                          "", " 5"]))
DAY = st.one_of(st.dates().map(str), st.sampled_from(["2026", "2026-09", "2026-09-05", "last week", "05/09/2026",
                                                      "2026-13-45", ""]), TEXT)
FORMAT = st.one_of(st.sampled_from(["table", "json", "csv"]), TEXT)

# command -> (kind, {option: strategy of its value}); kind says which exit codes it may give
LISTINGS = {
    "articles": {"--limit": NUMBER, "--format": FORMAT, "--search": TYPED, "--since": DAY, "--outlet": TYPED},
    "entities": {"--limit": NUMBER, "--format": FORMAT, "--type": TYPED, "--country": TYPED},
    "events": {"--limit": NUMBER, "--format": FORMAT, "--type": st.one_of(TYPED, st.sampled_from(["CONSULT", "agree"])),
               "--actor": TYPED, "--country": st.one_of(TYPED, st.sampled_from(["PAK", "afg"])), "--since": DAY,
               "--modality": st.one_of(TYPED, st.sampled_from(MODALITIES)), "--article": TYPED},
    "quotes": {"--limit": NUMBER, "--format": FORMAT, "--speaker": TYPED, "--article": TYPED},
    "stories": {"--limit": NUMBER, "--format": FORMAT, "--entity": TYPED, "--since": DAY,
                "--verdict": st.one_of(TYPED, st.sampled_from(VERDICTS))},
    "claims": {"--limit": NUMBER, "--format": FORMAT, "--source": st.one_of(TYPED, st.sampled_from(SOURCE_KINDS)),
               "--verdict": st.one_of(TYPED, st.sampled_from(VERDICTS)),
               "--flag": st.one_of(TYPED, st.sampled_from(["exclusive", "loaded", "anonymous"]))},
    "errors": {"--limit": NUMBER, "--format": FORMAT},
    "sources": {"--limit": NUMBER, "--format": FORMAT},
}
# free-text filters: any text is a valid value (it may match nothing, which is an empty listing)
FREE_TEXT = {"articles": ["--search", "--outlet"], "events": ["--actor", "--article"], "quotes": ["--speaker", "--article"],
             "stories": ["--entity"]}
LOOKUPS = {"show": ["--json"], "entity": ["--format=json"], "story": ["--format=json"]}


def run(args: list[str]):  # noqa: ANN201 - typer's Result
    """One command in this process; fails the test on any exception other than the CLI's own exit."""
    result = runner.invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"newstrace {args!r} raised {result.exception!r}") from result.exception
    assert "Traceback" not in result.output, (args, result.output)
    return result


@st.composite
def listing_call(draw) -> tuple[str, list[str]]:  # noqa: ANN001
    """A listing command with a random subset of its options, each with a random value (``--opt=value``)."""
    command = draw(st.sampled_from(sorted(LISTINGS)))
    options = LISTINGS[command]
    chosen = draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=len(options)))
    args = [command]
    for opt in chosen:
        args.append(f"{opt}={draw(options[opt])}")
    return command, args


@SETTINGS
@given(call=listing_call())
def test_any_option_values_give_a_documented_exit_code(corpus_db: Path, call: tuple[str, list[str]]) -> None:
    command, args = call
    res = run([*args, "--db", str(corpus_db)])
    assert res.exit_code in (0, 2), (args, res.exit_code, res.output)
    if res.exit_code == 2:
        assert res.stdout == "", (args, res.stdout)  # a usage error prints no data


@st.composite
def free_text_call(draw) -> list[str]:  # noqa: ANN001
    """A listing with valid shapes everywhere (positive limit, json) and free text in its free-text filters."""
    command = draw(st.sampled_from(sorted(FREE_TEXT)))
    args = [command, "--format=json", f"--limit={draw(st.integers(min_value=1, max_value=2**70))}"]
    for opt in FREE_TEXT[command]:
        if draw(st.booleans()):
            args.append(f"{opt}={draw(TYPED)}")
    return args


@SETTINGS
@given(args=free_text_call())
def test_free_text_filters_never_fail(corpus_db: Path, args: list[str]) -> None:
    res = run([*args, "--db", str(corpus_db)])
    assert res.exit_code == 0, (args, res.output)
    assert isinstance(json.loads(res.stdout), list)


@SETTINGS
@given(command=st.sampled_from(sorted(LOOKUPS)), ref=TYPED)
def test_lookups_of_anything_find_it_or_exit_1(corpus_db: Path, command: str, ref: str) -> None:
    # "--" ends the options: a name that starts with a dash is still the name
    res = run([command, *LOOKUPS[command], "--db", str(corpus_db), "--", ref])
    assert res.exit_code in (0, 1), (command, ref, res.output)
    if res.exit_code == 1:
        assert res.stdout == "" and "error:" in res.stderr
    else:
        json.loads(res.stdout)


@pytest.mark.parametrize("command", sorted(LISTINGS))
def test_a_huge_limit_means_all(corpus_db: Path, command: str) -> None:
    res = run([command, "--db", str(corpus_db), "--format=json", f"--limit={2**70}"])
    assert res.exit_code == 0, res.output


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fmt=st.sampled_from(["jsonl", "stix", "graphml", "gexf"]), since=st.one_of(st.none(), DAY),
       entity=st.one_of(st.none(), TYPED), types=st.one_of(st.none(), TYPED, st.sampled_from(["CONSULT,AGREE"])),
       verdict=st.one_of(st.none(), TYPED, st.sampled_from(VERDICTS)))
def test_export_filters_of_anything_give_a_documented_exit_code(corpus_db: Path, tmp_path: Path, fmt: str,
                                                                 since, entity, types, verdict) -> None:  # noqa: ANN001
    args = ["export", "--format", fmt, "--db", str(corpus_db), "--out", str(tmp_path / f"out.{fmt}")]
    for opt, value in (("--since", since), ("--entity", entity), ("--type", types), ("--verdict", verdict)):
        if value is not None:
            args.append(f"{opt}={value}")
    res = run(args)
    assert res.exit_code in (0, 2), (args, res.output)
