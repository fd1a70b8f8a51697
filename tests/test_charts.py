"""Charts: PNGs of the promised size, gaps for missing values, bad input refused, thread-safe."""

from __future__ import annotations

import struct
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.charts import Series, render_radar
from bot.stat_charts import render_bars


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


LABELS = [f"Competency number {n} with a long name" for n in range(28)]


def test_a_28_axis_radar_with_three_series_and_gaps():
    values = [None if n % 7 == 0 else (n % 5) + 1 for n in range(28)]
    png = render_radar(LABELS, [Series("target", [4] * 28, "target"), Series("before", values, "previous"),
                                Series("now", [3] * 28, "self")], title="Your competencies")
    assert png_size(png) == (1080, 1080)


def test_three_axes_are_enough_and_fewer_or_mismatched_values_are_refused():
    assert png_size(render_radar(["a", "b", "c"], [Series("x", [1, 2, 3])], size_px=600)) == (600, 600)
    with pytest.raises(ValueError):
        render_radar(["a", "b"], [Series("x", [1, 2])])
    with pytest.raises(ValueError):
        render_radar(["a", "b", "c"], [Series("x", [1, 2])])
    with pytest.raises(ValueError):
        render_bars("bars", ["a", "b"], [1])


def test_rendering_in_threads_at_once():
    with ThreadPoolExecutor(4) as pool:
        pngs = list(pool.map(lambda n: render_radar(LABELS, [Series("x", [n % 5 + 1] * 28)]), range(4)))
    assert all(png_size(png) == (1080, 1080) for png in pngs)


@pytest.mark.parametrize("kind", ["bars", "horizontal", "funnel"])
def test_bar_charts_leave_withheld_values_out(kind):
    png = render_bars(kind, [f"label {n}" for n in range(10)], [None, 5, 7, None, 9, 12, 3, 4, None, 6],
                      [4.0] * 10 if kind == "horizontal" else None)
    width, height = png_size(png)
    assert width == 1080 and height >= 1080
