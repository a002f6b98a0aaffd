"""One seaborn theme with a real CJK font, applied per figure, never globally.

Every ``plot_*`` function draws inside :func:`theme`, a ``matplotlib.rc_context``: Chinese
team and agent names render as real glyphs, and the user's own rcParams are untouched
afterwards. :func:`set_theme` applies the same theme globally for an analyst's own plots.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["FONT_NAME", "font_path", "set_theme", "theme"]

#: The CJK font shipped by the ``mplfonts`` wheel (Noto Sans CJK SC covers Latin and Chinese).
FONT_FILE = "NotoSansCJKsc-Regular.otf"
FONT_NAME = "Noto Sans CJK SC"
PALETTE = "deep"


@cache
def font_path() -> Path:
    """Path of the CJK font file installed with the project's dependencies."""
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / FONT_FILE
    if not path.exists():  # pragma: no cover - broken install
        raise FileNotFoundError(f"CJK font {path} is missing: reinstall the 'mplfonts' package")
    return path


@cache
def _register_font() -> None:
    # Registering a font file is no theme change: it only makes the family findable.
    from matplotlib import font_manager

    if FONT_NAME not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(font_path()))


def theme_rc() -> dict[str, Any]:
    """The rcParams of csnb's theme: seaborn whitegrid, the CJK font, the deep palette."""
    import seaborn as sns
    from cycler import cycler

    _register_font()
    return {
        **sns.axes_style("whitegrid"),
        **sns.plotting_context("notebook"),
        "axes.prop_cycle": cycler(color=sns.color_palette(PALETTE)),
        # The family by name, not the generic "sans-serif": a text keeps the family it was
        # created with, and a generic name is resolved again when the figure is drawn, which
        # a notebook does after the plot function (and this theme) returned.
        "font.family": [FONT_NAME, "sans-serif"],
        "font.sans-serif": [FONT_NAME, "DejaVu Sans"],
        "axes.unicode_minus": False,  # the CJK font has no U+2212 minus glyph
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "figure.figsize": (9, 4),
    }


@contextmanager
def theme() -> Iterator[None]:
    """Draw with csnb's theme inside the ``with`` block; rcParams are restored after it."""
    import matplotlib as mpl

    with mpl.rc_context(theme_rc()):  # type: ignore[arg-type]  # keys are rcParams names
        yield


def set_theme() -> None:
    """Apply csnb's theme globally (for an analyst's own plots; csnb's plots never call it)."""
    import matplotlib as mpl

    mpl.rcParams.update(theme_rc())  # type: ignore[arg-type]
