"""Admin statistics: aggregates that stay aggregate, in screens and in the CSV, over time.

Real SQLite files; assessments, answers and results written through the storage layer (and
plain inserts for the rows a turn would write), scored by the real scoring rules.
"""

from __future__ import annotations

import csv
import itertools
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot import snapshots
from bot.app import build_application
from bot.config import ConfigError, Settings, load_settings
from bot.flows import disclosure as rules
from bot.flows.scoring import RULES
from bot.render import chart_png
from storage import PrivacyStore, StatsStore, open_database
from tests.conftest import WORLD_START as START
from tests.conftest import K, View, World

ROOT = Path(__file__).resolve().parent.parent






@pytest.fixture
def world(tmp_path, content) -> World:
    return World(tmp_path / "stats.db", content)


def assert_no_small_differences(views: list[View], min_group: int = K) -> None:
    """For every figure, the people counts it was ever published with differ by 0 or ≥ k, and a
    value never changes while its people count stays the same."""
    seen: dict[tuple[str, ...], set[tuple[str, str]]] = {}
    for view in views:
        for key, (value, people) in view.figures().items():
            if people:
                seen.setdefault(key, set()).add((value, people))
    for key, published in seen.items():
        counts = {int(people) for _, people in published}
        for a, b in itertools.combinations(counts, 2):
            assert abs(a - b) >= min_group, (key, sorted(counts))
        assert len(published) == len(counts), (key, published)  # one value per people count


# --- the case from the issue ------------------------------------------------------------------

async def test_the_sixth_person_forty_days_later_cannot_be_solved_from_anything_admins_see(world, content):
    for user_id, value in zip(range(1, 6), (2, 3, 4, 5, 1)):
        world.complete(user_id, value, day=user_id)
    first = world.look(day=6)
    assert "as of 2026-01-11" in first.text and "People with a result: 5" in first.text
    mean = first.figure("competency", content.competencies[0].id, "mean", "all")
    assert mean == ("3.00", "5")

    world.complete(6, 5, day=46)  # forty days later: the one person an admin must not learn about
    views = [first, world.look(day=46), world.look(day=47)]
    for user_id, day in ((7, 48), (8, 49), (9, 50)):
        world.complete(user_id, 4, day=day)
        views.append(world.look(day=day + 0.5))
    for view in views[1:]:  # 6, 7, 8 and 9 people: nothing new is published, nothing counts down
        assert view.published_text() == first.published_text()
        assert view.figures() == first.figures()
        assert view.charts() == first.charts()
        assert "Next update on 2026-03-01 at the earliest" in view.text
    assert world.snapshots() == 1

    world.complete(10, 2, day=51)
    views.append(world.look(day=52))  # still February: renewals wait for the next period
    assert world.snapshots() == 1 and views[-1].figures() == first.figures()
    latest = world.look(day=56)  # 1 March: counted as it stood at the start of March
    views.append(latest)
    assert world.snapshots() == 2 and "as of 2026-03-01" in latest.text
    assert latest.figure("competency", content.competencies[0].id, "mean", "all") == ("3.40", "10")  # (5 × 3 + 5 + 3 × 4 + 2) / 10
    assert_no_small_differences(views)
    # the differencing of the issue needs two published means whose people differ by one
    pairs = {(float(v), int(n)) for view in views
             for (v, n) in [view.figure("competency", q.id, "mean", "all") for q in content.competencies]}
    assert {n for _, n in pairs} == {5, 10}


async def test_archetype_counts_do_not_leave_a_remainder_of_one(world, content):
    """6 completed, 5 of them Vakspecialist: showing 5 would name the sixth as 'not Vakspecialist'."""
    for user_id in range(1, 6):
        world.complete(user_id, 2, day=user_id)  # low everywhere: Vakspecialist
    world.complete(6, 5, day=6)  # IT Regisseur
    view = world.look(day=7)
    archetypes = {row[3]: row[5] for row in view.rows if row[2] == "archetype"}
    assert set(archetypes.values()) == {"<5"}
    assert "Specialist: <5" in view.text
    assert not any(chart for chart in view.charts() if chart.kind == "bars" and "IT Regisseur" in str(chart.labels))


# --- the per-figure rule over time -----------------------------------------------------------

async def test_a_question_only_one_new_person_answered_keeps_its_last_published_value(world, content):
    skipped = content.competencies[3].id
    for user_id, value in zip(range(1, 6), (3, 5, 3, 5, 4)):
        world.complete(user_id, value, day=user_id)
    before = world.look(day=6)
    world.complete(6, 1, day=7)  # the only new answer on the skipped competency
    for user_id in range(7, 11):
        world.complete(user_id, 2, day=user_id + 1, skip=(skipped,))
    after = world.look(day=27)  # 1 February
    assert world.snapshots() == 2
    assert after.figure("competency", skipped, "mean", "all") == ("4.00", "5")  # as before, not 3.5 over 6
    assert after.figures()[("all", "competency", skipped, "mean")] == before.figures()[("all", "competency", skipped, "mean")]
    row = next(r for r in after.rows if r[3] == skipped and r[4] == "mean")
    assert row[0] == "2026-02-01" and row[7] == "2026-01-11"  # this snapshot, published in the first
    assert f"{content.by_id(skipped).name['en']}: 4 / 4 (5 people, as of 2026-01-11)" in after.text
    other = content.competencies[0].id
    assert after.figure("competency", other, "mean", "all") == ("2.90", "10")  # (20 + 1 + 4 × 2) / 10
    assert_no_small_differences([before, after])


def test_renew_or_keep():
    old = rules.Group(10, "2026-01-01", {"a": 10}, mean=3.0)
    new = rules.Group(14, "2026-02-01", {"a": 14}, mean=3.5)
    assert rules.renew_or_keep(None, new, 14, K) is new  # first publication
    assert rules.renew_or_keep(old, new, 14, K) == old  # 4 more: keep
    assert rules.renew_or_keep(old, new, 15, K) is new  # 5 more: renew
    assert rules.renew_or_keep(old, None, 3, K).hidden  # erased down to 3: withheld, not recomputed
    assert not rules.renew_or_keep(old, new, 12, K).hidden
    assert rules.renew_or_keep(None, None, 4, K) is None


async def test_one_person_retaking_again_and_again_takes_no_new_snapshot(world):
    for user_id in range(1, 6):
        world.complete(user_id, 3, day=user_id)
    world.look(day=6)
    for day in range(7, 14):
        world.complete(1, 5, day=day)  # retakes: one person, whatever the number of assessments
    view = world.look(day=40)  # a new period, but only one person completed since
    assert world.snapshots() == 1 and "Next update on 2026-03-01" in view.text


async def test_after_erasures_the_old_figures_are_withheld_not_recomputed(world, content):
    for user_id, value in zip(range(1, 6), (2, 3, 4, 5, 1)):
        world.complete(user_id, value, day=user_id)
    world.look(day=6)
    for user_id in (1, 2):
        PrivacyStore(world.db).erase(user_id)
    for user_id in range(11, 16):
        world.complete(user_id, 5, day=user_id)
    view = world.look(day=30)  # February: 8 people now, 3 more than published: the old figures stay
    assert world.snapshots() == 2
    assert view.figure("competency", content.competencies[0].id, "mean", "all") == ("3.00", "5")
    assert "People with a result: 8" in view.text


# --- suppression within one snapshot -----------------------------------------------------------

@pytest.mark.parametrize("cells, shown", [
    ({"a": 7, "b": 5, "c": 2, "d": 1}, {"a": 7, "b": None, "c": None, "d": None}),  # b goes too: 3 → 8
    ({"a": 7, "b": 6, "c": 3, "d": 2}, {"a": 7, "b": 6, "c": None, "d": None}),  # withheld 5: enough
    ({"a": 9, "b": 0, "c": 0}, {"a": 9, "b": None, "c": None}),  # withheld 0: fine
    ({"a": 5, "b": 1}, {"a": None, "b": None}),  # nothing can be shown
    ({"a": 3, "b": 1}, {"a": None, "b": None}),
    ({"a": 6, "b": 6, "c": 6, "d": 1}, {"a": None, "b": 6, "c": 6, "d": None}),  # a tie: the first goes
])
def test_a_partition_withholds_until_the_withheld_cells_hold_zero_or_k(cells, shown):
    result = rules.suppress_partition(cells, sum(cells.values()), K)
    assert result == shown
    withheld = sum(cells.values()) - sum(n for n in result.values() if n is not None)
    assert withheld == 0 or withheld >= K or set(result.values()) == {None}
    assert all(n is None or n >= K for n in result.values())


def test_a_partition_published_earlier_is_suppressed_again_under_a_higher_threshold():
    assert rules.suppress_partition({"a": 6, "b": None, "c": 5}, 16, 5) == {"a": 6, "b": None, "c": 5}
    assert rules.suppress_partition({"a": 6, "b": None, "c": 5}, 16, 6) == {"a": 6, "b": None, "c": None}
    assert rules.suppress_partition({"a": 6, "b": None, "c": 7}, 13, 7) == {"a": None, "b": None, "c": None}


@pytest.mark.parametrize("count, total, allowed", [
    (5, 10, True), (3, 10, False), (5, 7, False), (6, 10, False),
    (7, 7, False), (0, 9, False), (5, 5, False),  # everyone or no one: each of them learns their side
])
def test_a_count_outside_a_partition_needs_itself_and_its_complement_zero_or_k(count, total, allowed):
    assert rules.complement_allowed(count, total, K) is allowed


def test_the_count_per_answer_is_shown_whole_or_not_at_all():
    """With the mean published, two withheld cells could be solved: 1 person gave 1, 50 gave 2."""
    cells = {"1": 1, "2": 50, "3": 60, "4": 70, "5": 80}
    assert rules.suppress_partition(cells, 261, K)["3"] == 60  # a partition alone would show 3, 4, 5
    assert set(rules.whole_or_withheld(cells, 261, K).values()) == {None}
    whole = {"1": 0, "2": 5, "3": 0, "4": 9, "5": 6}
    assert rules.whole_or_withheld(whole, 20, K) == {"1": None, "2": 5, "3": None, "4": 9, "5": 6}


async def test_figures_against_a_hand_computed_fixture(world, content):
    """5 people all 4, 5 all 2, 1 all 5 (6 at 4 or more); 3 left at question 3, 2 at question 10."""
    for user_id in range(1, 6):
        world.complete(user_id, 4, day=1)
    for user_id in range(6, 11):
        world.complete(user_id, 2, day=2)
    world.complete(11, 5, day=3)
    for user_id, at in ((21, 2), (22, 2), (23, 2), (24, 9), (25, 9)):
        world.stop(user_id, at, day=3)
    view = world.look(day=4)
    first = content.competencies[0].id
    assert view.figure("competency", first, "mean", "all") == ("3.18", "11")  # 35 / 11
    assert [view.figure("competency", first, f"answer_{v}", "all")[0] for v in range(1, 6)] == ["<5"] * 5
    assert view.figure("competency", first, "gaps", "all") == ("5", "11")  # score ≤ 3: the five at 2; 6 without
    assert view.figure("activity", "people", "count") == ("11", "")
    assert view.figure("activity", "started", "count")[0] == "16"
    archetypes = {row[3]: row[5] for row in view.rows if row[2] == "archetype"}
    assert archetypes == {"it_regisseur": "6", "vakspecialist": "5", "leider": "<5", "manager": "<5",
                          "insufficient": "<5"}
    home = {row[3]: row[5] for row in view.rows if row[2] == "home_ground"}  # layers rated 4 or more
    assert home == {"all": "6", "none": "5", "richten": "<5", "inrichten": "<5", "verrichten": "<5", "two": "<5"}
    stops = {row[3]: row[5] for row in view.rows if row[2] == "stopped_at"}
    assert stops == {"other": "5"}  # 3 and 2: neither shown, together 5
    assert "Completion rate: 68.8%" in view.text.replace("completion rate", "Completion rate")
    assert "IT Regisseur: 6" in view.text and "Leader: <5" in view.text
    assert "at the other questions together: 5" in view.text
    assert "Mean per competency" in view.text and f"{content.by_id(first).name['en']}: 3.2 / 4 (11 people)" in view.text


async def test_an_empty_database_takes_no_snapshot_and_counts_nothing_down(world):
    view = world.look(day=0)
    assert [s.key for s in view.screens] == ["stats_none_yet"]
    assert "to go" not in view.text and "once 5 people have completed" in view.text
    assert view.rows == [list(rules.CSV_HEADER), ["", "", "status", "next_snapshot", "not_before", "2026-02-01", "", ""]]
    assert view.name == "regiecoach-statistics.csv"
    assert world.snapshots() == 0


async def test_fewer_than_k_people_publish_nothing(world):
    for user_id in range(1, 5):
        world.complete(user_id, 3, day=user_id)
    views = [world.look(day=6)]
    world.complete(5, 2, day=7)  # four and then five: the first snapshot appears as soon as five completed
    views.append(world.look(day=8))
    assert [s.key for s in views[0].screens] == ["stats_none_yet"] and "to go" not in views[0].text
    assert world.snapshots() == 1 and "People with a result: 5" in views[1].text


# --- the CSV --------------------------------------------------------------------------------------

async def test_the_csv_has_no_row_per_person_no_ids_and_no_dates_of_people(world, content):
    user_ids = [1_234_567 + n for n in range(12)]
    for n, user_id in enumerate(user_ids):
        world.complete(user_id, 1 + n % 5, day=n * 3 + 0.25)
    completion_dates = {(START + timedelta(days=n * 3 + 0.25)).date().isoformat() for n in range(12)}
    small = world.look(day=40)
    cells = {cell for row in small.rows for cell in row}
    assert not {str(u) for u in user_ids} & cells
    assert not any(str(u) in cell for u in user_ids for cell in cells)
    dates = {cell for cell in cells if cell.startswith("2026-")}
    assert dates == {"2026-02-14", "2026-03-01"}  # the snapshot's date and the next possible one's
    assert not dates & completion_dates
    assert small.rows[0] == list(rules.CSV_HEADER)
    assert all(row[2] in {"status", "activity", "archetype", "home_ground", "competency", "statement", "stopped_at"}
               for row in small.rows[1:])

    for n in range(12, 40):  # three times as many people: the same rows, other numbers
        world.complete(9_000 + n, 1 + n % 5, day=41)
    large = world.look(day=58)  # a month later: renewed as the figures stood on 1 March
    assert [row[1:5] for row in large.rows] == [row[1:5] for row in small.rows]
    assert large.name == "regiecoach-statistics-2026-03-01.csv"


async def test_question_sets_are_named_and_competencies_are_shared(world, content):
    for user_id, value in zip(range(1, 6), (2, 3, 4, 3, 3)):
        world.complete(user_id, value, day=1, version=1)
    for user_id, value in zip(range(6, 11), (4, 5, 4, 5, 4)):
        world.complete(user_id, value, day=2, version=2)
    view = world.look(day=3)
    assert view.figure("statement", "leider_visie", "mean", "1") == ("3.00", "5")
    assert view.figure("statement", "leider_koers", "mean", "2") == ("4.40", "5")
    assert view.figure("statement", "leider_mensen", "mean", "1") == ("3.00", "5")  # same id, other statement
    assert view.figure("statement", "leider_mensen", "mean", "2") == ("4.40", "5")
    assert ("1", "statement", "leider_koers", "mean") not in view.figures()
    assert view.figure("competency", content.competencies[0].id, "mean", "all") == ("3.70", "10")
    assert "Role and layer statements (question set 1, mean)" in view.text
    assert "Role and layer statements (question set 2, mean)" in view.text
    assert "• 1 leider_koers: 4.4 (5 people)" in view.text and "• 1 leider_visie: 3 (5 people)" in view.text
    layer = content.layers["richten"].name["en"]
    assert f"• 13 {layer}: 4.4 (5 people)" in view.text


# --- edges: snapshots taken once, charts, the command line -----------------------------------------

async def test_looking_again_and_exporting_take_no_new_snapshot(world):
    for user_id in range(1, 8):
        world.complete(user_id, 3, day=user_id)
    views = [world.look(day=10) for _ in range(3)]
    assert world.snapshots() == 1
    assert len({view.published_text() for view in views}) == 1


async def test_two_admins_at_once_take_one_snapshot(world, content, monkeypatch, tmp_path):
    for user_id in range(1, 8):
        world.complete(user_id, 3, day=user_id)
    other_admin = open_database(tmp_path / "stats.db")  # another connection, as another process would
    counts = StatsStore.counts

    def counted_while_the_other_admin_looks(store: StatsStore, cut: str):  # noqa: ANN202
        result = counts(store, cut)
        if store.db is world.db:
            snapshots.admin_screens(other_admin, content, K, START + timedelta(days=9))
        return result

    monkeypatch.setattr(StatsStore, "counts", counted_while_the_other_admin_looks)
    view = world.look(day=10)
    assert world.snapshots() == 1 and "as of 2026-01-14" in view.text  # the other admin's


async def test_the_charts_are_pictures_without_withheld_values(world, content):
    for user_id in range(1, 11):
        world.complete(user_id, 4 if user_id % 2 else 2, day=user_id)
    for user_id in range(20, 26):
        world.stop(user_id, 4, day=1)
    for user_id in range(30, 35):
        world.stop(user_id, 8, day=1)
    charts = world.look(day=12).charts()
    assert {chart.kind for chart in charts} == {"bars", "horizontal"}
    for chart in charts:
        assert chart_png(chart, "nl", content)[:8] == b"\x89PNG\r\n\x1a\n"
    stops = next(chart for chart in charts if len(chart.labels) == content.total)
    assert stops.values[4] == 6 and stops.values[8] == 5 and [v for v in stops.values if v is not None] == [6, 5]


def _without_settings() -> dict[str, str]:
    keep = {"PATH", "SYSTEMROOT", "LANG", "LC_ALL", "TMPDIR"}
    return {k: v for k, v in os.environ.items() if k in keep} | {"PYTHONPATH": str(ROOT)}


def test_regiecoach_stats_works_on_a_fresh_install_with_nothing_set(tmp_path):
    env = _without_settings()
    result = subprocess.run([sys.executable, "-m", "bot", "stats", "--csv", "out.csv"], capture_output=True,
                            text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert rows[0] == list(rules.CSV_HEADER) and rows[1][2:5] == ["status", "next_snapshot", "not_before"]
    assert (tmp_path / "data" / "regiecoach.db").exists()
    printed = subprocess.run([sys.executable, "-m", "bot", "stats"], capture_output=True, text=True, env=env,
                             cwd=tmp_path, timeout=120)
    assert printed.returncode == 0, printed.stderr
    assert "No figures yet" in printed.stdout


def test_regiecoach_stats_prints_the_published_figures(tmp_path, content):
    world = World(tmp_path / "s.db", content)
    for user_id in range(1, 11):
        world.complete(user_id, 2 if user_id % 2 else 5, day=user_id)
    env = _without_settings() | {"REGIECOACH_DB": str(tmp_path / "s.db")}
    result = subprocess.run([sys.executable, "-m", "bot", "stats"], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "People with a result: 10" in result.stdout and "Specialist: 5" in result.stdout
    with sqlite3.connect(tmp_path / "s.db") as conn:
        assert conn.execute("select count(*) from statistics_snapshots").fetchone() == (1,)


@pytest.mark.parametrize("value", ["2", "0", "-1", "five"])
def test_a_threshold_below_three_is_refused_at_start_up(value):
    with pytest.raises(ConfigError, match="REGIECOACH_MIN_GROUP"):
        load_settings({"REGIECOACH_MIN_GROUP": value})
    assert load_settings({"REGIECOACH_MIN_GROUP": "3"}).min_group == 3


def test_no_secret_is_needed_or_known():
    assert not any("secret" in name and "webhook" not in name for name in Settings.__dataclass_fields__)
    assert "PSEUDONYM" not in (ROOT / ".env.example").read_text()


async def test_the_counts_are_those_of_each_persons_latest_completed_assessment(world, content):
    """Against a count by hand: retakes, unfinished assessments with answers, two question sets."""
    import random

    rng = random.Random(3)
    latest: dict[int, tuple[int, dict[str, int | None]]] = {}
    for n in range(60):
        user_id = rng.randint(1, 25)
        version = rng.choice((1, 1, 2))
        ids = [q.id for q in content.questions_of(version).questions]
        values = {q: rng.choice((None, 1, 2, 3, 4, 5, 5)) for q in ids}
        world.complete(user_id, values, day=n, version=version)
        latest[user_id] = (version, values)
        if rng.random() < 0.3:  # an unfinished retake with some answers: never counted
            world.stop(user_id, 5, day=n + 0.5)
            aid = world.db.execute("select max(id) from assessments").fetchone()[0]
            world.db["answers"].insert_all([{"assessment_id": aid, "question_id": q, "value": 1,
                                             "answered_at": "2026-01-01"} for q in ids[:5]])
    expected: dict[tuple[int, str], dict[int, int]] = {}
    for version, values in latest.values():
        for question_id, value in values.items():
            if value is not None:
                per_value = expected.setdefault((version, question_id), {})
                per_value[value] = per_value.get(value, 0) + 1
    with world.db.atomic():
        counts = StatsStore(world.db).counts()
    assert counts.answers == expected
    assert counts.population == {v: sum(1 for version, _ in latest.values() if version == v) for v in (1, 2)}
    assert sum(counts.archetypes.values()) == len(latest)


async def test_over_telegram_the_sixth_person_stays_hidden_and_only_admins_see_figures(make_harness, db_path, content):
    """Five managers complete, the admin looks; forty days later a sixth completes, the admin
    looks and exports again: nothing the admin saw changed, so nothing isolates the sixth."""
    from datetime import datetime, timedelta, timezone

    from bot.config import Settings
    from telegram_doubles.fake_api import parse_html
    from tests.conftest import TOKEN, FakeClock, answer_all, onboard

    admin_id = 4000
    clock = FakeClock(datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc))
    harness = make_harness(Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({admin_id})), clock=clock)
    async with harness.application:
        for user_id in range(4001, 4006):
            user = harness.user(user_id)
            await onboard(user, content)
            await answer_all(user, content, lambda i, spread=user_id % 3: 2 + (i + spread) % 3)
        stranger, admin = harness.user(4100), harness.user(admin_id)
        await stranger.send("/stats")
        assert stranger.last().text == parse_html(content.text("unknown_command", "en"))

        def seen() -> tuple[list[str], bytes]:
            texts = [m.text for m in admin.messages() if m.kind == "text"]
            export = harness.api.calls_to("sendDocument")[-1].params["files"]
            return texts, next(iter(export.values()))

        await admin.send("/stats")
        await admin.send("/exportcsv")
        before_texts, before_csv = seen()
        clock.now += timedelta(days=40)
        sixth = harness.user(4006)
        await onboard(sixth, content)
        await answer_all(sixth, content, lambda i: 5)
        admin.api.calls.clear()
        await admin.send("/stats")
        await admin.send("/exportcsv")
        after_texts, after_csv = seen()
    assert "People with a result: 5" in "\n".join(before_texts)  # something was published about the five
    strip = lambda text: [line for line in text.splitlines() if not line.startswith("Next update")]  # noqa: E731
    # apart from the date of the next possible update, every figure is the same as before the sixth
    assert [strip(t) for t in after_texts[len(before_texts):]] == [strip(t) for t in before_texts[-len(
        after_texts[len(before_texts):]):]]
    rows = lambda data: [r for r in data.decode().splitlines() if "next_snapshot" not in r]  # noqa: E731
    assert rows(after_csv) == rows(before_csv)
    assert harness.errors == []


async def test_didnt_come_up_is_no_answer_in_any_figure(world, content):
    """Ten people; on one statement that needs an occasion five gave a 2 and five said it
    didn't come up (stored as 0): the figure is about the five who rated it."""
    occasion = next(q for q in content.competencies if q.occasion)
    rated = dict(zip(range(6, 11), (2, 2, 3, 2, 1)))
    for user_id in range(1, 11):
        world.complete(user_id, {q.id: rated.get(user_id, 0) if q.id == occasion.id else 3 + user_id % 2
                                 for q in content.questions}, day=user_id)
    view = world.look(day=12)
    assert view.figure("competency", occasion.id, "mean", "all") == ("2.00", "5")
    assert view.figure("competency", occasion.id, "answer_2", "all") == ("<5", "5")  # 3 of 5: shown whole or not
    assert view.figure("competency", occasion.id, "gaps", "all") == ("<5", "5")  # all five: nobody's side is shown
    assert not any(row[4] == "answer_0" for row in view.rows)
    role = next(q for q in content.questions if q.kind == "leider" and q.occasion)
    for user_id in range(11, 16):
        world.complete(user_id, {q.id: 0 if q.id == role.id else 3 for q in content.questions}, day=20)
    later = world.look(day=30)  # five new people, none of whom rated the role statement: not republished
    assert world.snapshots() == 2
    assert later.figure("statement", role.id, "mean", str(content.version)) == ("3.50", "10")
    assert later.figure("competency", occasion.id, "mean", "all") == ("2.50", "10")  # (5 × 2 + 5 × 3) / 10


def test_results_scored_by_older_rules_are_computed_anew_at_start_up(tmp_path, content):
    """A result row of scoring v2 kept where the weight lay ("verrichten" for layers 2, 1, 3);
    by today's rules the same answers have no home ground."""
    world = World(tmp_path / "s.db", content)
    layers = dict(zip([q.id for q in content.current.of_kind("layer")], (2, 1, 3)))
    assessment = world.complete(1, {q.id: layers.get(q.id, 4) for q in content.questions}, day=1)
    world.db.execute("update results set levels = 'verrichten', rules = null where assessment_id = ?", [assessment])
    world.db.conn.commit()
    build_application(Settings(token="1:T", db_path=tmp_path / "s.db"), world.db)
    row = world.db.execute("select levels, rules from results where assessment_id = ?", [assessment]).fetchone()
    assert row == ("", RULES)
