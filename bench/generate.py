"""Generate N completed assessments (users, assessments, answers, result rows) for benchmarks."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from bot.content import Content
from bot.turns.result_rows import result_row
from storage import Database, StatsStore


def generate(db: Database, content: Content, count: int, *, seed: int = 7, with_answers: bool = True,
             earlier_version_share: float = 0.0) -> None:
    """``earlier_version_share``: the first part of the assessments uses the oldest question set."""
    rng = random.Random(seed)
    oldest = min(content.question_sets)
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    stats = StatsStore(db)
    batch = 5_000
    for first in range(0, count, batch):
        users, assessments, answers = [], [], []
        results = []
        for n in range(first, min(first + batch, count)):
            user_id = 1_000_000 + n
            language = "nl" if n % 3 else "en"
            began = start + timedelta(minutes=n * 5)
            done = began + timedelta(minutes=rng.randint(6, 30))
            bias = rng.choice((-1, 0, 0, 1))
            questions = content.questions_of(oldest if n < count * earlier_version_share else content.version)
            values = {q.id: (None if rng.random() < 0.03 else min(5, max(1, rng.randint(2, 4) + bias)))
                      for q in questions.questions}
            stamp, finished = began.isoformat(timespec="seconds"), done.isoformat(timespec="seconds")
            users.append({"id": user_id, "language": language, "flow_state": "completed", "consented_at": stamp,
                          "created_at": stamp, "updated_at": finished})
            assessments.append({"id": user_id, "user_id": user_id, "status": "completed", "cursor": questions.total,
                                "started_at": stamp, "completed_at": finished, "version": questions.version})
            if with_answers:
                answers.extend({"assessment_id": user_id, "question_id": q, "value": v, "answered_at": finished}
                               for q, v in values.items())
            results.append(result_row(values, language, content, questions.version) | {
                "assessment_id": user_id, "user_id": user_id, "started_at": stamp, "completed_at": finished})
        with db.atomic():
            db.table("users").insert_all(users)
            db.table("assessments").insert_all(assessments)
            if answers:
                db.table("answers").insert_all(answers, batch_size=10_000)
            for row in results:
                stats.save_result(row)
