"""Report runner: parameters, execution through the real papermill, outputs, index.

The notebooks under ``tests/data/notebooks/`` are tiny stand-ins for the reports:
``overview`` draws a matplotlib figure and shows a DataFrame holding ``<script>alert(1)</script>``,
``turnover`` raises ``KeyError: 'x'`` in cell 3, the other three just write their key figures.
"""

import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from csnb.errors import ParameterError
from csnb.months import check_month
from csnb.report import (
    NOTEBOOKS,
    NotebookRun,
    find_external_refs,
    render_month,
    write_index,
)
from csnb.report.index import render_index_html

TEST_NOTEBOOKS = Path(__file__).parents[1] / "data" / "notebooks"
MONTH = "2025-11"
XSS = "<script>alert(1)</script>"
XSS_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _notebook_dir(tmp_path: Path, names=NOTEBOOKS) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(TEST_NOTEBOOKS / f"{name}.ipynb", folder / f"{name}.ipynb")
    return folder


def _edit(folder: Path, name: str, edit) -> None:
    """Apply ``edit(nb)`` to ``folder/name.ipynb`` in place."""
    path = folder / f"{name}.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    edit(nb)
    nbformat.write(nb, str(path))


def _code(source: str):
    return nbformat.v4.new_code_cell(source)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    # Two agents, hired in October and November: the data can answer those two months.
    (folder / "agents.csv").write_text(
        "agent_id,team,hire_date\nA1,T1,2025-10-02\nA2,T1,2025-11-03\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, data_dir):
    """All the test notebooks rendered once; stale outputs planted beforehand."""
    out = tmp_path_factory.mktemp("reports")
    month_dir = out / MONTH
    month_dir.mkdir()
    # Stale outputs of an earlier, successful turnover run and an earlier failed overview run.
    (month_dir / "turnover.html").write_text("<html>old turnover</html>", encoding="utf-8")
    (month_dir / "turnover.json").write_text("{}", encoding="utf-8")
    (month_dir / "overview.failed.ipynb").write_text("{}", encoding="utf-8")
    summary = render_month(
        MONTH, data_dir, out, notebooks_dir=TEST_NOTEBOOKS, workers=2, progress=False
    )
    return summary, out


# ---------------------------------------------------------------------------------------------
# Parameters are checked before anything executes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2025-13", "2025-6", "June", "2025-00", "2025-1-1", "", 202511])
def test_bad_month_is_a_parameter_error(month, data_dir, tmp_path):
    with pytest.raises(ParameterError, match="YYYY-MM"):
        render_month(
            month, data_dir, tmp_path / "out", notebooks_dir=TEST_NOTEBOOKS, progress=False
        )
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.html"))


@pytest.mark.parametrize("month", ["2025-01", "2025-12", "1999-10"])
def test_real_months_pass(month):
    assert check_month(month) == month


def test_bad_lang_workers_and_only(data_dir, tmp_path):
    common = dict(notebooks_dir=TEST_NOTEBOOKS, progress=False)
    with pytest.raises(ParameterError, match="lang must be one of 'en', 'zh'; got 'fr'"):
        render_month(MONTH, data_dir, tmp_path, lang="fr", **common)
    with pytest.raises(ParameterError, match="workers"):
        render_month(MONTH, data_dir, tmp_path, workers=0, **common)
    with pytest.raises(ParameterError) as info:
        render_month(MONTH, data_dir, tmp_path, only=["overview", "churn"], **common)
    message = str(info.value)
    assert "'churn'" in message
    for name in NOTEBOOKS:
        assert repr(name) in message
    assert not any(tmp_path.iterdir())


def test_missing_data_folder_is_a_clear_error(tmp_path):
    missing = tmp_path / "no-such-data"
    with pytest.raises(ParameterError, match="data folder .*no-such-data.* does not exist"):
        render_month(MONTH, missing, tmp_path / "out", notebooks_dir=TEST_NOTEBOOKS, progress=False)
    assert not (tmp_path / "out").exists()


def test_missing_template_is_a_clear_error(tmp_path, data_dir):
    folder = _notebook_dir(tmp_path, names=["overview"])
    with pytest.raises(ParameterError, match="turnover.ipynb.* not found"):
        render_month(
            MONTH,
            data_dir,
            tmp_path / "out",
            notebooks_dir=folder,
            only=["overview", "turnover"],
            progress=False,
        )


def test_undeclared_parameter_fails_before_any_execution(tmp_path, data_dir):
    folder = _notebook_dir(tmp_path, names=["overview", "incentives"])
    marker = tmp_path / "executed.txt"

    # overview would leave a marker file if it ever ran
    def add_marker(nb):
        nb.cells.insert(2, _code(f"open({str(marker)!r}, 'w').write('ran')"))

    # incentives does not declare `lang`
    def drop_lang(nb):
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source = "\n".join(ln for ln in cell.source.splitlines() if not ln.startswith("lang"))

    _edit(folder, "overview", add_marker)
    _edit(folder, "incentives", drop_lang)
    with pytest.raises(
        ParameterError, match=r"incentives\.ipynb does not declare parameter 'lang'"
    ):
        render_month(
            MONTH,
            data_dir,
            tmp_path / "out",
            notebooks_dir=folder,
            only=["overview", "incentives"],
            progress=False,
        )
    assert not marker.exists()
    assert not (tmp_path / "out").exists()


def test_parameter_line_papermill_cannot_parse_is_named(tmp_path, data_dir):
    folder = _notebook_dir(tmp_path, names=["overview"])

    def two_equals(nb):
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source = cell.source.replace(
            'results_path: str = "results.json"  # where the key figures JSON goes',
            'results_path: str = ""  # key figures JSON ("" = do not write)',
        )

    _edit(folder, "overview", two_equals)
    with pytest.raises(
        ParameterError,
        match="cannot parse the declaration of parameter 'results_path'.*only one '='",
    ):
        render_month(
            MONTH,
            data_dir,
            tmp_path / "out",
            notebooks_dir=folder,
            only=["overview"],
            progress=False,
        )


def test_notebook_without_parameters_cell(tmp_path, data_dir):
    folder = _notebook_dir(tmp_path, names=["overview"])

    def untag(nb):
        for cell in nb.cells:
            cell.metadata.pop("tags", None)

    _edit(folder, "overview", untag)
    with pytest.raises(ParameterError, match="no cell tagged 'parameters'"):
        render_month(
            MONTH,
            data_dir,
            tmp_path / "out",
            notebooks_dir=folder,
            only=["overview"],
            progress=False,
        )


# ---------------------------------------------------------------------------------------------
# A full render
# ---------------------------------------------------------------------------------------------


def test_summary_lists_every_notebook_in_order(rendered):
    summary, out = rendered
    assert summary.month == MONTH
    assert [run.name for run in summary.runs] == list(NOTEBOOKS)
    assert not summary.ok
    assert [run.name for run in summary.failed] == ["turnover"]
    assert summary.index_html == out / "index.html"
    for run in summary.runs:
        assert run.seconds > 0


def test_failing_notebook_names_notebook_and_cell(rendered):
    summary, out = rendered
    run = summary.runs[NOTEBOOKS.index("turnover")]
    assert run.status == "failed" and not run.ok
    assert run.cell_index == 3  # index in the template, not counting papermill's injected cell
    assert run.error.startswith("turnover.ipynb: cell 3 failed: KeyError: 'x'")
    assert 'value = rows["x"]' in run.error
    assert run.html is None and run.json is None


def test_failing_notebook_leaves_no_report_but_keeps_the_executed_copy(rendered):
    summary, out = rendered
    month_dir = out / MONTH
    # the stale report of an earlier run is gone too
    assert not (month_dir / "turnover.html").exists()
    assert not (month_dir / "turnover.json").exists()
    assert not (month_dir / "turnover.ipynb").exists()
    failed = month_dir / "turnover.failed.ipynb"
    assert summary.runs[NOTEBOOKS.index("turnover")].ipynb == failed
    nb = nbformat.read(str(failed), as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert [(e.ename, e.evalue) for e in errors] == [("KeyError", "'x'")]


def test_successful_outputs_exist(rendered):
    summary, out = rendered
    for run in summary.runs:
        if run.name == "turnover":
            continue
        assert run.status == "ok", run.error
        assert run.html == out / MONTH / f"{run.name}.html" and run.html.is_file()
        assert run.json == out / MONTH / f"{run.name}.json" and run.json.is_file()
        assert run.ipynb == out / MONTH / f"{run.name}.ipynb" and run.ipynb.is_file()
        assert not (out / MONTH / f"{run.name}.failed.ipynb").exists()
    # nothing temporary left behind
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".")]
    assert leftovers == []


def test_key_figures_json_and_provisional_flag(rendered):
    summary, out = rendered
    overview = json.loads((out / MONTH / "overview.json").read_text(encoding="utf-8"))
    assert overview == {
        "month": MONTH,
        "provisional": True,
        "metric_book_version": 1,
        "figures": {"answer": 42},
    }
    assert summary.runs[0].provisional is True
    assert summary.runs[NOTEBOOKS.index("conversion")].provisional is False


def test_kernel_is_the_running_interpreter_in_the_notebooks_folder(rendered):
    _, out = rendered
    figures = json.loads((out / MONTH / "conversion.json").read_text(encoding="utf-8"))["figures"]
    assert figures["executable"] == sys.executable
    assert Path(figures["cwd"]).resolve() == TEST_NOTEBOOKS.resolve()


def test_executed_notebook_has_the_parameters(rendered, data_dir):
    _, out = rendered
    nb = nbformat.read(str(out / MONTH / "overview.ipynb"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    source = injected[0].source
    assert f'month = "{MONTH}"' in source
    assert str(data_dir.resolve()) in source
    assert 'lang = "en"' in source
    assert nb.metadata.papermill.output_path == str(out / MONTH / "overview.ipynb")


def test_html_hides_code_and_embeds_images(rendered):
    _, out = rendered
    html = (out / MONTH / "overview.html").read_text(encoding="utf-8")
    assert "SECRET_CODE_MARKER" not in html
    assert "import matplotlib" not in html
    assert "plt.subplots" not in html
    assert not re.search(r"class=\"[^\"]*jp-(Input|Output)Prompt", html)
    assert re.search(r'<img[^>]+src="data:image/png;base64,[A-Za-z0-9+/]{100}', html)
    # Markdown cells are analyst notes in one language; the report shows only outputs.
    assert "Overview (test)" not in html


def test_html_loads_nothing_from_the_network(rendered):
    _, out = rendered
    pages = sorted(out.rglob("*.html"))
    # every report but the failing turnover, and the English and Chinese index
    assert len(pages) == len(NOTEBOOKS) - 1 + 2
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert find_external_refs(html) == [], page.name
        assert "mathjax" not in html.lower() and "require.min.js" not in html


def test_html_escapes_data_values(rendered):
    _, out = rendered
    html = (out / MONTH / "overview.html").read_text(encoding="utf-8")
    assert XSS not in html
    assert XSS_ESCAPED in html


def test_index_lists_the_month_with_status_and_links(rendered):
    _, out = rendered
    index = (out / "index.html").read_text(encoding="utf-8")
    assert MONTH in index
    for name in ("overview", "conversion", "complaints", "incentives"):
        assert f'href="{MONTH}/{name}.html"' in index
        assert f'href="{MONTH}/{name}.json"' in index
        assert f'href="{MONTH}/{name}.ipynb"' in index
    assert f'href="{MONTH}/turnover.html"' not in index
    assert f'href="{MONTH}/turnover.failed.ipynb"' in index
    assert "provisional" in index
    row = re.search(r'<tr class="nb-turnover lang-en">.*?</tr>', index, re.S).group(0)
    assert "failed" in row
    # the error text is escaped: quotes of KeyError: 'x' and rows["x"]
    assert "KeyError: &#39;x&#39;" in row and "rows[&#34;x&#34;]" in row
    assert find_external_refs(index) == []
    assert "<style>" in index


def test_index_manifest(rendered):
    summary, out = rendered
    manifest = json.loads((out / "index.json").read_text(encoding="utf-8"))
    entry = manifest["months"][MONTH]
    assert [n["name"] for n in entry["reports"]] == list(NOTEBOOKS)
    assert {n["lang"] for n in entry["reports"]} == {"en"}
    by_name = {n["name"]: n for n in entry["reports"]}
    assert by_name["overview"]["status"] == "ok"
    assert by_name["overview"]["html"] == f"{MONTH}/overview.html"
    assert by_name["overview"]["provisional"] is True
    assert by_name["turnover"]["status"] == "failed"
    assert by_name["turnover"]["error"] == summary.runs[1].error
    assert by_name["turnover"]["cell_index"] == 3


# ---------------------------------------------------------------------------------------------
# Re-rendering, --only, checks of the results JSON
# ---------------------------------------------------------------------------------------------


def test_rerender_replaces_the_month_and_only_renders_the_named(tmp_path, data_dir):
    folder = _notebook_dir(tmp_path, names=["turnover", "conversion"])
    out = tmp_path / "out"
    first = render_month(
        MONTH, data_dir, out, notebooks_dir=folder, only=["turnover", "conversion"], progress=False
    )
    assert [(r.name, r.status) for r in first.runs] == [
        ("turnover", "failed"),
        ("conversion", "ok"),
    ]
    assert (out / MONTH / "turnover.failed.ipynb").exists()

    # fix turnover and render only it: it replaces its entry; conversion's entry stays
    _edit(folder, "turnover", lambda nb: nb.cells.pop(3))
    second = render_month(
        MONTH, data_dir, out, notebooks_dir=folder, only="turnover", progress=False
    )
    assert '<html lang="en">' in (out / MONTH / "turnover.html").read_text(encoding="utf-8")
    assert [(r.name, r.status) for r in second.runs] == [("turnover", "ok")]
    assert (out / MONTH / "turnover.html").exists()
    assert not (out / MONTH / "turnover.failed.ipynb").exists()
    assert not (out / MONTH / "overview.html").exists()  # --only rendered nothing else

    manifest = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert list(manifest["months"]) == [MONTH]
    entries = manifest["months"][MONTH]["reports"]
    assert [(e["name"], e["status"]) for e in entries] == [("turnover", "ok"), ("conversion", "ok")]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count(f'id="m-{MONTH}"') == 1
    row = re.search(r'<tr class="nb-turnover lang-en">.*?</tr>', index, re.S).group(0)
    assert "failed" not in row

    # another month: both listed, newest first
    render_month(
        "2025-10", data_dir, out, notebooks_dir=folder, only=["conversion"], progress=False
    )
    manifest = json.loads((out / "index.json").read_text(encoding="utf-8"))
    assert list(manifest["months"]) == [MONTH, "2025-10"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index(f'id="m-{MONTH}"') < index.index('id="m-2025-10"')


def test_results_json_and_self_containment_are_checked(tmp_path, data_dir, capsys):
    folder = _notebook_dir(tmp_path, names=["overview", "turnover", "conversion", "complaints"])

    def no_json(nb):  # overview: never writes its key figures
        nb.cells[-1].source = "pass"

    def missing_key(nb):  # turnover: no failing cell, but no 'figures'
        nb.cells.pop(3)
        nb.cells[-1].source = (
            "import json\njson.dump({'month': month, 'provisional': False, "
            "'metric_book_version': 1}, open(results_path, 'w'))"
        )

    def wrong_month(nb):
        nb.cells[-1].source = nb.cells[-1].source.replace('"month": month', '"month": "2020-01"')

    def external_image(nb):  # complaints: an image from the internet
        nb.cells.insert(
            3,
            _code(
                "from IPython.display import HTML\n"
                "HTML('<img src=\"https://example.com/chart.png\">')"
            ),
        )

    _edit(folder, "overview", no_json)
    _edit(folder, "turnover", missing_key)
    _edit(folder, "conversion", wrong_month)
    _edit(folder, "complaints", external_image)
    out = tmp_path / "out"
    summary = render_month(
        MONTH,
        data_dir,
        out,
        notebooks_dir=folder,
        only=["overview", "turnover", "conversion", "complaints"],
        progress=True,
    )
    errors = {run.name: run.error for run in summary.runs}
    assert all(run.status == "failed" for run in summary.runs)
    assert "overview.ipynb" in errors["overview"] and "results_path" in errors["overview"]
    assert "lacks key 'figures'" in errors["turnover"]
    assert "turnover.ipynb" in errors["turnover"]
    assert "'2020-01'" in errors["conversion"]
    assert "https://example.com/chart.png" in errors["complaints"]
    assert sorted(p.name for p in out.rglob("*.html")) == ["index.html", "index.zh.html"]
    assert not list((out / MONTH).glob("*.json"))
    assert f"csnb {MONTH}" in capsys.readouterr().err  # the progress bar went to stderr


# ---------------------------------------------------------------------------------------------
# Index escaping and find_external_refs
# ---------------------------------------------------------------------------------------------


def test_index_escapes_every_value(tmp_path):
    month_dir = tmp_path / MONTH
    month_dir.mkdir()
    run = NotebookRun(
        name="overview",
        status="failed",
        seconds=1.0,
        ipynb=month_dir / "overview.failed.ipynb",
        error=f"overview.ipynb: cell 2 failed: ValueError: {XSS}",
    )
    (month_dir / "overview.failed.ipynb").write_text("{}", encoding="utf-8")
    index = write_index(tmp_path, MONTH, [run], data_dir=tmp_path / XSS).read_text(encoding="utf-8")
    assert XSS not in index
    assert XSS_ESCAPED in index
    manifest = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    manifest["months"][MONTH]["reports"][0]["ipynb"] = '"><script>x()</script>'
    manifest["months"][MONTH]["reports"][0]["rendered_at"] = XSS
    page = render_index_html(manifest)
    assert "<script>" not in page
    assert "&#34;&gt;&lt;script&gt;x()" in page


def test_index_survives_a_corrupt_manifest(tmp_path):
    (tmp_path / "2025-09").mkdir()
    (tmp_path / "2025-09" / "overview.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "2025-09" / "overview.json").write_text('{"provisional": true}', encoding="utf-8")
    (tmp_path / "index.json").write_text("{not json", encoding="utf-8")
    month_dir = tmp_path / MONTH
    month_dir.mkdir()
    (month_dir / "conversion.html").write_text("x", encoding="utf-8")
    run = NotebookRun(
        name="conversion", status="ok", seconds=2.0, html=month_dir / "conversion.html"
    )
    write_index(tmp_path, MONTH, [run])
    manifest = json.loads((tmp_path / "index.json").read_text(encoding="utf-8"))
    assert list(manifest["months"]) == [MONTH, "2025-09"]
    assert manifest["months"]["2025-09"]["reports"][0]["provisional"] is True


def test_empty_index_page():
    page = render_index_html({"months": {}})
    assert "No report has been rendered yet" in page


@pytest.mark.parametrize(
    "html, expected",
    [
        (
            '<script src="https://cdn.example/require.js"></script>',
            ["https://cdn.example/require.js"],
        ),
        ('<SCRIPT SRC="HTTP://cdn.example/a.js"></SCRIPT>', ["HTTP://cdn.example/a.js"]),
        ('<link rel="stylesheet" href="//fonts.example/css">', ["//fonts.example/css"]),
        ('<img src="http://x.example/a.png">', ["http://x.example/a.png"]),
        ('<img srcset="a.png 1x, https://x.example/b.png 2x">', ["https://x.example/b.png"]),
        (
            '<picture><source src="https://v.example/v.webm"></picture>',
            ["https://v.example/v.webm"],
        ),
        ('<iframe src="https://maps.example/"></iframe>', ["https://maps.example/"]),
        (
            "<style>body { background: url('https://i.example/bg.png') }</style>",
            ["https://i.example/bg.png"],
        ),
        ('<style>@import "https://fonts.example/f.css";</style>', ["https://fonts.example/f.css"]),
        ("<style>@import url(//fonts.example/g.css);</style>", ["//fonts.example/g.css"]),
        (
            '<div style="background:url(https://i.example/s.png)">x</div>',
            ["https://i.example/s.png"],
        ),
        (
            '<script type="module">const m = await import("https://cdn.example/m.mjs");</script>',
            ["https://cdn.example/m.mjs"],
        ),
        # not network loads
        ('<a href="https://example.com/docs">docs</a>', []),
        ('<img src="data:image/png;base64,AAAA">', []),
        ('<link rel="stylesheet" href="style.css"><img src="../x.png">', []),
        ("<p>&lt;script src=&quot;https://evil.example/x.js&quot;&gt;&lt;/script&gt;</p>", []),
        ("<p>see https://example.com for details</p>", []),
        ("<style>/* https://github.com/x/y */ body { color: red }</style>", []),
    ],
)
def test_find_external_refs(html, expected):
    assert find_external_refs(html) == expected


def test_a_month_outside_the_data_is_refused_unless_asked_for(tmp_path, data_dir):
    # A roster alone answers from its first hire (October 2025) to the current month.
    with pytest.raises(ParameterError, match=r"2025-06 is outside the data, which can answer "
                                             r"2025-10 to 20"):
        render_month("2025-06", data_dir, tmp_path, notebooks_dir=TEST_NOTEBOOKS,
                     progress=False)
    assert not (tmp_path / "2025-06").exists()  # refused before anything ran
    summary = render_month("2025-06", data_dir, tmp_path, notebooks_dir=TEST_NOTEBOOKS,
                           only="conversion", progress=False, allow_outside_data=True)
    assert summary.ok


# ---------------------------------------------------------------------------------------------
# Tables written beside a report (MonthReport.attach)
# ---------------------------------------------------------------------------------------------


def _attaching(formats: str):
    """A cell that opens a real MonthReport, attaches a two-row table and saves."""
    return _code(
        "import pandas as pd\n"
        "from csnb import MonthReport\n"
        "report = MonthReport.open('complaints', month, data_dir, lang)\n"
        "ledger = pd.DataFrame({'agent_id': ['A1', 'A2'], 'name': ['张三', 'Li'],"
        " 'fine_yuan': [50, 150]})\n"
        f"display(report.attach('ledger', ledger, formats={formats}))\n"
        "report.save(results_path)"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_attached_tables_land_beside_the_report(data_dir, tmp_path, lang):
    import pandas as pd

    folder = _notebook_dir(tmp_path, ["complaints"])
    _edit(folder, "complaints", lambda nb: nb.cells.__setitem__(-1, _attaching("('csv', 'xlsx')")))
    out = tmp_path / "out"
    common = dict(notebooks_dir=folder, only=["complaints"], progress=False, lang=lang)
    assert render_month(MONTH, data_dir, out, **common).ok
    stem = "complaints" if lang == "en" else "complaints.zh"
    month_dir = out / MONTH
    csv, xlsx = month_dir / f"{stem}.ledger.csv", month_dir / f"{stem}.ledger.xlsx"
    # Excel opens a CSV with a byte-order mark as UTF-8; headers are the report's labels.
    assert csv.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(csv, encoding="utf-8-sig")
    assert table.iloc[:, 1].tolist() == ["张三", "Li"] and table.iloc[:, 2].tolist() == [50, 150]
    assert pd.read_excel(xlsx).equals(table)
    results = json.loads((month_dir / f"{stem}.json").read_text(encoding="utf-8"))
    assert results["attachments"] == {"ledger": [csv.name, xlsx.name]}
    html = (month_dir / f"{stem}.html").read_text(encoding="utf-8")
    assert f'href="{csv.name}"' in html and f'href="{xlsx.name}"' in html

    # A render that writes only the CSV leaves no stale XLSX; a failed render leaves neither.
    _edit(folder, "complaints", lambda nb: nb.cells.__setitem__(-1, _attaching("('csv',)")))
    assert render_month(MONTH, data_dir, out, **common).ok
    assert csv.is_file() and not xlsx.exists()
    _edit(folder, "complaints", lambda nb: nb.cells.append(_code("raise RuntimeError('boom')")))
    assert not render_month(MONTH, data_dir, out, **common).ok
    assert not csv.exists()


@pytest.mark.parametrize("key", ["Ledger", "led.ger", "zh", "json", ""])
def test_attachment_keys_are_checked(key):
    from csnb.report.runs import attachment_file

    with pytest.raises(ParameterError, match="attachment key"):
        attachment_file("complaints", "en", key, "csv")
    with pytest.raises(ParameterError, match="attachment format"):
        attachment_file("complaints", "en", "ledger", "pdf")


# ---------------------------------------------------------------------------------------------
# One load per run, shared with the notebooks, cache on or off
# ---------------------------------------------------------------------------------------------

_SHARED_SQL = "SELECT count(*) AS n FROM agents"


def _loading_notebooks(tmp_path: Path) -> Path:
    """conversion opens the data and reports where its tables came from; incentives checks
    in its kernel that it opened the run's load too, then fails."""
    folder = _notebook_dir(tmp_path, names=("conversion", "incentives"))
    source = (
        "import json, os\n"
        "from csnb import load_dataset\n"
        "ds = load_dataset(data_dir)\n"
        f"n = int(ds.query({_SHARED_SQL!r})['n'].iloc[0])\n"
        "figures = {'origin': ds.origin, 'store': str(ds.store), 'agents': n,\n"
        "           'workers': os.environ.get('CSNB_WORKERS'),\n"
        "           'blas': os.environ.get('OPENBLAS_NUM_THREADS')}\n"
        "with open(results_path, 'w', encoding='utf-8') as handle:\n"
        "    json.dump({'month': month, 'provisional': False, 'metric_book_version': 1,\n"
        "               'figures': figures}, handle)\n"
    )
    _edit(folder, "conversion", lambda nb: nb.cells.__setitem__(-1, _code(source)))
    failing = source + "assert ds.origin == 'run', ds.origin\nraise RuntimeError('planted')\n"
    _edit(folder, "incentives", lambda nb: nb.cells.__setitem__(-1, _code(failing)))
    return folder


@pytest.mark.parametrize("cache", ["1", "0"])
def test_a_run_loads_once_and_the_notebooks_open_that_load(data_dir, tmp_path, monkeypatch,
                                                            cache):
    from csnb.io import load as load_module
    from csnb.io.panels import panel_path

    monkeypatch.setenv("CSNB_CACHE", cache)
    monkeypatch.setenv("CSNB_CACHE_DIR", str(tmp_path / "cache"))
    loads = []
    real = load_module._run
    monkeypatch.setattr(load_module, "_run", lambda *a: loads.append(1) or real(*a))
    folder = _loading_notebooks(tmp_path)
    out = tmp_path / "out"
    for _run in range(2 if cache == "1" else 1):
        summary = render_month(MONTH, data_dir, out, notebooks_dir=folder, workers=2,
                               only=["conversion", "incentives"], progress=False)
        assert [r.status for r in summary.runs] == ["ok", "failed"]
        # The failing notebook got past its own check that it opened the run's load.
        assert "RuntimeError: planted" in summary.runs[1].error
        figures = json.loads((out / MONTH / "conversion.json").read_text())["figures"]
        # The notebook did not load: it opened the runner's load (in its kernel).
        assert (figures["origin"], figures["agents"], figures["workers"]) == ("run", 2, "2")
        # Each of the two kernels gets its half of the cores for BLAS (unless the user set it).
        assert figures["blas"] == (os.environ.get("OPENBLAS_NUM_THREADS")
                                   or str(max(1, (os.cpu_count() or 1) // 2)))
        store = Path(figures["store"])
        # The run's own file (cache off) went with the run, although a notebook failed.
        assert not list((out / MONTH).glob(".csnb-tmp-*"))
        entries = list((tmp_path / "cache").glob("*.duckdb"))
        if cache == "1":
            assert entries == [store] and panel_path(store, _SHARED_SQL).is_file()
            # The runner parses the files once; the second run finds them in the cache.
            assert loads == [1]
        else:
            assert entries == [] and store.parent.name.startswith("csnb-run-")
            assert not store.exists() and loads == [1]


def test_every_notebook_has_a_place_in_the_start_order():
    from csnb.report.runner import SLOWEST_FIRST
    from csnb.report.runs import NOTEBOOKS

    assert sorted(SLOWEST_FIRST) == sorted(NOTEBOOKS)
