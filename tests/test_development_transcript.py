"""One manager's ten weeks with the development loop, as a transcript of exactly what the bot
sends (messages, edits of a message, toasts, buttons), in English and in Dutch. The transcript
in ``docs/development-loop-transcript.md`` is checked against a fresh run; rewrite it with
``python -m tests.test_development_transcript docs/development-loop-transcript.md``."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.content import Content, load_content
from storage import open_database
from telegram_doubles.fake_api import FakeBotApi, TelegramUser
from tests.conftest import TOKEN, FakeClock, Transcript

DOC = Path(__file__).resolve().parent.parent / "docs" / "development-loop-transcript.md"
START = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # Monday 30 November, 09:00 in Amsterdam
TYPED = {
    "en": {"action": "Ask the CFO for fifteen minutes each month to go through the IT budget together",
           "note": "Budget season: no slot with the CFO yet",
           "obstacle": "I did not dare to contradict the CFO last time"},
    "nl": {"action": "Vraag de CFO elke maand om een kwartier om samen de IT-begroting door te lopen",
           "note": "Begrotingstijd: nog geen moment met de CFO",
           "obstacle": "Ik durfde de CFO de vorige keer niet tegen te spreken"},
}


def first_profile(index: int) -> int:
    return (2, 3, 4, 3)[index % 4]


def second_profile(index: int) -> int:
    return min(first_profile(index) + 2, 5)


async def ten_weeks(language: str, content: Content) -> list[str]:
    """Sanne's ten weeks: two focus competencies, an idea and her own one-off action, doing and
    not doing, a tip after 'not yet' twice, two weeks of silence, the review, the retake."""
    text = lambda key, **params: content.text(key, language, **params)  # noqa: E731
    typed = TYPED[language]
    clock = FakeClock(START)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "regiecoach.db"
        api = FakeBotApi()
        application = build_application(Settings(token=TOKEN, db_path=db_path), open_database(db_path, "OFF"),
                                        request=api, clock=clock)
        async with application:
            sanne = TelegramUser(application, api, 5001, language, first_name="Sanne")
            await sanne.send("/start")
            await sanne.tap(text("btn_next"))
            await sanne.tap("🇳🇱 Nederlands" if language == "nl" else "🇬🇧 English")
            await sanne.tap(text("btn_agree"))
            for index in range(content.total):
                await sanne.tap(str(first_profile(index)))
            log = Transcript(api, [sanne], clock)
            log.lines.append(f"— {log.moment()} — (Sanne has just completed her self-assessment)")
            await log.user_does("/plan", sanne.send("/plan"))
            picker = sanne.last()
            first, second = picker.labels()[:2]
            await log.user_does(f"taps [{first}]", sanne.tap(first, message=picker))
            await log.user_does(f"taps [{second}]", sanne.tap(second, message=picker))
            await log.user_does(f"taps [{text('btn_done')}]", sanne.tap(text("btn_done")))
            await log.user_does("taps [1]", sanne.tap("1"))
            await log.user_does(f"taps [{text('btn_every_week')}]", sanne.tap(text("btn_every_week")))
            await log.user_does(f"taps [{text('btn_own_action')}]", sanne.tap(text("btn_own_action")))
            await log.user_does(f"types \"{typed['action']}\"", sanne.send(typed["action"]))
            within = text("btn_within_weeks", weeks=2)
            await log.user_does(f"taps [{within}]", sanne.tap(within))
            day = text("weekday_2")
            await log.user_does(f"taps [{day}]", sanne.tap(day))
            await log.user_does("taps [09:00]", sanne.tap("09:00"))

            def checkin() -> object:
                return [m for m in sanne.messages() if m.text.startswith("🔁")][-1]

            async def answer(given: str) -> None:
                label = text(f"btn_answer_{given}")
                await log.user_does(f"taps [{label}]", sanne.tap(label, message=checkin()))

            async def week(number: int, days: int = 2) -> None:
                clock.now = START + timedelta(days=days + 7 * (number - 1), minutes=1)
                await log.bot_sends(application)

            await week(1)
            await answer("done")
            await log.user_does(f"taps [{text('btn_no_note')}]", sanne.tap(text("btn_no_note"), message=checkin()))
            await week(2)
            await answer("notyet")
            await log.user_does(f"types \"{typed['note']}\"", sanne.send(typed["note"]))
            await week(3)
            await answer("done")
            await week(4)
            await answer("notyet")
            await log.user_does(f"types \"{typed['obstacle']}\"", sanne.send(typed["obstacle"]))
            adopt = text("btn_adopt_tip")
            await log.user_does(f"taps [{adopt}]", sanne.tap(adopt, message=checkin()))
            await week(5)
            await answer("done")
            await week(6)  # a holiday: two check-ins go unanswered
            await week(7)
            await week(8)
            keep = text("btn_keep_going")
            await log.user_does(f"taps [{keep}]", sanne.tap(keep))
            clock.now = START + timedelta(weeks=content.limits.review_weeks, minutes=1)
            await log.bot_sends(application)
            clock.now += timedelta(days=1)
            retake = text("btn_retake_now")
            await log.user_does(f"taps [{retake}] ({log.moment()})", sanne.tap(retake))

            async def again() -> None:
                for index in range(content.total):
                    await sanne.tap(str(second_profile(index)))

            await log.user_does("answers the 43 statements again (the question screens and their toasts are left "
                                "out)", again())
            before_after = text("btn_before_after")
            await log.user_does(f"taps [{before_after}]", sanne.tap(before_after))
            renew = text("btn_renew_plan")
            await log.user_does(f"taps [{renew}]", sanne.tap(renew))
            await week(9)
            await answer("partly")
            await week(10)
            await answer("done")
            await log.user_does("/plan", sanne.send("/plan"))
        return log.lines


def document(content: Content) -> str:
    parts = ["# One manager's ten weeks with the development loop",
             "",
             "A transcript of exactly what the bot sends Sanne, a manager, over ten simulated weeks:",
             "messages (🤖), edits of the message she tapped (🤖 ✎), toasts and buttons, and what she",
             "does (👤). Written by `tests/test_development_transcript.py`, which checks it against a",
             "fresh run through the real Application, so it stays true to the code. Times are in",
             "Amsterdam; the chart itself is a picture and shown as [chart].",
             ""]
    for language, title in (("en", "English"), ("nl", "Nederlands")):
        lines = asyncio.run(ten_weeks(language, content))
        parts += [f"## {title}", "", "```text", *lines, "```", ""]
    return "\n".join(parts)


def test_the_transcript_in_docs_is_what_the_bot_sends(content):
    assert DOC.read_text(encoding="utf-8") == document(content), \
        "the transcript changed: rewrite it with python -m tests.test_development_transcript"


def test_sanne_s_weeks_hold_every_part_of_the_loop(content):
    lines = "\n".join(asyncio.run(ten_weeks("en", content)))
    for part in ("action 1 of 2", "⏱ once, by 14 December", "An idea that may fit better",
                 "What got in the way?", "becoming a habit", "🤔 Your last 2 check-ins went unanswered",
                 "📅 8 weeks of your development plan", "competencies rose by 2 points or more",
                 "📊 Before and after", "Plan renewed", "📈 So far:"):
        assert part in lines, part


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(document(load_content()), encoding="utf-8")
