"""The benchmarks still run, at toy sizes, so `python -m bench.run` cannot rot between runs.

Only what is not a matter of speed is asserted here (every row has a figure, nothing is
lost, one counted send per tap, the flood limits); the speed goals live in bench/."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench import (
    backup,
    concurrency,
    figures,
    judgement,
    loopback,
    results,
    storage_memory,
    throughput,
)
from bot.delivery import CHARTS
from telegram_doubles.server import BotApiServer

pytestmark = pytest.mark.slow


def test_the_in_process_benchmarks_report_every_row():
    rows = throughput.run(3)
    assert "render" not in vars(CHARTS)  # its stand-in for charts does not leak into what follows
    for rows in (rows, storage_memory.run(5, 50), figures.run(300), results.run(),
                 judgement.run(50)):
        assert rows and all(measure and goal and result for measure, goal, result in rows), rows


def test_a_small_broadcast_is_delivered_whole_within_the_flood_limits(tmp_path: Path):
    with BotApiServer() as server:
        _, delivered, most_in_a_second, per_chat = asyncio.run(loopback._broadcast(server, tmp_path, 40))
    assert (delivered, per_chat) == (40, 1)
    assert most_in_a_second <= 30


def test_users_at_once_cost_one_counted_send_per_tap():
    measure = concurrency.users_at_once(4, think=0.2, seconds=3)
    assert measure.taps >= 8
    assert len(measure.counted) <= measure.taps * 1.05 + 4  # the 4 users' last taps may still be under way
    assert concurrency.row(4, 0.2, measure)[2]


def test_a_backup_under_load_reports_its_rows():
    rows = backup.run(200, users=3, seconds=1.5, think=0.3)
    assert len(rows) == 3 and all(measure and goal and result for measure, goal, result in rows), rows
    assert "taps)" in rows[1][2] and "(0 taps)" not in rows[1][2]
