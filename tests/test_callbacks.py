"""The callback-data parser: strict, bounded, hostile input gives None."""

from __future__ import annotations

import pytest

from bot import callbacks

TOTAL = 43


def test_round_trip_of_every_button_we_build():
    built = [
        callbacks.encode("answer", 5, assessment_id=2**40, question=42),
        callbacks.encode("skip", assessment_id=7, question=0),
        callbacks.encode("back", assessment_id=7, question=3),
        callbacks.encode("set_language", "en"),
        callbacks.encode("consent", "yes"),
        callbacks.encode("next"),
    ]
    parsed = [callbacks.decode(data, TOTAL) for data in built]
    assert [(a.event, a.kwargs) for a in parsed] == [
        ("answer", {"assessment_id": 2**40, "question": 42, "value": 5}),
        ("skip", {"assessment_id": 7, "question": 0}),
        ("back", {"assessment_id": 7, "question": 3}),
        ("set_language", {"language": "en"}),
        ("consent", {"accepted": True}),
        ("next", {}),
    ]
    assert max(len(data.encode()) for data in built) <= 64


@pytest.mark.parametrize("data", [
    None, "", "garbage", "1:a:7:3:9", "1:a:7:3:0", "1:a:7:43:3", "1:a:7:999:3", "1:a::3:3", "1:a:7::3",
    "1:s:7:3:x", "1:l:::de", "1:c:::maybe", "1:n:::x", "1:n:7::", "1:z:::", "2:a:7:3:3",
    "1:a:7:3:3:extra", "1:a:-7:3:3", "1:a:7:3:3\n", "1:a:７:3:3", "x" * 65, "1:a:7:3:3" + " " * 60,
    "1:l:::nl\x00", "١:a:7:3:3",
])
def test_malformed_or_out_of_range_data_is_refused(data):
    assert callbacks.decode(data, TOTAL) is None


def test_building_more_than_64_bytes_is_refused():
    with pytest.raises(ValueError):
        callbacks.encode("set_language", "x" * 70)
