"""A backup while users answer: `regiecoach backup` of a database holding N completed
assessments while 30 users tap, against the real `regiecoach run` over the loopback stand-in.

Reports the backup's size and time (copy, integrity check, and the command as a whole), and
the taps' p50/p99 (tap → next question, at the stand-in) in a window without a backup and
for the taps made while a backup process ran (backups back to back through a second window,
after a warm-up window). Also the largest the bot's -wal file grew meanwhile: the backup's
read snapshot holds back the bot's checkpoints until it ends.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.concurrency import FIRST_USER, Measure, drive
from bench.generate import generate
from bench.live import ROOT, BotProcess, onboard
from bench.throughput import percentile
from bot.content import load_content
from storage import open_database
from telegram_doubles.server import BotApiServer

REPORTED = re.compile(r"copy ([\d.]+) s, integrity check ([\d.]+) s")


@dataclass
class Backups:
    """`regiecoach backup` run back to back from a thread until stopped."""

    db: Path
    folder: Path
    windows: list[tuple[float, float]] = field(default_factory=list)  # (start, end), monotonic
    copy_seconds: list[float] = field(default_factory=list)
    check_seconds: list[float] = field(default_factory=list)
    size: int = 0
    largest_wal: int = 0
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def one(self, number: int) -> None:
        target = self.folder / f"backup-{number}.db"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REGIECOACH_"))}
        env |= {"REGIECOACH_DB": str(self.db), "PYTHONPATH": str(ROOT)}
        began = time.monotonic()
        process = subprocess.Popen([sys.executable, "-m", "bot", "backup", str(target)], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wal = self.db.with_name(self.db.name + "-wal")
        while process.poll() is None:
            self.largest_wal = max(self.largest_wal, wal.stat().st_size if wal.exists() else 0)
            time.sleep(0.05)
        out, error = process.communicate()
        self.windows.append((began, time.monotonic()))
        reported = REPORTED.search(out)
        if process.returncode != 0 or reported is None:
            self.failures.append(error.strip() or out.strip())
            return
        self.copy_seconds.append(float(reported.group(1)))
        self.check_seconds.append(float(reported.group(2)))
        self.size = target.stat().st_size
        target.unlink()

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            number += 1
            self.one(number)


def during(measure: Measure, windows: list[tuple[float, float]]) -> list[float]:
    """The latencies of the taps made while a backup ran."""
    return [latency for latency, moment in zip(measure.latencies, measure.tapped_at)
            if any(start <= moment <= end for start, end in windows)]


def run(count: int = 100_000, users: int = 30, seconds: float = 30.0, think: float = 2.0) -> list[tuple[str, str, str]]:
    with tempfile.TemporaryDirectory() as name, BotApiServer() as server:
        folder = Path(name)
        db = folder / "live.db"
        seeded = open_database(db)
        generate(seeded, load_content(), count)
        seeded.conn.close()
        size = db.stat().st_size
        bot = BotProcess(server, db)
        try:
            ids = list(range(FIRST_USER, FIRST_USER + users))
            onboard(server, ids)
            drive(server, ids, think, min(seconds, 5.0), random.Random(0))  # warm-up, not measured
            quiet = drive(server, ids, think, seconds, random.Random(1))
            backups = Backups(db, folder)
            worker = threading.Thread(target=backups.run)
            worker.start()
            try:
                loaded = drive(server, ids, think, seconds, random.Random(2))
            finally:
                backups.stop.set()
                worker.join()
        finally:
            bot.stop()
    if backups.failures or not backups.copy_seconds:
        raise RuntimeError(f"a backup failed: {backups.failures[:1]}")
    taps = during(loaded, backups.windows)
    command = [end - start for start, end in backups.windows]
    return [
        (f"backup of {count:,} completed assessments ({size / 1e6:,.0f} MB): copy · integrity check · "
         f"whole command (median of {len(command)})", "—",
         f"{percentile(backups.copy_seconds, 50):.2f} s · {percentile(backups.check_seconds, 50):.2f} s · "
         f"{percentile(command, 50):.2f} s"),
        (f"{users} users tapping ({think:g} s think): p50 / p99 without a backup · while backups run (taps)",
         "p99 ≤ 1 s",
         f"{percentile(quiet.latencies, 50) * 1000:.0f} / {percentile(quiet.latencies, 99) * 1000:.0f} ms · "
         f"{percentile(taps, 50) * 1000:.0f} / {percentile(taps, 99) * 1000:.0f} ms ({len(taps)} taps)"),
        ("backup: the bot's -wal at most, while backups ran", "—", f"{backups.largest_wal / 1e6:.1f} MB"),
    ]


if __name__ == "__main__":
    for line in run(*(int(n) for n in sys.argv[1:2])):
        print(" | ".join(line))
