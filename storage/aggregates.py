"""Counts for admin statistics and the snapshots they are published in.

Every query here groups: no row about one person leaves this module. Which counts may be
shown is decided in ``bot/flows/stats.py``; this module counts and stores what was published.

The people counted are those with a completed assessment, each once, by their latest
completed assessment (a retake replaces the earlier one). Per-question counts come from
``answers``, grouped by the question set version of that assessment, so a new version needs
no new columns. ``results`` keeps the archetype and home-ground layers of each completed
assessment, with the version of the scoring rules they were computed by. Only ratings 1..5
are counted as answers: a skip (NULL) and "didn't come up" (0) are not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlite_utils import Database

# Each person's latest assessment completed up to the cut (a reopened one still counts as completed).
_POPULATION = """
    select id, user_id, version from (
        select id, user_id, version,
               row_number() over (partition by user_id order by completed_at desc, id desc) as nth
        from assessments where completed_at is not null and completed_at <= :cut)
    where nth = 1"""
NO_CUT = "9999"  # sorts after every ISO time stamp: everything counts


@dataclass(frozen=True)
class StatsCounts:
    """Everything the statistics are computed from, read in one transaction."""

    users: int
    consented: int
    started: int  # assessments started, retakes included
    completed: int  # assessments completed, retakes included
    watermark: str | None  # the latest completion counted: the next snapshot counts from here
    population: dict[int, int]  # question set version -> people whose latest completed assessment has it
    answers: dict[tuple[int, str], dict[int, int]]  # (version, question id) -> {answer 1..5: people}
    archetypes: dict[str, int]  # archetype -> people (those with a result row)
    levels: dict[str, int]  # the home-ground layers joined with "+" ("" = none rated 4 or more) -> people
    stops: dict[tuple[int, int], int]  # (version, question index) -> unfinished assessments stopped there
    feedback: tuple[int, int, int]  # feedback requests, raters who began, raters who completed


@dataclass(frozen=True)
class StatsSnapshot:
    id: int
    taken_at: str
    watermark: str | None
    figures: dict  # the published figures, as ``bot.flows.stats.Snapshot.to_dict`` made them


class StatsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save_result(self, row: dict) -> None:
        """Store (or replace) the result row of a completed assessment (per-question scores
        are read from ``answers``)."""
        self.db.table("results").upsert(row, pk="assessment_id")

    def completed_without_result(self, rules: int) -> list[dict]:
        """Completed assessments with no result row, or one computed by other scoring rules."""
        return list(self.db.query(
            "select a.id, a.user_id, a.started_at, a.completed_at, a.version, u.language from assessments a "
            "join users u on u.id = a.user_id left join results r on r.assessment_id = a.id "
            "where a.status = 'completed' and (r.assessment_id is null or r.rules is null or r.rules != ?)",
            [rules]))

    def meta(self, key: str) -> str | None:
        row = self.db.execute("select value from meta where key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("insert into meta (key, value) values (?, ?) on conflict(key) do update "
                        "set value = excluded.value", [key, value])

    def people_completed_between(self, after: str | None, until: str) -> int:
        """How many different people completed an assessment after ``after`` (None: ever) and
        at or before ``until``."""
        return self.db.execute("select count(distinct user_id) from assessments where completed_at > ? "
                               "and completed_at <= ?", [after or "", until]).fetchone()[0]

    def counts(self, cut: str = NO_CUT) -> StatsCounts:
        """All counts as they stood at ``cut`` (what happened later is left out), from one read
        transaction so that they agree with each other (the caller's, when inside one). Outside a
        write transaction, writers are not held up."""
        if self.db.conn.in_transaction:
            return self._counts(cut)
        self.db.execute("BEGIN")  # deferred: a consistent read, no write lock on the database
        try:
            return self._counts(cut)
        finally:
            self.db.conn.rollback()  # nothing to keep: only the temporary table was written

    def _counts(self, cut: str) -> StatsCounts:
        run = self.db.execute
        users, consented = run("select count(*), count(case when consented_at <= :cut then 1 end) from users "
                               "where id != 0 and created_at <= :cut", {"cut": cut}).fetchone()
        started, completed, watermark = run(
            "select count(*), count(case when completed_at <= :cut then 1 end), "
            "max(case when completed_at <= :cut then completed_at end) from assessments where started_at <= :cut",
            {"cut": cut}).fetchone()
        requests = run("select count(*) from feedback_requests where created_at <= ?", [cut]).fetchone()[0]
        began, rated = run("select count(*), count(case when status = 'completed' and completed_at <= :cut then 1 "
                           "end) from feedback_raters where status != 'void' and started_at <= :cut",
                           {"cut": cut}).fetchone()
        run("create temp table if not exists statistics_population (id integer primary key, version int)")
        try:
            run(f"insert into temp.statistics_population select id, version from ({_POPULATION})", {"cut": cut})
            population = dict(run("select version, count(*) from temp.statistics_population group by version"))
            answers = self._answers(max(population, key=population.get) if population else None)
            archetypes: dict[str, int] = {}
            levels: dict[str, int] = {}
            for archetype, level, people in run(
                    "select r.archetype, r.levels, count(*) from temp.statistics_population p "
                    "join results r on r.assessment_id = p.id group by r.archetype, r.levels"):
                archetypes[archetype] = archetypes.get(archetype, 0) + people
                levels[level or ""] = levels.get(level or "", 0) + people
        finally:
            run("delete from temp.statistics_population")
        stops = {(version, cursor): n for version, cursor, n in run(
            "select version, cursor, count(*) from assessments where completed_at is null and started_at <= ? "
            "group by version, cursor", [cut])}
        return StatsCounts(users=users, consented=consented, started=started, completed=completed,
                           watermark=watermark, population=population, answers=answers,
                           archetypes=archetypes, levels=levels, stops=stops, feedback=(requests, began, rated))

    def _answers(self, largest: int | None) -> dict[tuple[int, str], dict[int, int]]:
        """People per answer of the population (in ``temp.statistics_population``), per version.

        Fast at any size: all answers are counted from their (question, value) index, then the
        answers that do not count (unfinished, replaced by a retake) and those of the smaller
        versions are taken off; only those are looked up, by assessment (``cross join`` keeps
        SQLite from scanning every answer instead)."""
        run = self.db.execute
        answers: dict[tuple[int, str], dict[int, int]] = {}
        if largest is None:
            return answers

        def add(version: int, question_id: str, value: int, people: int) -> None:
            per_value = answers.setdefault((version, question_id), {})
            per_value[value] = per_value.get(value, 0) + people

        for question_id, value, people in run(
                "select question_id, value, count(*) from answers where value between 1 and 5 "
                "group by question_id, value"):
            add(largest, question_id, value, people)
        for question_id, value, people in run(
                "select a.question_id, a.value, count(*) from assessments s cross join answers a on a.assessment_id = s.id "
                "where s.id not in (select id from temp.statistics_population) and a.value between 1 and 5 "
                "group by a.question_id, a.value"):
            add(largest, question_id, value, -people)
        for version, question_id, value, people in run(
                "select p.version, a.question_id, a.value, count(*) from temp.statistics_population p "
                "cross join answers a on a.assessment_id = p.id where p.version != ? and a.value between 1 and 5 "
                "group by p.version, a.question_id, a.value", [largest]):
            add(version, question_id, value, people)
            add(largest, question_id, value, -people)
        return {key: {value: n for value, n in per_value.items() if n}
                for key, per_value in answers.items() if any(per_value.values())}

    def latest_snapshot(self) -> StatsSnapshot | None:
        row = self.db.execute("select id, taken_at, watermark, figures from statistics_snapshots "
                              "order by id desc limit 1").fetchone()
        return StatsSnapshot(row[0], row[1], row[2], json.loads(row[3])) if row else None

    def save_snapshot(self, taken_at: str, watermark: str | None, figures: dict) -> int:
        return self.db.execute(
            "insert into statistics_snapshots (taken_at, watermark, figures) values (?, ?, ?)",
            [taken_at, watermark, json.dumps(figures, ensure_ascii=False, sort_keys=True)]).lastrowid
