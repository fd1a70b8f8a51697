"""The coach's desk through the real Application: the coachee seen by the coach in the third
person with every detail one tap away, /coachees sorted by need (dates, paging both ways, equal
names told apart, labels), the daily note of what coachees did, and attacks on all of it."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from bot.schedule import send_coach_notes, send_due_checkins
from telegram_doubles.fake_api import parse_html
from tests.conftest import (
    answer,
    answer_all,
    by_kind,
    en,
    manager_with_link,
    new_coach,
    onboard,
    others_first_low,
    plan_one,
    prompt_now,
    rate,
    rows,
    rows_mentioning,
    say,
    share_with,
)

CARLA, KEES, RITA = 7701, 7702, 7703

# Profile: a Manager with watch-outs, development points and strengths.
MANAGER = {"leider": 2, "manager": 4, "pitfall": 4, "layer": 3, "competency": 3}


def profile(content, third: int = 3):
    """A Manager, pitfalls high, the first competency low (a development point), the second high;
    the third as given (a retake raises it)."""
    first, second, other = (q.index for q in content.competencies[:3])
    kinds = by_kind(content, MANAGER)
    return lambda i: 1 if i == first else 5 if i == second else third if i == other else kinds(i)


async def coachee_assessed(bot, content, coach, user_id=KEES, name="Kees", value=None):
    coachee = await share_with(bot, content, coach, user_id, name)
    await coachee.tap(en(content, "btn_next"))
    await coachee.tap("🇬🇧 English")
    await coachee.tap(en(content, "btn_agree"))
    await answer_all(coachee, content, value or profile(content))
    return coachee


def second_person(content) -> list[str]:
    """Renderings of coachee-facing texts (that say "you" to the coachee) a coach must never get."""
    keys = ("result_chart", "result_chart_compared", "feedback_chart")
    texts = [say(content, key) for key in keys]
    texts += [parse_html(content.text("points", "en", items="")).strip(),
              parse_html(content.text("strengths", "en", items="")).strip(), "colleagues see you",
              "you higher than", "Your development points", "Start here"]
    return [t for t in texts if t]


def assert_third_person(bot, content, coach) -> None:
    shown = "\n".join(bot.api.texts_to(coach.id))
    for text in second_person(content):
        assert text not in shown, text


DETAILS = ("cv_btn_points", "cv_btn_strengths", "cv_btn_watch_outs", "cv_btn_scores", "cv_btn_changes",
           "cv_btn_plan")


async def test_the_coach_sees_the_coachee_in_the_third_person_with_every_detail_one_tap_away(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    kees = await coachee_assessed(bot, content, carla)
    focus = await plan_one(kees, content)
    clock.now += timedelta(days=2, minutes=1)  # Wednesday 09:01: the first check-in, answered "done"
    await send_due_checkins(bot.application)
    await answer(kees, content, "done")
    clock.now += timedelta(days=7)  # the second goes unanswered
    await send_due_checkins(bot.application)
    await kees.send("/retake")
    await answer_all(kees, content, profile(content, third=4))  # the first competency one higher
    await carla.send("/coachees")
    await carla.tap("Kees")
    picture, card = carla.messages()[-2:]
    assert picture.kind == "photo" and picture.text == say(content, "cv_chart_compared", name="Kees")
    manager = content.archetypes["manager"].name["en"]
    assert f"Kees: {manager}, Leader score 2, Manager score 4" in card.text
    assert "sharing since 30 November" in card.text and "completed 9 December" in card.text
    assert say(content, "cv_changes_line", date="30 November", up=1, down=0).strip() in card.text
    assert card.labels() == [en(content, key) for key in (
        "cv_btn_points", "cv_btn_strengths", "cv_btn_watch_outs", "cv_btn_scores", "cv_btn_changes", "cv_btn_plan",
        "btn_open_thread", "cv_btn_label", "cv_btn_list")]
    first, third = content.competencies[0].name["en"], content.competencies[2].name["en"]
    expected = {
        "cv_btn_points": ["Kees's development points", f"{first} (1, target"],
        "cv_btn_strengths": ["Kees's strengths", content.competencies[1].name["en"]],
        "cv_btn_watch_outs": ["Pitfalls to watch with Kees"],
        "cv_btn_scores": ["All of Kees's scores", f"{third}: 4 (target 4) ⬆️"],
        "cv_btn_changes": ["Kees: what changed", f"{third}: 3 → 4 ⬆️", "Previous self-assessment 30 November"],
        "cv_btn_plan": ["Kees's plan", focus, "✅ done in 1 of 1 check-ins", "2 December", "9 December · ",
                        "— no answer"],
    }
    for key, parts in expected.items():
        await carla.tap(en(content, key), message=card)
        detail = carla.last()
        assert detail.message_id == card.message_id  # in place: one tap away, and back
        for part in parts:
            assert part in detail.text, (key, part, detail.text)
        assert detail.labels() == [en(content, "cv_btn_back_to", name="Kees"), en(content, "cv_btn_list")]
        await carla.tap(en(content, "cv_btn_back_to", name="Kees"), message=detail)
        assert carla.last().text.startswith("👤 Kees")
    await carla.tap(en(content, "cv_btn_list"), message=card)
    assert carla.last().text.startswith("👥 Your coachees (1)")
    assert_third_person(bot, content, carla)


async def test_a_dutch_coach_reads_no_je_about_the_coachee(bot, content):
    carla = await new_coach(bot, content, CARLA, "Carla")
    await onboard(carla, content, "🇳🇱 Nederlands")  # Carla reads Dutch
    await coachee_assessed(bot, content, carla)
    await carla.send("/coachees")
    await carla.tap("Kees")
    card = carla.last()
    for key in DETAILS[:4]:
        await carla.tap(content.text(key, "nl"), message=card)
        assert "Kees" in carla.last().text
        await carla.tap(content.text("cv_btn_back_to", "nl", name="Kees"), message=card)
    shown = "\n".join(bot.api.texts_to(carla.id))
    assert content.text("result_chart", "nl") not in shown and "Jouw profiel" not in shown
    assert "Het profiel van Kees" in shown and "Ontwikkelpunten van Kees" in shown


async def test_the_360_summary_only_with_consent_and_in_the_third_person(bot, content):
    mia, payload = await manager_with_link(bot, content)
    for n in range(3):
        await rate(bot, content, 9330 + n, f"R{n}", payload, "peer", others_first_low(content))
    await mia.send("/feedback")
    await mia.tap(en(content, "btn_feedback_close"))
    carla = await new_coach(bot, content, CARLA, "Carla")
    await share_with(bot, content, carla, mia.id, "Mia")
    await carla.send("/coachees")
    await carla.tap("Mia")
    card = carla.last()
    await carla.tap(en(content, "cv_btn_feedback"), message=card)
    picture, summary = carla.messages()[-2:]
    assert picture.kind == "photo" and picture.text == say(content, "cv_feedback_chart", name="Mia")
    assert "How 3 colleagues see Mia" in summary.text and "(Mia higher than colleagues)" in summary.text
    assert_third_person(bot, content, carla)
    # Mia stops sharing: the same button shows nothing
    await mia.send("/mycoach")
    await mia.tap(en(content, "btn_stop_sharing"))
    before = len(carla.messages())
    await carla.tap(en(content, "cv_btn_feedback"), message=card)
    assert carla.toasts()[-1] == say(content, "stale_button") and len(carla.messages()) == before


async def test_consent_revoked_between_the_screen_and_the_tap_shows_nothing(bot, content):
    carla = await new_coach(bot, content, CARLA, "Carla")
    kees = await coachee_assessed(bot, content, carla)
    await carla.send("/coachees")
    listing = carla.last()
    await carla.tap("Kees")
    card = carla.last()
    shown = card.text
    await kees.send("/mycoach")
    await kees.tap(en(content, "btn_stop_sharing"))
    before = len(carla.messages())
    for label in card.labels()[:-1]:
        await carla.tap(label, message=card)
        assert carla.toasts()[-1] == say(content, "stale_button"), label
        assert card.text == shown and len(carla.messages()) == before  # nothing new shown, nothing edited
    await carla.tap("Kees", message=listing)
    assert carla.toasts()[-1] == say(content, "stale_button")
    await carla.tap(en(content, "cv_btn_list"), message=card)
    assert card.text == say(content, "no_coachees")


async def test_another_coachs_forged_relation_ids_and_replayed_buttons_get_nothing(bot, content):
    carla = await new_coach(bot, content, CARLA, "Carla")
    await coachee_assessed(bot, content, carla)
    await carla.send("/coachees")
    await carla.tap("Kees")
    seen = bot.api.callbacks_seen(carla.id)
    relation = rows(bot.db_path, "select id from coach_relations")[0][0]
    rita = await new_coach(bot, content, RITA, "Rita")
    stranger = bot.user(7709, first_name="Sam")
    await stranger.send("/start")
    forged = [f"1:{code}:{relation}::" for code in ("C", *(f"c{letter}" for letter in "ABCDEFGHIJ"))]
    for person in (rita, stranger):
        before = len(bot.api.texts_to(person.id))
        for data in [*seen, *forged, f"1:cA:{relation + 1}::", "1:cA:99999999::"]:
            await person.press(data)
        shown = "\n".join(bot.api.texts_to(person.id)[before:])
        assert "Kees" not in shown and "Manager" not in shown
    assert set(rita.toasts()[-len(forged):]) == {say(content, "stale_button")}
    # Rita's own text never becomes a label of Carla's coachee
    await rita.press(f"1:cI:{relation}::")
    await rita.send("Rita's label")
    assert rows(bot.db_path, "select label from coach_relations") == [(None,)]


async def test_thirty_coachees_page_forward_and_back(bot, content):
    carla = await new_coach(bot, content, CARLA, "Carla")
    for n in range(30):
        await share_with(bot, content, carla, 8000 + n, f"P{n:02}")
    await carla.send("/coachees")
    first = carla.last()
    names = [label for label in first.labels() if label.startswith("P")]
    assert len(names) == 20 and "page 1/2" in first.text
    assert en(content, "cv_btn_next") in first.labels() and en(content, "cv_btn_previous") not in first.labels()
    assert en(content, "btn_group_view") not in first.labels()  # nobody completed: nothing to show
    await carla.tap(en(content, "cv_btn_next"), message=first)
    second = carla.last()
    assert second.message_id == first.message_id and "page 2/2" in second.text
    more = [label for label in second.labels() if label.startswith("P")]
    assert len(more) == 10 and sorted(names + more) == [f"P{n:02}" for n in range(30)]
    assert en(content, "cv_btn_next") not in second.labels()  # the last page does not jump back to the first
    await carla.tap(en(content, "cv_btn_previous"), message=second)
    assert [label for label in carla.last().labels() if label.startswith("P")] == names
    assert all(len(b["callback_data"]) <= 64 for b in carla.last().buttons())


async def test_equal_names_are_told_apart_and_a_label_names_one(bot, content):
    carla = await new_coach(bot, content, CARLA, "Carla")
    for n in range(3):
        await share_with(bot, content, carla, 8100 + n, "Jan")
    await carla.send("/coachees")
    assert sorted(label for label in carla.last().labels() if label.startswith("Jan")) == ["Jan #1", "Jan #2", "Jan #3"]
    await carla.tap("Jan #2")
    await carla.tap(en(content, "cv_btn_label"))
    assert carla.last().text == say(content, "cv_label_ask", name="Jan", limit=content.limits.coach_label_chars)
    await carla.send("x" * (content.limits.coach_label_chars + 1))
    assert carla.last().text == say(content, "cv_label_too_long", limit=content.limits.coach_label_chars,
                                    length=content.limits.coach_label_chars + 1)
    await carla.send("  Sales <b>Utrecht</b> ")
    assert carla.messages()[-2].text == "🏷 From now on this coachee reads as Jan · Sales <b>Utrecht</b> for you."
    assert rows(bot.db_path, "select label from coach_relations where coachee_id = 8101") == [("Sales <b>Utrecht</b>",)]
    await carla.send("/coachees")
    labels = sorted(label for label in carla.last().labels() if label.startswith("Jan"))
    assert labels == ["Jan #1", "Jan #2", "Jan · Sales <b>Utrecht</b>"]
    await carla.send("more text")  # the label's context closed: this is no label
    assert rows(bot.db_path, "select count(*) from coach_relations where label is not null") == [(1,)]
    await carla.tap("Jan · Sales <b>Utrecht</b>")
    await carla.tap(en(content, "cv_btn_label"))
    await carla.send("-")
    assert rows(bot.db_path, "select count(*) from coach_relations where label is not null") == [(0,)]


async def test_coachees_are_sorted_by_need_each_with_dates(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    fine = await coachee_assessed(bot, content, carla, 8201, "Fien")
    quiet = await coachee_assessed(bot, content, carla, 8202, "Quinten")
    stalled = await share_with(bot, content, carla, 8203, "Stan")
    await stalled.tap(en(content, "btn_next"))
    await stalled.tap("🇬🇧 English")
    await stalled.tap(en(content, "btn_agree"))
    for _ in range(5):
        await stalled.tap("3")
    waiting = await share_with(bot, content, carla, 8204, "Wim")
    await carla.send("/coachees")
    for name in ("Fien", "Quinten", "Stan", "Wim"):  # the coach looks at each: nothing is new
        await carla.tap(name, message=carla.messages()[-1] if name == "Fien" else listing)
        listing = [m for m in carla.messages() if m.text.startswith("👥 Your coachees")][-1]
    clock.now += timedelta(days=16)
    await fine.send("/result")  # Fien was active today
    await prompt_now(carla, content, "Wim", "What went well?")  # Wim leaves it unanswered
    await waiting.send("/help")
    new = await coachee_assessed(bot, content, carla, 8205, "Nora")  # Nora completed: new for the coach
    await carla.send("/coachees")
    listing = carla.last().text
    order = [line.split(":")[0].lstrip("• ") for line in listing.splitlines() if line.startswith("• ")]
    assert order == ["Nora", "Wim", "Stan", "Quinten", "Fien"]
    lines = {line.split(":")[0].lstrip("• "): line for line in listing.splitlines() if line.startswith("• ")}
    assert "new since your last look: 1" in lines["Nora"]
    assert "prompts unanswered: 1" in lines["Wim"]
    assert "self-assessment stalled since 30 November, at 6/43" in lines["Stan"]
    assert "last active 30 November" in lines["Quinten"] and "(30 November)" in lines["Quinten"]
    assert "last active 16 December" in lines["Fien"]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", listing)  # dates as people write them
    del new, quiet


async def test_unanswered_check_ins_and_a_plan_without_them_show_in_the_list(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    kees = await coachee_assessed(bot, content, carla)
    await plan_one(kees, content)
    await carla.send("/coachees")
    await carla.tap("Kees")
    clock.now += timedelta(days=2, minutes=1)
    await send_due_checkins(bot.application)
    clock.now += timedelta(days=7)
    await send_due_checkins(bot.application)
    await carla.send("/coachees")
    line = carla.last().text.splitlines()[1]
    assert "check-ins unanswered: 2" in line and "plan since 30 November, no check-in answered yet" in line


# --- the daily note --------------------------------------------------------------------------------
def notes_to(coach) -> list:
    return [m for m in coach.messages() if m.text.startswith("🔔 News from your coachees")]


async def test_the_daily_note_comes_once_a_day_and_names_what_happened(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    kees = await coachee_assessed(bot, content, carla)  # Monday 09:00 in Amsterdam
    clock.now += timedelta(hours=3)
    assert await send_coach_notes(bot.application) == 0  # before the time of day: nothing yet
    clock.now += timedelta(hours=5, minutes=1)  # 17:01 local
    assert await send_coach_notes(bot.application) == 1
    note = notes_to(carla)[-1]
    assert say(content, "cv_note_completed", name="Kees", when="30 November, 09:00") in note.text
    assert note.labels() == ["Kees", en(content, "cv_btn_notes_off")]
    assert await send_coach_notes(bot.application) == 0  # once a day
    await plan_one(kees, content)  # after the day's note: it waits for tomorrow
    clock.now += timedelta(minutes=30)
    assert await send_coach_notes(bot.application) == 0
    clock.now += timedelta(days=1)
    assert await send_coach_notes(bot.application) == 1
    assert say(content, "cv_note_plan", name="Kees", when="30 November, 17:01") in notes_to(carla)[-1].text
    await kees.send("/retake")
    await answer_all(kees, content, profile(content, third=4))
    clock.now += timedelta(days=1)
    assert await send_coach_notes(bot.application) == 1
    assert "Kees retook the self-assessment" in notes_to(carla)[-1].text
    assert len(notes_to(carla)) == 3
    await carla.tap("Kees", message=notes_to(carla)[-1])  # the note opens the coachee
    assert carla.last().text.startswith("👤 Kees")
    assert_third_person(bot, content, carla)


async def test_no_note_when_switched_off_and_none_after_a_revoke(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    await share_with(bot, content, carla, KEES, "Kees")
    await carla.send("/coachees")
    await carla.tap(en(content, "cv_btn_notes_off"))
    assert carla.toasts()[-1] == say(content, "cv_notes_switched_off")
    assert en(content, "cv_btn_notes_on") in carla.last().labels() and say(content, "cv_notes_off") in carla.last().text
    kees = bot.user(KEES, first_name="Kees")
    await kees.tap(en(content, "btn_next"))
    await kees.tap("🇬🇧 English")
    await kees.tap(en(content, "btn_agree"))
    await answer_all(kees, content, profile(content))
    clock.now += timedelta(hours=9)
    assert await send_coach_notes(bot.application) == 0
    await carla.send("/coachees")
    await carla.tap(en(content, "cv_btn_notes_on"))  # on again: what happened while off is not sent later
    assert carla.toasts()[-1] == say(content, "cv_notes_switched_on")
    clock.now += timedelta(days=1)
    assert await send_coach_notes(bot.application) == 0
    # on: a plan is noted, but Kees stops sharing before the note goes
    await plan_one(kees, content)
    await kees.send("/mycoach")
    await kees.tap(en(content, "btn_stop_sharing"))
    clock.now += timedelta(days=1)
    assert await send_coach_notes(bot.application) == 0
    assert notes_to(carla) == []
    assert rows(bot.db_path, "select kind, status from coach_happenings order by id") == [
        ("completed", "off"), ("plan", "dropped")]


async def test_a_note_that_cannot_be_sent_is_isolated(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    dave = await new_coach(bot, content, 7704, "Dave")
    await coachee_assessed(bot, content, carla)
    await coachee_assessed(bot, content, dave, 7705, "Eva")
    bot.api.blocked.add(carla.id)
    clock.now += timedelta(hours=9)
    assert await send_coach_notes(bot.application) == 1  # Dave's goes; Carla's fails alone
    assert len(notes_to(dave)) == 1
    assert rows(bot.db_path, "select status from coach_happenings order by id") == [("failed",), ("sent",)]


# --- a person's rights ---------------------------------------------------------------------------------
async def test_delete_and_export_cover_labels_last_looks_and_notes(bot, content, clock):
    carla = await new_coach(bot, content, CARLA, "Carla")
    kees = await coachee_assessed(bot, content, carla)
    await carla.send("/coachees")
    await carla.tap("Kees")
    await carla.tap(en(content, "cv_btn_label"))
    await carla.send("Team Noord")
    clock.now += timedelta(hours=9)
    await send_coach_notes(bot.application)

    async def exported(user) -> dict:
        await user.send("/export")
        return json.loads(next(iter(bot.api.calls_to("sendDocument")[-1].params["files"].values())))

    mine = await exported(kees)
    assert [n["kind"] for n in mine["coach_notes_about_me"]] == ["completed"]
    assert mine["coach_relations"][0]["label"] == "Team Noord"
    coach = await exported(carla)
    assert len(coach["coach_notes_received"]) == 1 and coach["coachees"][0]["looked_at"]
    assert coach["as_coach"][0]["notes_day"] == "2026-11-30"
    await kees.send("/delete")
    await kees.tap(en(content, "btn_delete_everything"))
    assert rows_mentioning(bot.db_path, KEES) == {}
    assert rows(bot.db_path, "select count(*) from coach_happenings") == [(0,)]
    await carla.send("/coachees")
    assert carla.last().text == say(content, "no_coachees")
