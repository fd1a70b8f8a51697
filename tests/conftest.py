"""Shared fixtures: a real Application on a real SQLite file, offline."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from telegram.ext import Application, ContextTypes

from bot import snapshots
from bot.app import build_application
from bot.charts import ProfileGroup, ProfileRow
from bot.config import Settings
from bot.content import Content, load_content
from bot.flows.feedback import rater_questions
from bot.render import plain_text, screen_text
from bot.schedule import send_due_checkins, send_due_reminders, send_due_reviews
from bot.turns.result_rows import result_row
from storage import Database, StatsStore, open_database
from telegram_doubles.fake_api import FakeBotApi, TelegramUser, parse_html
from telegram_doubles.server import BotApiServer

TOKEN = "123456:TEST-TOKEN"
ADMIN, COACH, COACHEE = 9001, 9002, 9003  # an admin (in the ``bot`` harness's settings), a coach, a coachee
CLOCK_START = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # the ``clock`` fixture's first moment


def say(content: Content, key: str, **params) -> str:
    """A text of the content in English, as the user reads it (tags removed)."""
    return parse_html(content.text(key, "en", **params))


def rows(db_path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, args).fetchall()


@pytest.fixture
def content() -> Content:
    return load_content()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "regiecoach.db"


@dataclass
class BotHarness:
    """The real Application, its offline Bot API, and every error its handlers raised."""

    application: Application
    api: FakeBotApi
    db_path: Path
    errors: list[BaseException] = field(default_factory=list)

    def user(self, user_id: int, language_code: str | None = "en", **kwargs) -> TelegramUser:
        return TelegramUser(self.application, self.api, user_id, language_code, **kwargs)


@pytest.fixture
def make_harness(db_path: Path, request: pytest.FixtureRequest) -> Callable[..., BotHarness]:
    """Build a new Application on the same database file (a restart), sharing one fake API.

    Commits skip fsync (``synchronous=OFF``) unless the test is marked ``durable``."""
    api = FakeBotApi()
    synchronous = "FULL" if request.node.get_closest_marker("durable") else "OFF"

    def make(settings: Settings | None = None, **options) -> BotHarness:
        settings = settings or Settings(token=TOKEN, db_path=db_path)
        db = open_database(settings.db_path, synchronous)
        application = build_application(settings, db, request=api, **options)
        harness = BotHarness(application, api, settings.db_path)

        async def collect(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
            harness.errors.append(context.error)

        application.add_error_handler(collect)
        return harness

    return make


@pytest.fixture
async def harness(make_harness: Callable[..., BotHarness]) -> AsyncIterator[BotHarness]:
    harness = make_harness()
    async with harness.application:
        yield harness
    assert harness.errors == [], f"handlers raised: {harness.errors!r}"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(CLOCK_START)


@pytest.fixture
async def bot(make_harness: Callable[..., BotHarness], db_path: Path, clock: FakeClock) -> AsyncIterator[BotHarness]:
    """The real Application with ``ADMIN`` as admin and the test's ``clock``."""
    harness = make_harness(Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({ADMIN})), clock=clock)
    async with harness.application:
        yield harness
    assert harness.errors == [], harness.errors


# --- a user's plan ----------------------------------------------------------------------


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def plan_row(db_path, user_id):
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute("select * from plans where user_id = ?", [user_id]).fetchone()


async def choose_actions(user, content, count: int) -> None:
    """One action per focus: the first idea, every week."""
    for _ in range(count):
        await user.tap("1")
        await user.tap(content.text("btn_every_week", "en"))


async def make_plan(user, content, day="Wednesday", at="09:00", picks=3):
    await user.send("/plan")
    picker = user.last()
    names = [label for label in picker.labels()
             if label not in (content.text("btn_all_competencies", "en"), content.text("btn_done", "en"))]
    for name in names[:picks]:
        await user.tap(name, message=user.last())
    await user.tap(content.text("btn_done", "en"))
    await choose_actions(user, content, picks)
    await user.tap(day)
    await user.tap(at)
    return names[:picks]


# --- the development loop ---------------------------------------------------------------


def en(content, key: str, **params) -> str:
    return content.text(key, "en", **params)


def at_week(clock: FakeClock, week: int, days: int = 2) -> None:
    """Week ``week`` of the plan, just after its Wednesday 09:00 check-in fell due."""
    clock.now = CLOCK_START + timedelta(days=days + 7 * (week - 1), minutes=1)


async def run_jobs(bot) -> None:
    await send_due_checkins(bot.application)
    await send_due_reviews(bot.application)
    await send_due_reminders(bot.application)


def checkins_of(user: TelegramUser) -> list:
    return [m for m in user.messages() if m.text.startswith("🔁 Check-in")]


async def assessed(bot, content, user_id: int, value=lambda i: 2, name: str = "Alex") -> TelegramUser:
    user = bot.user(user_id, first_name=name)
    await onboard(user, content)
    await answer_all(user, content, value)
    return user


async def plan_one(user: TelegramUser, content, idea: str = "1", when: str = "btn_every_week") -> str:
    """A plan with the first suggested focus, one idea as its action, on Wednesday at 09:00."""
    await user.send("/plan")
    picker = user.last()
    name = picker.labels()[0]
    await user.tap(name, message=picker)
    await user.tap(en(content, "btn_done"))
    await user.tap(idea)
    await user.tap(en(content, when))
    await user.tap("Wednesday")
    await user.tap("09:00")
    return name


async def answer(user: TelegramUser, content, given: str) -> None:
    await user.tap(en(content, f"btn_answer_{given}"), message=checkins_of(user)[-1])


# --- answering and results --------------------------------------------------------------


async def answer_all(user: TelegramUser, content, value_of) -> None:
    for index in range(content.total):
        await user.tap(str(value_of(index)))


def by_kind(content, values: dict[str, int]):
    """A value per question index from a value per kind (leider, manager, pitfall, layer, competency)."""
    kinds = {q.index: q.kind for q in content.questions}
    return lambda index: values[kinds[index]]


def photo_calls(harness, user):
    return [c for c in harness.api.calls_to("sendPhoto") if int(c.params["chat_id"]) == user.id]


# --- onboarding -------------------------------------------------------------------------


async def onboard(user: TelegramUser, content, language_label: str = "🇬🇧 English") -> None:
    await user.send("/start")
    await user.tap(content.text("btn_next", "en" if user.profile.get("language_code") == "en" else "nl"))
    await user.tap(language_label)
    await user.tap(content.text("btn_agree", "en" if "English" in language_label else "nl"))


def current_question(user: TelegramUser) -> str:
    return user.last().text.splitlines()[0]


# --- coaches and coachees ---------------------------------------------------------------


LINK = re.compile(r"https://t\.me/regiecoach_test_bot\?start=([A-Za-z0-9_-]+)")


def link_payload(message_text: str) -> str:
    match = LINK.search(message_text)
    assert match, message_text
    return match.group(1)


async def make_coach(harness, content) -> TelegramUser:
    admin = harness.user(ADMIN, first_name="Ada")
    await admin.send("/invitecoach")
    payload = link_payload(admin.last().text)
    assert payload.startswith("c") and len(payload) <= 64
    coach = harness.user(COACH, first_name="Carla")
    await coach.send(f"/start {payload}")
    assert "You are now a coach" in coach.last().text
    return coach


async def make_coachee(harness, content, coach, user_id=COACHEE, name="Kees") -> TelegramUser:
    await coach.send("/invite")
    payload = link_payload(coach.last().text)
    coachee = harness.user(user_id, first_name=name)
    await coachee.send(f"/start {payload}")
    assert "Carla" in coachee.last().text and "latest result" in coachee.last().text
    await coachee.tap(content.text("btn_share", "en"))
    return coachee


async def reply_to_prompt(coachee: TelegramUser, content, text: str, coach: str = "Carla") -> None:
    """Reply as a person would: tap "Reply to …" under the newest prompt, type, tap Send."""
    await coachee.tap(content.text("btn_reply_to", "en", name=coach))
    await coachee.send(text)
    assert coachee.last().text == say(content, "reply_confirm", coach=coach, text=text)
    await coachee.tap(content.text("btn_send_to", "en", name=coach))


# --- feedback from colleagues -----------------------------------------------------------


FEEDBACK_LINK = re.compile(r"https://t\.me/regiecoach_test_bot\?start=(f[A-Za-z0-9_-]+)")


def self_answers(content):
    """The manager's own view: high on the first competency, low on the second, 3 elsewhere."""
    first, second = content.competencies[0].index, content.competencies[1].index
    return lambda i: 5 if i == first else 1 if i == second else 3


async def manager_with_link(bot, content) -> tuple[TelegramUser, str]:
    mia = bot.user(9302, first_name="Mia")
    await onboard(mia, content)
    await answer_all(mia, content, self_answers(content))
    await mia.send("/feedback")
    match = FEEDBACK_LINK.search(mia.last().text)
    assert match, mia.last().text
    return mia, match.group(1)


async def begin_rating(rater: TelegramUser, content, payload: str, relation: str | None = None) -> None:
    """Open a feedback link and agree; with ``relation``, also say how they work with the person."""
    await rater.send(f"/start {payload}")
    await rater.tap(content.text("btn_feedback_agree", "en"))
    if relation:
        await rater.tap(content.text(f"relation_{relation}", "en"))


async def rate(bot, content, user_id: int, name: str, payload: str, relation: str, value_of) -> TelegramUser:
    rater = bot.user(user_id, first_name=name)
    await rater.send(f"/start {payload}")
    assert "Mia" in rater.last().text and "never with your name" in rater.last().text
    await rater.tap(content.text("btn_feedback_agree", "en"))
    await rater.tap(content.text(f"relation_{relation}", "en"))
    total = len(rater_questions(content))
    for index in range(total):
        assert rater.last().text.startswith(f"{index + 1}/{total}"), rater.last().text
        await rater.tap(str(value_of(index)))
    assert rater.last().text == say(content, "feedback_thanks", name="Mia")
    return rater


def others_first_low(content):
    """Colleagues see the first competency low and the second high: a blind spot and a hidden strength."""
    first, second = [i for i, q in enumerate(rater_questions(content)) if q.section == "competency"][:2]
    return lambda i: 2 if i == first else 4 if i == second else 3


# --- private stays private: coaches, prompts, byte searches -----------------------------


async def new_coach(bot, content, user_id: int, name: str) -> TelegramUser:
    admin = bot.user(ADMIN, first_name="Ada")
    await admin.send("/invitecoach")
    coach = bot.user(user_id, first_name=name)
    await coach.send(f"/start {link_payload(admin.last().text)}")
    return coach


async def share_with(bot, content, coach: TelegramUser, user_id: int, name: str) -> TelegramUser:
    await coach.send("/invite")
    coachee = bot.user(user_id, first_name=name)
    await coachee.send(f"/start {link_payload(coach.last().text)}")
    await coachee.tap(content.text("btn_share", "en"))
    return coachee


async def pick_prompt(user: TelegramUser, number: int):
    """Tap the library prompt numbered ``number`` (its button shows a short title); returns
    the message, which now shows the chosen prompt whole."""
    label = next(label for message in reversed(user.messages()) for label in message.labels()
                 if label.startswith(f"{number}. "))
    return await user.tap(label)


async def prompt_now(coach: TelegramUser, content, target: str, text: str) -> None:
    await coach.send("/prompt")
    await coach.tap(target)
    await coach.tap(content.text("btn_own_text", "en"))
    await coach.send(text)
    await coach.tap(content.text("btn_send_now", "en"))


def prompts_in(user: TelegramUser, content) -> list:
    return [m for m in user.messages() if m.text.startswith("💭")]


def rows_mentioning(db_path, value: int) -> dict[str, int]:
    """Every table and how many of its rows hold ``value`` in any column (as a number, or in
    text as a number of its own: 7702 is not in 10007702)."""
    alone = re.compile(rf"(?<![0-9]){value}(?![0-9])")
    found = {}
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"pragma table_info({table})")]
            where = " or ".join(f"{c} = :v or cast({c} as text) like :like" for c in columns)
            count = sum(1 for row in conn.execute(f"select * from {table} where {where}",
                                                  {"v": value, "like": f"%{value}%"})
                        if any(cell == value or alone.search(str(cell)) for cell in row))
            if count:
                found[table] = count
    return found


def mentions(db_path, needles: list[str]) -> dict[str, list[str]]:
    """Every table and column (JSON text included) whose text holds one of ``needles``."""
    found: dict[str, list[str]] = {}
    with sqlite3.connect(db_path) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f"pragma table_info({table})")]
            for column in columns:
                for value, in conn.execute(f"select {column} from {table}"):
                    text = str(value)
                    if any(needle in text for needle in needles):
                        found.setdefault(f"{table}.{column}", []).append(text[:80])
    return found


def bytes_holding(db_path, needles: list[bytes]) -> dict[str, list[bytes]]:
    """Which of the database's files (main, -wal) hold which of ``needles``, byte for byte."""
    found: dict[str, list[bytes]] = {}
    for suffix in ("", "-wal"):
        path = db_path.with_name(db_path.name + suffix)
        data = path.read_bytes() if path.exists() else b""
        hits = [needle for needle in needles if needle in data]
        if hits:
            found[path.name] = hits
    return found


async def coaches_of_each_other(bot, content, clock, carla_id: int, zoe_id: int, zoe_name: str):
    """Carla and Zoë are both coaches and each other's coachee; Zoë has a result, a plan and
    a check-in she answered "done" (her note is still open)."""
    carla = await new_coach(bot, content, carla_id, "Carla")
    zoe = await new_coach(bot, content, zoe_id, zoe_name)
    await share_with(bot, content, carla, zoe_id, zoe_name)
    carla_as_coachee = await share_with(bot, content, zoe, carla.id, "Carla")
    await onboard(zoe, content)
    await answer_all(zoe, content, lambda i: 3)
    await make_plan(zoe, content, picks=1)
    clock.now += timedelta(days=3)
    await send_due_checkins(bot.application)
    await zoe.tap(content.text("btn_answer_done", "en"))
    return carla, zoe, carla_as_coachee


# --- the command line -------------------------------------------------------------------


def regiecoach(*args: str, stdin: str = "", env: dict | None = None, cwd: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REGIECOACH_"))}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True,
                          env=environment, cwd=cwd, timeout=120)


# --- charts -----------------------------------------------------------------------------


DUTCH = (
    ("Businesscompetenties", ("Bedrijfsstrategie", "Business requirements beoordelen", "Processtrategie ontwikkelen",
                              "Kwaliteitsstandaarden hanteren", "Verandermanagement", "Uitrol van systemen",
                              "Organisatiesensitiviteit")),
    ("Vaktechnische competenties", ("Hoe applicaties de infrastructuur gebruiken", "IT-infrastructuur beheren",
                                    "Systeemmanagement", "Technische problemen oplossen")),
    ("Gedragscompetenties", ("Aandacht voor detail", "Analytisch vermogen", "Besluitvaardigheid",
                             "Communiceren via face-to-face gesprekken", "Communiceren via schriftelijke stukken",
                             "Communiceren via presentaties", "Klantgerichtheid", "Leiderschap",
                             "Plannen en organiseren", "Problemen oplossen", "Relaties opbouwen en onderhouden",
                             "Werken in een team", "Streven naar voortreffelijkheid", "Ethisch en integer handelen",
                             "Samenwerken met de business ($ en €)", "Mensen meekrijgen in verandering",
                             "Resultaatgericht sturen")),
)


LEGEND = {"self": "Jij nu", "previous": "Vorige keer", "others": "Anderen (4)", "target": "Doel IT Regisseur"}


SCORES = (1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5)


def profile(series=("self", "previous", "others"), gaps: int = 5) -> list[ProfileGroup]:
    """The 28 competencies in 3 groups (7, 4, 17); every ``gaps``-th value of each series missing."""
    counter = itertools.count()
    groups = []
    for title, names in DUTCH:
        rows = []
        for name in names:
            n = next(counter)
            values = {s: None if (n + i) % gaps == 0 else SCORES[(n * 7 + i * 3) % 9] for i, s in enumerate(series)}
            rows.append(ProfileRow(name, (3, 4, 5)[n % 3], values))
        groups.append(ProfileGroup(title, tuple(rows)))
    return groups


# --- the real `regiecoach run` over HTTP (end-to-end tests) --------------------

ROOT = Path(__file__).resolve().parent.parent  # the checkout

CONTENT = load_content()

TOTAL = CONTENT.total


@pytest.fixture
def server():
    with BotApiServer() as api:
        yield api


class Bot:
    """`regiecoach run` in a subprocess, talking to ``server``."""

    def __init__(self, server: BotApiServer, db: Path, *args: str, **env: str) -> None:
        self.server, self.db, self.args, self.extra = server, db, args, env
        self.process: subprocess.Popen | None = None
        self.log = db.with_suffix(".log")

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REGIECOACH_"))}
        env |= {"TELEGRAM_BOT_TOKEN": self.server.token, "TELEGRAM_API_BASE_URL": self.server.base_url,
                "REGIECOACH_DB": str(self.db), "PYTHONPATH": str(ROOT), **self.extra}
        return env

    def start(self, wait: bool = True) -> "Bot":
        polls = len(self.server.calls_to("getUpdates"))
        with open(self.log, "a") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot", "run", *self.args], env=self.env(),
                                            stdout=log, stderr=log, cwd=self.db.parent)
        if wait and not self.args:
            self.server.wait_for(lambda: len(self.server.calls_to("getUpdates")) > polls, timeout=30,
                                 message="the bot never polled")
        return self

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            return self.process.wait(timeout=20)
        return self.process.returncode if self.process else 0

    def logs(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


@pytest.fixture
def bots(server, tmp_path):
    started: list[Bot] = []

    def make(*args: str, db: Path | None = None, **env: str) -> Bot:
        bot = Bot(server, db or tmp_path / "e2e.db", *args, **env)
        started.append(bot)
        return bot

    yield make
    for bot in started:
        if bot.process and bot.process.poll() is None:
            bot.process.kill()
            bot.process.wait(timeout=10)


def first_line(server, user):
    return server.last_text(user).splitlines()[0] if server.messages(user) else ""


def wait_question(server, user, n, timeout=15.0):
    server.wait_for(lambda: first_line(server, user).startswith(f"{n}/{TOTAL} "), timeout=timeout,
                    message=f"user {user} never saw question {n}; last: {server.last_text(user)!r}")


def onboard_http(server, user, first_name: str | None = None):
    """Start, English, agree — as a user over HTTP — until the first question shows."""
    server.send_text(user, "/start", first_name=first_name)
    server.wait_for(lambda: server.messages(user), timeout=15)
    server.tap(user, CONTENT.text("btn_next", "en"))
    server.wait_for(lambda: "English" in " ".join(server.last(user).labels()), timeout=15)
    server.tap(user, "🇬🇧 English")
    server.wait_for(lambda: CONTENT.text("btn_agree", "en") in server.last(user).labels(), timeout=15)
    server.tap(user, CONTENT.text("btn_agree", "en"))
    wait_question(server, user, 1)


def stored(db, user) -> dict[str, int | None]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute(
            "select x.question_id, x.value from answers x join assessments a on a.id = x.assessment_id "
            "where a.user_id = ? and a.status != 'abandoned'", [user]).fetchall())


# --- admin statistics over a world of people completing on given days -----------------------

K = 5


WORLD_START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)  # a Monday in January: the statistics' calendar


class World:
    """People completing assessments on given days, and an admin looking at the statistics."""

    def __init__(self, path: Path, content: Content, min_group: int = K) -> None:
        self.db: Database = open_database(path, "OFF")
        self.content = content
        self.min_group = min_group

    def complete(self, user_id: int, value: int | dict[str, int | None], day: float, *, version: int | None = None,
                 skip: tuple[str, ...] = ()) -> int:
        """``user_id`` completes an assessment of question set ``version`` (default: the current
        one) on ``day``: every question ``value`` (or per id), the ``skip`` ones skipped."""
        when = (WORLD_START + timedelta(days=day)).isoformat(timespec="seconds")
        questions = self.content.questions_of(version)
        answers = {q.id: None if q.id in skip else (value[q.id] if isinstance(value, dict) else value)
                   for q in questions.questions}
        with self.db.atomic():
            self.db.execute("insert or ignore into users (id, language, flow_state, consented_at, created_at, "
                            "updated_at) values (?, 'en', 'completed', ?, ?, ?)", [user_id, when, when, when])
            assessment = self.db.execute(
                "insert into assessments (user_id, status, cursor, started_at, completed_at, version) "
                "values (?, 'completed', ?, ?, ?, ?)",
                [user_id, questions.total, when, when, questions.version]).lastrowid
            self.db["answers"].insert_all([{"assessment_id": assessment, "question_id": q, "value": v,
                                            "answered_at": when} for q, v in answers.items()])
            StatsStore(self.db).save_result(result_row(answers, "en", self.content, questions.version) | {
                "assessment_id": assessment, "user_id": user_id, "started_at": when, "completed_at": when})
        return assessment

    def stop(self, user_id: int, at_question: int, day: float) -> None:
        """``user_id`` starts an assessment and leaves it at question index ``at_question``."""
        when = (WORLD_START + timedelta(days=day)).isoformat(timespec="seconds")
        self.db.execute("insert or ignore into users (id, language, flow_state, consented_at, created_at, "
                        "updated_at) values (?, 'en', 'question', ?, ?, ?)", [user_id, when, when, when])
        self.db.execute("insert into assessments (user_id, status, cursor, started_at) values (?, 'in_progress', ?, ?)",
                        [user_id, at_question, when])
        self.db.conn.commit()

    def look(self, day: float) -> View:
        now = WORLD_START + timedelta(days=day)
        screens = snapshots.admin_screens(self.db, self.content, self.min_group, now)
        name, data = snapshots.csv_export(self.db, self.content, self.min_group, now)
        return View(screens, list(csv.reader(io.StringIO(data.decode("utf-8")))), name, self.content)

    def snapshots(self) -> int:
        return self.db.execute("select count(*) from statistics_snapshots").fetchone()[0]


class View:
    """What an admin saw at one moment: the /stats screens and the CSV."""

    def __init__(self, screens, rows: list[list[str]], name: str, content: Content) -> None:
        self.screens, self.rows, self.name = screens, rows, name
        self.text = "\n".join(plain_text(screen_text(s, "en", content)) for s in screens)

    def figures(self) -> dict[tuple[str, ...], tuple[str, str]]:
        """(question set, section, item, measure) -> (value, people) of every published figure."""
        return {tuple(row[1:5]): (row[5], row[6]) for row in self.rows[1:] if row[2] != "status"}

    def published_text(self) -> str:
        """Everything shown except the line with the date of the next possible snapshot."""
        return "\n".join(line for line in self.text.splitlines() if not line.startswith("Next update"))

    def charts(self) -> list:
        return [s.chart for s in self.screens if s.chart is not None]

    def figure(self, section: str, item: str, measure: str, version: str = "") -> tuple[str, str]:
        return self.figures()[(version, section, item, measure)]


TRANSCRIPT_ZONE = ZoneInfo("Europe/Amsterdam")
QUESTION_LINE = "/43 "  # the progress line of a rating question (left out of transcripts: 43 of them)
ANSWER_TOAST = re.compile(r"^✓ \d+: ")  # an answer's toast (left out with its question)


class Transcript:
    """What people see, step by step: the bot's calls to their chats since the last step. The
    first person's lines are bare; the others' are marked with their name (``→ Kees``)."""

    def __init__(self, api: FakeBotApi, people: list[TelegramUser], clock: FakeClock) -> None:
        self.api, self.people, self.clock = api, people, clock
        self.lines: list[str] = []
        self.mark = len(api.calls)

    def moment(self) -> str:
        return self.clock.now.astimezone(TRANSCRIPT_ZONE).strftime("%a %d %b %H:%M")

    def _to(self, chat_id: object) -> str | None:
        """The mark of the person a call went to ("" for the first), None for anyone else."""
        for number, person in enumerate(self.people):
            if str(chat_id) == str(person.id):
                return "" if number == 0 else f"→ {person.profile['first_name']}: "
        return None

    def _shown(self) -> list[str]:
        shown = []
        for call in self.api.calls[self.mark:]:
            params = call.params
            if call.method == "answerCallbackQuery":
                person = next((p for p in self.people if params["callback_query_id"] in p.query_ids), None)
                if person is not None and params.get("text") and not ANSWER_TOAST.match(params["text"]):
                    mark = self._to(person.id).rstrip(": ")
                    shown.append(f"   (toast{' ' + mark if mark else ''}) {params['text']}")
                continue
            to = self._to(params.get("chat_id"))
            if call.method not in ("sendMessage", "editMessageText", "sendPhoto", "sendDocument") or to is None:
                continue
            text = self.api._text(params, "caption" if "caption" in params else "text")
            if QUESTION_LINE in text.split("\n")[0]:
                continue
            how = {"editMessageText": "🤖 ✎ ", "sendPhoto": "🤖 [chart] "}.get(call.method, "🤖 ")
            markup = params.get("reply_markup")
            markup = json.loads(markup) if isinstance(markup, str) else markup
            buttons = [button["text"] for row in (markup or {}).get("inline_keyboard", []) for button in row]
            lines = text.split("\n")
            shown.append(how + to + lines[0])
            shown += ["   " + line if line else "" for line in lines[1:]]
            if buttons:
                shown.append("   " + " ".join(f"[{label}]" for label in buttons))
        self.mark = len(self.api.calls)
        return shown

    async def bot_sends(self, application: Application, jobs=(send_due_checkins, send_due_reviews,
                                                              send_due_reminders)) -> None:
        for job in jobs:
            await job(application)
        shown = self._shown()
        if shown:
            self.lines += ["", f"— {self.moment()} —"] + shown

    async def user_does(self, what: str, action, who: TelegramUser | None = None) -> None:
        """``who`` (one of the others) does ``what``; the first person if not named."""
        self.mark = len(self.api.calls)
        await action
        name = f"{who.profile['first_name']} " if who is not None and who is not self.people[0] else ""
        self.lines += [f"👤 {name}{what}"] + self._shown()
