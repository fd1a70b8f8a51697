"""Aggregate figures for admins: counts straight from SQL, no personal data leaves here.

Withholding small groups is the caller's job (it knows the threshold); every figure comes with
the number of people it is about.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from sqlite_utils import Database

_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")


def column(question_id: str) -> str:
    if not _IDENTIFIER.fullmatch(question_id):
        raise ValueError(f"not a question id: {question_id!r}")
    return f"q_{question_id}"


def pseudonym(secret: str, user_id: int) -> str:
    """A stable, non-reversible id: HMAC-SHA256 of the user id under the server's secret."""
    return hmac.new(secret.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()[:20]


@dataclass
class Figures:
    users: int
    consented: int
    started: int
    completed: int  # of those started in the period
    completed_in_period: int
    median_minutes: float | None
    stopped_at: dict[int, int]  # question index (0-based) -> unfinished assessments stopped there
    archetypes: dict[str, int]
    levels: dict[str, int]
    competency: dict[str, tuple[float | None, int, int]] = field(default_factory=dict)  # mean, people, gaps


class StatsStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save_result(self, row: dict) -> None:
        """Store (or replace) the result row of a completed assessment."""
        values = {key: value for key, value in row.items() if key != "scores"}
        values |= {column(question_id): value for question_id, value in row["scores"].items()}
        self.db.table("results").upsert(values, pk="assessment_id")

    def completed_without_result(self) -> list[dict]:
        return list(self.db.query(
            "select a.id, a.user_id, a.started_at, a.completed_at, u.language from assessments a "
            "join users u on u.id = a.user_id left join results r on r.assessment_id = a.id "
            "where a.status = 'completed' and r.assessment_id is null"))

    def answers(self, assessment_id: int) -> dict[str, int | None]:
        return {r["question_id"]: r["value"] for r in self.db.query(
            "select question_id, value from answers where assessment_id = ?", [assessment_id])}

    def figures(self, since: str | None, competencies: dict[str, tuple[float, float]]) -> Figures:
        """``competencies``: id -> (target, minimum gap) for the per-competency figures."""
        period = "and {col} >= :since" if since else ""
        params = {"since": since}
        one = lambda sql: next(self.db.query(sql, params))  # noqa: E731
        users = one("select count(*) as n, count(consented_at) as c from users where id != 0")
        started = one("select count(*) as n, sum(status = 'completed') as done from assessments "
                      "where 1 = 1 " + period.format(col="started_at"))
        durations = [r["m"] for r in self.db.query(
            "select (julianday(completed_at) - julianday(started_at)) * 1440 as m from results "
            "where 1 = 1 " + period.format(col="completed_at") + " order by m", params)]
        stopped = {r["cursor"]: r["n"] for r in self.db.query(
            "select cursor, count(*) as n from assessments where status != 'completed' "
            + period.format(col="started_at") + " group by cursor", params)}
        archetypes = {r["archetype"]: r["n"] for r in self.db.query(
            "select archetype, count(*) as n from results where 1 = 1 "
            + period.format(col="completed_at") + " group by archetype", params)}
        levels: dict[str, int] = {}
        for r in self.db.query("select levels, count(*) as n from results where 1 = 1 "
                               + period.format(col="completed_at") + " group by levels", params):
            for level in filter(None, (r["levels"] or "").split("+")):
                levels[level] = levels.get(level, 0) + r["n"]
        parts, values = [], dict(params)
        for number, (competency, (target, min_gap)) in enumerate(competencies.items()):
            name = column(competency)
            values[f"t{number}"] = target - min_gap
            parts.append(f"avg({name}) as m{number}, count({name}) as n{number}, "
                         f"sum({name} <= :t{number}) as g{number}")
        per = next(self.db.query("select count(*) as total, " + ", ".join(parts) + " from results where 1 = 1 "
                                 + period.format(col="completed_at"), values)) if parts else {"total": 0}
        return Figures(
            users=users["n"], consented=users["c"], started=started["n"], completed=started["done"] or 0,
            completed_in_period=per["total"], median_minutes=_median(durations),
            stopped_at=stopped, archetypes=archetypes, levels=levels,
            competency={c: (per[f"m{i}"], per[f"n{i}"], per[f"g{i}"] or 0) for i, c in enumerate(competencies)},
        )

    def export_rows(self, question_ids: list[str], secret: str) -> Iterator[list]:
        columns = ", ".join(column(q) for q in question_ids)
        for row in self.db.conn.execute(
                f"select user_id, completed_at, language, archetype, levels, {columns} from results "
                "order by completed_at, assessment_id"):
            user_id, completed_at, language, archetype, levels, *scores = row
            yield [pseudonym(secret, user_id), completed_at[:10], language, archetype, levels,
                   *("" if s is None else s for s in scores)]

    def write_csv(self, out: IO[str], question_ids: list[str], secret: str) -> int:
        writer = csv.writer(out)
        writer.writerow(["pseudonym", "date", "language", "archetype", "level", *question_ids])
        count = 0
        for row in self.export_rows(question_ids, secret):
            writer.writerow(row)
            count += 1
        return count


def _median(sorted_values: list[float]) -> float | None:
    if not sorted_values:
        return None
    middle = len(sorted_values) // 2
    if len(sorted_values) % 2:
        return sorted_values[middle]
    return (sorted_values[middle - 1] + sorted_values[middle]) / 2
