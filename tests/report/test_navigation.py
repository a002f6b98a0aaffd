"""Every report's navigation bar links only to reports that exist (csnb.report.index)."""

import re

from csnb.report import NotebookRun, write_index

NAV = '<nav class="csnb-nav"><!--csnb-nav--><span>placeholder</span><!--/csnb-nav--></nav>'


def _report(out, month, name, lang="en"):
    suffix = "" if lang == "en" else f".{lang}"
    path = out / month / f"{name}{suffix}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><head></head><body>{NAV}<p>{name}</p></body></html>",
                    encoding="utf-8")
    return NotebookRun(name=name, status="ok", seconds=1.0, lang=lang, html=path)


def _links(path):
    nav = re.search(r"<!--csnb-nav-->(.*?)<!--/csnb-nav-->", path.read_text("utf-8")).group(1)
    return re.findall(r'href="([^"]+)"', nav)


def test_nav_links_months_reports_and_languages_that_exist(tmp_path):
    write_index(tmp_path, "2025-10", [_report(tmp_path, "2025-10", "overview")])
    write_index(tmp_path, "2025-11", [_report(tmp_path, "2025-11", "overview"),
                                      _report(tmp_path, "2025-11", "turnover")])
    write_index(tmp_path, "2025-11", [_report(tmp_path, "2025-11", "overview", "zh")],
                lang="zh")
    nov = _links(tmp_path / "2025-11" / "overview.html")
    assert nov == ["../index.html", "../2025-10/overview.html", "turnover.html",
                   "overview.zh.html"]
    # the October overview gained a link to November when November was rendered
    assert _links(tmp_path / "2025-10" / "overview.html") == ["../index.html",
                                                               "../2025-11/overview.html"]
    # the turnover report has no other month and no Chinese version: no such links
    assert _links(tmp_path / "2025-11" / "turnover.html") == ["../index.html", "overview.html"]
    # the Chinese overview links to the Chinese index and back to English only
    assert _links(tmp_path / "2025-11" / "overview.zh.html") == ["../index.zh.html",
                                                                  "overview.html"]
    for link in nov:
        assert (tmp_path / "2025-11" / link).resolve().exists(), link


def test_failed_and_removed_reports_are_never_linked(tmp_path):
    ok = _report(tmp_path, "2025-11", "overview")
    failed = NotebookRun(name="conversion", status="failed", seconds=1.0,
                         ipynb=tmp_path / "2025-11" / "conversion.failed.ipynb",
                         error="conversion.ipynb: cell 3 failed")
    (tmp_path / "2025-11" / "conversion.failed.ipynb").write_text("{}", encoding="utf-8")
    write_index(tmp_path, "2025-11", [ok, failed])
    assert _links(tmp_path / "2025-11" / "overview.html") == ["../index.html"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    zh = (tmp_path / "index.zh.html").read_text(encoding="utf-8")
    assert "Customer-service reports" in index and "客服月报" in zh
    for word in ("Status", "Run time", "Files", "month(s) rendered"):
        assert word not in zh, word
