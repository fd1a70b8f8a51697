"""The callback-data parser: strict, bounded, hostile input gives None."""

from __future__ import annotations

import pytest

from bot import callbacks
from bot.turns import buttons


@pytest.fixture
def decode(content) -> callbacks.Decoder:
    return callbacks.Decoder(content)


def test_round_trip_of_every_kind_of_button(decode, content):
    last_question, last_competency = content.total - 1, len(content.competencies) - 1
    built = {
        callbacks.encode("answer", 5, ref=2**40, index=last_question):
            ("answer", {"assessment_id": 2**40, "question": last_question, "value": 5}),
        callbacks.encode("skip", ref=7, index=0): ("skip", {"assessment_id": 7, "question": 0}),
        callbacks.encode("back", ref=7, index=3): ("back", {"assessment_id": 7, "question": 3}),
        callbacks.encode("not_occurred", ref=7, index=3): ("not_occurred", {"assessment_id": 7, "question": 3}),
        callbacks.encode("fb_not_occurred", ref=9, index=2): ("fb_not_occurred", {"session_id": 9, "question": 2}),
        callbacks.encode("more_tips"): ("more_tips", {}),
        callbacks.encode("set_language", "en"): ("set_language", {"language": "en"}),
        callbacks.encode("consent", "yes"): ("consent", {"accepted": True}),
        callbacks.encode("consent", "no"): ("consent", {"accepted": False}),
        callbacks.encode("next"): ("next", {}),
        callbacks.encode("plan_toggle", last_competency): ("plan_toggle", {"index": last_competency}),
        callbacks.encode("plan_day", 6): ("plan_day", {"day": 6}),
        callbacks.encode("plan_time", 0): ("plan_time", {"slot": 0}),
        callbacks.encode("checkin_rating", 3, ref=12): ("checkin_rating", {"checkin_id": 12, "rating": 3}),
        callbacks.encode("checkin_skip_note", ref=12): ("checkin_skip_note", {"checkin_id": 12}),
    }
    for data, expected in built.items():
        action = decode(data)
        assert action is not None, data
        assert (action.event, action.kwargs) == expected
        assert len(data.encode()) <= 64


def test_every_event_has_its_own_code():
    codes = [spec.code for spec in buttons().values()]
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("data", [
    None, 42, "", "garbage", "1:a:7:3:9", "1:a:7:3:0", "1:a:7:43:3", "1:a:7:999:3", "1:a::3:3", "1:a:7::3",
    "1:s:7:3:x", "1:l:::de", "1:c:::maybe", "1:n:::x", "1:n:7::", "1:z:::", "2:a:7:3:3",
    "1:a:7:3:3:extra", "1:a:-7:3:3", "1:a:7:3:3\n", "1:a:７:3:3", "x" * 65, "1:a:7:3:3" + " " * 60,
    "1:l:::nl\x00", "١:a:7:3:3", "1:g:::28", "1:g:::99999", "1:w:::7", "1:u:::6", "1:k:::3", "1:k:12::9",
    "1:q:::", "1:g:3::1", "1:x:::1", "1:na:7:3:1", "1:na:7::", "1:na::3:", "1:na:7:43:", "1:fn:9::", "1:mt:::1",
])
def test_malformed_or_out_of_range_data_is_refused(decode, data):
    assert decode(data) is None


def test_building_more_than_64_bytes_is_refused():
    with pytest.raises(ValueError):
        callbacks.encode("set_language", "x" * 70)
