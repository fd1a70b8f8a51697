"""The row statistics keep of a completed assessment, by today's scoring rules.

When the rules change (``bot.flows.scoring.RULES``), the rows are scored anew from their
stored answers, once: the rules version they were scored by is kept in ``meta``, so a start
with nothing to do reads one value.
"""

from __future__ import annotations

from bot.content import Content
from bot.core import Core
from bot.flows.scoring import RULES, score
from storage import immediate

RULES_KEY = "results_rules"


def result_row(answers: dict[str, int | None], language: str, content: Content, version: int) -> dict:
    """What statistics keep of a completed assessment (no names, no Telegram data): the
    archetype, the home-ground layers and the role means, by today's scoring rules."""
    result = score(answers, content, version)
    return {"language": language, "archetype": result.archetype, "levels": "+".join(result.home),
            "leider": result.leider, "manager": result.manager, "rules": RULES}


def rescore_results(core: Core) -> int:
    """Result rows for completed assessments that have none, or one scored by other rules;
    returns how many were written (0 without a look at any row when the rules are unchanged)."""
    stats = core.stores.stats
    if stats.meta(RULES_KEY) == str(RULES):
        return 0
    with immediate(core.stores.db):
        missing = stats.completed_without_result(RULES)
        for row in missing:
            answers = core.stores.assessments.answers(row["id"])
            stats.save_result(result_row(answers, row["language"], core.content, row["version"]) | {
                "assessment_id": row["id"], "user_id": row["user_id"],
                "started_at": row["started_at"], "completed_at": row["completed_at"]})
        stats.set_meta(RULES_KEY, str(RULES))
    return len(missing)
