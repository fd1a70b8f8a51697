"""Results: scoring and rendering time, chart time, and other users' latency while charts render."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from bench.throughput import feed, percentile
from bot.app import build_application
from bot.config import Settings
from bot.content import load_content
from bot.flows import results
from bot.flows.scoring import score
from bot.render import chart_png, screen_text
from storage import open_database
from telegram_doubles.canned import CannedRequest, callback, message


def _pure() -> tuple[float, float]:
    content = load_content()
    answers = {q.id: (q.index * 7) % 5 + 1 for q in content.questions}
    previous = score({q.id: 3 for q in content.questions}, content)
    began = time.perf_counter()
    for _ in range(200):
        current = score(answers, content)
        for screen in results.result_screens(content, current, previous):
            screen_text(screen, "nl", content)
    per_result = (time.perf_counter() - began) / 200
    charts = []
    for _ in range(5):
        began = time.perf_counter()
        chart_png(results.chart(content, current.scores, previous.scores), "nl", content)
        charts.append(time.perf_counter() - began)
    return per_result, statistics.median(charts)


async def _others_while_charts(completing: int = 20, others: int = 20) -> tuple[list[float], list[float]]:
    """Latency of other users' answers, without and with ``completing`` charts being rendered."""
    content = load_content()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.db"
        request = CannedRequest()
        app = build_application(Settings(token="1:B", db_path=path), open_database(path), request=request)
        ids = iter(range(1, 10**9))
        async with app:
            await app.start()
            app.job_queue.scheduler.pause()

            async def onboard(user: int) -> str:
                await feed(app, message(next(ids), user, "/start"), [])
                for data in ("1:n:::", "1:l:::en", "1:c:::yes"):
                    await feed(app, callback(next(ids), user, data), [])
                return request.first_button[user].split(":")[2]

            finishers = {u: await onboard(u) for u in range(1, completing + 1)}
            for user, assessment in finishers.items():
                for q in range(content.total - 1):
                    await feed(app, callback(next(ids), user, f"1:a:{assessment}:{q}:3"), [])
            talkers = {u: await onboard(u) for u in range(1000, 1000 + others)}

            async def answer_round(q: int, sink: list[float]) -> None:
                for user, assessment in talkers.items():
                    await feed(app, callback(next(ids), user, f"1:a:{assessment}:{q}:4"), sink)
                    await asyncio.sleep(0)

            quiet: list[float] = []
            for q in range(10):
                await answer_round(q, quiet)
            busy: list[float] = []
            for user, assessment in finishers.items():  # all finish at once: charts queue up
                await feed(app, callback(next(ids), user, f"1:a:{assessment}:{content.total - 1}:3"), [])
            for q in range(10, 30):
                await answer_round(q, busy)
                await asyncio.sleep(0.05)  # users take a moment; the chart thread keeps working
            await app.stop()
    return quiet, busy


def run() -> list[tuple[str, str, str]]:
    per_result, chart = _pure()
    quiet, busy = asyncio.run(_others_while_charts())
    return [
        ("results: score + render all result screens", "—", f"{per_result * 1000:.2f} ms"),
        ("results: profile chart PNG (28 rows)", "off the event loop", f"{chart * 1000:.0f} ms"),
        ("results: other users' p50 / p99, no charts", "—",
         f"{percentile(quiet, 50) * 1000:.2f} / {percentile(quiet, 99) * 1000:.2f} ms"),
        ("results: other users' p50 / p99, 20 charts rendering", "not delayed",
         f"{percentile(busy, 50) * 1000:.2f} / {percentile(busy, 99) * 1000:.2f} ms"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
