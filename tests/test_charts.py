"""Charts: PNGs of the promised size, gaps for missing values, bad input refused, thread-safe;
the profile chart's labels never collide with each other or with the plot."""

from __future__ import annotations

import itertools
import math
import struct
from concurrent.futures import ThreadPoolExecutor

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.bar_charts import render_bars
from bot.charts import (
    DPI,
    PROFILE_LABEL_PT,
    ProfileGroup,
    ProfilePlan,
    ProfileRow,
    render_profile,
)
from tests.conftest import DUTCH, LEGEND, profile


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_bar_charts_refuse_mismatched_values():
    with pytest.raises(ValueError):
        render_bars("bars", ["a", "b"], [1])


@pytest.mark.parametrize("kind", ["bars", "horizontal", "funnel"])
def test_bar_charts_leave_withheld_values_out(kind):
    png = render_bars(kind, [f"label {n}" for n in range(10)], [None, 5, 7, None, 9, 12, 3, 4, None, 6],
                      [4.0] * 10 if kind == "horizontal" else None)
    width, height = png_size(png)
    assert width == 1080 and height >= 1080


# --- the competency profile ---------------------------------------------------------------





def drawn(groups, legend=LEGEND, title="Jouw competentieprofiel", size_px=1080):
    """The plan and its Axes, drawn with Agg at the PNG's size, plus a renderer to measure text."""
    plan = ProfilePlan(groups, legend, title=title, width=size_px * 72 / DPI, font=PROFILE_LABEL_PT * size_px / 1080)
    figure = Figure(figsize=(size_px / DPI, plan.height / 72), dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    plan.draw(axes)
    canvas.draw()
    return plan, axes, canvas.get_renderer()


def test_28_competencies_in_three_groups_make_a_portrait_phone_picture():
    png = render_profile(profile(), LEGEND, title="Jouw competentieprofiel")
    width, height = png_size(png)
    assert width == 1080
    assert 1400 <= height <= 2160  # taller than wide, at most 2:1 so a phone shows it at full width
    small_width, small_height = png_size(render_profile(profile(), LEGEND, title="Jouw competentieprofiel",
                                                        size_px=720))
    assert small_width == 720 and abs(small_height - height * 720 / 1080) <= 0.03 * height


def test_labels_never_overlap_each_other_the_scale_or_the_picture_edge():
    plan, axes, renderer = drawn(profile())
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in axes.texts]
    assert len(boxes) == 1 + 4 + 3 * 6 + 28  # title, legend, 3 × (group title + 5 numbers), labels
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), (a, b)
    width_px = axes.figure.bbox.width
    scale_left_px = (plan.x(1) - 0.4 * plan.f) * DPI / 72  # left edge of a marker on 1
    labels = {row.label for group in plan.groups for row in group.rows}
    for text, box in boxes:
        assert box.x0 >= 0 and box.x1 <= width_px, text
        if text.replace("\n", " ") in labels:
            assert box.x1 < scale_left_px, text


def test_long_labels_wrap_to_two_lines_and_a_too_long_one_is_cut():
    longest = "Het vermogen om complexe veranderingsprocessen binnen een grote organisatie te begeleiden en te borgen"
    groups = [ProfileGroup("Groep", (ProfileRow(longest, 4, {"self": 2}),
                                     ProfileRow("Informatievoorzieningsarchitectuurontwikkelingsvaardigheden", 3,
                                                {"self": 3}),
                                     ProfileRow("Hoe applicaties de infrastructuur gebruiken", 4, {"self": 4})))]
    plan = ProfilePlan(groups, LEGEND, title="", width=518.4, font=PROFILE_LABEL_PT)
    texts = [text for _, _, text, _ in plan.blocks[0][3]]
    assert all(text.count("\n") <= 1 for text in texts)
    assert texts[0].endswith("…") and texts[0].startswith("Het vermogen")
    assert texts[1].replace("-\n", "") == "Informatievoorzieningsarchitectuurontwikkelingsvaardigheden"
    assert texts[2] == "Hoe applicaties de infrastructuur\ngebruiken"


def markers(axes, below: float) -> dict[str, int]:
    """How many markers of each kind are drawn below the legend (y in points, down)."""
    counts = {"self": 0, "previous": 0, "others": 0, "target": 0}
    for line in axes.lines:
        ys = [y for y in line.get_ydata() if y > below]
        if line.get_linestyle() != "None" or not ys:
            continue
        kind = {"o": "self" if line.get_markerfacecolor() != "none" else "previous", "D": "others",
                "|": "target"}[line.get_marker()]
        counts[kind] += len(ys)
    return counts


def test_missing_values_are_simply_absent():
    groups = profile()
    expected = {name: sum(row.values[name] is not None for group in groups for row in group.rows)
                for name in ("self", "previous", "others")}
    assert all(0 < count < 28 for count in expected.values())
    plan, axes, _ = drawn(groups)
    assert markers(axes, plan.blocks[0][1]) == {**expected, "target": 28}


def test_only_the_series_in_the_data_are_drawn_and_listed():
    only_self = profile(series=("self",))
    plan, axes, _ = drawn(only_self, legend={"self": "You", "target": "Target"})  # no label for others needed
    assert plan.series == ["self"]
    assert [text.get_text() for text in axes.texts[1:3]] == ["You", "Target"]
    counts = markers(axes, plan.blocks[0][1])
    assert counts["previous"] == counts["others"] == 0 and counts["self"] > 0
    nothing_answered = [ProfileGroup("G", (ProfileRow("Niets", 3, {"self": None, "previous": None}),))]
    assert ProfilePlan(nothing_answered, {"target": "Doel"}, title="", width=500, font=12).series == []
    assert png_size(render_profile(nothing_answered, {"target": "Doel"}))[0] == 1080


def test_groups_get_their_own_header_and_colour():
    plan, axes, _ = drawn(profile())
    titles = [text for text in axes.texts if text.get_text() in {title for title, _ in DUTCH}]
    assert len({text.get_color() for text in titles}) == 3
    tops = [top for _, top, _, _ in plan.blocks]
    bottoms = [bottom for _, _, bottom, _ in plan.blocks]
    assert all(bottom < top for bottom, top in zip(bottoms, tops[1:]))  # groups follow each other, apart


@pytest.mark.parametrize("groups, legend", [
    ([], LEGEND),
    ([ProfileGroup("Leeg", ())], LEGEND),
    ([ProfileGroup("G", (ProfileRow("a", 0, {"self": 3}),))], LEGEND),
    ([ProfileGroup("G", (ProfileRow("a", 4, {"self": 5.5}),))], LEGEND),
    ([ProfileGroup("G", (ProfileRow("a", 4, {"self": 0.5}),))], LEGEND),
    ([ProfileGroup("G", (ProfileRow("a", 4, {"self": math.nan}),))], LEGEND),
    ([ProfileGroup("G", (ProfileRow("a", 4, {"self": "3"}),))], LEGEND),
    ([ProfileGroup("G", (ProfileRow("a", 4, {"self": True}),))], LEGEND),
    ([ProfileGroup("G", (ProfileRow("a", 4, {"boss": 3}),))], LEGEND),
    ([ProfileGroup("G", (ProfileRow(" ", 4, {"self": 3}),))], LEGEND),
    ([ProfileGroup("G", (ProfileRow("a", 4, {"self": 3}),))], {"target": "Doel"}),  # no label for "self"
    ([ProfileGroup("G", (ProfileRow("a", 4, {"self": 3}),))], {"self": "Jij"}),  # none for the target
    ([ProfileGroup("G", tuple(ProfileRow(f"r{n}", 4, {"self": 3}) for n in range(400)))], LEGEND),  # too tall
    ([ProfileGroup("G", (ProfileRow("a", 4, {"self": 3}) for _ in range(2)))], LEGEND),  # rows not a tuple
])
def test_bad_profiles_are_refused(groups, legend):
    with pytest.raises(ValueError):
        render_profile(groups, legend)


def test_a_silly_size_is_refused():
    with pytest.raises(ValueError):
        render_profile(profile(), LEGEND, size_px=100)


def test_profiles_render_the_same_in_threads_at_once():
    inputs = [(profile(gaps=g), f"Profiel {g}") for g in (3, 4, 5, 6)]
    alone = [render_profile(groups, LEGEND, title=title) for groups, title in inputs]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda args: render_profile(args[0], LEGEND, title=args[1]), inputs * 2))
    assert together == alone * 2
    assert len(set(alone)) == 4


async def test_the_chart_worker_renders_a_job_once_and_keeps_the_last_ones():
    from bot.delivery import ChartWorker

    worker = ChartWorker()
    first = ("bars", ["a", "b"], (1.0, 2.0), None)
    same = await worker.render((render_bars, first, {}))
    assert await worker.render((render_bars, first, {})) == same and worker.rendered == 1
    await worker.render((render_bars, ("bars", ["a", "b"], (2.0, 1.0), None), {}))
    assert worker.rendered == 2
    for n in range(ChartWorker.CACHED):  # the first job leaves the cache: it is rendered again
        worker._remember(n.to_bytes(4, "big"), b"")
    await worker.render((render_bars, first, {}))
    assert worker.rendered == 3


def test_the_chart_worker_ends_when_the_bot_is_killed(tmp_path):
    """A bot killed with kill -9 leaves no chart process behind."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = (
        "import asyncio, os, sys\n"
        "from bot.delivery import ChartWorker\n"
        "from bot.bar_charts import render_bars\n"
        "async def main():\n"
        "    worker = ChartWorker()\n"
        "    await worker.render((render_bars, ('bars', ['a'], (1.0,), None), {}))\n"
        "    print(list(worker._pool._processes)[0], flush=True)\n"
        "    os.kill(os.getpid(), 9)\n"
        "asyncio.run(main())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=os.getcwd())
    assert done.returncode == -signal.SIGKILL, done.stderr
    worker = int(done.stdout.strip())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(worker, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(worker, signal.SIGKILL)
    raise AssertionError("the chart worker outlived the bot")
