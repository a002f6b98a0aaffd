"""Event-study plot: drawn artists, not pixels."""

from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba

from csnb.analyses.did import fit_cs_did, fit_twfe
from csnb.plots.did import plot_event_study

REFERENCE = Path(__file__).parents[1] / "data" / "reference"


@pytest.fixture(scope="module")
def results():
    data = pd.read_csv(REFERENCE / "mpdta.csv")
    data["post"] = (data["first.treat"] > 0) & (data["year"] >= data["first.treat"])
    cs = fit_cs_did(data, "lemp", "countyreal", "year", "first.treat")
    twfe = fit_twfe(data, "lemp", "countyreal", "year", "post", group="first.treat",
                    event_study=True)
    return cs, twfe


def _markers(ax):
    # Error-bar caps are lines with marker "_": only the estimate markers count.
    return [line for line in ax.get_lines() if line.get_marker() in ("o", "x")]


def test_single_estimator(results):
    import matplotlib.pyplot as plt

    cs, _ = results
    fig, ax = plt.subplots()
    out = plot_event_study(cs.tidy(), ax=ax)
    assert out is ax
    points = _markers(ax)
    xs = np.sort(np.concatenate([p.get_xdata() for p in points]))
    assert list(xs) == [-3, -2, -1, 0, 1, 2, 3]
    # Pre periods open (white face), post periods filled.
    pre = [p for p in points if np.all(np.asarray(p.get_xdata()) < 0)]
    post = [p for p in points if np.all(np.asarray(p.get_xdata()) >= 0)]
    assert pre and post
    assert to_rgba(pre[0].get_markerfacecolor()) == to_rgba("white")
    assert to_rgba(post[0].get_markerfacecolor()) != to_rgba("white")
    # One interval per event time, from ci_low to ci_high.
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    segments = np.concatenate([c.get_segments() for c in bars])
    events = cs.event_study_table()
    assert len(segments) == len(events)
    lows = sorted(s[:, 1].min() for s in segments)
    assert np.allclose(lows, sorted(events["ci_low"]))
    # Reference lines: zero effect, adoption between -1 and 0.
    flat = [line for line in ax.get_lines() if list(line.get_ydata()) == [0, 0]]
    upright = [line for line in ax.get_lines() if list(line.get_xdata()) == [-0.5, -0.5]]
    assert flat and upright
    plt.close(fig)


def test_cs_and_twfe_overlaid(results):
    import matplotlib.pyplot as plt

    cs, twfe = results
    table = pd.concat([cs.tidy(), twfe.tidy()], ignore_index=True)
    ax = plot_event_study(table, labels={"twfe": "TWFE"})
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["Callaway & Sant'Anna", "TWFE"]
    points = _markers(ax)
    # TWFE's reference period is a cross without an interval; series are dodged apart.
    crosses = [p for p in points if p.get_marker() == "x"]
    assert len(crosses) == 1 and list(crosses[0].get_ydata()) == [0.0]
    colors = {to_rgba(p.get_markeredgecolor()) for p in points}
    assert len(colors) == 2
    xs = np.concatenate([p.get_xdata() for p in points])
    assert not np.allclose(xs, np.round(xs))
    plt.close(ax.figure)


def test_theme_is_local(results):
    import matplotlib.pyplot as plt

    before = dict(mpl.rcParams)
    ax = plot_event_study(results[0].tidy())
    assert dict(mpl.rcParams) == before
    plt.close(ax.figure)


def test_result_plot_method(results):
    import matplotlib.pyplot as plt

    ax = results[1].plot()
    assert len(_markers(ax)) >= 2
    plt.close(ax.figure)
