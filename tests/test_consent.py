"""Private stays private, through the real Application: free text goes only where its writer
sent it, consent is checked at every hop, roles and menus change at once, /delete leaves no
trace and /export holds everything."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

from bot.flows.feedback import rater_questions
from bot.schedule import send_due_checkins, send_due_prompts
from storage import DeliveryPrompt
from tests.conftest import (
    ADMIN,
    FEEDBACK_LINK,
    answer_all,
    begin_rating,
    bytes_holding,
    coaches_of_each_other,
    link_payload,
    make_plan,
    mentions,
    new_coach,
    onboard,
    prompt_now,
    prompts_in,
    reply_to_prompt,
    rows,
    say,
    share_with,
)


async def test_a_note_stays_private_while_three_prompts_arrive(bot, content, clock):
    carla = await new_coach(bot, content, 9102, "Carla")
    kees = await share_with(bot, content, carla, 9103, "Kees")
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 3)
    await make_plan(kees, content, picks=1)
    clock.now += timedelta(days=3)
    await send_due_checkins(bot.application)
    await kees.tap(content.text("btn_answer_notyet", "en"))  # the answer opens the note field: Kees starts typing …
    for number in range(1, 4):  # … while three prompts arrive
        await prompt_now(carla, content, "Kees", f"Prompt number {number}?")
    assert len(prompts_in(kees, content)) == 3
    await kees.send("I am considering quitting")
    assert kees.last().text == say(content, "checkin_thanks_private")
    assert rows(bot.db_path, "select note, shared_with from checkins") == [("I am considering quitting", None)]
    assert rows(bot.db_path, "select count(*) from prompt_replies") == [(0,)]
    assert not any("quitting" in m.text for m in carla.messages())
    # each prompt can still be answered, explicitly: by its button, or by Telegram's reply
    first, second, third = prompts_in(kees, content)
    await kees.tap(content.text("btn_reply_to", "en", name="Carla"), message=first)
    await kees.send("Answer one")
    await kees.tap(content.text("btn_send_to", "en", name="Carla"))
    await kees.send("Answer two", reply_to_message=bot.api._message_json(second))
    assert kees.last().text == say(content, "reply_confirm", coach="Carla", text="Answer two")
    await kees.tap(content.text("btn_send_to", "en", name="Carla"))
    await kees.send("Answer three", reply_to_message=bot.api._message_json(third))
    await kees.tap(content.text("btn_cancel", "en"))  # changed their mind: nothing goes
    replies = rows(bot.db_path, "select d.id, p.text from prompt_replies p join prompt_deliveries d "
                                "on d.id = p.delivery_id order by p.id")
    delivered = [r[0] for r in rows(bot.db_path, "select id from prompt_deliveries order by id")]
    assert replies == [(delivered[0], "Answer one"), (delivered[1], "Answer two")]
    assert [m.text.splitlines()[-1] for m in carla.messages() if m.text.startswith("💬")] == ["Answer one",
                                                                                            "Answer two"]
    # sharing a note is the writer's own choice, after seeing to whom
    await kees.send("/plan")  # (anything in between)
    confirm = await kees.tap(content.text("btn_share_note", "en", coach="Carla"))
    assert confirm.text == say(content, "share_note_confirm", coach="Carla", note="I am considering quitting")
    await kees.tap(content.text("btn_send_to", "en", name="Carla"), message=confirm)
    assert "I am considering quitting" in carla.last().text
    assert rows(bot.db_path, "select shared_with from checkins") == [(carla.id,)]


async def test_a_coachs_own_text_never_goes_to_their_own_coach(bot, content):
    carla = await new_coach(bot, content, 9112, "Carla")
    bea = await new_coach(bot, content, 9113, "Bea")  # Bea coaches, and is Carla's coachee
    await share_with(bot, content, carla, bea.id, "Bea")
    kim = await share_with(bot, content, bea, 9114, "Kim")
    await bea.send("/prompt")
    await bea.tap("Kim")
    await bea.tap(content.text("btn_own_text", "en"))  # Bea starts typing her own prompt …
    await prompt_now(carla, content, "Bea", "How is delegating going?")  # … when Carla's prompt arrives
    await bea.send("What did you learn this week?")
    assert bea.last().text.startswith("To Kim:\n✍️ «What did you learn this week?»")  # the text and its receiver
    await bea.tap(content.text("btn_send_now", "en"))
    assert "What did you learn this week?" in kim.last().text
    assert rows(bot.db_path, "select count(*) from prompt_replies") == [(0,)]
    assert not any("What did you learn" in m.text for m in carla.messages())


async def test_consent_is_checked_when_a_prompt_is_claimed_sent_and_answered(bot, content, clock):
    carla = await new_coach(bot, content, 9122, "Carla")
    dirk = await new_coach(bot, content, 9123, "Dirk")
    kees = await share_with(bot, content, carla, 9124, "Kees")
    stores = bot.application.bot_data["core"].stores
    # a prompt already claimed when the coachee stops sharing is cancelled, not sent
    stores.coaching.create_schedule({
        "coach_id": carla.id, "coachee_id": kees.id, "competency": None, "prompt_index": None,
        "own_text": "Claimed, then revoked?", "kind": "once", "weekday": None, "time": None,
        "next_due_at": "2026-11-30T07:00:00+00:00", "active": 1, "created_at": "2026-11-30T07:00:00+00:00"})
    stores.coaching.claim_schedule(1, "2026-11-30T08:00:00+00:00", lambda schedule: None,
                                   lambda schedule, coachee, language: DeliveryPrompt(text=schedule.own_text))
    await kees.send("/mycoach")
    await kees.tap(content.text("btn_stop_sharing", "en"))
    assert await send_due_prompts(bot.application) == 0
    assert rows(bot.db_path, "select status from prompt_deliveries") == [("cancelled",)]
    assert not any("Claimed, then revoked" in m.text for m in kees.messages())
    # a reply to the old coach's prompt after moving to a new coach goes to nobody
    await share_with(bot, content, carla, kees.id, "Kees")
    await prompt_now(carla, content, "Kees", "Old coach asks?")
    await kees.tap(content.text("btn_reply_to", "en", name="Carla"))
    await share_with(bot, content, dirk, kees.id, "Kees")  # moves to Dirk
    assert carla.last().text == say(content, "coach_lost_coachee", name="Kees")  # the previous coach is told
    await kees.send("for Carla only")
    assert kees.last().text == say(content, "reply_not_shared", coach="Carla")
    assert rows(bot.db_path, "select count(*) from prompt_replies") == [(0,)]
    assert not any("for Carla only" in m.text for m in dirk.messages() + carla.messages())


async def test_a_renewed_link_voids_an_offer_opened_from_the_old_one(bot, content):
    carla = await new_coach(bot, content, 9132, "Carla")
    await carla.send("/invite")
    old_link = link_payload(carla.last().text)
    kees = bot.user(9133, first_name="Kees")
    await kees.send(f"/start {old_link}")  # the offer is open …
    await carla.send("/invite")
    await carla.tap(content.text("btn_new_link", "en"))  # … and the link is renewed
    await kees.tap(content.text("btn_share", "en"))
    assert kees.messages()[-1].text == say(content, "offer_expired") or any(
        m.text == say(content, "offer_expired") for m in kees.messages())
    assert rows(bot.db_path, "select count(*) from coach_relations") == [(0,)]


async def test_roles_links_and_menus_change_at_once(bot, content):
    admin = bot.user(ADMIN, first_name="Ada")
    carla = await new_coach(bot, content, 9142, "Carla")
    assert "invite" in bot.api.menu_of(carla.id)  # the coach commands, without a restart
    await carla.send("/invite")
    real_link = link_payload(carla.last().text)
    await admin.send("/invitecoach")
    second_invite = link_payload(admin.last().text)
    await carla.send(f"/start {second_invite}")  # an existing coach opens another invite
    assert carla.last().text == say(content, "already_coach", link=f"https://t.me/regiecoach_test_bot?start={real_link}")
    assert rows(bot.db_path, "select used_by from coach_invites where code = ?", second_invite[1:]) == [(None,)]
    kees = await share_with(bot, content, carla, 9143, "Kees")
    assert any(say(content, "coach_new_coachee", name="Kees") == m.text for m in carla.messages())
    # an admin removes the coach: role, coachees and menu go at once, everybody is told
    await admin.send("/coaches")
    assert "Carla: <5 coachees" in admin.last().text  # a count of one is not shown (steps of the threshold)
    await admin.tap("✖ Carla")
    await admin.tap(content.text("btn_remove_coach", "en"))
    assert bot.api.menu_of(carla.id) is None
    assert carla.last().text == say(content, "coach_role_ended")
    assert kees.last().text == say(content, "coach_gone", coach="Carla")
    await carla.send("/coachees")
    assert carla.last().text == say(content, "unknown_command")


NAME = "Zoë Uniekenaam"


async def test_delete_leaves_no_trace_of_the_person_anywhere(bot, content, clock):
    """Two people linked in every way the bot knows; one of them is erased."""
    zoe_id = 777_000_123
    carla, zoe, carla_as_coachee = await coaches_of_each_other(bot, content, clock, 9152, zoe_id, NAME)
    await zoe.send("my private note")
    await zoe.tap(content.text("btn_share_note", "en", coach="Carla"))
    await zoe.tap(content.text("btn_send_to", "en", name="Carla"))
    await prompt_now(carla, content, NAME, "Carla asks Zoë?")
    await reply_to_prompt(zoe, content, "Zoë answers Carla", coach="Carla")
    await prompt_now(zoe, content, "Carla", "Zoë asks Carla?")
    await reply_to_prompt(carla_as_coachee, content, "Carla answers Zoë", coach=NAME)
    await prompt_now(zoe, content, "Carla", "A second question?")
    await carla_as_coachee.tap(content.text("btn_reply_to", "en", name=NAME))  # Carla starts a reply to Zoë
    await carla.send("/prompt")
    await carla.tap(NAME)  # Carla's composer names Zoë
    # Carla's raw updates pass through the inbox: a Telegram reply to Zoë's prompt and a tap on
    # it carry copies of the bot's message, which names Zoë
    from bot.runner import DurableRunner

    runner = DurableRunner(bot.application)
    prompt = prompts_in(carla_as_coachee, content)[-1]
    runner.receive_updates([carla.message_update("Replying by Telegram", reply_to_message=bot.api._message_json(prompt)),
                            carla.callback_update(prompt.buttons()[0]["callback_data"], prompt)])
    await runner.drain()
    # feedback both ways: Zoë rates Carla to the end, Carla starts rating Zoë
    await onboard(carla, content)
    await answer_all(carla, content, lambda i: 3)
    await carla.send("/feedback")
    await begin_rating(zoe, content, FEEDBACK_LINK.search(carla.last().text).group(1), "peer")
    for _ in rater_questions(content):
        await zoe.tap("4")
    await zoe.send("/feedback")
    await begin_rating(carla, content, FEEDBACK_LINK.search(zoe.last().text).group(1))
    await zoe.send("/invite")
    stranger = bot.user(9153, first_name="Sam")
    await stranger.send(f"/start {link_payload(zoe.last().text)}")  # an offer of Zoë's, opened, unanswered
    assert mentions(bot.db_path, [str(zoe_id), NAME])
    await zoe.send("/delete")
    await zoe.tap(content.text("btn_delete_everything", "en"))
    assert zoe.last().text == say(content, "deleted")
    assert mentions(bot.db_path, [str(zoe_id), NAME]) == {}
    # and not in the bytes either: not in the database file (freed pages included), not in the -wal
    traces = [NAME.encode(), str(zoe_id).encode(), zoe_id.to_bytes(4, "big"), b"my private note",
              "Zoë answers Carla".encode(), "Zoë asks Carla?".encode()]
    assert bytes_holding(bot.db_path, traces) == {}
    assert carla_as_coachee.last().text == say(content, "coach_gone", coach=NAME)
    assert bot.api.menu_of(zoe_id) is None
    # Carla keeps what is hers
    assert rows(bot.db_path, "select count(*) from coaches where user_id = ?", carla.id) == [(1,)]
    assert rows(bot.db_path, "select text from prompt_replies") == []  # both replies were to or from Zoë


# Where each table's rows about a person appear in their export (as coachee / as coach).
EXPORTED_AS = {
    "users": ("profile",), "assessments": ("assessments",), "results": ("results",), "plans": ("plan",),
    "checkins": ("checkins",), "coaches": ("as_coach",), "coach_offers": ("coach_offers",),
    "coach_relations": ("coach_relations", "coachees"), "prompt_schedules": ("prompts_sent", "prompts_scheduled_for_me"),
    "prompt_deliveries": ("prompts_received", "prompt_deliveries_sent"),
    "prompt_replies": ("reflection_replies", "replies_received"), "coach_invites": ("coach_invites",),
    "inbox": ("raw_updates",), "plan_actions": ("plan_actions",), "tips_seen": ("tips_seen",),
    "plan_reviews": ("plan_reviews",), "assessment_reminders": ("assessment_reminders",),
    "feedback_requests": ("feedback_requests",), "feedback_raters": ("feedback_given",),
    "feedback_summary_raters": ("feedback_summaries_i_am_in",),
    "thread_messages": ("messages_with_coachees", "messages_with_my_coach"), "thread_links": (),  # exported for one's own chat only
    "coach_happenings": ("coach_notes_received", "coach_notes_about_me"),
}


async def test_export_holds_every_table_with_the_persons_data(bot, content, clock):
    from bot.runner import DurableRunner
    from storage import USER_COLUMNS

    carla, zoe, carla_as_coachee = await coaches_of_each_other(bot, content, clock, 9162, 9163, "Zoe")
    await prompt_now(carla, content, "Zoe", "Question?")
    await reply_to_prompt(zoe, content, "Reply", coach="Carla")
    await prompt_now(zoe, content, "Carla", "Back to you?")
    await reply_to_prompt(carla_as_coachee, content, "Fine", coach="Zoe")
    runner = DurableRunner(bot.application)  # the /export itself comes through the inbox
    runner.receive_updates([zoe.message_update("/export")])
    await runner.drain()
    exported = json.loads(next(iter(bot.api.calls_to("sendDocument")[-1].params["files"].values())))
    assert set(EXPORTED_AS) == {t for t, c in USER_COLUMNS.items() if c}  # every table with a person's id is mapped
    with sqlite3.connect(bot.db_path) as conn:
        for table, columns in USER_COLUMNS.items():
            for column, key in zip(columns, EXPORTED_AS.get(table, ()) * 2):
                count = conn.execute(f"select count(*) from {table} where {column} = ?", [zoe.id]).fetchone()[0]
                if table in ("users", "plans"):
                    assert (exported[key] is not None) == bool(count), table
                elif len(EXPORTED_AS[table]) == 1:
                    held = conn.execute(f"select count(*) from {table} where " + " or ".join(
                        f"{c} = ?" for c in columns), [zoe.id] * len(columns)).fetchone()[0]
                    assert len(exported[key]) == held, (table, key)
                else:
                    assert len(exported[key]) == count, (table, column, key)
    assert exported["raw_updates"][0]["payload"]["message"]["text"] == "/export"
    assert exported["as_coach"][0]["invite_code"] and exported["coach_invites"]
