"""Prompts that fit the person, through the real Application: a weekly series over each
coachee's own development points in their own language that never repeats within its window,
a coach's own text per language (or with a note that these are the coach's own words), the
composer's Back and Cancel on every step, and /schedules (pause, move, cancel) with attacks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.flows.coaching import series
from bot.flows.coaching.composer import TITLE_CHARS
from bot.flows.scoring import score
from bot.schedule import send_due_prompts
from storage import open_database
from telegram_doubles.fake_api import parse_html
from tests.conftest import (
    CLOCK_START,
    answer_all,
    bytes_holding,
    en,
    link_payload,
    mentions,
    new_coach,
    pick_prompt,
    prompts_in,
    rows,
    rows_mentioning,
)

CARLA, DIRK = 7801, 7802
KEES, ANNA, BOB = 7811, 7812, 7813


def lows(content, places: tuple[int, ...]):
    """Answers: the competencies at ``places`` low (1, 2, 2), everything else strong and no pitfalls."""
    low = {content.competencies[place].index: value for place, value in zip(places, (1, 2, 2))}
    kinds = {q.index: q.kind for q in content.questions}
    return lambda i: low.get(i, 1 if kinds[i] == "pitfall" else 5)


async def coachee(bot, content, coach, user_id: int, name: str, language: str, places: tuple[int, ...] | None):
    """Shares with ``coach`` through the coach's link, in ``language``; assessed unless ``places`` is None."""
    await coach.send("/invite")
    person = bot.user(user_id, language_code=language, first_name=name)
    await person.send(f"/start {link_payload(coach.last().text)}")
    await person.tap(content.text("btn_share", language))
    if places is not None:
        await person.tap(content.text("btn_next", language))
        await person.tap("🇳🇱 Nederlands" if language == "nl" else "🇬🇧 English")
        await person.tap(content.text("btn_agree", language))
        await answer_all(person, content, lows(content, places))
    return person


PROFILES = {KEES: ("Kees", "en", (0, 1, 2)), ANNA: ("Anna", "nl", (3, 4, 5)), BOB: ("Bob", "nl", (6, 7, 8))}


async def three_coachees(bot, content):
    carla = await new_coach(bot, content, CARLA, "Carla")
    people = {user_id: await coachee(bot, content, carla, user_id, *profile)
              for user_id, profile in PROFILES.items()}
    return carla, people


def points(content, user_id: int) -> list[str]:
    return [content.competencies[place].id for place in PROFILES[user_id][2]]


def series_order(content, user_id: int) -> list[str]:
    """The person's development points as their result lists them (the lowest first)."""
    answers = {q.id: lows(content, PROFILES[user_id][2])(q.index) for q in content.questions}
    return [p.competency for p in score(answers, content).development_points]


def prompt_of(message_text: str) -> str:
    """The prompt's words in a delivered message (between its title and the reply hint)."""
    return message_text.split("\n")[1]


async def to_all(carla, content, choice: str) -> None:
    """/prompt to all coachees, then the library's ``choice`` (a series, or own text)."""
    await carla.send("/prompt")
    await carla.tap(en(content, "btn_all_coachees"))
    await carla.tap(en(content, choice))


async def weekly_series_to_all(carla, content) -> None:
    await to_all(carla, content, "btn_prompt_series")
    await carla.tap("Monday")
    await carla.tap("09:00")


async def test_four_weekly_prompts_to_three_coachees_are_twelve_different_fitting_texts(bot, content, clock):
    carla, people = await three_coachees(bot, content)
    await to_all(carla, content, "btn_prompt_series")
    chosen = carla.last().text  # before the day: whom it goes to, and what each series follows
    for user_id, (name, _, _) in PROFILES.items():
        line = next(line for line in chosen.splitlines() if line.startswith(f"• {name}: "))
        assert line.removeprefix(f"• {name}: ").split(", ") == [
            content.by_id(c).name["en"] for c in series_order(content, user_id)]
    await carla.tap("Monday")
    await carla.tap("09:00")
    confirmation = carla.last().text
    assert "every Monday at 09:00, first on 7 December, 09:00" in confirmation and "Kees" in confirmation
    delivered: dict[int, list[str]] = {user_id: [] for user_id in people}
    for week in range(4):
        clock.now = datetime(2026, 12, 7, 8, 0, 5, tzinfo=timezone.utc) + timedelta(weeks=week)
        assert await send_due_prompts(bot.application) == 3
        assert await send_due_prompts(bot.application) == 0  # once a week, not twice
        for user_id, person in people.items():
            delivered[user_id].append(prompts_in(person, content)[-1].text)
    texts = [prompt_of(text) for sent in delivered.values() for text in sent]
    assert len(texts) == 12 and len(set(texts)) == 12
    for user_id, sent in delivered.items():
        language = PROFILES[user_id][1]
        fitting = {prompt[language]: c for c in points(content, user_id) for prompt in series.pool(content, c)}
        asked = [fitting.get(prompt_of(text)) for text in sent]
        assert None not in asked, f"{PROFILES[user_id][0]} got a prompt off their development points"
        assert asked[:3] == series_order(content, user_id)  # taking turns over the points …
        assert asked[0] == points(content, user_id)[0]  # … starting where they scored lowest
        title = "💭 Reflectievraag van Carla" if language == "nl" else "💭 Reflection prompt from Carla"
        assert all(text.startswith(title) for text in sent)
    assert bot.errors == []


async def test_a_series_never_repeats_a_prompt_within_its_window(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    kees = await coachee(bot, content, carla, KEES, "Kees", "en", (0, 1, 2))
    await weekly_series_to_all(carla, content)
    weeks = content.limits.prompt_repeat_weeks
    for week in range(weeks):
        clock.now = datetime(2026, 12, 7, 8, 0, 5, tzinfo=timezone.utc) + timedelta(weeks=week)
        assert await send_due_prompts(bot.application) == 1
    sent = [prompt_of(m.text) for m in prompts_in(kees, content)]
    assert len(sent) == weeks and len(set(sent)) == weeks
    stored = rows(bot.db_path, "select competency, prompt_index from prompt_deliveries order by id")
    assert len(set(stored)) == weeks and {c for c, _ in stored} == set(points(content, KEES))


def test_when_every_prompt_of_a_point_was_asked_lately_the_oldest_goes_again(content):
    competency = content.competencies[0].id
    size = len(series.pool(content, competency))
    recent = [(competency, index) for index in reversed(range(size))]  # newest first: the last asked first
    assert series.next_in_series(content, [competency], recent) == (competency, 0)
    assert series.next_in_series(content, [competency], recent[:-1]) == (competency, 0)
    other = content.competencies[1].id
    assert series.next_in_series(content, [competency, other], [(competency, 0)]) == (other, 0)


async def test_a_coachs_own_text_goes_per_language_or_with_a_note(bot, content, clock):
    carla, people = await three_coachees(bot, content)
    await to_all(carla, content, "btn_own_text")
    readers = carla.last().text
    assert "Reads English: Kees" in readers and "Reads Dutch: Anna, Bob" in readers
    await carla.send("Wat heb je deze week losgelaten?")
    when = carla.last().text
    assert "«Wat heb je deze week losgelaten?»" in when
    assert "Anna, Bob, Kees: gets your text as you wrote it" in when
    await carla.tap(en(content, "btn_prompt_version_en"))
    assert "Type the English version, for Kees" in carla.last().text
    await carla.send("What did you let go of this week?")
    when = carla.last().text
    assert "🇬🇧 «What did you let go of this week?»" in when and "Anna, Bob: gets your text" in when
    assert en(content, "btn_prompt_version_en") not in carla.last().labels()
    await carla.tap(en(content, "btn_send_now"))
    assert "What did you let go of this week?" in carla.last().text and "Anna, Bob, Kees" in carla.last().text
    kees, anna = prompts_in(people[KEES], content)[-1].text, prompts_in(people[ANNA], content)[-1].text
    assert "What did you let go of this week?" in kees and "own words" not in kees
    assert "Wat heb je deze week losgelaten?" in anna
    assert parse_html(content.text("prompt_own_words", "nl", coach="Carla")).strip() in anna
    assert bot.errors == []


async def test_back_and_cancel_on_every_step_of_the_composer(bot, content, clock):
    carla, people = await three_coachees(bot, content)
    back, cancel = en(content, "btn_back"), en(content, "btn_cancel")
    await carla.send("/prompt")
    assert cancel in carla.last().labels()
    await carla.tap("Kees")
    library = carla.last()
    assert back in library.labels() and cancel in library.labels()
    titles = [label for label in library.labels() if label[:1].isdigit()]
    assert titles and all(len(label) <= TITLE_CHARS + 4 for label in titles)  # short titles on the buttons
    await carla.tap(back)
    assert "Kees" in carla.last().labels()  # back at whom
    await carla.tap("Kees")
    await carla.tap(en(content, "btn_other_competency"))
    await carla.tap(content.competencies[5].name["en"])
    await carla.tap(back)  # back to the competencies
    assert content.competencies[5].name["en"] in carla.last().labels()
    await carla.tap(back)  # back to the library
    await carla.tap(en(content, "btn_own_text"))
    await carla.tap(back)  # leaves the typing context: a typed text is not taken as a prompt
    await carla.send("not a prompt")
    assert "«not a prompt»" not in carla.last().text
    screen = await pick_prompt(carla, 2)  # the composer's message, changed in place from here on
    assert content.coaching[points(content, KEES)[0]].prompts[1]["en"] in screen.text  # the chosen one whole
    await carla.tap(en(content, "btn_send_weekly"))
    await carla.tap(back)  # back to when
    assert en(content, "btn_send_now") in screen.labels()
    await carla.tap(en(content, "btn_send_once"))
    await carla.tap("tomorrow")
    await carla.tap(back)  # back to the day
    assert "tomorrow" in screen.labels()
    await carla.tap("tomorrow")
    stale = next(b["callback_data"] for b in screen.buttons() if b["text"] == "07:30")
    await carla.tap(cancel)
    assert screen.text == parse_html(en(content, "prompt_cancelled"))
    assert rows(bot.db_path, "select count(*) from prompt_schedules") == [(0,)]
    await carla.press(stale, screen)  # a time button from before the cancel does nothing
    assert rows(bot.db_path, "select count(*) from prompt_schedules") == [(0,)]
    assert bot.errors == []


def schedule_row(db_path, schedule_id: int = 1) -> tuple:
    return rows(db_path, "select active, paused_at is not null, next_due_at, weekday, time from prompt_schedules "
                         "where id = ?", schedule_id)[0]


async def test_schedules_show_text_receivers_and_dates_and_can_be_paused_moved_and_cancelled(bot, content, clock):
    carla, people = await three_coachees(bot, content)
    await weekly_series_to_all(carla, content)
    await carla.send("/schedules")
    listed = carla.last().text
    assert "1. all coachees · every Monday at 09:00, next 7 December, 09:00" in listed
    assert "weekly series on each person's own development points" in listed
    await carla.tap("1")
    assert "To: all coachees" in carla.last().text
    await carla.tap(en(content, "btn_schedule_pause"))
    assert "⏸ paused" in carla.last().text and schedule_row(bot.db_path)[1] == 1
    clock.now = datetime(2026, 12, 7, 8, 0, 5, tzinfo=timezone.utc)
    assert await send_due_prompts(bot.application) == 0  # paused: nothing goes
    await carla.tap(en(content, "btn_schedule_resume"))
    assert "next 14 December, 09:00" in carla.last().text  # going again from the next Monday
    await carla.tap(en(content, "btn_schedule_change"))
    await carla.tap("Wednesday")
    await carla.tap("12:30")
    assert "every Wednesday at 12:30, next 9 December, 12:30" in carla.last().text
    assert schedule_row(bot.db_path)[3:] == (2, "12:30")
    clock.now = datetime(2026, 12, 9, 11, 30, 5, tzinfo=timezone.utc)
    assert await send_due_prompts(bot.application) == 3
    await carla.tap(en(content, "btn_schedule_cancel"))
    assert carla.last().text == parse_html(en(content, "no_schedules"))
    clock.now += timedelta(weeks=1)
    assert await send_due_prompts(bot.application) == 0
    assert bot.errors == []


async def test_schedule_buttons_are_the_coachs_own_and_dead_after_cancelling(bot, content, clock):
    carla, people = await three_coachees(bot, content)
    dirk = await new_coach(bot, content, DIRK, "Dirk")
    await weekly_series_to_all(carla, content)
    await carla.send("/schedules")
    await carla.tap("1")
    seen = carla.last()
    await carla.tap(en(content, "btn_schedule_change"))
    await carla.tap("Friday")
    times = carla.last()
    buttons = {b["text"]: b["callback_data"] for m in (seen, times) for b in m.buttons()}
    before = schedule_row(bot.db_path)
    await dirk.send("/schedules")
    for data in buttons.values():  # another coach replays every button Carla saw
        await dirk.press(data, dirk.last())
        assert carla.last().text == times.text
    assert schedule_row(bot.db_path) == before
    assert not any("Monday" in m.text or "all coachees" in m.text for m in dirk.messages())
    await carla.send("/schedules")
    await carla.tap("1")
    await carla.tap(en(content, "btn_schedule_cancel"))
    for label, data in buttons.items():  # replayed after the cancel: nothing comes back to life
        await carla.press(data, seen)
    assert schedule_row(bot.db_path)[:2] == (0, 0)
    clock.now = CLOCK_START + timedelta(weeks=3)
    assert await send_due_prompts(bot.application) == 0
    forged = [data[:-1] + "9" for data in buttons.values()]  # other ids, other days
    for data in forged:
        await carla.press(data, seen)
    assert bot.errors == []


async def test_a_series_to_a_coachee_without_a_result_uses_what_weighs_most_and_the_coach_can_pick_first(
        bot, content, clock):
    from bot.flows.scoring import heaviest

    carla = await new_coach(bot, content, CARLA, "Carla")
    fresh = await coachee(bot, content, carla, KEES, "Kees", "en", None)
    await carla.send("/prompt")
    await carla.tap("Kees")
    assert en(content, "btn_prompt_series") in carla.last().labels()
    await carla.tap(en(content, "btn_other_competency"))
    await carla.tap(content.competencies[4].name["en"])
    await pick_prompt(carla, 1)
    await carla.tap(en(content, "btn_send_weekly"))
    await carla.tap("Monday")
    await carla.tap("09:00")
    first = content.coaching[content.competencies[4].id].prompts[0]["en"]
    for week in range(2):
        clock.now = datetime(2026, 12, 7, 8, 0, 5, tzinfo=timezone.utc) + timedelta(weeks=week)
        assert await send_due_prompts(bot.application) == 1
    sent = [prompt_of(m.text) for m in prompts_in(fresh, content)]
    assert sent[0] == first  # the coach's pick first …
    heaviest_prompts = {p["en"] for c in heaviest(content, content.limits.points_shown) for p in series.pool(content, c)}
    assert sent[1] in heaviest_prompts  # … then the series, on what weighs most without a result
    db = open_database(bot.db_path)
    assert [r["prompt_index"] for r in db.query("select prompt_index from prompt_deliveries order by id")][0] == 0


async def test_equal_names_are_told_apart_when_composing_and_in_schedules(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    first = await coachee(bot, content, carla, KEES, "Kees", "en", (0, 1, 2))
    second = await coachee(bot, content, carla, ANNA, "Kees", "nl", (3, 4, 5))
    await carla.send("/prompt")
    assert {"Kees #1", "Kees #2"} <= set(carla.last().labels())
    await carla.tap("Kees #2")
    await carla.tap(en(content, "btn_own_text"))
    assert "Reads Dutch: Kees #2" in carla.last().text
    await carla.send("Only for the second Kees?")
    await carla.tap(en(content, "btn_send_once"))
    await carla.tap("tomorrow")
    await carla.tap("09:00")
    await carla.send("/schedules")
    assert "1. Kees #2 · once on 1 December, 09:00" in carla.last().text
    clock.now += timedelta(days=1, hours=1)
    assert await send_due_prompts(bot.application) == 1
    assert "Only for the second Kees?" in prompts_in(second, content)[-1].text
    assert not prompts_in(first, content)


async def test_a_series_is_bound_to_the_receivers_its_screen_named(bot, content, clock):
    carla, people = await three_coachees(bot, content)
    await to_all(carla, content, "btn_prompt_series")
    await carla.tap("Monday")
    await people[BOB].send("/mycoach")  # Bob stops sharing between the screen and the tap
    await people[BOB].tap(content.text("btn_stop_sharing", "nl"))
    await carla.tap("09:00")
    assert rows(bot.db_path, "select count(*) from prompt_schedules") == [(0,)]  # nothing scheduled …
    shown = [m for m in carla.messages() if "Weekly series to" in m.text][-1].text
    assert "Bob" not in shown and "Anna, Kees" in shown  # … the screen says whom it goes to now
    await carla.tap("Monday", message=[m for m in carla.messages() if "Weekly series to" in m.text][-1])
    await carla.tap("09:00")
    clock.now = datetime(2026, 12, 7, 8, 0, 5, tzinfo=timezone.utc)
    assert await send_due_prompts(bot.application) == 2
    assert not prompts_in(people[BOB], content)


async def test_a_coachs_delete_leaves_no_trace_of_their_own_texts_and_versions(bot, content, clock):
    carla, people = await three_coachees(bot, content)
    await to_all(carla, content, "btn_own_text")
    await carla.send("Zeldzame eigen vraag?")
    await carla.tap(en(content, "btn_prompt_version_en"))
    await carla.send("Rarely own question?")
    await carla.tap(en(content, "btn_send_now"))
    await to_all(carla, content, "btn_own_text")  # a second one half written: the draft holds its text
    await carla.send("Zeldzaam concept")
    await carla.tap(en(content, "btn_prompt_version_en"))
    assert mentions(bot.db_path, ["Zeldzame eigen", "Rarely own", "Zeldzaam concept"])
    await carla.send("/delete")
    await carla.tap(en(content, "btn_delete_everything"))
    assert mentions(bot.db_path, ["Zeldzame eigen", "Rarely own", "Zeldzaam concept"]) == {}
    assert bytes_holding(bot.db_path, [b"Zeldzame eigen", b"Rarely own", b"Zeldzaam concept"]) == {}
    assert rows_mentioning(bot.db_path, CARLA) == {}


async def test_a_locked_database_while_choosing_a_series_loses_nothing_and_stops_no_one_else(bot, content, clock):
    """The choice of each coachee's prompt is part of the claim: a fault in it (the database
    locked by another program) rolls the whole claim back, no coachee gets a half of it, other
    coaches' prompts still go, and the series goes once when it is tried again."""
    import sqlite3

    from storage import CoachStore

    carla, people = await three_coachees(bot, content)
    dirk = await new_coach(bot, content, DIRK, "Dirk")
    await coachee(bot, content, dirk, 7814, "Fien", "en", (9, 10, 11))
    await weekly_series_to_all(carla, content)
    await to_all(dirk, content, "btn_own_text")
    await dirk.send("Dirk asks Fien on Monday?")
    await dirk.tap(en(content, "btn_send_weekly"))
    await dirk.tap("Monday")
    await dirk.tap("09:00")
    real, calls = CoachStore.recent_prompts, []

    def locked_once(store, coachee_id, since):
        calls.append(coachee_id)
        if len(calls) == 2:  # Carla's second coachee: the first one's delivery was already inserted
            raise sqlite3.OperationalError("database is locked")
        return real(store, coachee_id, since)

    CoachStore.recent_prompts = locked_once
    try:
        clock.now = datetime(2026, 12, 7, 8, 0, 5, tzinfo=timezone.utc)
        assert await send_due_prompts(bot.application) == 1  # Dirk's goes; Carla's claim failed alone
    finally:
        CoachStore.recent_prompts = real
    assert rows(bot.db_path, "select coach_id, count(*) from prompt_deliveries group by coach_id") == [(DIRK, 1)]
    failures, error = rows(bot.db_path, "select failures, last_error from prompt_schedules where coach_id = ?",
                           CARLA)[0]
    assert failures == 1 and "locked" in error
    assert not any(prompts_in(person, content) for person in people.values())
    clock.now += timedelta(minutes=1)  # tried again after its retry time
    assert await send_due_prompts(bot.application) == 3
    assert await send_due_prompts(bot.application) == 0  # once, not twice
    assert all(len(prompts_in(person, content)) == 1 for person in people.values())
    assert bot.errors == []
