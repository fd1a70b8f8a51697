"""The coach's desk through the real Application: the coachee seen by the coach in the third
person with every detail one tap away, /coachees sorted by need (dates, paging both ways, equal
names told apart, labels), the daily note of what coachees did, and attacks on all of it."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from bot.schedule import send_coach_notes, send_due_checkins, send_due_prompts
from telegram_doubles.fake_api import parse_html
from tests.conftest import (
    ADMIN,
    answer,
    answer_all,
    by_kind,
    en,
    new_coach,
    onboard,
    plan_one,
    prompt_now,
    rate,
    manager_with_link,
    others_first_low,
    rows,
    rows_mentioning,
    say,
    share_with,
)

CARLA, KEES, RITA = 7701, 7702, 7703

# Profile: a Manager with watch-outs, development points and strengths.
MANAGER = {"leider": 2, "manager": 4, "pitfall": 4, "layer": 3, "competency": 3}


def profile(content, low: int = 1):
    """A Manager, pitfalls high, the first competency low (a development point), the second high."""
    first, second = content.competencies[0].index, content.competencies[1].index
    kinds = by_kind(content, MANAGER)
    return lambda i: low if i == first else 5 if i == second else kinds(i)


async def coachee_assessed(bot, content, coach, user_id=KEES, name="Kees", value=None):
    coachee = await share_with(bot, content, coach, user_id, name)
    await coachee.tap(en(content, "btn_next"))
    await coachee.tap("🇬🇧 English")
    await coachee.tap(en(content, "btn_agree"))
    await answer_all(coachee, content, value or profile(content))
    return coachee


def second_person(content) -> list[str]:
    """Renderings of coachee-facing texts (that say "you" to the coachee) a coach must never get."""
    keys = ("result_chart", "result_chart_compared", "chart_title", "series_self")
    texts = [say(content, key) for key in keys]
    texts += [parse_html(content.text("points", "en", items="")).strip(),
              parse_html(content.text("strengths", "en", items="")).strip(), "colleagues see you",
              "you higher than", "Your development points", "Start here"]
    return [t for t in texts if t]


def assert_third_person(bot, content, coach) -> None:
    shown = "\n".join(bot.api.texts_to(coach.id))
    for text in second_person(content):
        assert text not in shown, text
    assert not re.search(r"\b(je|jouw|jij)\b", shown, re.IGNORECASE)


async def test_smoke(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    kees = await coachee_assessed(bot, content, carla)
    await carla.send("/coachees")
    print(carla.last().text, carla.last().labels())
    await carla.tap("Kees")
    for m in carla.messages()[-2:]:
        print(m.kind, m.text, m.labels())
    for label in ("🌱 Development points", "💪 Strengths", "⚠️ Pitfalls", "📋 All scores", "🗓 Plan and check-ins", "💬 Replies and notes"):
        await carla.tap(label)
        print(carla.toasts()[-1:], bot.errors)
        print(carla.last().text, carla.last().labels())
        await carla.tap("◀ Back to Kees")
    print(carla.last().text)
