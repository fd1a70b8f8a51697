"""Scheduled work: check-ins, coach prompts, plan reviews and reminders about a stalled
self-assessment that fall due are claimed in SQLite and sent.

Schedules live in SQLite (``plans.next_due_at``, ``prompt_schedules.next_due_at``); one
repeating job looks for due rows. Work is done item by item in two steps, each its own
transaction: *claim* (a due plan or schedule becomes a check-in or deliveries to send, and
moves on to its next due time) and *send*. One item that fails is logged, isolated and
tried again with backoff a bounded number of times, then marked failed with its reason;
the others go on. So nothing is lost or doubled across restarts: what fell due while the
bot was down is claimed once on the first run and sent once.

An item that was being sent when the process stopped may or may not have arrived; before
the first send after start-up it is marked ``unknown`` and never sent again (at most once),
and for a coach's prompt the coach is told. One lock keeps senders from running at once.

A plan's check-ins notice silence: when ``ignored_before_offer`` check-ins in a row went
unanswered, the next claim is one offer to pause or change instead, and the plan stays quiet
for ``quiet_weeks`` (unless the person answers). A plan's review is claimed with the counts of
its round and sent to the person; the coach they share with is told, consent checked at the send.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from telegram.error import Forbidden
from telegram.ext import Application, ContextTypes

from bot.core import Core
from bot.delivery import deliver
from bot.faults import describe, network_transient
from bot.flows.checkins import action_checkin, silence_offer
from bot.flows.coaching import delivery_screen, series
from bot.flows.coaching.desk import daily_note, shown_names
from bot.flows.plan import checkin_screen, checkin_topic, next_occurrence
from bot.flows.review import review_for_coach, review_screen, stalled_reminder
from bot.flows.screens import Choice, Screen
from bot.health import Health
from bot.logs import who
from bot.turn import iso
from bot.turns.summaries import close_now
from storage import (
    Claim,
    ClaimInput,
    Delivery,
    DeliveryPrompt,
    DueCheckin,
    ReminderRecord,
    ReviewRecord,
    Schedule,
    immediate,
    wipe_freed_bytes,
)

log = logging.getLogger(__name__)
CHECKIN_JOB = "checkins"
PROMPT_JOB = "prompts"
FEEDBACK_JOB = "feedback"
DEVELOPMENT_JOB = "development"  # plan reviews and reminders about a stalled self-assessment
COACH_NOTES_JOB = "coach_notes"  # once a day per coach: what coachees did
WIPE_JOB = "erasure"
HOUSEKEEPING_JOB = "housekeeping"
HOUSEKEEPING_SECONDS = 3600
DONE_UPDATES_KEPT = timedelta(days=1)  # handled raw updates are deleted after this
STALLED_LOOK_EVERY = timedelta(hours=1)  # stalled assessments (counted in days) are looked for this often
MAX_ATTEMPTS = 5  # sends (or claims) of one item before it is marked failed
FIRST_RETRY = timedelta(seconds=30)  # then ×4 each time, at most an hour


def retry_time(now: datetime, attempts: int) -> str:
    return iso(now + min(FIRST_RETRY * 4 ** max(attempts - 1, 0), timedelta(hours=1)))


@dataclass
class Scheduler:
    """The scheduled work's own state: one sender of check-ins and prompts at a time; sends
    cut off by the last stop settled once before new ones; an erasure's -wal to truncate."""

    sending_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    interrupted_resolved: bool = False
    wipe_due: bool = False
    stalled_looked_at: datetime | None = None  # stalled assessments are looked for at most hourly

    def wipe(self, core: Core) -> bool:
        """After an erasure, no copy of the erased bytes stays in the -wal; when a reader keeps
        it busy, the erasure job tries again (``wipe_due``)."""
        self.wipe_due = not wipe_freed_bytes(core.stores.db)
        return not self.wipe_due

    def erase_inactive(self, core: Core) -> int:
        """Erase everybody inactive for longer than the retention period; returns how many."""
        if not core.rules.retention_days:
            return 0
        before = iso(core.clock() - timedelta(days=core.rules.retention_days))
        users = core.stores.privacy.inactive_since(before)
        for user_id in users:
            with immediate(core.stores.db):
                core.stores.privacy.erase(user_id)
        if users:
            self.wipe(core)
        return len(users)


def core_of(application: Application) -> Core:
    return application.bot_data["core"]


def scheduler(application: Application) -> Scheduler:
    return application.bot_data.setdefault("scheduler", Scheduler())


def _health(application: Application) -> Health:
    return application.bot_data.get("health") or Health()


async def send_due_checkins(application: Application) -> int:
    """Claim every check-in due now, then send the claimed ones; returns how many were sent."""
    core = core_of(application)
    async with scheduler(application).sending_lock:
        await _resolve_interrupted_once(application)
        return await _send_due_checkins(application, core)


def deciding(core: Core, now: datetime) -> Callable[[ClaimInput], Claim]:
    """What a due plan's claim records: the next check-in (round robin over the focus, about its
    action if it has one), or, after ``ignored_before_offer`` unanswered ones, the one offer to
    pause or change, with the plan quiet for ``quiet_weeks``."""
    content, zone, limits = core.content, core.rules.zone, core.content.limits

    def decide(given: ClaimInput) -> Claim:
        plan = given.plan
        competency, reflection = checkin_topic(plan.focus, plan.checkins_sent, content)
        review = iso(now + timedelta(weeks=limits.review_weeks))  # a plan from before reviews gets its first
        if given.ignored >= limits.ignored_before_offer:
            quiet = now + timedelta(weeks=limits.quiet_weeks)
            return Claim("silence", competency, reflection, None,
                         iso(next_occurrence(plan.weekday, plan.time, zone, quiet)), iso(quiet), review)
        return Claim("checkin", competency, reflection, given.actions.get(competency),
                     iso(next_occurrence(plan.weekday, plan.time, zone, now)), None, review)

    return decide


def checkin_message(core: Core, due: DueCheckin) -> Screen:
    """The message of a claimed check-in: about its action, about a focus without one, or the offer."""
    content, zone, checkin = core.content, core.rules.zone, due.checkin
    if checkin.kind == "silence":
        quiet = due.quiet_until or iso(core.clock() + timedelta(weeks=content.limits.quiet_weeks))
        return silence_offer(content, due.focus or [checkin.competency], content.limits.ignored_before_offer,
                             quiet, zone)
    if due.action is not None:
        return action_checkin(content, checkin.id, due.action, zone)
    return checkin_screen(content, checkin.id, checkin.competency, checkin.reflection)


async def _send_due_checkins(application: Application, core: Core) -> int:
    plans = core.stores.plans
    now = core.clock()
    for user_id in plans.due_user_ids(iso(now)):
        try:
            plans.claim(user_id, iso(now), deciding(core, now))
        except Exception as error:
            _failed_claim(application, f"plan of {who(user_id)}", error)
            plan_failures = plans.failures(user_id)
            plans.claim_failed(user_id, describe(error), iso(now), retry_time(now, plan_failures + 1),
                               give_up=plan_failures + 1 >= MAX_ATTEMPTS)

    async def send(due: DueCheckin) -> int | None:
        return await _deliver_one(application, due.checkin.user_id, checkin_message(core, due), due.language)

    async def settle(due: DueCheckin, result: SendResult) -> None:
        checkin = due.checkin
        match result:
            case Sent(message_id=message_id):
                plans.checkin_sent(checkin.id, message_id, iso(now))
            case Blocked():
                plans.checkin_ended(checkin.id, "unreachable", "the user blocked the bot")
                plans.stop(checkin.user_id, iso(now))
            case Retry(reason=reason):
                plans.checkin_retry(checkin.id, reason, retry_time(now, due.attempts + 1))
            case Failed(reason=reason):
                plans.checkin_ended(checkin.id, "failed", reason)

    return await _send_each(application, plans.sendable_checkins(iso(now)), what=lambda due: f"check-in {due.checkin.id}",
                            attempts=lambda due: due.attempts, start=lambda due: plans.start_sending(due.checkin.id),
                            send=send, settle=settle)


@dataclass(frozen=True)
class Sent:
    message_id: int | None  # None: sent, but Telegram gave no message to remember


@dataclass(frozen=True)
class Blocked:
    """The person blocked the bot: never try again."""


@dataclass(frozen=True)
class Retry:
    reason: str  # a network fault: try again later


@dataclass(frozen=True)
class Failed:
    reason: str  # for good


SendResult = Sent | Blocked | Retry | Failed
Item = TypeVar("Item")


async def _deliver_one(application: Application, chat_id: int, screen: Screen, language: str) -> int | None:
    core = core_of(application)
    messages = await deliver(application.bot, chat_id, [screen], language, core.content, proactive=True)
    return messages[-1].message_id if messages else None


async def _send_each(application: Application, items: Iterable[Item], *, what: Callable[[Item], str],
                     attempts: Callable[[Item], int], start: Callable[[Item], bool],
                     send: Callable[[Item], Awaitable[int | None]],
                     settle: Callable[[Item, SendResult], Awaitable[None]]) -> int:
    """The one send loop of scheduled work: each item taken for sending by one sender only
    (``start``), sent, and its result settled; returns how many were sent."""
    sent = 0
    for item in items:
        if not start(item):
            continue
        result = await _send_item(application, what(item), lambda: send(item), attempts(item) + 1)
        await settle(item, result)
        sent += isinstance(result, Sent)
    return sent


def _failed_claim(application: Application, what: str, error: Exception) -> None:
    log.error("%s could not be claimed: %s", what, describe(error))
    _health(application).error(f"{what}: {describe(error)}")


async def _send_item(application: Application, what: str, send: Callable[[], Awaitable[int | None]],
                     attempts: int) -> SendResult:
    """Send one scheduled item. Never raises: one item's fault stays with that item."""
    try:
        return Sent(await send())
    except Forbidden:
        log.info("%s: the user blocked the bot", what)
        return Blocked()
    except Exception as error:
        reason = describe(error)
        if network_transient(error) and attempts < MAX_ATTEMPTS:
            # A proactive send may be repeated: a rare second copy is better than a lost one,
            # and both copies' buttons act on the same item.
            log.warning("%s failed (attempt %s): %s; trying again later", what, attempts, reason)
            return Retry(reason)
        log.error("%s failed for good: %s", what, reason)
        _health(application).error(f"{what}: {reason}")
        return Failed(reason)


async def send_due_prompts(application: Application) -> int:
    """Turn due prompt schedules into deliveries, then send every pending delivery once.

    A schedule is claimed once per due time (weekly ones move on a week); a delivery is taken
    for sending by one sender only, and only while the coachee still shares with the coach.
    A coachee who blocked the bot is marked unreachable, never retried, and the coach is told.
    Returns how many prompts were sent.
    """
    core = core_of(application)
    content, coaches = core.content, core.stores.coaching
    async with scheduler(application).sending_lock:
        await _resolve_interrupted_once(application)
        now = core.clock()

        def following(schedule: Schedule) -> str | None:
            if schedule.kind != "weekly":
                return None
            return iso(next_occurrence(schedule.weekday, schedule.time, core.rules.zone, now))

        since = iso(now - timedelta(weeks=content.limits.prompt_repeat_weeks))

        def choose(schedule: Schedule, coachee_id: int, language: str) -> DeliveryPrompt:
            def points() -> list[str]:
                status = coaches.coachee_status(schedule.coach_id, coachee_id)
                answers, version = (status.latest_answers, status.version) if status else (None, 1)
                return series.points_of(content, answers, version, coaches.focus_of(coachee_id))

            picked = series.choose(content, schedule, language, points=points,
                                   recent=lambda: coaches.recent_prompts(coachee_id, since),
                                   sent_before=lambda: coaches.sent_in_schedule(schedule.id, coachee_id))
            return DeliveryPrompt(picked.competency, picked.prompt_index, picked.text, picked.own_words)

        for schedule_id in coaches.due_schedule_ids(iso(now)):
            try:
                coaches.claim_schedule(schedule_id, iso(now), following, choose)
            except Exception as error:
                _failed_claim(application, f"prompt schedule {schedule_id}", error)
                failures = coaches.schedule_failures(schedule_id)
                coaches.claim_failed(schedule_id, describe(error), retry_time(now, failures + 1),
                                     give_up=failures + 1 >= MAX_ATTEMPTS)

        async def send(delivery: Delivery) -> int | None:
            screen = delivery_screen(content, delivery.id, delivery.prompt, delivery.coach_name)
            return await _deliver_one(application, delivery.coachee_id, screen, delivery.language)

        async def settle(delivery: Delivery, result: SendResult) -> None:
            match result:
                case Sent(message_id=message_id):
                    coaches.mark_sent(delivery, message_id, iso(now))
                case Blocked():
                    coaches.end_delivery(delivery.id, "unreachable", "the coachee blocked the bot", iso(now))
                    name = coaches.mark_unreachable(delivery.coachee_id, iso(now))
                    await tell(application, delivery.schedule.coach_id, Screen("coachee_unreachable",
                                                                               {"name": name or "?"}))
                case Retry(reason=reason):
                    coaches.retry_delivery(delivery.id, reason, retry_time(now, delivery.attempts + 1))
                case Failed(reason=reason):
                    coaches.end_delivery(delivery.id, "failed", reason, iso(now))

        return await _send_each(application, coaches.sendable_deliveries(iso(now)),
                                what=lambda delivery: f"prompt delivery {delivery.id}",
                                attempts=lambda delivery: delivery.attempts, start=coaches.start_sending,
                                send=send, settle=settle)


async def tell(application: Application, user_id: int, screen: Screen) -> None:
    """A notice the bot sends on its own (to a coach, a manager, a rater); a failure is logged."""
    core = core_of(application)
    try:
        await deliver(application.bot, user_id, [screen], core.language_of(user_id),
                      core.content, proactive=True)
    except Exception as error:
        log.info("could not tell %s: %s", who(user_id), describe(error))


async def _resolve_interrupted_once(application: Application) -> None:
    state = scheduler(application)
    if not state.interrupted_resolved:
        await resolve_interrupted(application)
        state.interrupted_resolved = True


async def resolve_interrupted(application: Application) -> int:
    """At start-up: what was being sent when the process stopped is marked ``unknown`` (never
    sent twice); a coach is told that a prompt may not have arrived. Returns how many."""
    core = core_of(application)
    checkins = core.stores.plans.interrupted_checkins()
    checkins += core.stores.reviews.reviews.interrupted() + core.stores.reviews.reminders.interrupted()
    deliveries = core.stores.coaching.interrupted_deliveries()
    for delivery in deliveries:
        name = core.stores.coaching.coachee_name(delivery.schedule.coach_id, delivery.coachee_id)
        await tell(application, delivery.schedule.coach_id,
                         Screen("prompt_unknown", {"name": name or "?"}))
    if checkins or deliveries:
        log.warning("%s check-ins and %s prompts were interrupted while sending: marked unknown",
                    checkins, len(deliveries))
    return checkins + len(deliveries)


async def send_feedback_work(application: Application) -> int:
    """Close feedback requests whose time is up (the manager gets the summary, or is told there
    were too few raters), and remind raters who stopped halfway, once (scoring.yaml ``feedback``)."""
    core = core_of(application)
    store, now = core.stores.feedback, core.clock()
    remind_before = iso(now - timedelta(days=core.content.limits.feedback_remind_days))
    done = 0
    for request_id in store.due_to_close(iso(now)):
        try:
            with immediate(core.stores.db):
                notices = close_now(core, request_id, iso(now), expired=True)
        except Exception as error:
            _failed_claim(application, f"feedback request {request_id}", error)
            continue
        for notice in notices:
            await tell(application, notice.user_id, notice.screen)
        done += 1
    for session_id, rater_id, manager in store.to_remind(remind_before):
        store.reminded(session_id, iso(now))  # at most once, also if the send fails
        await tell(application, rater_id, Screen("feedback_reminder", {"name": manager}, choices=(
            Choice("fb_resume", "btn_feedback_continue", ref=session_id),)))
        done += 1
    return done



async def send_due_reviews(application: Application) -> int:
    """Claim every plan whose review is due (counted into a stored summary, the next review
    planned), then send each: to the person, and to the coach they share with at the send."""
    core = core_of(application)
    content, store, zone = core.content, core.stores.reviews, core.rules.zone
    async with scheduler(application).sending_lock:
        await _resolve_interrupted_once(application)
        now = core.clock()
        following = iso(now + timedelta(weeks=content.limits.review_weeks))
        for user_id in store.due_review_user_ids(iso(now)):
            try:
                store.claim_review(user_id, iso(now), following)
            except Exception as error:
                _failed_claim(application, f"review of {who(user_id)}", error)

        async def send(review: ReviewRecord) -> int | None:
            relation = core.stores.coaching.active_relation_of_coachee(review.user_id)
            screen = review_screen(content, review.summary, zone, (relation.coach_name or "?") if relation else None)
            return await _deliver_one(application, review.user_id, screen, review.language)

        async def settle(review: ReviewRecord, result: SendResult) -> None:
            match result:
                case Sent(message_id=message_id):
                    store.reviews.sent(review.id, message_id, iso(now))
                    relation = core.stores.coaching.active_relation_of_coachee(review.user_id)  # consent, now
                    if relation is not None:
                        try:
                            await _deliver_one(application, relation.coach_id, review_for_coach(
                                content, review.summary, zone, relation.coachee_name),
                                core.language_of(relation.coach_id))
                            store.coach_told(review.id, relation.coach_id, iso(now))
                        except Exception as error:  # the coach is not told; the review stays theirs to see
                            log.info("could not tell %s of review %s: %s", who(relation.coach_id), review.id,
                                     describe(error))
                case Blocked():
                    store.reviews.ended(review.id, "unreachable", "the user blocked the bot")
                    core.stores.plans.stop(review.user_id, iso(now))
                case Retry(reason=reason):
                    store.reviews.retry(review.id, reason, retry_time(now, review.attempts + 1))
                case Failed(reason=reason):
                    store.reviews.ended(review.id, "failed", reason)

        return await _send_each(application, store.sendable_reviews(iso(now)), what=lambda r: f"review {r.id}",
                                attempts=lambda r: r.attempts, start=lambda r: store.reviews.start(r.id),
                                send=send, settle=settle)


async def send_due_reminders(application: Application) -> int:
    """One reminder for each self-assessment left untouched for ``stalled_days`` (never more
    than one per ``reminder_gap_days``, none after /pause or "no more reminders"); sent."""
    core = core_of(application)
    content, store = core.content, core.stores.reviews
    limits = content.limits
    state = scheduler(application)
    async with state.sending_lock:
        await _resolve_interrupted_once(application)
        now = core.clock()
        if state.stalled_looked_at is None or now - state.stalled_looked_at >= STALLED_LOOK_EVERY:
            store.claim_reminders(iso(now), iso(now - timedelta(days=limits.stalled_days)),
                                  iso(now - timedelta(days=limits.reminder_gap_days)))
            state.stalled_looked_at = now

        async def send(reminder: ReminderRecord) -> int | None:
            return await _deliver_one(application, reminder.user_id,
                                      stalled_reminder(content, reminder.cursor, reminder.version), reminder.language)

        async def settle(reminder: ReminderRecord, result: SendResult) -> None:
            match result:
                case Sent(message_id=message_id):
                    store.reminders.sent(reminder.id, message_id, iso(now))
                case Blocked():
                    store.reminders.ended(reminder.id, "unreachable", "the user blocked the bot")
                case Retry(reason=reason):
                    store.reminders.retry(reminder.id, reason, retry_time(now, reminder.attempts + 1))
                case Failed(reason=reason):
                    store.reminders.ended(reminder.id, "failed", reason)

        return await _send_each(application, store.sendable_reminders(iso(now)), what=lambda r: f"reminder {r.id}",
                                attempts=lambda r: r.attempts, start=lambda r: store.reminders.start(r.id),
                                send=send, settle=settle)


async def send_development_work(application: Application) -> int:
    """The development loop's own scheduled work: reviews, then reminders."""
    return await send_due_reviews(application) + await send_due_reminders(application)


async def send_coach_notes(application: Application) -> int:
    """One message a day per coach (from ``coach_notes_time``, local) of what coachees did since
    the last one: completed, made a plan, retook. Only coachees who share with the coach at the
    send are named; a coach who switched the notes off gets none. Returns how many were sent."""
    core = core_of(application)
    store, zone = core.stores.desk, core.rules.zone
    async with scheduler(application).sending_lock:
        now = core.clock()
        local = now.astimezone(ZoneInfo(zone))
        if local.strftime("%H:%M") < core.content.limits.coach_notes_time:
            return 0
        day, cutoff = local.date().isoformat(), iso(now)
        claimed: dict[int, tuple[str, list[int]]] = {}

        def start(coach_id: int) -> bool:
            if not store.pending_notes(coach_id, cutoff):  # consent at the claim: nothing left to say
                return False
            previous = store.claim_day(coach_id, day)
            if previous is None:
                return False
            claimed[coach_id] = (previous, [])
            return True

        async def send(coach_id: int) -> int | None:
            happenings = store.pending_notes(coach_id, cutoff)  # consent again, at the send
            claimed[coach_id][1].extend(h.id for h in happenings)
            if not happenings:
                return None
            names = shown_names(store.names(coach_id))
            return await _deliver_one(application, coach_id, daily_note(happenings, names, zone),
                                      core.language_of(coach_id))

        async def settle(coach_id: int, result: SendResult) -> None:
            previous, ids = claimed.pop(coach_id)
            match result:
                case Sent():
                    store.notes_settled(ids, "sent", iso(now))
                case Retry():
                    store.give_back_day(coach_id, day, previous)  # tried again at the next run
                case Blocked() | Failed():
                    store.notes_settled(ids, "failed", iso(now))

        return await _send_each(application, store.coaches_with_notes(cutoff), what=lambda c: f"coach note to {who(c)}",
                                attempts=lambda c: 0, start=start, send=send, settle=settle)


async def _guarded(application: Application, area: str, work: Callable[[Application], Awaitable[object]]) -> None:
    """Run one job; a fault (e.g. a locked database) is logged and reported, the job runs again
    at its next interval."""
    health = _health(application)
    try:
        await work(application)
        health.ok(area)
    except Exception as error:
        log.warning("%s failed: %s; trying again at the next run", area, describe(error))
        health.fault(area, describe(error))


async def _checkin_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _guarded(context.application, "check-ins", send_due_checkins)


async def _prompt_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _guarded(context.application, "prompts", send_due_prompts)


async def _coach_notes_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _guarded(context.application, "coach notes", send_coach_notes)


async def _development_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _guarded(context.application, "reviews and reminders", send_development_work)


def housekeeping(application: Application) -> tuple[int, int]:
    """Erase users inactive past the retention period and raw updates handled over a day ago."""
    core = core_of(application)
    erased = scheduler(application).erase_inactive(core)
    purged = core.stores.inbox.purge_done(iso(core.clock() - DONE_UPDATES_KEPT))
    if erased or purged:
        log.info("housekeeping: %s inactive users erased, %s handled updates purged", erased, purged)
    return erased, purged


async def _housekeeping(application: Application) -> None:
    housekeeping(application)


async def _wipe(application: Application) -> None:
    core = core_of(application)
    state = scheduler(application)
    if state.wipe_due and not state.wipe(core):
        raise RuntimeError("the -wal of an erasure is still in use by a reader")


async def _wipe_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _guarded(context.application, "erasure", _wipe)


async def _feedback_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _guarded(context.application, "feedback", send_feedback_work)


async def _housekeeping_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await _guarded(context.application, "housekeeping", _housekeeping)


def schedule_jobs(application: Application, interval: float) -> None:
    """(Re)create the repeating jobs; their state is in SQLite, so this is all a restart needs."""
    application.job_queue.run_repeating(_checkin_job, interval=interval, first=0, name=CHECKIN_JOB)
    application.job_queue.run_repeating(_prompt_job, interval=interval, first=0, name=PROMPT_JOB)
    application.job_queue.run_repeating(_feedback_job, interval=interval, first=0, name=FEEDBACK_JOB)
    application.job_queue.run_repeating(_development_job, interval=interval, first=0, name=DEVELOPMENT_JOB)
    application.job_queue.run_repeating(_coach_notes_job, interval=interval, first=0, name=COACH_NOTES_JOB)
    application.job_queue.run_repeating(_wipe_job, interval=interval, first=interval, name=WIPE_JOB)
    application.job_queue.run_repeating(_housekeeping_job, interval=HOUSEKEEPING_SECONDS, first=60,
                                        name=HOUSEKEEPING_JOB)
