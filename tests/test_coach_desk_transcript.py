"""A coach with three coachees over nine weeks, as a transcript of exactly what the bot sends,
with the coach reading English and reading Dutch: a weekly series that fits each coachee and
never repeats, replies and answers both ways (buttons and Telegram's reply), a stray message
offered to the coach, a stalled self-assessment, a retake, the daily note, /coachees and one
thread. ``docs/coach-desk-transcript.md`` is checked against a fresh run; rewrite it with
``python -m tests.test_coach_desk_transcript docs/coach-desk-transcript.md``."""

from __future__ import annotations

import asyncio
import functools
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.app import build_application
from bot.config import Settings
from bot.content import Content, load_content
from bot.flows.coaching import series
from bot.flows.scoring import score
from bot.schedule import send_coach_notes, send_due_prompts, send_due_reminders
from storage import open_database
from telegram_doubles.fake_api import FakeBotApi, TelegramUser
from tests.conftest import ADMIN, TOKEN, FakeClock, Transcript, link_payload

DOC = Path(__file__).resolve().parent.parent / "docs" / "coach-desk-transcript.md"
START = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # Monday 30 November, 09:00 in Amsterdam
FIRST_PROMPT = datetime(2026, 12, 7, 8, 0, 5, tzinfo=timezone.utc)  # the series' first Monday, 09:00
WEEKS = 9
CARLA, KEES, ANNA, BOB = 6101, 6102, 6103, 6104
PEOPLE = {KEES: ("Kees", "en", (0, 1, 2)), ANNA: ("Anna", "nl", (3, 4, 5)), BOB: ("Bob", "nl", None)}
STALLED_AT = 6  # Bob stops after this many statements
RETAKE_WEEK = 5
TYPED = {
    "en": {"answer": "Good. Which decision will you leave to them next week?",
           "thread": "Shall we talk about the board meeting on Thursday?"},
    "nl": {"answer": "Mooi. Welk besluit laat je volgende week aan hen?",
           "thread": "Zullen we donderdag de directievergadering voorbereiden?"},
}
KEES_TYPES = {"reply": "I let the team choose the new ticketing tool.", "back": "The release planning, I think."}
ANNA_TYPES = {"reply": "Ik heb de begroting met de CFO doorgenomen.",
              "stray": "Vandaag voor het eerst een besluit bij het team gelaten!"}


def answers_of(content: Content, places: tuple[int, ...], raised: bool = False):
    """The competencies at ``places`` low (1, 2, 2; the first raised to 5 on a retake), the rest strong."""
    values = (5, 2, 2) if raised else (1, 2, 2)
    low = {content.competencies[place].index: value for place, value in zip(places, values)}
    kinds = {q.index: q.kind for q in content.questions}
    return lambda i: low.get(i, 1 if kinds[i] == "pitfall" else 5)


def development_points(content: Content, places: tuple[int, ...], raised: bool = False) -> list[str]:
    value = answers_of(content, places, raised)
    return [p.competency for p in score({q.id: value(q.index) for q in content.questions}, content).development_points]


@dataclass
class Run:
    lines: list[str]
    prompts: dict[int, list[str]]  # each coachee's prompts, as the words they received
    coachees_list: str  # Carla's /coachees at the end
    thread: list[str]  # Carla's thread with Kees at the end: its newest page, then the older one
    carla_saw: list[str]  # every text sent to Carla


def prompt_words(text: str) -> str:
    return text.split("\n")[1]


async def nine_weeks(language: str, content: Content) -> Run:
    text = lambda key, **params: content.text(key, language, **params)  # noqa: E731
    clock = FakeClock(START)
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "regiecoach.db"
        api = FakeBotApi()
        application = build_application(Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({ADMIN})),
                                        open_database(db_path, "OFF"), request=api, clock=clock)
        async with application:
            admin = TelegramUser(application, api, ADMIN, "en", first_name="Ada")
            await admin.send("/invitecoach")
            carla = TelegramUser(application, api, CARLA, language, first_name="Carla")
            await carla.send(f"/start {link_payload(admin.last().text)}")
            people = {}
            for user_id, (name, own, places) in PEOPLE.items():
                await carla.send("/invite")
                person = people[user_id] = TelegramUser(application, api, user_id, own, first_name=name)
                await person.send(f"/start {link_payload(carla.last().text)}")
                await person.tap(content.text("btn_share", own))
                await person.tap(content.text("btn_next", own))
                await person.tap("🇳🇱 Nederlands" if own == "nl" else "🇬🇧 English")
                await person.tap(content.text("btn_agree", own))
                value = answers_of(content, places) if places else lambda i: 3
                for index in range(content.total if places else STALLED_AT):
                    await person.tap(str(value(index)))
            kees, anna, bob = people[KEES], people[ANNA], people[BOB]
            log = Transcript(api, [carla, kees, anna, bob], clock)
            log.lines.append(f"— {log.moment()} — (Kees and Anna share with Carla and have completed their "
                             f"self-assessment; Bob shares and stopped at {STALLED_AT}/43)")

            async def at(moment: datetime, *jobs) -> None:
                clock.now = moment
                await log.bot_sends(application, jobs or (send_due_prompts, send_due_reminders, send_coach_notes))

            def time_passes(delta: timedelta) -> None:
                clock.now += delta
                log.lines += ["", f"— {log.moment()} —"]

            async def tap(user: TelegramUser, label: str, message=None) -> None:
                await log.user_does(f"taps [{label}]", user.tap(label, message=message), who=user)

            async def types(user: TelegramUser, words: str, reply_to=None) -> None:
                how = " (as a reply to that message)" if reply_to is not None else ""
                await log.user_does(f"types \"{words}\"{how}", user.send(
                    words, reply_to_message=api._message_json(reply_to) if reply_to is not None else None), who=user)

            def newest_prompt(user: TelegramUser):
                return [m for m in user.messages() if m.text.startswith("💭")][-1]

            await log.user_does("/prompt", carla.send("/prompt"))
            await tap(carla, text("btn_all_coachees"))
            await tap(carla, text("btn_prompt_series"))
            await tap(carla, text("weekday_0"))
            await tap(carla, "09:00")
            await at(START.replace(hour=16, minute=0))  # 17:00: the daily note of what coachees did
            for week in range(WEEKS):
                await at(FIRST_PROMPT + timedelta(weeks=week))
                if week == 0:  # Kees replies with the button; Carla answers in one tap; Kees answers back
                    time_passes(timedelta(hours=4))
                    await tap(kees, content.text("btn_reply_to", "en", name="Carla"), newest_prompt(kees))
                    await types(kees, KEES_TYPES["reply"])
                    await tap(kees, content.text("btn_send_to", "en", name="Carla"))
                    time_passes(timedelta(hours=1))
                    await tap(carla, text("btn_answer_name", name="Kees"))
                    await types(carla, TYPED[language]["answer"])
                    time_passes(timedelta(hours=5))
                    await tap(kees, content.text("btn_answer_name", "en", name="Carla"))
                    await types(kees, KEES_TYPES["back"])
                    await tap(kees, content.text("btn_send_to", "en", name="Carla"))
                if week == 1:  # Anna answers with Telegram's reply; Carla answers the same way
                    time_passes(timedelta(hours=3))
                    await types(anna, ANNA_TYPES["reply"], reply_to=newest_prompt(anna))
                    await tap(anna, content.text("btn_send_to", "nl", name="Carla"))
                    await types(carla, TYPED[language]["thread"], reply_to=carla.last())
                    time_passes(timedelta(days=2, hours=6))  # Wednesday evening: a message of Anna's own
                    await types(anna, ANNA_TYPES["stray"])
                    await tap(anna, content.text("btn_send_to", "nl", name="Carla"))
                if week == 2:  # from here on only Carla's and Kees's chats are shown
                    log.people = [carla, kees]
                if week == RETAKE_WEEK - 1:
                    time_passes(timedelta(days=1))
                    await log.user_does("/retake", kees.send("/retake"), who=kees)
                    raised = answers_of(content, PEOPLE[KEES][2], raised=True)

                    async def retake() -> None:
                        for index in range(content.total):
                            await kees.tap(str(raised(index)))

                    await log.user_does("answers the 43 statements again (the question screens and their "
                                        "toasts are left out)", retake(), who=kees)
                    await at(clock.now.replace(hour=16, minute=30))
            clock.now = FIRST_PROMPT + timedelta(weeks=WEEKS - 1, hours=2)
            log.lines += ["", f"— {log.moment()} —"]
            await log.user_does("/coachees", carla.send("/coachees"))
            coachees_list = carla.last().text
            await tap(carla, "Kees")
            await tap(carla, text("btn_open_thread"))
            thread = [m for m in carla.messages() if m.text.startswith("🧵")][-1]
            newest = thread.text
            await tap(carla, text("btn_older"), thread)
            await log.user_does("/schedules", carla.send("/schedules"))
        prompts = {user_id: [prompt_words(m.text) for m in person.messages() if m.text.startswith("💭")]
                   for user_id, person in people.items()}
        return Run(log.lines, prompts, coachees_list, [newest, thread.text], api.texts_to(CARLA))


@functools.cache
def run(language: str) -> Run:
    return asyncio.run(nine_weeks(language, load_content()))


def document() -> str:
    parts = ["# A coach's nine weeks at the coach's desk",
             "",
             "A transcript of exactly what the bot sends Carla, a coach, and her coachees over nine",
             "simulated weeks: messages (🤖), edits of the message tapped (🤖 ✎), toasts and buttons,",
             "and what each person does (👤). Lines for a coachee say so (→ Kees); from the third week",
             "on only Carla's and Kees's chats are shown. Kees reads English, Anna and Bob read Dutch;",
             "Carla reads English in the first part and Dutch in the second. Written by",
             "`tests/test_coach_desk_transcript.py`, which checks it against a fresh run through the",
             "real Application, so it stays true to the code. Times are in Amsterdam.",
             ""]
    for language, title in (("en", "Carla reads English"), ("nl", "Carla leest Nederlands")):
        parts += [f"## {title}", "", "```text", *run(language).lines, "```", ""]
    return "\n".join(parts)


def test_the_transcript_in_docs_is_what_the_bot_sends():
    assert DOC.read_text(encoding="utf-8") == document(), \
        "the transcript changed: rewrite it with python -m tests.test_coach_desk_transcript"


def test_nine_weekly_prompts_fit_each_coachee_in_their_language_and_never_repeat(content):
    for language in ("en", "nl"):
        prompts = run(language).prompts
        assert all(len(sent) == WEEKS and len(set(sent)) == WEEKS for sent in prompts.values())
        for user_id, (name, own, places) in PEOPLE.items():
            sent = prompts[user_id]
            if places is None:  # no result yet: what weighs most for the Regisseur
                continue
            before = development_points(content, places)
            after = development_points(content, places, raised=True) if user_id == KEES else before
            pool = lambda points: {p[own] for c in points for p in series.pool(content, c)}  # noqa: E731
            assert set(sent[:RETAKE_WEEK]) <= pool(before), name
            assert set(sent[RETAKE_WEEK:]) <= pool(after), name  # the retake's points from then on
        everyone = [words for sent in prompts.values() for words in sent[:4]]
        assert len(set(everyone)) == 12  # four weeks to three coachees: twelve different texts


def test_the_coach_sees_who_needs_her_and_the_whole_conversation():
    english = run("en")
    lines = english.coachees_list.split("\n")
    bob = next(i for i, line in enumerate(lines) if "Bob" in line)
    kees = next(i for i, line in enumerate(lines) if "Kees" in line)
    # who needs her first, with dates; Bob is at the statement after the ones he answered
    assert bob < kees and f"stalled since 30 November, at {STALLED_AT + 1}/43" in lines[bob]
    newest, older = english.thread
    assert "1 February" in newest and "7 December" not in newest  # the newest page first
    order = ["7 December, 09:00", KEES_TYPES["reply"], "7 December, 14:00", TYPED["en"]["answer"],
             "7 December, 19:00", KEES_TYPES["back"]]
    positions = [older.index(part) for part in order]
    assert positions == sorted(positions)  # in order, with dates
    seen = "\n".join(english.carla_saw)
    assert ANNA_TYPES["stray"] in seen and ANNA_TYPES["reply"] in seen  # the stray message, sent when Anna chose
    assert "Kees retook the self-assessment" in seen
    dutch = run("nl")
    assert f"sinds 30 november, bij {STALLED_AT + 1}/43" in dutch.coachees_list
    assert "1 februari" in dutch.thread[0]


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(document(), encoding="utf-8")
