"""Attacks of the December 2026 security review, tried through the real Application as an
outsider, a rater with two accounts, a coachee and an admin would. Each failed before the fix.

1. the 360 link: nobody rates a request without its current link;
2. a confirmation is bound to the receiver it names;
3. erased bytes (database, -wal) and files readable by others: see ``test_consent.py``
   (``bytes_holding``), ``test_files_are_private`` below and ``test_e2e_privacy.py`` (logs);
4. admin figures that name a person: the k − 1 accounts, unanimous figures, live counts;
5. consent texts that say less than happens; a coach's export after consent ended;
6. coachee counts of one, a short webhook secret.
"""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from datetime import datetime, timedelta, timezone

import pytest

from bot import snapshots
from bot.config import ConfigError, load_settings
from bot.flows.feedback import rater_questions
from bot.schedule import send_due_checkins
from storage import open_database
from tests.conftest import (
    ADMIN,
    FEEDBACK_LINK,
    World,
    answer_all,
    link_payload,
    make_plan,
    manager_with_link,
    new_coach,
    onboard,
    rate,
    rows,
    say,
    share_with,
)

QUESTION = re.compile(r"^\d+/\d+ ")  # a rating question's progress line
# every button that names a request or a rater's session by number
REQUEST_BUTTONS = ("fa", "fd", "fg", "xv")
SESSION_BUTTONS = ("fr", "fq", "fs", "fk", "fu")






def forged(numbers: range) -> list[str]:
    """Callback data an outsider can make up: every request and session number, each answer."""
    data = [f"1:{code}:{n}::" for code in REQUEST_BUTTONS + ("fu",) for n in numbers]
    data += [f"1:fr:{n}::{relation}" for n in numbers for relation in ("peer", "other")]
    data += [f"1:{code}:{n}:{q}:{v}" for code in ("fq",) for n in numbers for q in (0, 1) for v in (1, 5)]
    data += [f"1:{code}:{n}:{q}:" for code in ("fs", "fk") for n in numbers for q in (0, 1)]
    return data


def saw_nothing_of(bot, user, name: str) -> None:
    shown = bot.api.texts_to(user.id) + user.toasts()
    assert not any(name in text for text in shown), shown
    assert not any(QUESTION.match(text) for text in shown), shown
    assert rows(bot.db_path, "select count(*) from feedback_raters where rater_id = ?", user.id) == [(0,)]


# --- 1. the 360 link --------------------------------------------------------------------------

async def test_an_outsider_replaying_every_raters_button_and_counting_never_sees_a_name_or_a_question(bot, content):
    mia, payload = await manager_with_link(bot, content)
    ron = await rate(bot, content, 9321, "Ron", payload, "peer", lambda i: 3)
    await ron.send(f"/start {payload}")  # Ron rated: the link now offers him to do it again
    seen = bot.api.callbacks_seen(ron.id)
    assert any(data.startswith("1:fg:") for data in seen)
    eve = bot.user(9666, first_name="Eve")  # never had the link; forges data on a message of her own chat
    await eve.send("/help")
    for data in seen + forged(range(0, 12)):
        await eve.press(data, eve.last())
    saw_nothing_of(bot, eve, "Mia")
    assert set(eve.toasts()) <= {say(content, "stale_button"), ""}


async def test_a_second_account_of_a_rater_gets_nothing_from_the_first_accounts_buttons(bot, content):
    mia, payload = await manager_with_link(bot, content)
    ron = bot.user(9321, first_name="Ron")
    await ron.send(f"/start {payload}")
    await ron.tap(content.text("btn_feedback_agree", "en"))
    await ron.tap(content.text("relation_peer", "en"))
    await ron.tap("4")
    ron_again = bot.user(9322, first_name="Ron")  # the same person, another Telegram account
    await ron_again.send("/help")
    for data in bot.api.callbacks_seen(ron.id):
        await ron_again.press(data, ron_again.last())
    saw_nothing_of(bot, ron_again, "Mia")
    assert rows(bot.db_path, "select count(*) from feedback_answers") == [(1,)]  # Ron's one answer, unchanged


async def test_rate_again_needs_a_round_through_the_current_link_and_renewal_voids_old_buttons(bot, content):
    mia, payload = await manager_with_link(bot, content)
    ron = await rate(bot, content, 9321, "Ron", payload, "peer", lambda i: 3)
    await ron.send(f"/start {payload}")
    again = ron.last()
    assert again.text == say(content, "feedback_rated_before", name="Mia", date="2026-11-30")
    await mia.send("/feedback")
    await mia.tap(content.text("btn_feedback_renew", "en"))
    before = len(bot.api.texts_to(ron.id))
    await ron.tap(content.text("btn_feedback_again", "en"), message=again)  # the old link's button
    assert bot.api.texts_to(ron.id)[before:] == [] and ron.toasts()[-1] == say(content, "stale_button")
    assert rows(bot.db_path, "select count(*) from feedback_raters where rater_id = ? and status = 'offered'",
                ron.id) == [(0,)]
    # with the current link, Ron may rate again; that round replaces the first
    new_payload = FEEDBACK_LINK.search(mia.last().text).group(1)
    await ron.send(f"/start {new_payload}")
    assert ron.last().text == say(content, "feedback_offer", name="Mia")
    await ron.tap(content.text("btn_feedback_agree", "en"))
    await ron.tap(content.text("relation_peer", "en"))
    for _ in rater_questions(content):
        await ron.tap("5")
    assert rows(bot.db_path, "select status from feedback_raters where rater_id = ? order by id", ron.id) == [
        ("replaced",), ("completed",)]


# --- 2. bound confirmations ------------------------------------------------------------------

async def test_a_note_confirmed_to_carla_never_reaches_dave(bot, content, clock):
    carla = await new_coach(bot, content, 9102, "Carla")
    dave = await new_coach(bot, content, 9104, "Dave")
    kees = await share_with(bot, content, carla, 9103, "Kees")
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 3)
    await make_plan(kees, content, picks=1)
    clock.now += timedelta(days=3)
    await send_due_checkins(bot.application)
    await kees.tap(content.text("btn_answer_notyet", "en"))
    await kees.send("I dared not contradict the CFO")
    confirm = await kees.tap(content.text("btn_share_note", "en", coach="Carla"))
    await share_with(bot, content, dave, kees.id, "Kees")  # meanwhile Kees moves to Dave
    await kees.tap(content.text("btn_send_to", "en", name="Carla"), message=confirm)
    assert kees.toasts()[-1] == say(content, "receiver_changed")
    assert confirm.text == say(content, "share_note_confirm", coach="Dave", note="I dared not contradict the CFO")
    assert not any("CFO" in text for user in (carla, dave) for text in bot.api.texts_to(user.id))
    assert rows(bot.db_path, "select shared_with from checkins") == [(None,)]
    await kees.tap(content.text("btn_send_to", "en", name="Dave"), message=confirm)  # asked again: now it goes
    assert "CFO" in dave.last().text and rows(bot.db_path, "select shared_with from checkins") == [(dave.id,)]


async def test_agreeing_to_share_is_bound_to_the_coach_the_offer_named(bot, content):
    carla = await new_coach(bot, content, 9102, "Carla")
    dave = await new_coach(bot, content, 9104, "Dave")
    await carla.send("/invite")
    await dave.send("/invite")
    kees = bot.user(9103, first_name="Kees")
    await kees.send(f"/start {link_payload(carla.last().text)}")
    carla_offer = kees.last()
    await kees.send(f"/start {link_payload(dave.last().text)}")  # a second link, opened later
    await kees.tap(content.text("btn_share", "en"), message=carla_offer)  # "yes" to Carla's offer
    assert kees.toasts()[-1] == say(content, "receiver_changed")
    assert rows(bot.db_path, "select count(*) from coach_relations") == [(0,)]
    assert kees.last().text == say(content, "coach_offer", coach="Dave")  # the offer that stands, named
    await kees.tap(content.text("btn_share", "en"))
    assert rows(bot.db_path, "select coach_id from coach_relations where status = 'active'") == [(dave.id,)]


async def test_a_prompt_to_all_coachees_is_bound_to_the_coachees_it_named(bot, content):
    carla = await new_coach(bot, content, 9102, "Carla")
    await share_with(bot, content, carla, 9103, "Kees")
    await carla.send("/prompt")
    await carla.tap(content.text("btn_all_coachees", "en"))
    await carla.tap(content.text("btn_own_text", "en"))
    await carla.send("What did you learn this week?")
    when = carla.last()
    assert "all your coachees (1: Kees)" in when.text
    emma = await share_with(bot, content, carla, 9105, "Emma")  # joins between the screen and the tap
    await carla.tap(content.text("btn_send_now", "en"), message=when)
    assert carla.toasts()[-1] == say(content, "receiver_changed")
    assert not any("learn this week" in text for text in bot.api.texts_to(emma.id))
    assert rows(bot.db_path, "select count(*) from prompt_schedules") == [(0,)]
    assert "all your coachees (2: Emma, Kees)" in when.text  # the screen again, naming whom it goes to now
    await carla.tap(content.text("btn_send_now", "en"), message=when)
    assert rows(bot.db_path, "select count(*) from prompt_deliveries") == [(2,)]


# --- 4. admin figures -------------------------------------------------------------------------

def csv_of(view_bytes: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(view_bytes.decode("utf-8"))))


async def test_k_minus_one_accounts_right_after_the_target_learn_nothing_from_the_bot(tmp_path, content):
    """Published over 5 people; the target completes, then the admin's 4 own accounts with known
    answers. Nothing the admin sees moves when the target completes; looking again, exporting or
    waiting for the accounts to finish renews nothing; a renewal counts what stood at the start
    of a period, so accounts finished just after it are left out whenever the admin looks."""
    world = World(tmp_path / "stats.db", content)
    for user_id, value in zip(range(1, 6), (2, 3, 4, 5, 1)):
        world.complete(user_id, value, day=1)
    first = world.look(day=2)
    world.complete(666, 2, day=27.3)  # the target, on 1 February
    target_done = [world.look(day=27.31)]
    for account in range(900, 904):  # the admin's own accounts, right after
        world.complete(account, 5, day=27.32)
    views = target_done + [world.look(day=27.35 + n / 100) for n in range(5)] + [world.look(day=54)]
    for view in views:  # nothing told the admin when one person finished: every figure stays
        assert view.figures() == first.figures() and view.published_text() == first.published_text()
        assert not re.search(r"\b[1-4] (more|to go)", view.text)
    assert world.snapshots() == 1
    # on 1 March the snapshot renews as of that moment; who completes later waits for April
    world.complete(905, 4, day=55.5)
    march = world.look(day=56)
    assert world.snapshots() == 2 and march.figure("activity", "people", "count") == ("10", "")
    assert "as of 2026-03-01" in march.text


async def test_a_figure_everyone_answered_alike_is_withheld_as_no_spread(tmp_path, content):
    world = World(tmp_path / "stats.db", content)
    alike = content.competencies[0].id
    for user_id, value in zip(range(1, 6), (2, 3, 4, 5, 1)):
        answers = {q.id: value for q in content.current.questions} | {alike: 2}  # all five rated it 2
        world.complete(user_id, answers, day=1)
    view = world.look(day=2)
    figures = view.figures()
    assert figures[("all", "competency", alike, "mean")] == ("no_spread", "5")
    assert {figures[("all", "competency", alike, f"answer_{v}")][0] for v in range(1, 6)} == {"no_spread"}
    other = content.competencies[1].id
    assert figures[("all", "competency", other, "mean")] == ("3.00", "5")
    name, target = content.by_id(alike).name["en"], content.scoring.targets[alike]
    assert f"{name}: no spread / {target:g} (5 people)" in view.text
    assert "2.00" not in "".join(row[5] for row in view.rows if row[3] == alike)


async def test_an_archetype_that_holds_everyone_is_withheld(tmp_path, content):
    world = World(tmp_path / "stats.db", content)
    for user_id in range(1, 8):
        world.complete(user_id, 1 + user_id % 2, day=1)  # 1s and 2s: all seven Vakspecialist
    view = world.look(day=2)
    archetypes = {row[3]: row[5] for row in view.rows if row[2] == "archetype"}
    assert set(archetypes.values()) == {"no_spread"}
    assert "Specialist: no spread" in view.text


async def test_feedback_counts_are_published_with_the_snapshot_never_live(bot, content, clock):
    mia, payload = await manager_with_link(bot, content)
    for n in range(5):
        await rate(bot, content, 9400 + n, f"R{n}", payload, "peer", lambda i: 3)
    world = World(bot.db_path, content)  # another connection to the bot's database, as an admin's
    db = world.db
    for user_id, value in zip(range(1, 5), (2, 3, 4, 5)):
        world.complete(user_id, value, day=300)  # with Mia: five people completed
    now = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    before = snapshots.admin_screens(db, content, 5, now)
    feedback = next(s for s in before if s.key == "stats_feedback")
    assert feedback.params["requests"] == "<5" and feedback.params["completed"] == 5
    await rate(bot, content, 9410, "R10", payload, "peer", lambda i: 3)  # a sixth rater
    after = snapshots.admin_screens(db, content, 5, now + timedelta(hours=1))
    assert next(s for s in after if s.key == "stats_feedback").params == feedback.params


# --- 5. consent texts, a coach's export ---------------------------------------------------------

@pytest.mark.parametrize("language", ["nl", "en"])
def test_consent_texts_name_the_360_summary(content, language):
    summary = {"nl": "feedback van collega's", "en": "feedback from colleagues"}[language]
    assert summary in content.text("coach_offer", language, coach="Carla")
    assert summary in content.text("mycoach", language, coach="Carla", since="2026-12-01")
    assert "coach" in content.text("feedback_offer", language, name="Mia")


async def test_a_coachs_export_loses_a_coachee_whose_consent_ended(bot, content):
    carla = await new_coach(bot, content, 9102, "Carla")
    kees = await share_with(bot, content, carla, 9103, "Kees")
    await carla.send("/prompt")
    await carla.tap("Kees")
    await carla.tap(content.text("btn_own_text", "en"))
    await carla.send("How did the meeting go?")
    await carla.tap(content.text("btn_send_now", "en"))
    await kees.tap(content.text("btn_reply_to", "en", name="Carla"))
    await kees.send("It went badly, honestly")
    await kees.tap(content.text("btn_send_to", "en", name="Carla"))

    async def exported() -> str:
        await carla.send("/export")
        return next(iter(bot.api.calls_to("sendDocument")[-1].params["files"].values())).decode()

    assert "It went badly" in await exported()
    await kees.send("/mycoach")
    await kees.tap(content.text("btn_stop_sharing", "en"))
    data = json.loads(await exported())
    text = json.dumps(data, ensure_ascii=False)
    assert "It went badly" not in text and str(kees.id) not in text and data["coachees"] == []


# --- 3 and 6: files, counts, secrets ------------------------------------------------------------

async def test_files_are_private(bot, content, tmp_path):
    from bot.health import Health, status_path
    from bot.logs import key_path, use_key_beside

    user = bot.user(9201)
    await onboard(user, content)
    health = Health(status_path(bot.db_path))
    health.write()
    use_key_beside(bot.db_path)
    written = [bot.db_path, bot.db_path.with_name(bot.db_path.name + "-wal"),
               bot.db_path.with_name(bot.db_path.name + "-shm"), status_path(bot.db_path), key_path(bot.db_path)]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    # a database made readable by others before this release is made private again on open
    old = tmp_path / "old.db"
    open_database(old).close()
    old.chmod(0o644)
    open_database(old).close()
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


def test_a_short_webhook_secret_is_refused_with_one_line():
    settings = load_settings({"REGIECOACH_WEBHOOK_URL": "https://example.org/t", "REGIECOACH_WEBHOOK_SECRET": "x"})
    with pytest.raises(ConfigError, match="REGIECOACH_WEBHOOK_SECRET must be 16") as error:
        settings.webhook()
    assert "\n" not in str(error.value)
    ok = load_settings({"REGIECOACH_WEBHOOK_URL": "https://example.org/t", "REGIECOACH_WEBHOOK_SECRET": "a" * 16})
    assert ok.webhook()[1] == "a" * 16


async def test_an_admin_sees_coachee_counts_in_steps_of_the_threshold(bot, content):
    carla = await new_coach(bot, content, 9102, "Carla")
    admin = bot.user(ADMIN)
    counts = []
    for n in range(6):
        await share_with(bot, content, carla, 9500 + n, f"C{n}")
        await admin.send("/coaches")
        counts.append(re.search(r"Carla: (\S+) coachees", admin.last().text).group(1))
    assert counts == ["<5", "<5", "<5", "<5", "5+", "5+"]

