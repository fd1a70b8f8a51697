"""The coach's desk, threads: a reply notification names its prompt and answers in one tap;
answers go both ways (buttons or Telegram's reply); a coachee's stray text is offered to their
coach, never lost and never sent unasked; the thread holds everything in order, paged both
ways. And the attacks: replayed and forged buttons, consent ended or coach changed between a
screen and its tap, /delete."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import (
    answer_all,
    bytes_holding,
    checkins_of,
    link_payload,
    make_plan,
    mentions,
    new_coach,
    onboard,
    prompt_now,
    reply_to_prompt,
    rows,
    rows_mentioning,
    run_jobs,
    say,
    share_with,
)


def en(content, key: str, **params) -> str:
    return content.text(key, "en", **params)


async def carla_and_kees(bot, content, carla_id: int = 9201, kees_id: int = 9202):
    carla = await new_coach(bot, content, carla_id, "Carla")
    kees = await share_with(bot, content, carla, kees_id, "Kees")
    return carla, kees


def from_bot(bot, user) -> list[str]:
    return bot.api.texts_to(user.id)


async def test_a_reply_notification_names_its_prompt_and_answers_in_one_tap_both_ways(bot, content):
    carla, kees = await carla_and_kees(bot, content)
    await prompt_now(carla, content, "Kees", "Which talk did you put off this week?")
    await reply_to_prompt(kees, content, "The one with the CFO, about the budget.")
    notice = carla.last()
    assert notice.text == say(content, "reply_forwarded", name="Kees", prompt="Which talk did you put off this week?",
                              text="The one with the CFO, about the budget.")
    assert notice.labels() == [en(content, "btn_answer_name", name="Kees"), en(content, "btn_open_thread"),
                               en(content, "btn_open_coachee", name="Kees")]
    await carla.tap(en(content, "btn_answer_name", name="Kees"), message=notice)  # one tap, then type
    await carla.send("Shall we prepare it together on Friday?")
    assert carla.last().text == say(content, "answer_sent", name="Kees")
    answer = kees.last()
    assert answer.text == say(content, "coach_answer", coach="Carla", text="Shall we prepare it together on Friday?")
    await kees.tap(en(content, "btn_answer_name", name="Carla"), message=answer)
    await kees.send("Yes, gladly.")
    assert kees.last().text == say(content, "reply_confirm", coach="Carla", text="Yes, gladly.")  # to whom, first
    assert "Yes, gladly." not in "".join(from_bot(bot, carla))
    await kees.tap(en(content, "btn_send_to", name="Carla"))
    assert carla.last().text == say(content, "coachee_answered", name="Kees", text="Yes, gladly.")
    assert en(content, "btn_answer_name", name="Kees") in carla.last().labels()


async def test_telegrams_own_reply_answers_in_the_thread_both_ways(bot, content):
    carla, kees = await carla_and_kees(bot, content, 9211, 9212)
    await prompt_now(carla, content, "Kees", "What went well?")
    await reply_to_prompt(kees, content, "Can we talk about it?")
    notice = carla.last()
    await carla.send("Of course: Thursday at ten?", reply_to_message=bot.api._message_json(notice))
    assert kees.last().text == say(content, "coach_answer", coach="Carla", text="Of course: Thursday at ten?")
    await kees.send("Thursday works.", reply_to_message=bot.api._message_json(kees.last()))
    assert kees.last().text == say(content, "reply_confirm", coach="Carla", text="Thursday works.")
    await kees.tap(en(content, "btn_send_to", name="Carla"))
    assert carla.last().text == say(content, "coachee_answered", name="Kees", text="Thursday works.")
    # and the coach's reply to that goes on in the same thread
    await carla.send("See you then.", reply_to_message=bot.api._message_json(carla.last()))
    assert kees.last().text == say(content, "coach_answer", coach="Carla", text="See you then.")


async def test_a_stray_message_is_offered_to_the_coach_never_lost_never_sent_unasked(bot, content):
    carla, kees = await carla_and_kees(bot, content, 9221, 9222)
    before = len(from_bot(bot, carla))
    await kees.send("Sorry Carla, no time this week")
    offer = kees.last()
    assert offer.text == say(content, "stray_offer", coach="Carla", text="Sorry Carla, no time this week")
    assert offer.labels() == [en(content, "btn_send_to", name="Carla"), en(content, "btn_keep_private")]
    assert len(from_bot(bot, carla)) == before  # nothing sent unasked
    send = offer.buttons()[0]["callback_data"]
    await kees.press(send, offer)
    assert carla.last().text == say(content, "coachee_wrote", name="Kees", text="Sorry Carla, no time this week")
    assert offer.text == say(content, "stray_sent", coach="Carla")  # the offer says it went, and to whom
    await kees.press(send, offer)  # a second tap sends nothing twice
    assert sum("no time this week" in text for text in from_bot(bot, carla)) == 1
    await kees.send("Just a thought for myself")
    await kees.tap(en(content, "btn_keep_private"))
    assert kees.last().text == say(content, "stray_kept")
    assert not any("thought for myself" in text for text in from_bot(bot, carla))
    assert not mentions(bot.db_path, ["thought for myself"])  # kept private: not stored either
    await kees.send("3")  # a rating typed instead of tapped: the hint, not an offer
    assert kees.last().text != say(content, "stray_offer", coach="Carla", text="3")
    # someone without a coach gets the usual hint
    loner = bot.user(9223, first_name="Lone")
    await loner.send("/start")
    await loner.send("hello?")
    assert "Send this" not in loner.last().text


async def test_the_thread_holds_everything_in_order_with_dates_paged_both_ways(bot, content, clock):
    carla, kees = await carla_and_kees(bot, content, 9231, 9232)
    await prompt_now(carla, content, "Kees", "Prompt one?")
    for n in range(12):
        clock.now += timedelta(days=1)
        await reply_to_prompt(kees, content, f"Reply {n}")
        await carla.tap(en(content, "btn_answer_name", name="Kees"))
        await carla.send(f"Answer {n}")
    await carla.tap(en(content, "btn_open_thread"))
    newest = carla.last()
    assert newest.text.startswith(say(content, "thread", name="Kees", position="", items="").strip().split("\n")[0])
    assert "Answer 11" in newest.text and "Prompt one?" not in newest.text
    assert newest.text.index("Reply 11") < newest.text.index("Answer 11")  # in the order they happened
    assert "December" in newest.text  # a date as people write it, not ISO
    assert en(content, "btn_newer") not in newest.labels()
    pages = [newest.text]
    while en(content, "btn_older") in carla.last().labels():
        await carla.tap(en(content, "btn_older"))
        pages.append(carla.last().text)
    assert "Prompt one?" in pages[-1] and len(pages) >= 3
    assert all(len(page) < 4096 for page in pages)
    await carla.tap(en(content, "btn_newer"))
    assert carla.last().text == pages[-2]  # and back again
    everything = "".join(pages)
    assert all(f"Reply {n}" in everything and f"Answer {n}" in everything for n in range(12))


async def test_shared_check_in_notes_are_in_the_thread_with_the_same_way_on(bot, content, clock):
    carla, kees = await carla_and_kees(bot, content, 9241, 9242)
    await onboard(kees, content)
    await answer_all(kees, content, lambda i: 3)
    await make_plan(kees, content, picks=1)
    clock.now += timedelta(days=3)
    await run_jobs(bot)
    await kees.tap(en(content, "btn_answer_partly"), message=checkins_of(kees)[-1])
    await kees.send("Halfway: the CFO said maybe")
    await kees.tap(en(content, "btn_share_note", coach="Carla"))
    await kees.tap(en(content, "btn_send_to", name="Carla"))
    assert en(content, "btn_open_thread") in carla.last().labels()
    await carla.tap(en(content, "btn_open_thread"))
    assert "Halfway: the CFO said maybe" in carla.last().text


# --- attacks -----------------------------------------------------------------------------


async def test_another_coach_replaying_every_thread_button_learns_and_sends_nothing(bot, content):
    carla, kees = await carla_and_kees(bot, content, 9251, 9252)
    dave = await new_coach(bot, content, 9253, "Dave")
    await prompt_now(carla, content, "Kees", "Secret prompt?")
    await reply_to_prompt(kees, content, "Secret reply")
    await carla.tap(en(content, "btn_open_thread"))
    seen = bot.api.callbacks_seen(carla.id) + bot.api.callbacks_seen(kees.id)
    kees_before = len(from_bot(bot, kees))
    for data in seen:
        await dave.press(data, dave.last())
        await dave.send("Dave's words")
    assert not any("Secret" in text for text in from_bot(bot, dave))
    assert not any("Dave's words" in text for text in from_bot(bot, kees)[kees_before:])
    assert not any("Dave's words" in text for text in from_bot(bot, carla))
    assert rows(bot.db_path, "select count(*) from thread_messages where text like '%Dave%'") == [(0,)]


async def test_consent_ended_between_answer_and_text_sends_nothing(bot, content):
    carla, kees = await carla_and_kees(bot, content, 9261, 9262)
    await prompt_now(carla, content, "Kees", "How was it?")
    await reply_to_prompt(kees, content, "Fine")
    notice = carla.last()
    await carla.tap(en(content, "btn_answer_name", name="Kees"), message=notice)
    await kees.send("/mycoach")
    await kees.tap(en(content, "btn_stop_sharing"))
    before = len(from_bot(bot, kees))
    await carla.send("After the end")
    assert carla.last().text == say(content, "answer_not_shared")
    await carla.send("Another try", reply_to_message=bot.api._message_json(notice))  # Telegram's reply too
    assert from_bot(bot, kees)[before:] == []
    await carla.tap(en(content, "btn_open_thread"), message=notice)
    assert "Fine" not in carla.last().text  # the thread closes with the consent
    assert rows(bot.db_path, "select count(*) from thread_messages") == [(0,)]


async def test_a_stray_offer_is_bound_to_the_coach_it_named(bot, content):
    carla, kees = await carla_and_kees(bot, content, 9271, 9272)
    await kees.send("For my coach")
    offer = kees.last()
    dave = await new_coach(bot, content, 9273, "Dave")
    await kees.send("/mycoach")
    await kees.tap(en(content, "btn_stop_sharing"))
    await dave.send("/invite")
    await kees.send(f"/start {link_payload(dave.last().text)}")
    await kees.tap(en(content, "btn_share"))
    shares = rows(bot.db_path, "select coach_id from coach_relations where coachee_id = ? and status = 'active'", kees.id)
    assert shares == [(dave.id,)]
    await kees.tap(en(content, "btn_send_to", name="Carla"), message=offer)  # Carla's offer, Dave's coachee now
    assert say(content, "receiver_changed") in kees.toasts()
    assert kees.last().text == say(content, "stray_offer", coach="Dave", text="For my coach")  # shown again, for Dave
    assert not any("For my coach" in text for text in from_bot(bot, carla) + from_bot(bot, dave))


async def test_a_forged_coach_id_in_an_answer_back_reaches_nobody(bot, content):
    carla, kees = await carla_and_kees(bot, content, 9281, 9282)
    dave = await new_coach(bot, content, 9283, "Dave")
    from bot.callbacks import encode
    from bot.flows.events import Event
    await kees.press(encode(Event.ANSWER_BACK_OPEN, ref=dave.id), kees.last())  # not Kees' coach
    assert kees.last().text == say(content, "answer_back_not_shared")
    await kees.press(encode(Event.ANSWER_BACK_SEND, ref=carla.id), kees.last())  # nothing typed for Carla
    await kees.press(encode(Event.STRAY_SEND, ref=carla.id), kees.last())
    assert from_bot(bot, dave)[-1:] != [] and all("Kees" not in t for t in from_bot(bot, dave))
    assert rows(bot.db_path, "select count(*) from thread_messages") == [(0,)]


async def test_delete_leaves_no_trace_of_a_thread(bot, content):
    carla, kees = await carla_and_kees(bot, content, 987_650_101, 987_650_102)
    await prompt_now(carla, content, "Kees", "Zeldzame vraag?")
    await reply_to_prompt(kees, content, "Zeldzaam antwoord")
    await carla.tap(en(content, "btn_answer_name", name="Kees"))
    await carla.send("Zeldzaam coachwoord")
    await kees.send("Zeldzaam los bericht")
    await kees.tap(en(content, "btn_send_to", name="Carla"))
    await kees.send("Zeldzaam concept")  # an offer still open at the /delete
    assert mentions(bot.db_path, ["Zeldzaam"])
    await kees.send("/delete")
    await kees.tap(en(content, "btn_delete_everything"))
    assert mentions(bot.db_path, ["Zeldzaam", "Kees"]) == {}
    assert rows_mentioning(bot.db_path, kees.id) == {}
    assert bytes_holding(bot.db_path, [b"Zeldzaam"]) == {}


# --- role-fit help and menus ----------------------------------------------------------------


def help_sections(text: str) -> list[str]:
    return [line for line in text.split("\n") if line and not line.startswith(("/", "Regiecoach", "Answer each"))]


async def test_help_lists_a_persons_own_commands_first(bot, content):
    from bot.commands import ADMIN_COMMANDS, COACH_COMMANDS, MENU_COMMANDS
    from tests.conftest import ADMIN
    manager = bot.user(9291, first_name="Mia")
    await manager.send("/help")
    assert help_sections(manager.last().text) == [say(content, "help_title_all")]
    carla = await new_coach(bot, content, 9292, "Carla")
    await carla.send("/help")
    text = carla.last().text
    assert help_sections(text) == [say(content, "help_title_coach"), say(content, "help_title_own")]
    commands = [line.split(" ")[0][1:] for line in text.split("\n") if line.startswith("/")]
    assert commands == [*COACH_COMMANDS, *MENU_COMMANDS]
    assert f"/invite – {en(content, 'cmd_invite')}" in text
    admin = bot.user(ADMIN)
    await admin.send("/help")
    assert [line.split(" ")[0][1:] for line in admin.last().text.split("\n") if line.startswith("/")] == [
        *ADMIN_COMMANDS, *MENU_COMMANDS]
    both = await new_coach(bot, content, ADMIN, "Ada")  # an admin who is a coach too
    await both.send("/help")
    assert help_sections(both.last().text) == [say(content, "help_title_coach"), say(content, "help_title_admin"),
                                               say(content, "help_title_own")]


async def test_mycoach_for_a_coach_without_a_coach_points_to_their_coachees(bot, content):
    carla = await new_coach(bot, content, 9293, "Carla")
    await carla.send("/mycoach")
    assert carla.last().text == say(content, "no_coach_as_coach")
    manager = bot.user(9294, first_name="Mia")
    await manager.send("/mycoach")
    assert manager.last().text == say(content, "no_coach")


async def test_a_coachs_menu_holds_their_own_commands_first(bot, content):
    import json

    from bot.commands import COACH_COMMANDS, MENU_COMMANDS
    carla = await new_coach(bot, content, 9295, "Carla")
    menus = [call.params for call in bot.api.calls_to("setMyCommands")
             if str(carla.id) in json.dumps(call.params.get("scope", ""))]
    commands = menus[-1]["commands"]
    commands = json.loads(commands) if isinstance(commands, str) else commands
    assert [c["command"] for c in commands] == [*COACH_COMMANDS, *MENU_COMMANDS]


def test_help_knows_every_command_the_turns_declare():
    from bot.commands import COMMAND_EVENTS
    from bot.turns.guide import declared
    assert sorted(c.name for c in declared()) == sorted(COMMAND_EVENTS)
