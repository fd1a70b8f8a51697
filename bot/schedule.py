"""Scheduled work: check-ins that fall due are claimed in SQLite and sent.

The schedule itself lives in the ``plans`` table (``next_due_at``); one repeating job looks
for due rows. So nothing is lost or doubled across restarts: a check-in that fell due while
the bot was down is found on the first run after start-up, claimed once (the claim moves the
plan to its next due time in the same transaction) and sent once.
"""

from __future__ import annotations

import logging

from telegram.error import Forbidden
from telegram.ext import Application, ContextTypes

from bot.conversation import Conversations, Outcome, iso
from bot.flows.plan import checkin_screen, checkin_topic, next_occurrence
from bot.handlers import deliver

log = logging.getLogger(__name__)
CHECKIN_JOB = "checkins"


async def send_due_checkins(application: Application) -> int:
    """Claim and send every check-in due now; returns how many were sent."""
    conversations: Conversations = application.bot_data["conversations"]
    content, plans = conversations.content, conversations.plans
    now = conversations.clock()
    sent = 0
    for user_id in plans.due_user_ids(iso(now)):
        due = plans.claim(
            user_id, iso(now),
            choose=lambda focus, count: checkin_topic(focus, count, content),
            next_due=lambda weekday, at: iso(next_occurrence(weekday, at, conversations.zone, now)),
        )
        if due is None:
            continue
        screen = checkin_screen(content, due.checkin.id, due.checkin.competency, due.checkin.reflection)
        try:
            await deliver(application.bot, user_id, Outcome([screen], due.language, None), content)
            sent += 1
        except Forbidden:
            log.info("user %s blocked the bot: plan check-ins stopped", user_id)
            plans.stop(user_id, iso(now))
    return sent


async def _checkin_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_checkins(context.application)


def schedule_jobs(application: Application, interval: float) -> None:
    """(Re)create the repeating jobs; their state is in SQLite, so this is all a restart needs."""
    application.job_queue.run_repeating(_checkin_job, interval=interval, first=0, name=CHECKIN_JOB)
