"""Run every benchmark, print one table and write bench/RESULTS.md.

    .venv/bin/python -m bench.run            # all, with the default sizes
    .venv/bin/python -m bench.run --quick    # smaller sizes, for a first look

Speed is judged here, never in tests. Figures are from one run on one (noisy) machine; the
floor and our bot run in the same run, so compare ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

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

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (not the goals' sizes)")
    args = parser.parse_args()
    quick = args.quick
    began = time.time()
    rows = []
    for name, step in (
        ("throughput", lambda: throughput.run(200 if quick else 1000)),
        ("storage and memory", lambda: storage_memory.run(100 if quick else 300, 2000 if quick else 10_000)),
        ("results", results.run),
        ("judgement", lambda: judgement.run(2_000 if quick else judgement.PEOPLE)),
        ("statistics", lambda: figures.run(10_000 if quick else 100_000)),
        ("loopback HTTP", lambda: loopback.run(200 if quick else 1000)),
        ("users at once", lambda: concurrency.run((10, 60) if quick else (10, 30, 60, 120), 15 if quick else 30)),
        ("backup under load", lambda: backup.run(10_000 if quick else 100_000, 30, 15 if quick else 30)),
    ):
        print(f"running {name} …", flush=True)
        rows += step()
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    header = ("measure", "goal", "result")
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, width)),
             "-|-".join("-" * w for w in width)]
    lines += [" | ".join(cell.ljust(w) for cell, w in zip(row, width)) for row in rows]
    table = "\n".join(lines)
    print(table)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    RESULTS.write_text(
        f"# Benchmark results\n\n{stamp} · {machine()} · {'quick sizes' if quick else 'full sizes'}"
        f" · {time.time() - began:.0f} s\n\n" + "\n".join(f"| {line} |" for line in lines) + "\n\n"
        + NOTES, encoding="utf-8")
    print(f"\nwritten to {RESULTS}")


NOTES = """## Notes

- **Throughput** runs the real `Application` (handlers, flows, SQLite commit per update) with
  an offline request object that answers at once, so only the bot's own work is measured.
  Updates are fed one at a time, round robin over the users (every user mid-assessment at
  once), which is how the durable runner hands them over per user.
- **Cost per update vs the floors.** The bare floor answers the button and edits one message
  and stores nothing. The like-for-like floor does the same and commits each update to SQLite
  with fsync (synchronous=FULL, WAL): the durability every answer of ours has. Against it the
  goal is ≤ 3×; the rest of our cost is reading the user's state, the flow, and
  python-telegram-bot building the keyboard and parsing the edited message.
- **Users at once** is the real `regiecoach run` subprocess against the loopback stand-in:
  each user taps `3` two seconds after their next question appeared. Latency and counts are
  taken at the stand-in (when a request arrives, as Telegram would count it). Each tap costs one
  counted send: the question message is edited into the next question, and the choice is
  confirmed in the callback answer, which Telegram does not count. With 120 users the offered
  60 taps a second exceed Telegram's 30 sends a second: the window holds, and the wait grows.
- **Flood window.** At most `REGIECOACH_SENDS_PER_SECOND` (30) sends may be under way or
  answered within the last second (a send leaves the window a second after its answer, so a
  delayed request cannot make Telegram count more); nothing waits under that. Replies go first; proactive sends
  leave a tenth of the window free and are evenly spaced, so a broadcast delays a reply by
  at most a few sends' time (the "replies during a prompt to 1,000 coachees" row).
- **Charts** render in one worker process, one at a time (matplotlib holds the GIL for most of a
  render), and are sent when ready; the texts of a result go out at once.
- **Memory** is the process's own high-water mark (VmHWM). Conversation state lives in SQLite.
- **Judgement** scores simulated answer sets (fixed seed, five answering styles, each statement
  drawn on its own from the style's distribution, 2 % skipped, 10 % of the statements that
  need an occasion "didn't come up") with the real scoring and renders every result text of
  every person in Dutch and English (`bench/judgement.py` says what the text check looks for).
  "#1 among own lowest" counts people with a #1 development point (not flat); "most frequent
  #1" is the share of those people whose #1 is that competency.
- **Round trip** is the real `regiecoach run` subprocess against the stand-in: from a tap to the
  next question arriving, with a quarter second between taps.
- **Backup under load**: `regiecoach backup` (its own process, as an operator runs it) of a
  database with 100,000 completed assessments while 30 users tap against the real `regiecoach
  run`; backups run back to back through a 30 s window and the taps made while one ran are
  compared with a 30 s window without. The copy reads one snapshot (it never takes the write
  lock), flushes each 4 MiB step as it goes (left to the end, the 600 MB write-back stalled
  the bot's own fsyncs for about 0.3 s) and runs at nice 10, so the integrity check, which
  takes most of the time, yields the processor to the bot.
"""


if __name__ == "__main__":
    main()
