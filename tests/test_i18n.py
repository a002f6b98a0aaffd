import re
from pathlib import Path

import pytest

from csnb.analyses import AREAS, TREND_METRICS
from csnb.errors import SettingsError
from csnb.i18n import (
    LANGS,
    METRICS,
    TEXT,
    VALUE_LABELS,
    format_value,
    t,
    value_label,
)
from csnb.io.schema import ACTIONS, COMPLAINT_CATEGORIES, COMPLAINT_SOURCES, EXIT_REASONS, POLICIES

DOCS = Path(__file__).parents[1] / "docs" / "results-json.md"


def test_every_text_has_every_language():
    for key, entry in TEXT.items():
        for lang in LANGS:
            assert entry.get(lang), f"text {key!r} lacks {lang}"
    for key, entry in METRICS.items():
        for lang in LANGS:
            assert entry.get(lang), f"metric {key!r} lacks {lang}"


def test_zh_texts_are_chinese_and_differ_from_english():
    han = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # with CJK punctuation
    for key, entry in {**TEXT, **METRICS}.items():
        if key.startswith("lang."):
            continue  # a language is named in its own language: English, 中文
        assert han.search(entry["zh"]), f"{key!r} zh text has no Chinese: {entry['zh']!r}"
        assert entry["zh"] != entry["en"]


def test_every_area_figure_has_a_label():
    for area, metrics in {**AREAS, **TREND_METRICS}.items():
        for m in metrics:
            assert m in METRICS, f"{area}: {m} has no label"


def test_unknown_language_is_named():
    with pytest.raises(SettingsError, match=r"lang must be one of 'en', 'zh'; got 'fr'"):
        t("title.overview", "fr")


@pytest.mark.parametrize(
    ("metric", "value", "lang", "expected"),
    [
        ("conversion_rate", 0.4567, "en", "45.7%"),
        ("credited_sales", 1234567.8, "en", "¥1,234,568"),
        ("avg_first_response_s", 42.25, "zh", "42.2 秒"),
        ("hires", 7.0, "en", "7"),
        ("hires", None, "zh", "无"),
        ("hires", float("nan"), "en", "n/a"),
    ],
)
def test_format_value(metric, value, lang, expected):
    assert format_value(metric, value, lang) == expected


def test_results_doc_lists_every_area_figure():
    text = DOCS.read_text(encoding="utf-8")
    for area, metrics in AREAS.items():
        line = next(ln for ln in text.splitlines() if ln.startswith(f"- `{area}.json`"))
        block = text[text.index(line):].split("\n- ")[0]
        for m in metrics:
            assert f"`{m}`" in block, f"docs/results-json.md: {area} lacks {m}"


def test_every_category_value_has_labels_in_both_languages():
    for value in (*COMPLAINT_CATEGORIES, *COMPLAINT_SOURCES, *EXIT_REASONS, *ACTIONS, *POLICIES):
        assert value in VALUE_LABELS, value
        assert value_label(value, "zh") != value_label(value, "en")
    assert value_label("not_a_code", "zh") == "not_a_code"
    assert value_label(None, "en") == ""


def test_every_text_key_is_used():
    """A text no report shows is dead: keys must appear in the package or the notebooks.

    Keys built at run time are recognised by their prefix: ``title.NAME``/``nav.NAME`` for
    every report name and ``col.COLUMN`` for a column name the package uses.
    """
    import json

    from csnb.i18n import TEXT

    root = Path(__file__).parents[1]
    tables = [root / "csnb" / "i18n.py", *(root / "csnb" / "_texts").glob("*.py")]
    sources = [p.read_text(encoding="utf-8") for p in (root / "csnb").rglob("*.py")
               if p not in tables]
    # i18n.py itself uses some texts; the text tables' own entries are not uses
    for table in tables:
        own = table.read_text(encoding="utf-8").splitlines()
        sources += [line for line in own if not re.match(r'^\s+"[^"]+": \{', line)]
    sources += [p.read_text(encoding="utf-8") for p in (root / "csnb").rglob("*.j2")]
    for nb in (root / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        sources += ["".join(c["source"]) for c in cells]
    text = "\n".join(sources)
    built = set(re.findall(r"""f["']([a-z_.]+)\{""", text))
    # column_label(..., prefix="turnover") builds "turnover.col.<column>"
    built |= {f"{p}.col." for p in re.findall(r"""prefix=["']([a-z_]+)["']""", text)}
    unused = []
    for key in TEXT:
        prefix, _, rest = key.partition(".")
        if f'"{key}"' in text or f"'{key}'" in text:
            continue
        if prefix in ("title", "nav") and rest in AREAS:
            continue
        # built at run time (f"index.status_{status}") from a value the package uses
        if any(key.startswith(p) and f'"{key[len(p):]}"' in text for p in built):
            continue
        if prefix == "col" and f'"{rest}"' in text:
            continue
        unused.append(key)
    assert unused == []


def test_every_text_key_the_notebooks_use_exists():
    """A key a notebook names but no table defines fails only when the report renders."""
    import json

    from csnb.i18n import TEXT

    root = Path(__file__).parents[1]
    missing = []
    for nb in (root / "notebooks").glob("*.ipynb"):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        source = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
        for key in re.findall(r"""report\.(?:section|note|text)\(["']([a-z_.]+)["']""", source):
            if key not in TEXT:
                missing.append((nb.name, key))
    assert missing == []
