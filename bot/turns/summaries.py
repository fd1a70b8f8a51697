"""Feedback summaries: computed when a request closes, shown as published (to the manager and
to a coach with consent), withheld once too few of their raters remain."""

from __future__ import annotations

from bot.core import Core
from bot.flows import feedback as flow
from bot.flows.effects import Effect, Notify
from bot.flows.screens import Screen
from storage import RequestRecord


def summary_of(core: Core, request: RequestRecord) -> flow.FeedbackSummary | None:
    """The summary a request would publish now (None: fewer than the threshold completed)."""
    latest = core.stores.assessments.completed(request.manager_id, limit=1)
    if not latest:
        return None
    return flow.summarize(core.content, latest[0].answers, latest[0].version,
                          core.stores.feedback.completed_answers(request.id), core.rules.feedback_min,
                          core.clock().date().isoformat())


def shown_summary(core: Core, request: RequestRecord | None) -> list[Screen]:
    """A closed request's summary as published, or withheld once too few of its raters remain."""
    if request is None or request.summary is None:
        return []
    if core.stores.feedback.covered(request.id) < core.rules.feedback_min:
        return [flow.withheld(core.rules.feedback_min)]
    return flow.summary_screens(core.content, flow.FeedbackSummary.from_dict(request.summary))


def close_now(core: Core, request_id: int, now: str, expired: bool = False) -> list[Effect]:
    """Close a request with its summary (or, expired with too few raters, without); the
    manager is told. Returns the notices for after the commit."""
    store = core.stores.feedback
    request = store.request(request_id)
    if request is None or request.status != "open":
        return []
    summary = summary_of(core, request)
    if summary is None and not expired:
        return []
    store.close(request.id, "closed" if summary else "expired", summary.to_dict() if summary else None, now)
    if summary is None:
        return [Notify(request.manager_id, Screen("feedback_expired", {
            "min": core.rules.feedback_min, "days": core.content.limits.feedback_open_days}))]
    return [Notify(request.manager_id, screen) for screen in
            [Screen("feedback_closed_notice")] + flow.summary_screens(core.content, summary)]
