"""Storage per completed assessment and commit time per answer; memory with many users mid-way."""

from __future__ import annotations

import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.throughput import interleaved, percentile, stream
from bot.app import build_application
from bot.config import Settings
from bot.content import load_content
from storage import open_database
from telegram_doubles.canned import CannedRequest

ROOT = Path(__file__).resolve().parent.parent


async def _storage(users: int) -> tuple[float, list[float]]:
    content = load_content()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "s.db"
        request = CannedRequest()
        app = build_application(Settings(token="1:B", db_path=path), open_database(path), request=request)
        import bot.turns as turns

        carry_out, commits = turns.carry_out, []

        def timed_carry_out(*args, **kwargs):  # the writes of one update, in its transaction
            began = time.perf_counter()
            applied = carry_out(*args, **kwargs)
            commits.append(time.perf_counter() - began)
            return applied

        turns.carry_out = timed_carry_out
        async with app:
            await app.start()
            app.job_queue.scheduler.pause()

            def assessment_of(user_id: int) -> str:
                return request.first_button[user_id].split(":")[2]

            await interleaved(app, users, stream(content.total, assessment_of), [])
            await app.stop()
        turns.carry_out = carry_out
        db = open_database(path)
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("delete from inbox")  # handled raw updates are purged by housekeeping
        db.execute("VACUUM")
        size = path.stat().st_size
    return size / users, commits


def peak_rss_kb() -> int:
    """This process's own high-water mark (getrusage would report the parent's at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _memory_child(users: int, answers: int) -> None:
    """Run in a fresh process: users onboard and answer a few questions; print peak RSS."""
    async def main() -> dict:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "m.db"
            request = CannedRequest()
            app = build_application(Settings(token="1:B", db_path=path), open_database(path), request=request)
            async with app:
                baseline = peak_rss_kb()

                def assessment_of(user_id: int) -> str:
                    return request.first_button[user_id].split(":")[2]

                await interleaved(app, users, stream(answers, assessment_of), [])
            peak = peak_rss_kb()
        return {"baseline_kb": baseline, "peak_kb": peak}

    print(json.dumps(asyncio.run(main())))


def run(storage_users: int = 300, memory_users: int = 10_000) -> list[tuple[str, str, str]]:
    per_assessment, commits = asyncio.run(_storage(storage_users))
    child = subprocess.run([sys.executable, "-c", f"from bench.storage_memory import _memory_child; "
                            f"_memory_child({memory_users}, 2)"], capture_output=True, text=True, cwd=ROOT,
                           check=True)
    memory = json.loads(child.stdout.strip().splitlines()[-1])
    return [
        ("storage: bytes per completed assessment", "—", f"{per_assessment / 1024:.1f} KiB"),
        ("storage: commit per update p50 / p99", "—",
         f"{percentile(commits, 50) * 1000:.2f} / {percentile(commits, 99) * 1000:.2f} ms (synchronous=FULL)"),
        (f"memory: peak RSS, {memory_users:,} users mid-assessment", "≤ 150 MB",
         f"{memory['peak_kb'] / 1024:.0f} MB (after start-up: {memory['baseline_kb'] / 1024:.0f} MB)"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
