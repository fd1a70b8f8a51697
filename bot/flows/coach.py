"""Coaches and coachees: invites, consent, the coach's view and reflection prompts.

Authorization lives here as conditions: an event about a coachee needs that coachee's
active relation with this coach (loaded by the caller for the coach's own id only), so a
forged id finds nothing. The prompt composer is a small machine whose state is the step.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from transitions import EventData
from transitions import Machine

from bot.content import Content
from bot.flows import results
from bot.flows.plan import next_occurrence
from bot.flows.screens import Choice, Items, Screen
from bot.flows.scoring import Result, score

CODE_BYTES = 16  # 22 URL-safe characters
PAYLOAD = re.compile(r"([ck])([A-Za-z0-9_-]{22})")
SUGGESTED_COMPETENCIES = 3
DAYS_AHEAD = 7

STEPS = ["idle", "target", "pick", "own_text", "when", "day", "time"]
COACH = ["is_coach"]
TRANSITIONS: list[dict[str, Any]] = [
    # Admins
    {"trigger": "invitecoach", "source": "*", "dest": None, "conditions": "is_admin", "after": "make_coach_invite"},
    {"trigger": "invitecoach", "source": "*", "dest": None, "after": "show_unknown_command"},
    # Deep links
    {"trigger": "deep_link", "source": "*", "dest": None, "after": "open_link"},
    {"trigger": "offer_accept", "source": "*", "dest": None, "conditions": "has_offer", "after": "accept_offer"},
    {"trigger": "offer_decline", "source": "*", "dest": None, "conditions": "has_offer", "after": "decline_offer"},
    # Coachee
    {"trigger": "mycoach", "source": "*", "dest": None, "after": "show_mycoach"},
    {"trigger": "coach_revoke", "source": "*", "dest": None, "conditions": "has_coach", "after": "revoke"},
    {"trigger": "reply_text", "source": "*", "dest": None, "after": "take_reply"},
    # Coach: links, coachees
    {"trigger": "invite", "source": "*", "dest": None, "conditions": COACH, "after": "show_invite"},
    {"trigger": "invite_renew", "source": "*", "dest": None, "conditions": COACH, "after": "renew_invite"},
    {"trigger": "coachees", "source": "*", "dest": None, "conditions": COACH, "after": "show_coachees"},
    {"trigger": "coach_view", "source": "*", "dest": None, "conditions": COACH + ["owns_relation"],
     "after": "show_coachee"},
    {"trigger": "group_view", "source": "*", "dest": None, "conditions": COACH, "after": "show_group"},
    {"trigger": "schedules", "source": "*", "dest": None, "conditions": COACH, "after": "show_schedules"},
    {"trigger": "schedule_cancel", "source": "*", "dest": None, "conditions": COACH + ["owns_schedule"],
     "after": "cancel_schedule"},
    # Coach: composing a prompt
    {"trigger": "prompt", "source": "*", "dest": "target", "conditions": COACH + ["has_coachees"],
     "after": "show_targets"},
    {"trigger": "prompt", "source": "*", "dest": "idle", "conditions": COACH, "after": "show_no_coachees"},
    {"trigger": "prompt_target", "source": "target", "dest": "pick", "conditions": "owns_relation",
     "after": ["set_target", "show_library"]},
    {"trigger": "prompt_target_all", "source": "target", "dest": "pick", "after": ["set_target_all", "show_library"]},
    {"trigger": "prompt_competency", "source": "pick", "dest": "=", "conditions": "known_competency",
     "after": "show_competency_prompts"},
    {"trigger": "prompt_other", "source": "pick", "dest": "=", "after": "show_all_competencies"},
    {"trigger": "prompt_pick", "source": "pick", "dest": "when", "conditions": "known_prompt",
     "after": ["set_prompt", "show_when"]},
    {"trigger": "prompt_own", "source": "pick", "dest": "own_text", "after": "ask_own_text"},
    {"trigger": "own_text", "source": "own_text", "dest": "when", "conditions": "text_fits",
     "after": ["set_own_text", "show_when"]},
    {"trigger": "own_text", "source": "own_text", "dest": "=", "after": "show_text_too_long"},
    {"trigger": "prompt_now", "source": "when", "dest": "idle", "after": ["schedule_now", "show_scheduled"]},
    {"trigger": "prompt_once", "source": "when", "dest": "day", "after": ["set_once", "show_days"]},
    {"trigger": "prompt_weekly", "source": "when", "dest": "day", "after": ["set_weekly", "show_days"]},
    {"trigger": "prompt_day", "source": "day", "dest": "time", "conditions": "known_day",
     "after": ["set_day", "show_times"]},
    {"trigger": "prompt_time", "source": "time", "dest": "idle", "conditions": "known_time",
     "after": ["schedule_later", "show_scheduled"]},
]
EVENTS = frozenset(t["trigger"] for t in TRANSITIONS)


def invite_link(bot_username: str, kind: str, code: str) -> str:
    return f"https://t.me/{bot_username}?start={kind}{code}"


class CoachModel:
    """One event of a coach, coachee or admin. What to store is left in plain attributes."""

    def __init__(self, content: Content, *, user_id: int, name: str, is_admin: bool, coach: Any,
                 bot_username: str, now: datetime, zone: str, min_group: int,
                 coachees: list[Any] | None = None, relation: Any = None, own_relation: Any = None,
                 offer: Any = None, schedules: list[Any] | None = None, replies: list[dict] | None = None,
                 focus: list[str] | None = None, awaiting: str | None = None,
                 invite_unused: bool = False) -> None:
        self.content = content
        self.user_id, self.name, self.admin, self.coach = user_id, name, is_admin, coach
        self.state = coach.step if coach else "idle"
        self.draft: dict = dict(coach.draft) if coach else {}
        self.bot_username, self.now, self.zone, self.min_group = bot_username, now, zone, min_group
        self.coachees = coachees or []  # this coach's active coachees (CoacheeStatus)
        self.relation = relation  # the coach's own active relation named by the event
        self.own_relation = own_relation  # as a coachee: the active relation with a coach
        self.offer = offer  # the coach whose link this user opened (CoachRecord)
        self.schedules = schedules or []
        self.replies = replies or []
        self.focus = focus or []
        self.awaiting = awaiting
        self.invite_unused = invite_unused  # the coach invite code of a deep link is valid
        self.screens: list[Screen] = []
        self.notify: list[tuple[int, Screen]] = []  # screens for other users (user id, screen)
        # what the caller stores
        self.new_coach_invite: str | None = None
        self.redeem_code: str | None = None
        self.renewed_code: str | None = None
        self.connect_to: int | None = None
        self.revoked = False
        self.new_schedule: dict | None = None
        self.cancelled: int | None = None
        self.reply: tuple[int, str] | None = None
        self.set_awaiting: str | None | bool = False  # False = unchanged
        self.continue_with_start = False  # then run the assessment's start

    # --- conditions ---------------------------------------------------------------------
    def is_admin(self, event: EventData) -> bool:
        return self.admin

    def is_coach(self, event: EventData) -> bool:
        return self.coach is not None

    def has_offer(self, event: EventData) -> bool:
        return self.offer is not None

    def has_coach(self, event: EventData) -> bool:
        return self.own_relation is not None

    def owns_relation(self, event: EventData) -> bool:
        return self.relation is not None

    def owns_schedule(self, event: EventData) -> bool:
        return any(s.id == event.kwargs.get("schedule_id") for s in self.schedules)

    def has_coachees(self, event: EventData) -> bool:
        return bool(self.coachees)

    def known_competency(self, event: EventData) -> bool:
        index = event.kwargs.get("index")
        return isinstance(index, int) and 0 <= index < len(self.content.competencies)

    def known_prompt(self, event: EventData) -> bool:
        choice = event.kwargs.get("choice")
        if not isinstance(choice, int):
            return False
        competency, prompt = divmod(choice, 10)
        return (0 <= competency < len(self.content.competencies)
                and prompt < len(self.content.coaching[self.content.competencies[competency].id].prompts))

    def text_fits(self, event: EventData) -> bool:
        return 0 < len(event.kwargs.get("text", "").strip()) <= self.content.scoring.own_prompt_limit

    def known_day(self, event: EventData) -> bool:
        return event.kwargs.get("day") in range(7)

    def known_time(self, event: EventData) -> bool:
        slot = event.kwargs.get("slot")
        return isinstance(slot, int) and 0 <= slot < len(self.content.scoring.checkin_times)

    # --- admin and links --------------------------------------------------------------------
    def make_coach_invite(self, event: EventData) -> None:
        self.new_coach_invite = secrets.token_urlsafe(CODE_BYTES)
        self.screens.append(Screen("coach_invite_created", {
            "link": invite_link(self.bot_username, "c", self.new_coach_invite)}))

    def show_unknown_command(self, event: EventData) -> None:
        self.screens.append(Screen("unknown_command"))

    def open_link(self, event: EventData) -> None:
        payload = event.kwargs.get("payload", "")
        match = PAYLOAD.fullmatch(payload) if isinstance(payload, str) else None
        if match is None:
            self.screens.append(Screen("link_invalid"))
            self.continue_with_start = True
        elif match.group(1) == "c" and self.invite_unused:
            self.redeem_code = match.group(2)
            self.renewed_code = secrets.token_urlsafe(CODE_BYTES)  # the new coach's coachee link
            self.screens.append(Screen("coach_welcome", {
                "link": invite_link(self.bot_username, "k", self.renewed_code)}))
        elif match.group(1) == "c":
            self.screens.append(Screen("link_invalid"))
            self.continue_with_start = True
        elif self.offer is None:
            self.screens.append(Screen("link_invalid"))
            self.continue_with_start = True
        elif self.offer.user_id == self.user_id:
            self.screens.append(Screen("own_link"))
        else:
            self.set_awaiting = f"offer:{self.offer.user_id}"
            self.screens.append(Screen("coach_offer", {"coach": self.offer.display_name}, choices=(
                Choice("offer_accept", "btn_share"), Choice("offer_decline", "btn_dont_share"))))

    def accept_offer(self, event: EventData) -> None:
        self.connect_to = self.offer.user_id
        self.set_awaiting = None
        self.screens.append(Screen("coach_connected", {"coach": self.offer.display_name}, in_place=True))
        self.notify.append((self.offer.user_id, Screen("coach_new_coachee", {"name": self.name})))
        self.continue_with_start = True

    def decline_offer(self, event: EventData) -> None:
        self.set_awaiting = None
        self.screens.append(Screen("coach_declined", in_place=True))

    # --- coachee ------------------------------------------------------------------------------
    def show_mycoach(self, event: EventData) -> None:
        if self.own_relation is None:
            self.screens.append(Screen("no_coach"))
            return
        self.screens.append(Screen("mycoach", {"coach": self.own_relation.coach_name,
                                               "since": self.own_relation.consented_at[:10]},
                                   choices=(Choice("coach_revoke", "btn_stop_sharing"),)))

    def revoke(self, event: EventData) -> None:
        self.revoked = True
        self.screens.append(Screen("coach_revoked", {"coach": self.own_relation.coach_name}, in_place=True))
        self.notify.append((self.own_relation.coach_id, Screen("coach_lost_coachee", {
            "name": self.own_relation.coachee_name})))

    def take_reply(self, event: EventData) -> None:
        text = event.kwargs.get("text", "")
        delivery = event.kwargs.get("delivery_id")
        limit = self.content.scoring.reply_limit
        if len(text) > limit:
            self.screens.append(Screen("reply_too_long", {"limit": limit, "length": len(text)}))
            return
        if self.own_relation is None:
            self.set_awaiting = None
            self.screens.append(Screen("reply_no_coach"))
            return
        self.reply = (delivery, text)
        self.set_awaiting = None
        self.screens.append(Screen("reply_sent", {"coach": self.own_relation.coach_name}))
        self.notify.append((self.own_relation.coach_id, Screen("reply_forwarded", {
            "name": self.own_relation.coachee_name, "text": text})))

    # --- coach: links and coachees -------------------------------------------------------------
    def show_invite(self, event: EventData) -> None:
        self.screens.append(Screen("coach_link", {
            "link": invite_link(self.bot_username, "k", self.coach.invite_code)},
            choices=(Choice("invite_renew", "btn_new_link"),)))

    def renew_invite(self, event: EventData) -> None:
        self.renewed_code = secrets.token_urlsafe(CODE_BYTES)
        self.screens.append(Screen("coach_link_renewed", {
            "link": invite_link(self.bot_username, "k", self.renewed_code)}, in_place=True))

    def _status_line(self, status: Any) -> Screen:
        name = status.relation.coachee_name
        if status.latest_answers is not None:
            archetype = score(status.latest_answers, self.content).archetype
            label = self.content.archetypes[archetype].name if archetype in self.content.archetypes \
                else self.content.ui["archetype_unknown"]
            return Screen("coachee_completed", {"name": name, "date": status.completed_at[:10], "archetype": label})
        if status.cursor is not None:
            return Screen("coachee_in_progress", {"name": name, "n": status.cursor + 1, "total": self.content.total})
        return Screen("coachee_not_started", {"name": name})

    def show_coachees(self, event: EventData) -> None:
        if not self.coachees:
            self.show_no_coachees(event)
            return
        choices = [Choice("coach_view", {"nl": s.relation.coachee_name, "en": s.relation.coachee_name},
                          ref=s.relation.id) for s in self.coachees]
        choices.append(Choice("group_view", "btn_group_view"))
        self.screens.append(Screen("coachees", {
            "items": Items(tuple(self._status_line(s) for s in self.coachees)), "count": len(self.coachees),
        }, choices=tuple(choices)))

    def show_no_coachees(self, event: EventData) -> None:
        self.screens.append(Screen("no_coachees"))

    def show_coachee(self, event: EventData) -> None:
        status = next((s for s in self.coachees if s.relation.id == self.relation.id), None)
        header = {"name": self.relation.coachee_name, "since": self.relation.consented_at[:10]}
        focus = Items(tuple(Screen("plan_focus_item", {"name": self.content.by_id(c).name})
                            for c in self.focus)) if self.focus else Items((Screen("coachee_no_plan"),))
        replies = Items(tuple(Screen("coachee_reply_item", {"date": r["created_at"][:10], "text": r["text"]})
                              for r in self.replies)) if self.replies else Items((Screen("coachee_no_replies"),))
        self.screens.append(Screen("coachee_header", header | {"status": Items((self._status_line(status),))}))
        if status is not None and status.latest_answers is not None:
            current = score(status.latest_answers, self.content)
            shown = results.result_screens(self.content, current, None)
            self.screens.extend(Screen(s.key, s.params, chart=s.chart) for s in shown)  # without the coachee's buttons
        self.screens.append(Screen("coachee_plan_and_replies", {"focus": focus, "replies": replies}))

    def _completed_results(self) -> list[Result]:
        return [score(s.latest_answers, self.content) for s in self.coachees if s.latest_answers is not None]

    def show_group(self, event: EventData) -> None:
        done = self._completed_results()
        if len(done) < self.min_group:
            self.screens.append(Screen("group_withheld", {"min": self.min_group, "count": len(done)}))
            return
        means = Items(tuple(
            Screen("group_score_item", {"group": name, "score": _mean(
                [r.group_means[group] for r in done if r.group_means[group] is not None])})
            for group, name in self.content.groups.items()))
        counts = Counter(c for r in done for c, _ in r.development_points)
        common = Items(tuple(Screen("group_gap_item", {"name": self.content.by_id(c).name, "count": n})
                             for c, n in _most_common(counts, 5, self.content)))
        self.screens.append(Screen("group_view", {"count": len(done), "means": means, "gaps": common}))

    def _schedules_screen(self, in_place: bool) -> Screen:
        if not self.schedules:
            return Screen("no_schedules", in_place=in_place)
        items = Items(tuple(self._schedule_line(n, s) for n, s in enumerate(self.schedules, start=1)))
        return Screen("schedules", {"items": items}, choices=tuple(
            Choice("schedule_cancel", {"nl": f"✖ {n}", "en": f"✖ {n}"}, ref=s.id)
            for n, s in enumerate(self.schedules, start=1)), in_place=in_place)

    def show_schedules(self, event: EventData) -> None:
        self.screens.append(self._schedules_screen(in_place=False))

    def _schedule_line(self, number: int, schedule: Any) -> Screen:
        names = {s.relation.coachee_id: s.relation.coachee_name for s in self.coachees}
        target = names.get(schedule.coachee_id, "?") if schedule.coachee_id else self.content.ui["all_coachees"]
        local = datetime.fromisoformat(schedule.next_due_at).astimezone(ZoneInfo(self.zone))
        key = "schedule_weekly_item" if schedule.kind == "weekly" else "schedule_once_item"
        return Screen(key, {"n": number, "target": target, "when": local.strftime("%Y-%m-%d %H:%M"),
                            "day": self.content.ui[f"weekday_{local.weekday()}"], "time": local.strftime("%H:%M")})

    def cancel_schedule(self, event: EventData) -> None:
        self.cancelled = event.kwargs["schedule_id"]
        self.schedules = [s for s in self.schedules if s.id != self.cancelled]
        self.screens.append(Screen("schedule_cancelled", notice=True))
        self.screens.append(self._schedules_screen(in_place=True))

    # --- coach: composing a prompt ----------------------------------------------------------
    def show_targets(self, event: EventData) -> None:
        self.draft = {}
        choices = [Choice("prompt_target", {"nl": s.relation.coachee_name, "en": s.relation.coachee_name},
                          ref=s.relation.id) for s in self.coachees]
        choices.append(Choice("prompt_target_all", "btn_all_coachees"))
        self.screens.append(Screen("prompt_target", choices=tuple(choices)))

    def set_target(self, event: EventData) -> None:
        self.draft = {"coachee_id": self.relation.coachee_id, "name": self.relation.coachee_name}

    def set_target_all(self, event: EventData) -> None:
        self.draft = {"coachee_id": None}

    def _suggested(self) -> list[str]:
        """Competencies whose prompts come first: the target's (or the group's) top gaps."""
        if self.draft.get("coachee_id") is not None:
            status = next((s for s in self.coachees if s.relation.coachee_id == self.draft["coachee_id"]), None)
            if status is None or status.latest_answers is None:
                return []
            gaps = score(status.latest_answers, self.content).development_points
            return [c for c, _ in gaps[:SUGGESTED_COMPETENCIES]]
        counts = Counter(c for r in self._completed_results() for c, _ in r.development_points)
        return [c for c, _ in _most_common(counts, SUGGESTED_COMPETENCIES, self.content)]

    def _prompt_list(self, competencies: list[str], in_place: bool) -> Screen:
        index = {q.id: i for i, q in enumerate(self.content.competencies)}
        items, choices = [], []
        for competency in competencies:
            for number, prompt in enumerate(self.content.coaching[competency].prompts):
                items.append(Screen("prompt_option", {"n": len(items) + 1, "name": self.content.by_id(competency).name,
                                                      "prompt": prompt}))
                choices.append(Choice("prompt_pick", str(len(items)), index[competency] * 10 + number, literal=True))
        choices += [Choice("prompt_other", "btn_other_competency"), Choice("prompt_own", "btn_own_text")]
        key = "prompt_library" if items else "prompt_library_empty"
        return Screen(key, {"items": Items(tuple(items), separator="\n\n")}, choices=tuple(choices),
                      in_place=in_place)

    def show_library(self, event: EventData) -> None:
        self.screens.append(self._prompt_list(self._suggested(), in_place=True))

    def show_all_competencies(self, event: EventData) -> None:
        self.screens.append(Screen("prompt_competencies", choices=tuple(
            Choice("prompt_competency", q.name, i) for i, q in enumerate(self.content.competencies)),  # type: ignore[arg-type]
            in_place=True))

    def show_competency_prompts(self, event: EventData) -> None:
        competency = self.content.competencies[event.kwargs["index"]].id
        self.screens.append(self._prompt_list([competency], in_place=True))

    def set_prompt(self, event: EventData) -> None:
        competency, number = divmod(event.kwargs["choice"], 10)
        self.draft |= {"competency": self.content.competencies[competency].id, "prompt_index": number}

    def ask_own_text(self, event: EventData) -> None:
        self.set_awaiting = "coach_text"
        self.screens.append(Screen("prompt_own_text", {"limit": self.content.scoring.own_prompt_limit},
                                   in_place=True))

    def set_own_text(self, event: EventData) -> None:
        self.set_awaiting = None
        self.draft |= {"own_text": event.kwargs["text"].strip()}

    def show_text_too_long(self, event: EventData) -> None:
        text = event.kwargs.get("text", "")
        self.screens.append(Screen("prompt_text_too_long", {"limit": self.content.scoring.own_prompt_limit,
                                                            "length": len(text)}))

    def show_when(self, event: EventData) -> None:
        self.screens.append(Screen("prompt_when", choices=(
            Choice("prompt_now", "btn_send_now"), Choice("prompt_once", "btn_send_once"),
            Choice("prompt_weekly", "btn_send_weekly")), in_place=event.event.name != "own_text"))

    def set_once(self, event: EventData) -> None:
        self.draft["kind"] = "once"

    def set_weekly(self, event: EventData) -> None:
        self.draft["kind"] = "weekly"

    def show_days(self, event: EventData) -> None:
        if self.draft["kind"] == "weekly":
            choices = tuple(Choice("prompt_day", f"weekday_{d}", d) for d in range(7))
        else:
            today = self.now.astimezone(ZoneInfo(self.zone)).date()
            choices = tuple(
                Choice("prompt_day", "day_today" if d == 0 else "day_tomorrow" if d == 1
                       else f"weekday_{(today + timedelta(days=d)).weekday()}", d)
                for d in range(DAYS_AHEAD))
        self.screens.append(Screen("prompt_day", choices=choices, in_place=True))

    def set_day(self, event: EventData) -> None:
        self.draft["day"] = event.kwargs["day"]

    def show_times(self, event: EventData) -> None:
        self.screens.append(Screen("prompt_time", choices=tuple(
            Choice("prompt_time", at, slot, literal=True)
            for slot, at in enumerate(self.content.scoring.checkin_times)), in_place=True))

    def _schedule(self, kind: str, due: datetime, weekday: int | None = None, at: str | None = None) -> None:
        self.new_schedule = {
            "coach_id": self.user_id, "coachee_id": self.draft.get("coachee_id"),
            "competency": self.draft.get("competency"), "prompt_index": self.draft.get("prompt_index"),
            "own_text": self.draft.get("own_text"), "kind": kind, "weekday": weekday, "time": at,
            "next_due_at": due, "active": 1,
        }

    def schedule_now(self, event: EventData) -> None:
        self._schedule("now", self.now)

    def schedule_later(self, event: EventData) -> None:
        at = self.content.scoring.checkin_times[event.kwargs["slot"]]
        if self.draft["kind"] == "weekly":
            self._schedule("weekly", next_occurrence(self.draft["day"], at, self.zone, self.now),
                           self.draft["day"], at)
        else:
            tz = ZoneInfo(self.zone)
            day = self.now.astimezone(tz).date() + timedelta(days=self.draft["day"])
            hour, minute = map(int, at.split(":"))
            due = datetime.combine(day, time(hour, minute), tzinfo=tz)
            self._schedule("once", max(due, self.now))

    def show_scheduled(self, event: EventData) -> None:
        schedule = self.new_schedule
        target = self.draft.get("name") or self.content.ui["all_coachees"]
        local = schedule["next_due_at"].astimezone(ZoneInfo(self.zone))
        key = {"now": "prompt_sent_now", "once": "prompt_scheduled_once", "weekly": "prompt_scheduled_weekly"}
        self.screens.append(Screen(key[schedule["kind"]], {
            "target": target, "when": local.strftime("%Y-%m-%d %H:%M"),
            "day": self.content.ui[f"weekday_{local.weekday()}"], "time": local.strftime("%H:%M")}, in_place=True))
        self.draft = {}


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _most_common(counts: Counter, n: int, content: Content) -> list[tuple[str, int]]:
    order = {q.id: i for i, q in enumerate(content.competencies)}
    return sorted(counts.items(), key=lambda item: (-item[1], order[item[0]]))[:n]


def prompt_text(content: Content, schedule: Any, language: str) -> str | dict[str, str]:
    """The prompt of a schedule in the coachee's language (own text as the coach wrote it)."""
    if schedule.own_text:
        return schedule.own_text
    return content.coaching[schedule.competency].prompts[schedule.prompt_index][language]


def delivery_screen(content: Content, schedule: Any, coach_name: str, language: str) -> Screen:
    prompt = prompt_text(content, schedule, language)
    return Screen("prompt_delivery", {"coach": coach_name, "prompt": prompt})


MACHINE = Machine(model=None, states=STEPS, transitions=TRANSITIONS, initial="idle",
                       auto_transitions=False, send_event=True, ignore_invalid_triggers=True)


COACH_COMMANDS = frozenset({"invite", "coachees", "prompt", "schedules"})


async def fire(model: CoachModel, event: str, **kwargs: Any) -> CoachModel:
    handled = event in MACHINE.events and MACHINE.events[event].trigger(model, **kwargs)
    if not handled and not model.screens:
        unknown = event in COACH_COMMANDS and model.coach is None
        model.screens.append(Screen("unknown_command") if unknown else Screen("stale_button", notice=True))
    return model
