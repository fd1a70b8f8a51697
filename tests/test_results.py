"""The result, phone first, through the real Application: the profiles of PRODUCT.md, what
arrives unasked (at most ~1,200 characters and a chart), the buttons, retake, versions."""

from __future__ import annotations

import sqlite3
import struct

import pytest

from bot.flows import results
from bot.flows.scoring import heaviest, score
from bot.render import screen_text, split_message
from telegram_doubles.fake_api import TelegramUser, parse_html
from tests.conftest import answer_all, by_kind, onboard, photo_calls

UNASKED_LIMIT = 1200  # characters of text that arrive after the last answer, in all








def archetype_name(content, archetype, language="en"):
    return content.archetypes[archetype].name[language]


def unasked(user: TelegramUser, before: int) -> list:
    """The messages that changed or arrived with the last answer (the question message became
    "done", then the chart and the summary)."""
    return user.messages()[before - 1:]


PROFILES = {  # PRODUCT.md / the worked examples: (values by kind, archetype, watch-outs, flat)
    "regisseur": ({"leider": 5, "manager": 5, "pitfall": 1, "layer": 4, "competency": 4}, "it_regisseur", 0, True),
    "leider": ({"leider": 5, "manager": 2, "pitfall": 1, "layer": 3, "competency": 3}, "leider", 0, True),
    "manager": ({"leider": 2, "manager": 5, "pitfall": 1, "layer": 3, "competency": 3}, "manager", 0, True),
    "all 1": ({"leider": 1, "manager": 1, "pitfall": 1, "layer": 1, "competency": 1}, "vakspecialist", 0, True),
    "all 5": ({"leider": 5, "manager": 5, "pitfall": 5, "layer": 5, "competency": 5}, "it_regisseur", 3, True),
    "all 4": ({"leider": 4, "manager": 4, "pitfall": 4, "layer": 4, "competency": 4}, "it_regisseur", 3, True),
}


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("profile", list(PROFILES))
async def test_the_profiles_and_a_short_result_that_fits_a_phone(harness, content, profile, language):
    values, archetype, watch_outs, flat = PROFILES[profile]
    user = harness.user(1100 + list(PROFILES).index(profile) * 2 + (language == "nl"), language_code=language)
    await onboard(user, content, "🇳🇱 Nederlands" if language == "nl" else "🇬🇧 English")
    before = len(user.messages())
    await answer_all(user, content, by_kind(content, values))
    arrived = unasked(user, before)
    text = "\n".join(m.text for m in arrived)
    assert archetype_name(content, archetype, language) in text
    assert sum(len(m.text) for m in arrived) <= UNASKED_LIMIT, text
    assert [m.kind for m in arrived] == ["text", "photo", "text"]  # done, chart, summary
    summary = arrived[-1]
    warned = parse_html(content.text("watch_outs_count", language, count=watch_outs)).strip()
    assert (warned in summary.text) == bool(watch_outs)
    assert (content.text("btn_watch_outs", language) in summary.labels()) == bool(watch_outs)
    if flat:  # nothing invented: the flat profile is named as such
        await user.tap(content.text("btn_points", language))
        assert parse_html(content.text("points_flat", language, note=content.flat_note[language],
                                       heaviest="x")).split("\n")[0] in user.last().text
    png = next(iter(photo_calls(harness, user)[-1].params["files"].values()))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


async def test_a_profile_with_gaps_starts_with_its_top_point_and_its_tips_fit_the_score(harness, content):
    user = harness.user(1201)
    await onboard(user, content)
    competencies = [q.id for q in content.competencies]
    low, mid = competencies[0], competencies[5]  # the 1 leads, the 3 follows; the rest is 4
    values = {q.index: {"leider": 4, "manager": 2, "pitfall": 4, "layer": 3}.get(q.kind, 4) for q in content.questions}
    values[content.by_id(low).index], values[content.by_id(mid).index] = 1, 3
    values[content.by_id("verrichten").index] = 5
    await answer_all(user, content, values.get)
    summary = user.last().text
    assert archetype_name(content, "leider") in summary
    start = summary.split("Start here")[-1]
    assert content.names[low]["en"] in start  # the start-here action names the top point …
    assert f"the {content.layers['richten'].in_sentence['en']} layer" in start  # … and the layer to grow
    await user.tap(content.text("btn_points", "en"))
    points = user.last().text
    assert all(tip["en"] in points for tip in content.coaching[low].tips_for("low")[:2])
    assert all(tip["en"] in points for tip in content.coaching[mid].tips_for("mid")[:2])
    assert not any(tip["en"] in points for tip in content.coaching[low].tips_for("mid"))
    await user.tap(content.text("btn_watch_outs", "en"))
    assert all(content.pitfalls[p].tip["en"] in user.last().text for p in content.pitfalls)
    await user.tap(content.text("btn_all_scores", "en"))
    assert all(content.names[c]["en"] in user.last().text for c in competencies)


async def test_strengths_come_with_a_note_on_overusing_them(harness, content):
    user = harness.user(1202)
    await onboard(user, content)
    strong = content.competencies[3].id  # the one 5 among 2s, 3s and 4s (one 5 among 3s alone is flat)
    await answer_all(user, content, lambda i: 5 if i == content.by_id(strong).index else 2 + i % 3)
    await user.tap(content.text("btn_strengths", "en"))
    assert content.names[strong]["en"] in user.last().text
    assert content.coaching[strong].overuse["en"] in user.last().text


async def test_the_same_answers_give_the_same_result_in_dutch_and_english(harness, content):
    dutch, english = harness.user(1301, language_code="nl"), harness.user(1302, language_code="en")
    await onboard(dutch, content, language_label="🇳🇱 Nederlands")
    await onboard(english, content)
    pattern = lambda i: (i * 7) % 5 + 1  # noqa: E731
    await answer_all(dutch, content, pattern)
    await answer_all(english, content, pattern)
    with sqlite3.connect(harness.db_path) as conn:
        rows = conn.execute("select a.user_id, x.question_id, x.value from answers x join assessments a "
                            "on a.id = x.assessment_id").fetchall()
    by_user = {uid: {q: v for u, q, v in rows if u == uid} for uid in (1301, 1302)}
    assert by_user[1301] == by_user[1302]
    result = score(by_user[1301], content)
    assert archetype_name(content, result.archetype, "nl") in dutch.last().text
    assert archetype_name(content, result.archetype, "en") in english.last().text


async def test_result_command_shows_the_latest_result_again(harness, content):
    user = harness.user(1401)
    await user.send("/result")
    assert user.last().text == parse_html(content.text("no_result_yet", "en"))
    await onboard(user, content)
    await answer_all(user, content, lambda i: 2)
    before = len(photo_calls(harness, user))
    await user.send("/result")
    assert len(photo_calls(harness, user)) == before + 1
    assert archetype_name(content, "vakspecialist") in user.last().text


async def test_retake_shows_the_change_since_last_time_and_a_chart_with_both(harness, content):
    user = harness.user(1601)
    await onboard(user, content)
    await answer_all(user, content, lambda i: 2)
    await user.send("/retake")
    first = content.competencies[0]
    await answer_all(user, content, lambda i: 4 if i == first.index else 2)
    assert parse_html(content.text("changes_count", "en", up=1, down=0)).strip() in user.last().text
    assert photo_calls(harness, user)[-1].params["caption"] == content.text("result_chart_compared", "en")
    await user.tap(content.text("btn_all_scores", "en"))
    assert f"{first.name['en']}: 4 / 4" in user.last().text and "⬆️" in user.last().text
    with sqlite3.connect(harness.db_path) as conn:
        assert conn.execute("select status, version from assessments where user_id = ? order by id",
                            [user.id]).fetchall() == [("completed", content.version)] * 2


async def test_a_version_1_assessment_stays_viewable_and_retake_compares_by_competency(harness, content):
    """An assessment taken with question set 1 before v2: shown with today's rules, compared by competency."""
    user = harness.user(1701)
    await onboard(user, content)  # an open v2 assessment; replace it by a completed v1 one
    v1 = content.questions_of(1)
    with sqlite3.connect(harness.db_path) as conn:
        conn.execute("update assessments set status = 'completed', cursor = 43, completed_at = '2026-06-01T10:00:00+00:00', "
                     "version = 1 where user_id = ?", [user.id])
        assessment = conn.execute("select id from assessments where user_id = ?", [user.id]).fetchone()[0]
        conn.executemany("insert into answers (assessment_id, question_id, value, answered_at) values (?, ?, ?, 'x')",
                         [(assessment, q.id, 2) for q in v1.questions])
        conn.execute("update users set flow_state = 'completed' where id = ?", [user.id])
    await user.send("/result")
    assert archetype_name(content, "vakspecialist") in user.last().text
    await user.send("/retake")
    first = content.competencies[0]
    await answer_all(user, content, lambda i: 4 if i == first.index else 2)
    assert parse_html(content.text("changes_count", "en", up=1, down=0)).strip() in user.last().text


async def test_too_few_role_answers_offers_to_complete_them(harness, content):
    user = harness.user(1801)
    await onboard(user, content)
    for question in content.questions:
        await user.tap("Skip" if question.kind in ("leider", "manager") else "4")
    assert content.text("btn_complete_missing", "en") in user.last().labels()
    await user.tap(content.text("btn_complete_missing", "en"))
    for question in [q for q in content.questions if q.kind in ("leider", "manager")]:
        assert user.last().text.startswith(f"{question.index + 1}/43"), user.last().text
        await user.tap("5")
    assert archetype_name(content, "it_regisseur") in user.last().text
    with sqlite3.connect(harness.db_path) as conn:
        assert conn.execute("select status from assessments").fetchall() == [("completed",)]
        assert conn.execute("select count(*), count(value) from answers").fetchone() == (43, 43)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("pattern", [lambda i: 1, lambda i: 3, lambda i: 5, lambda i: (i * 7) % 5 + 1, lambda i: None])
def test_every_result_screen_fits_telegram_in_both_languages(content, language, pattern):
    answers = {q.id: pattern(q.index) for q in content.questions}
    current = score(answers, content)
    previous = score({q.id: 3 for q in content.questions}, content)
    screens = results.result_screens(content, current, previous) + [
        results.points(content, current), results.strengths(content, current),
        results.watch_outs(content, current), results.all_scores(content, current, previous)]
    for screen in screens:
        text = screen_text(screen, language, content)
        if screen.chart is not None:
            assert len(parse_html(text)) <= 1024
        parts = split_message(text)
        assert all(0 < len(part) <= 4096 for part in parts)
        for part in parts:
            parse_html(part)  # every part is valid Telegram HTML on its own


# --- scoring v3 as a user meets it -------------------------------------------------------------
def competency_values(content, values: dict[str, int], rest) -> dict[int, int]:
    """A value per question index: ``values`` per competency id, ``rest(index)`` for the others
    (roles 4, pitfalls 1, layers 3)."""
    fixed = {"leider": 4, "manager": 4, "pitfall": 1, "layer": 3}
    return {q.index: values.get(q.id, fixed.get(q.kind) or rest(q.index)) for q in content.questions}


async def test_five_2s_and_the_rest_3_to_4_start_among_the_2s(harness, content):
    """The review's manager: 2s on five competencies, a 3 on the heaviest-weighted ones."""
    twos = ["analytisch_vermogen", "it_infrastructuur", "communiceren_face_to_face", "problemen_oplossen",
            "streven_naar_voortreffelijkheid"]
    heavy = [c for c, w in content.scoring.weights.items() if w == max(content.scoring.weights.values())]
    values = competency_values(content, {c: 2 for c in twos} | {c: 3 for c in heavy}, lambda i: 3 + i % 2)
    for language in ("en", "nl"):
        user = harness.user(1901 + (language == "nl"), language_code=language)
        await onboard(user, content, "🇳🇱 Nederlands" if language == "nl" else "🇬🇧 English")
        await answer_all(user, content, values.get)
        summary = user.last().text
        start = summary.split(parse_html(content.text("btn_points", language)))[0]
        assert any(content.names[c][language] in start for c in twos), summary
        assert not any(content.names[c][language] in start for c in heavy), summary
        await user.tap(content.text("btn_points", language))
        shown = [line for line in user.last().text.splitlines() if line[:2] in ("1.", "2.", "3.")]
        assert len(shown) == 3 and all(any(content.names[c][language] in line for c in twos) for line in shown)


LAYER_CASES = {  # ratings of richten, inrichten, verrichten -> the line the summary shows
    "none at home": ((2, 1, 1), "layers_home_none", None, "inrichten"),  # a tie for lowest: the higher layer
    "one at home": ((5, 3, 3), "layers_home", ("richten",), "inrichten"),
    "two at home": ((2, 4, 4), "layers_home", ("inrichten", "verrichten"), "richten"),
    "all at home": ((4, 5, 4), "layers_home_all", None, None),
    "a tie below home": ((4, 2, 2), "layers_home", ("richten",), "inrichten"),
}


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("case", list(LAYER_CASES))
async def test_each_layer_profile_reads_as_a_sentence(harness, content, case, language):
    from bench.judgement import text_faults

    ratings, key, home, grow = LAYER_CASES[case]
    user = harness.user(2000 + list(LAYER_CASES).index(case) * 2 + (language == "nl"), language_code=language)
    await onboard(user, content, "🇳🇱 Nederlands" if language == "nl" else "🇬🇧 English")
    layer_index = {q.id: q.index for q in content.questions if q.kind == "layer"}
    values = {i: 2 + i % 3 for i in range(content.total)}  # a profile with points, not flat
    values |= dict(zip(layer_index.values(), ratings))
    await answer_all(user, content, values.get)
    summary = user.last().text
    name = lambda layer: content.layers[layer].in_sentence[language]  # noqa: E731
    grow_part = content.text("layers_grow_next", language, layer=name(grow)) if grow else ""
    if key == "layers_home":
        names = [name(layer) for layer in home]
        joined = names[0] if len(names) == 1 else content.text("layers_pair", language, first=names[0],
                                                               second=names[1])
        line = content.text(key, language, home=joined, grow=grow_part)
    else:
        line = content.text(key, language, home_from=content.scoring.home_from, grow=grow_part)
    assert parse_html(line) in summary
    if grow:  # the start-here action names the layer to grow in, lower case
        assert f" {name(grow)}" in summary.split("\n\n")[-1]
    assert "alle drie" not in summary.split("\n\n")[-1] and "all three" not in summary.split("\n\n")[-1]
    answers = {q.id: values[q.index] for q in content.questions}
    assert text_faults(content, score(answers, content)) == []  # every result text, both languages


async def test_a_profile_one_step_off_everywhere_is_flat(harness, content):
    """27 × 4 and one 3 (standard deviation 0.19): no strengths picked by any order."""
    user = harness.user(2101)
    await onboard(user, content)
    last = content.competencies[-1].index
    await answer_all(user, content, lambda i: 3 if i == last else 4)
    await user.tap(content.text("btn_strengths", "en"))
    assert user.last().text.startswith("〰️ A flat profile")
    assert all(content.names[c]["en"] in user.last().text for c in heaviest(content, 3))


def test_every_tip_and_every_reflection_can_be_shown(content):
    """The points screen shows two tips of the score's band and one reflection; More tips shows
    the rest of the band; the reflection rotates with the answers (here: one more 5 each time)."""
    bands = (content.scoring.low_band_up_to, content.scoring.low_band_up_to + 1)  # a score in each band
    competencies = [q.id for q in content.competencies]
    for competency in competencies:
        coaching = content.coaching[competency]
        others = [c for c in competencies if c != competency]
        seen_tips: set[str] = set()
        seen_reflections: set[str] = set()
        for band_score in bands:
            for more_fives in range(len(coaching.reflections)):
                values = {c: 5 if n % 2 or n < 2 * more_fives else 4 for n, c in enumerate(others)}
                answers = {q.id: values.get(q.id, 4) for q in content.questions} | {competency: band_score}
                result = score(answers, content)
                assert result.development_points[0].competency == competency and not result.flat
                for screen in (results.points(content, result), results.more_tips(content, result)):
                    text = screen_text(screen, "en", content)
                    seen_tips |= {tip.text["en"] for tip in coaching.tips if tip.text["en"] in text}
                    seen_reflections |= {r["en"] for r in coaching.reflections if r["en"] in text}
        assert seen_tips == {tip.text["en"] for tip in coaching.tips}, competency
        assert seen_reflections == {r["en"] for r in coaching.reflections}, competency


async def test_more_tips_shows_the_third_tip_of_each_point(harness, content):
    user = harness.user(2102)
    await onboard(user, content)
    low = content.competencies[0]
    await answer_all(user, content, lambda i: 1 if i == low.index else 3 + i % 2)
    await user.tap(content.text("btn_points", "en"))
    third = content.coaching[low.id].tips_for("low")[content.limits.tips_shown:]
    assert third and not any(tip["en"] in user.last().text for tip in third)
    await user.tap(content.text("btn_more_tips", "en"))
    assert all(tip["en"] in user.last().text for tip in third)
