"""Scheduled work: check-ins and coach prompts that fall due are claimed in SQLite and sent.

The schedule itself lives in the ``plans`` table (``next_due_at``); one repeating job looks
for due rows. So nothing is lost or doubled across restarts: a check-in that fell due while
the bot was down is found on the first run after start-up, claimed once (the claim moves the
plan to its next due time in the same transaction) and sent once.
"""

from __future__ import annotations

import logging

import asyncio
from datetime import timedelta

from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ContextTypes

from bot.conversation import Conversations, Outcome, iso
from bot.flows.coach import delivery_screen
from bot.flows.plan import checkin_screen, checkin_topic, next_occurrence
from bot.flows.screens import Screen
from bot.handlers import deliver
from bot.ratelimit import PROACTIVE
from storage import Schedule

log = logging.getLogger(__name__)
CHECKIN_JOB = "checkins"
PROMPT_JOB = "prompts"
HOUSEKEEPING_JOB = "housekeeping"
HOUSEKEEPING_SECONDS = 3600
DONE_UPDATES_KEPT = timedelta(days=1)  # handled raw updates are deleted after this


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
            await deliver(application.bot, user_id, Outcome([screen], due.language, None), content,
                          rate_limit_args=PROACTIVE)
            sent += 1
        except Forbidden:
            log.info("user %s blocked the bot: plan check-ins stopped", user_id)
            plans.stop(user_id, iso(now))
    return sent


def _lock(application: Application) -> asyncio.Lock:
    return application.bot_data.setdefault("prompt_lock", asyncio.Lock())


async def send_due_prompts(application: Application) -> int:
    """Turn due prompt schedules into deliveries, then send every pending delivery once.

    A schedule is claimed once per due time (weekly ones move on a week); a delivery is taken
    for sending by one sender only. A coachee who blocked the bot is marked unreachable, never
    retried, and the coach is told. Returns how many prompts were sent.
    """
    conversations: Conversations = application.bot_data["conversations"]
    content, coaches = conversations.content, conversations.coaching
    async with _lock(application):
        now = conversations.clock()

        def following(schedule: Schedule) -> str | None:
            if schedule.kind != "weekly":
                return None
            return iso(next_occurrence(schedule.weekday, schedule.time, conversations.zone, now))

        for schedule_id in coaches.due_schedule_ids(iso(now)):
            coaches.claim_schedule(schedule_id, iso(now), following)
        sent = 0
        for delivery in coaches.pending_deliveries():
            if not coaches.start_sending(delivery.id):
                continue
            screen = delivery_screen(content, delivery.schedule, delivery.coach_name, delivery.language)
            try:
                await deliver(application.bot, delivery.coachee_id,
                              Outcome([screen], delivery.language, None), content, rate_limit_args=PROACTIVE)
            except Forbidden:
                log.info("coachee %s blocked the bot: marked unreachable", delivery.coachee_id)
                coaches.mark_delivery(delivery.id, "unreachable", iso(now))
                name = coaches.mark_unreachable(delivery.coachee_id, iso(now))
                coach_language = conversations.language_of(delivery.schedule.coach_id)
                notice = Screen("coachee_unreachable", {"name": name or "?"})
                try:
                    await deliver(application.bot, delivery.schedule.coach_id,
                                  Outcome([notice], coach_language, None), content, rate_limit_args=PROACTIVE)
                except TelegramError:
                    log.info("could not tell coach %s", delivery.schedule.coach_id)
                continue
            except TelegramError:
                log.exception("prompt delivery %s failed; not retried", delivery.id)
                coaches.mark_delivery(delivery.id, "failed", iso(now))
                continue
            coaches.mark_sent(delivery, iso(now))
            sent += 1
    return sent


async def _checkin_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_checkins(context.application)


async def _prompt_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await send_due_prompts(context.application)


def housekeeping(application: Application) -> tuple[int, int]:
    """Erase users inactive past the retention period and raw updates handled over a day ago."""
    conversations: Conversations = application.bot_data["conversations"]
    erased = conversations.erase_inactive()
    purged = conversations.inbox.purge_done(iso(conversations.clock() - DONE_UPDATES_KEPT))
    if erased or purged:
        log.info("housekeeping: %s inactive users erased, %s handled updates purged", erased, purged)
    return erased, purged


async def _housekeeping_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    housekeeping(context.application)


def schedule_jobs(application: Application, interval: float) -> None:
    """(Re)create the repeating jobs; their state is in SQLite, so this is all a restart needs."""
    application.job_queue.run_repeating(_checkin_job, interval=interval, first=0, name=CHECKIN_JOB)
    application.job_queue.run_repeating(_prompt_job, interval=interval, first=0, name=PROMPT_JOB)
    application.job_queue.run_repeating(_housekeeping_job, interval=HOUSEKEEPING_SECONDS, first=60,
                                        name=HOUSEKEEPING_JOB)
