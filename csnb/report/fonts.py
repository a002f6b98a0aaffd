"""A CJK font inside every page, cut down to the characters the page uses.

Reports are opened on whatever a manager has: a Windows laptop has Microsoft YaHei, a Mac
PingFang, but a Linux desktop or a fresh intranet viewer may have no Chinese font at all and
would draw every team name as empty boxes. Each page therefore carries its own font: the
Noto Sans CJK SC shipped with the figures' font (``mplfonts``), subset with fontTools to the
page's own non-ASCII characters (a few hundred glyphs, a few hundred kB), embedded as a data
URL, so the page stays a single self-contained file.
"""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache

__all__ = ["FONT_FAMILY", "embed_cjk_font"]

#: The family name pages use for the embedded font (first in their font-family lists).
FONT_FAMILY = "csnb CJK"

_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def embed_cjk_font(page: str, extra: str = "") -> str:
    """Return ``page`` with an ``@font-face`` of its non-ASCII characters before ``</head>``.

    ``extra`` holds text the page may show later (the navigation bar the runner redraws).
    A page without such characters, or without a ``</head>``, is returned unchanged.
    """
    chars = "".join(sorted(set(_NON_ASCII.findall(page + extra))))
    if not chars or "</head>" not in page:
        return page
    data = _subset(chars)
    face = (f'<style>@font-face {{ font-family: "{FONT_FAMILY}"; '
            f'src: url(data:font/woff;base64,{data}) format("woff"); }}</style>')
    return page.replace("</head>", face + "</head>", 1)


@lru_cache(maxsize=16)
def _subset(chars: str) -> str:
    from fontTools import subset

    from ..plots.theme import font_path

    options = subset.Options()
    options.flavor = "woff"  # zlib, in the standard library; woff2 would need brotli
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    font = subset.load_font(str(font_path()), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=chars)
    subsetter.subset(font)
    buffer = io.BytesIO()
    subset.save_font(font, buffer, options)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
