"""Admin statistics at scale: /stats figures and the CSV export over N completed assessments."""

from __future__ import annotations

import io
import tempfile
import time
from pathlib import Path

from bench.generate import generate
from bot.content import load_content
from bot.conversation import Conversations
from storage import open_database


def run(count: int = 100_000) -> list[tuple[str, str, str]]:
    content = load_content()
    with tempfile.TemporaryDirectory() as folder:
        db = open_database(Path(folder) / "bench.db")
        began = time.perf_counter()
        generate(db, content, count)
        generated = time.perf_counter() - began
        convs = Conversations(db, content, pseudonym_secret="bench")
        timings = {}
        for period in ("all", "30"):
            began = time.perf_counter()
            convs.statistics(period)
            timings[period] = time.perf_counter() - began
        began = time.perf_counter()
        out = io.StringIO()
        rows = convs.export_csv(out)
        export = time.perf_counter() - began
        size = (Path(folder) / "bench.db").stat().st_size
    return [
        ("stats: generate", f"{count:,} completed assessments", f"{generated:.1f} s ({size / 1e6:.0f} MB)"),
        ("stats: /stats figures, all time", "≤ 0.5 s", f"{timings['all']:.3f} s"),
        ("stats: /stats figures, 30 days", "≤ 0.5 s", f"{timings['30']:.3f} s"),
        ("stats: CSV export", "≤ 2 s", f"{export:.3f} s ({rows:,} rows)"),
    ]


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
