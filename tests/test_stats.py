"""Admin statistics against a hand-computed fixture; anonymity; pseudonyms; access."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import datetime, timezone

import pytest

from bot.config import ConfigError, Settings, load_settings
from bot.conversation import Conversations
from bot.flows.stats import Withheld, reached, shown
from bot.render import plain_text, screen_text
from storage import open_database, pseudonym
from storage.migrations import QUESTION_IDS_M004
from tests.conftest import TOKEN
from telegram_doubles.fake_api import parse_html
from tests.test_plan import FakeClock

ADMIN = 7001


async def complete(convs: Conversations, user_id: int, value, stop_at: int | None = None) -> None:
    """Take ``user_id`` through onboarding and answer every question with ``value`` (or stop)."""
    for event, kwargs in (("start", {}), ("next", {}), ("set_language", {"language": "en"}),
                          ("consent", {"accepted": True})):
        await convs.handle(user_id, event, **kwargs)
    for index in range(convs.content.total if stop_at is None else stop_at):
        outcome = await convs.handle(user_id, "answer", assessment_id=_open_id(convs, user_id),
                                     question=index, value=value)
        assert outcome.screens


def _open_id(convs: Conversations, user_id: int) -> int:
    return convs.store.load(user_id, "en", "new").assessment.id


@pytest.fixture
async def fixture(tmp_path, content):
    """6 completed (5 all-5, 1 all-1), 2 stopped (at question 3 and 10), 1 who never consented."""
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    convs = Conversations(open_database(tmp_path / "s.db"), content, clock, admin_ids=frozenset({ADMIN}),
                          pseudonym_secret="s3cret")
    for user_id in range(1, 6):
        await complete(convs, user_id, 5)
    await complete(convs, 6, 1)
    await complete(convs, 7, 3, stop_at=2)
    await complete(convs, 8, 3, stop_at=9)
    await convs.handle(9, "start")
    return convs


def figures_of(convs, content):
    rules = content.scoring
    return convs.stats.figures(None, {q.id: (rules.targets[q.id], rules.min_gap) for q in content.competencies})


async def test_every_figure_against_the_hand_computed_fixture(fixture, content):
    figures = figures_of(fixture, content)
    assert (figures.users, figures.consented, figures.started, figures.completed) == (9, 8, 8, 6)
    assert figures.median_minutes == 0
    assert figures.stopped_at == {2: 1, 9: 1}
    assert figures.archetypes == {"it_regisseur": 5, "vakspecialist": 1}
    assert figures.levels == {"richten": 6, "inrichten": 6, "verrichten": 6}  # all tied: each counts
    for competency in content.competencies:
        mean, people, gaps = figures.competency[competency.id]
        assert (round(mean, 4), people, gaps) == (round(26 / 6, 4), 6, 1)
    funnel = reached(figures, content.total)
    assert funnel[:4] == [8, 8, 8, 7] and (funnel[9], funnel[10], funnel[-1]) == (7, 6, 6)


async def test_the_screens_withhold_every_figure_about_fewer_than_five(fixture, content):
    text = "\n".join(plain_text(screen_text(s, "en", content)) for s in fixture.statistics("all") if s.chart is None)
    assert "Users: 9 · consented: 8" in text
    assert "started: 8 · completed: 6" in text and "Completion rate: 75% · median time: 0 min" in text
    assert "IT Regisseur: 5" in text and "Specialist: <5" in text
    assert "Directing: 6" in text
    assert f"{content.competencies[0].name['en']}: 4.3 / 4" in text
    assert "none occurs for 5 or more people" in text  # the one all-1 person's gaps stay hidden
    assert "at 3/43: <5" in text and "at 10/43: <5" in text
    charts = [s for s in fixture.statistics("all") if s.chart is not None]
    archetypes = next(s.chart for s in charts if s.key == "chart_archetypes")
    assert archetypes.values == (5, None, None, None, None)


def test_four_people_are_withheld_five_shown():
    assert isinstance(shown(4, 4, 5), Withheld) and shown(4, 4, 5) == "<5"
    assert shown(5, 5, 5) == 5


@pytest.mark.parametrize("value", ["2", "0", "-1", "five"])
def test_a_threshold_below_three_is_refused_at_start_up(value):
    with pytest.raises(ConfigError, match="REGIECOACH_MIN_GROUP"):
        load_settings({"REGIECOACH_MIN_GROUP": value})
    assert load_settings({"REGIECOACH_MIN_GROUP": "3"}).min_group == 3


def test_the_pseudonym_is_stable_and_depends_on_the_secret():
    assert pseudonym("a", 42) == pseudonym("a", 42)
    assert pseudonym("a", 42) != pseudonym("b", 42) and pseudonym("a", 42) != pseudonym("a", 43)
    assert "42" not in pseudonym("a", 42) and len(pseudonym("a", 42)) == 20


async def test_the_csv_has_one_pseudonymous_row_per_completed_assessment(fixture, content):
    out = io.StringIO()
    assert fixture.export_csv(out) == 6
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["pseudonym", "date", "language", "archetype", "level", *[q.id for q in content.questions]]
    assert len(rows) == 7 and all(len(row) == 5 + content.total for row in rows)
    assert rows[1][:5] == [pseudonym("s3cret", 1), "2026-11-30", "en", "it_regisseur",
                           "richten+inrichten+verrichten"]
    assert set(rows[6][5:]) == {"1"}
    assert not any(str(user_id) == cell for row in rows[1:] for cell in row[:1] for user_id in range(1, 10))


def test_every_question_has_a_results_column(content):
    assert {q.id for q in content.questions} <= set(QUESTION_IDS_M004)


async def test_stats_over_telegram_for_admins_only(make_harness, db_path, content):
    settings = Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({ADMIN}), pseudonym_secret="k")
    harness = make_harness(settings)
    async with harness.application:
        stranger, admin = harness.user(7002), harness.user(ADMIN)
        for attempt in ("/stats", "/exportcsv"):
            await stranger.send(attempt)
            assert stranger.last().text == parse_html(content.text("unknown_command", "en"))
        await stranger.press("1:S:::30")
        await stranger.press("1:S:::all")
        assert all("Statistics" not in m.text for m in stranger.messages())
        await admin.send("/stats")
        texts = [m.text for m in admin.messages()]
        assert any(t.startswith("📊 Statistics (all time)") for t in texts)
        await admin.tap(content.text("btn_period_30", "en"))
        assert any(m.text.startswith("📊 Statistics (last 30 days)") for m in admin.messages())
        await admin.send("/exportcsv")
        assert admin.last().kind == "document"
        document = harness.api.calls_to("sendDocument")[-1]
        assert next(iter(document.params["files"].values())).startswith(b"pseudonym,date,language")
    assert harness.errors == []


async def test_stats_charts_are_pictures_without_withheld_values(fixture, content):
    from bot.render import chart_png

    for screen in fixture.statistics("all"):
        if screen.chart is not None:
            png = chart_png(screen.chart, "nl", content)
            assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_regiecoach_stats_in_the_terminal_with_two_completed(tmp_path):
    import asyncio
    import os
    import subprocess
    import sys
    from pathlib import Path

    from bot.content import load_content

    db = tmp_path / "two.db"
    convs = Conversations(open_database(db), load_content())

    async def two() -> None:
        await complete(convs, 1, 4)
        await complete(convs, 2, 2)

    asyncio.run(two())
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGIECOACH_")}
    env |= {"REGIECOACH_DB": str(db), "PYTHONPATH": str(Path.cwd()), "REGIECOACH_PSEUDONYM_SECRET": "x"}
    result = subprocess.run([sys.executable, "-m", "bot", "stats"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "started: <5 · completed: <5" in result.stdout
    assert "IT Regisseur: <5" in result.stdout and "Manager: <5" in result.stdout
    per_group = [line for line in result.stdout.splitlines() if line.startswith("• ")]
    assert per_group and all(line.endswith(("<5", "<5 / 4")) or "none occurs" in line or "nobody" in line
                             for line in per_group)
    out = tmp_path / "export.csv"
    written = subprocess.run([sys.executable, "-m", "bot", "stats", "--csv", str(out)], capture_output=True,
                             text=True, env=env, cwd=tmp_path, timeout=60)
    assert written.returncode == 0 and len(out.read_text().splitlines()) == 3
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from results").fetchone() == (2,)


async def test_admin_commands_are_in_the_admins_menu_only(make_harness, db_path):
    harness = make_harness(Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({ADMIN})))
    async with harness.application:
        await harness.application.post_init(harness.application)
    menus = harness.api.calls_to("setMyCommands")
    public = [c for c in menus if "scope" not in c.params]
    scoped = [c for c in menus if "scope" in c.params]
    assert all("stats" not in [cmd["command"] for cmd in c.params["commands"]] for c in public)
    assert len(scoped) == 1 and scoped[0].params["scope"] == {"type": "chat", "chat_id": ADMIN}
    assert {"stats", "exportcsv", "invitecoach"} <= {cmd["command"] for cmd in scoped[0].params["commands"]}
