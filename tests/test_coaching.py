"""Admin, coach and coachee through the real Application: invites, consent, prompts, revocation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.config import Settings
from bot.flows.coaching.composer import title
from bot.flows.scoring import heaviest
from bot.schedule import PROMPT_JOB, send_due_prompts
from tests.conftest import (
    ADMIN,
    COACH,
    COACHEE,
    TOKEN,
    answer_all,
    link_payload,
    make_coach,
    make_coachee,
    pick_prompt,
    reply_to_prompt,
    rows,
    say,
)

STRANGER = 9004














async def test_the_whole_journey_of_admin_coach_and_coachee(bot, content, clock):
    coach = await make_coach(bot, content)
    coachee = await make_coachee(bot, content, coach)
    assert any("Kees now shares with you" in m.text for m in coach.messages())
    # the coachee goes on into the assessment and completes it
    await coachee.tap(content.text("btn_next", "en"))
    await coachee.tap("🇬🇧 English")
    await coachee.tap(content.text("btn_agree", "en"))
    await answer_all(coachee, content, lambda i: 2)
    # the coach sees the status and the result
    await coach.send("/coachees")
    assert f"Kees: {content.archetypes['vakspecialist'].name['en']} (30 November)" in coach.last().text
    await coach.tap("Kees")
    seen = "\n".join(m.text for m in coach.messages()[-6:])
    assert content.archetypes["vakspecialist"].name["en"] in seen
    assert any(m.kind == "photo" for m in coach.messages()[-6:])
    # a prompt now, from the library, suggested from the coachee's gaps
    await coach.send("/prompt")
    await coach.tap("Kees")
    library = coach.last().text
    first_gap = content.by_id(heaviest(content)[0])  # all 2s is flat: the heaviest-weighted comes first
    assert first_gap.name["en"] in library
    assert f"1. {title(content.coaching[first_gap.id].prompts[0]['en'])}" in coach.last().labels()
    await pick_prompt(coach, 1)
    # the chosen prompt is shown whole before it goes, with whom it goes to
    assert content.coaching[first_gap.id].prompts[0]["en"] in coach.last().text and "Kees" in coach.last().text
    await coach.tap(content.text("btn_send_now", "en"))  # sent at once, not at the next job run
    assert rows(bot.db_path, "select status from prompt_deliveries") == [("sent",)]
    assert content.coaching[first_gap.id].prompts[0]["en"] in coachee.last().text
    # and a weekly one
    await coach.send("/prompt")
    await coach.tap("Kees")
    await coach.tap(content.text("btn_own_text", "en"))
    await coach.send("What did you delegate this week?")
    await coach.tap(content.text("btn_send_weekly", "en"))
    await coach.tap("Friday")
    await coach.tap("16:00")
    assert "every Friday at 16:00" in coach.last().text
    # the coachee replies to the first prompt; the coach gets it
    await reply_to_prompt(coachee, content, "I asked two unit heads about their decisions.")
    assert coachee.last().text == say(content, "reply_sent", coach="Carla")
    assert "I asked two unit heads" in coach.last().text
    # the weekly prompt fires on Friday
    clock.now = datetime(2026, 12, 4, 15, 0, 5, tzinfo=timezone.utc)
    assert await send_due_prompts(bot.application) == 1
    assert "What did you delegate this week?" in coachee.last().text
    assert await send_due_prompts(bot.application) == 0
    # the coachee revokes; the coach sees nothing more
    await coachee.send("/mycoach")
    await coachee.tap(content.text("btn_stop_sharing", "en"))
    await coach.send("/coachees")
    assert coach.last().text == say(content, "no_coachees")
    await coachee.send("one more reply after revoking")
    assert "one more reply" not in coach.last().text
    clock.now += timedelta(days=7)
    assert await send_due_prompts(bot.application) == 0


async def test_the_coach_invite_is_single_use_and_only_admins_make_one(bot, content):
    stranger = bot.user(STRANGER)
    await stranger.send("/invitecoach")
    assert stranger.last().text == say(content, "unknown_command")
    await make_coach(bot, content)
    payload = link_payload(bot.api.chat(ADMIN)[-1].text)
    await stranger.send(f"/start {payload}")
    assert stranger.messages()[-2].text == say(content, "link_invalid")
    assert rows(bot.db_path, "select user_id from coaches") == [(COACH,)]


async def test_guessed_and_malformed_links_give_nothing(bot, content):
    coach = await make_coach(bot, content)
    stranger = bot.user(STRANGER)
    for payload in ["k" + "A" * 22, "kAAAA", "c" + "B" * 22, "x" * 64, "k../../etc", "🙂"]:
        await stranger.send(f"/start {payload}")
        assert say(content, "link_invalid") in [m.text for m in stranger.messages()[-3:]]
    assert rows(bot.db_path, "select count(*) from coach_relations") == [(0,)]
    await coach.send("/coachees")
    assert coach.last().text == say(content, "no_coachees")


async def test_nothing_is_shared_before_consent_or_after_a_renewed_link(bot, content):
    coach = await make_coach(bot, content)
    await coach.send("/invite")
    old = link_payload(coach.last().text)
    coachee = bot.user(COACHEE, first_name="Kees")
    await coachee.send(f"/start {old}")
    await coach.send("/coachees")
    assert coach.last().text == say(content, "no_coachees")  # offered, not accepted
    await coachee.tap(content.text("btn_dont_share", "en"))
    await coach.tap(content.text("btn_new_link", "en"))
    other = bot.user(STRANGER)
    await other.send(f"/start {old}")
    assert say(content, "link_invalid") in [m.text for m in other.messages()]


async def test_a_coach_never_sees_another_coachs_or_a_revoked_coachee(bot, content):
    coach = await make_coach(bot, content)
    coachee = await make_coachee(bot, content, coach)
    relation_id = rows(bot.db_path, "select id from coach_relations")[0][0]
    # a second coach forges the first coach's relation id
    admin = bot.user(ADMIN)
    await admin.send("/invitecoach")
    rival = bot.user(STRANGER, first_name="Rita")
    await rival.send(f"/start {link_payload(admin.last().text)}")
    for data in (f"1:C:{relation_id}::", f"1:T:{relation_id}::", "1:C:999999::", f"1:X:{relation_id}::"):
        await rival.press(data)
    assert all("Kees" not in m.text for m in rival.messages())
    assert rival.toasts()[-4:] == [say(content, "stale_button")] * 4
    # after revocation the own coach cannot open the coachee either, also with an old button
    await coach.send("/coachees")
    button = coach.last()
    await coachee.send("/mycoach")
    await coachee.tap(content.text("btn_stop_sharing", "en"))
    await coach.tap("Kees", message=button)
    assert coach.toasts()[-1] == say(content, "stale_button")


def varied(index: int) -> int:
    """Answers with a profile that is not flat: the first competency lowest."""
    return 1 if index == 15 else 4


async def test_the_group_view_is_withheld_below_five_completed_coachees(bot, content):
    coach = await make_coach(bot, content)
    coachees = [await make_coachee(bot, content, coach, 9100 + n, f"K{n}") for n in range(5)]
    for index, coachee in enumerate(coachees[:4]):
        await coachee.tap(content.text("btn_next", "en"))
        await coachee.tap("🇬🇧 English")
        await coachee.tap(content.text("btn_agree", "en"))
        await answer_all(coachee, content, varied)
    await coach.send("/coachees")  # the group view is offered only when it can show something
    assert content.text("btn_group_view", "en") not in coach.last().labels()
    last = coachees[4]
    await last.tap(content.text("btn_next", "en"))
    await last.tap("🇬🇧 English")
    await last.tap(content.text("btn_agree", "en"))
    await answer_all(last, content, varied)
    await coach.send("/coachees")
    await coach.tap(content.text("btn_group_view", "en"))
    assert "5 completed coachees" in coach.last().text
    assert f"{content.competencies[0].name['en']}: 5×" in coach.last().text


async def test_a_blocked_coachee_is_marked_unreachable_and_the_coach_told(bot, content):
    coach = await make_coach(bot, content)
    coachee = await make_coachee(bot, content, coach)
    bot.api.blocked.add(coachee.id)
    await coach.send("/prompt")
    await coach.tap(content.text("btn_all_coachees", "en"))
    await coach.tap(content.text("btn_own_text", "en"))
    await coach.send("How are you?")
    await coach.tap(content.text("btn_send_now", "en"))
    await send_due_prompts(bot.application)
    assert coach.last().text == say(content, "coachee_unreachable", name="Kees")
    assert rows(bot.db_path, "select status from prompt_deliveries") == [("unreachable",)]
    assert rows(bot.db_path, "select status from coach_relations") == [("unreachable",)]
    assert await send_due_prompts(bot.application) == 0  # never retried


async def test_schedules_survive_a_restart_and_can_be_cancelled(make_harness, db_path, content, clock):
    settings = Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({ADMIN}))
    first = make_harness(settings, clock=clock)
    async with first.application:
        coach = await make_coach(first, content)
        await make_coachee(first, content, coach)
        for day in ("Monday", "Tuesday"):
            await coach.send("/prompt")
            await coach.tap(content.text("btn_all_coachees", "en"))
            await coach.tap(content.text("btn_own_text", "en"))
            await coach.send(f"Prompt for {day}")
            await coach.tap(content.text("btn_send_weekly", "en"))
            await coach.tap(day)
            await coach.tap("09:00")
    clock.now = datetime(2026, 12, 8, 12, 0, tzinfo=timezone.utc)  # both fell due while down
    second = make_harness(settings, clock=clock)
    async with second.application:
        assert PROMPT_JOB in [job.name for job in second.application.job_queue.jobs()]
        coach = second.user(COACH, first_name="Carla")
        await coach.send("/schedules")
        assert "every Monday at 09:00" in coach.last().text
        tuesday = next(line for line in coach.last().text.splitlines() if "Tuesday" in line)
        await coach.tap(tuesday.split('.')[0])
        await coach.tap(content.text("btn_schedule_cancel", "en"))
        assert "Tuesday" not in coach.last().text
        assert await send_due_prompts(second.application) == 1  # Monday's, once; Tuesday's cancelled
        assert await send_due_prompts(second.application) == 0
    assert first.errors == [] and second.errors == []


async def test_a_prompt_to_80_coachees_is_paced_within_telegrams_limits(make_harness, db_path, content, clock):
    from bot.ratelimit import WindowRateLimiter
    from storage import CoachStore, UserStore, open_database

    settings = Settings(token=TOKEN, db_path=db_path, admin_ids=frozenset({ADMIN}))
    harness = make_harness(settings, clock=clock, rate_limiter=WindowRateLimiter())
    async with harness.application:
        coach = await make_coach(harness, content)
        db = open_database(db_path)
        sessions, coaches = UserStore(db), CoachStore(db)
        coachee_ids = range(20_000, 20_080)
        for coachee_id in coachee_ids:  # 80 consenting coachees (over two seconds of Telegram's 30 a second)
            sessions.ensure_user(coachee_id, "nl" if coachee_id % 2 else "en", "2026-11-30T08:00:00+00:00")
            coaches.connect(COACH, coachee_id, f"K{coachee_id}", "2026-11-30T08:00:00+00:00")
        harness.api.floods[20_007] = 1  # one coachee's chat answers 429 once
        await coach.send("/prompt")
        await coach.tap(content.text("btn_all_coachees", "en"))
        await coach.tap(content.text("btn_other_competency", "en"))
        await coach.tap(content.competencies[3].name["en"])
        await pick_prompt(coach, 1)
        started = len(harness.api.calls)
        await coach.tap(content.text("btn_send_now", "en"))
    sends = [c for c in harness.api.calls[started:] if c.method == "sendMessage" and int(c.params["chat_id"]) >= 20_000]
    delivered = [c for c in sends if c.params.get("text")]
    assert sorted({int(c.params["chat_id"]) for c in delivered}) == list(coachee_ids)  # none lost, 429 included
    assert rows(db_path, "select status, count(*) from prompt_deliveries group by status") == [("sent", 80)]
    times = sorted(c.at for c in harness.api.calls if c.method in ("sendMessage", "editMessageText", "sendPhoto"))
    window = max(sum(1 for t in times[i:] if t - start < 1.0) for i, start in enumerate(times))
    assert window <= 30, f"{window} sends within one second"
    per_chat: dict[int, list[float]] = {}
    for call in sends:
        per_chat.setdefault(int(call.params["chat_id"]), []).append(call.at)
    assert all(b - a >= 1.0 for stamps in per_chat.values() for a, b in zip(stamps, stamps[1:]))
    dutch = next(c for c in delivered if int(c.params["chat_id"]) == 20_001)
    english = next(c for c in delivered if int(c.params["chat_id"]) == 20_000)
    assert "Reflectievraag" in dutch.params["text"] and "Reflection prompt" in english.params["text"]


async def test_a_reply_over_the_limit_is_refused_not_cut(bot, content):
    coach = await make_coach(bot, content)
    coachee = await make_coachee(bot, content, coach)
    await coach.send("/prompt")
    await coach.tap("Kees")
    await coach.tap(content.text("btn_own_text", "en"))
    await coach.send("How did the week go?")
    await coach.tap(content.text("btn_send_now", "en"))
    limit = content.limits.reply_chars
    await coachee.tap(content.text("btn_reply_to", "en", name="Carla"))
    await coachee.send("y" * (limit + 1))
    assert coachee.last().text == say(content, "reply_too_long", limit=limit, length=limit + 1)
    assert rows(bot.db_path, "select count(*) from prompt_replies") == [(0,)]
    await coachee.send("Shorter: it went well.")
    await coachee.tap(content.text("btn_send_to", "en", name="Carla"))
    assert rows(bot.db_path, "select text from prompt_replies") == [("Shorter: it went well.",)]
    assert "Shorter: it went well." in coach.last().text


def test_long_coachee_lists_come_a_page_at_a_time(content):
    """A keyboard stays within Telegram's limits however many people a coach has."""
    from datetime import datetime, timezone

    from bot.flows.coaching.desk import PAGE, Desk, show_coachees
    from storage import DeskRow, Relation

    people = [DeskRow(Relation(n, 1, 1000 + n, f"K{n:02}", "active", "2026-12-01"), None, None, "2026-12-01", None,
                      None, None, None) for n in range(45)]
    names = {n: f"K{n:02}" for n in range(45)}
    desk = Desk(content, datetime(2026, 12, 2, tzinfo=timezone.utc), "Europe/Amsterdam", 5)
    seen, page, pages = [], 0, []
    for _ in range(3):
        screen = show_coachees(desk, people, names, page, True).screens[0]
        refs = [c.ref for c in screen.choices if c.event == "coach_view"]
        assert 0 < len(refs) <= PAGE and len(screen.choices) <= PAGE + 3
        seen += refs
        pages.append(sorted(c.arg for c in screen.choices if c.event == "coachees_page"))
        page += 1
    assert sorted(seen) == list(range(45))  # every coachee reachable
    assert pages == [[1], [0, 2], [1]]  # Next on the first, both in the middle, Previous on the last
