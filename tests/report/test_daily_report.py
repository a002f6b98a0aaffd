"""``csnb daily``: the brief renders in both languages, lists the chats, never a customer id."""

import json
import re
import zipfile
from datetime import date, timedelta

import pytest

from csnb.cli import main
from csnb.errors import ParameterError
from csnb.report import render_daily
from csnb.simulate import simulate


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    data = tmp_path_factory.mktemp("daily-data")
    truth = simulate(data, seed=11, agents=8, months=2, params={"qa": {"review_days": 4}})
    # the day after the reviewed days: its QA section shows the reviews
    day = date.fromisoformat(truth["qa"]["days"][1]) + timedelta(days=1)
    out = tmp_path_factory.mktemp("daily-out")
    for lang in ("en", "zh"):
        code = main(["daily", "--date", day.isoformat(), "--data", str(data), "--out", str(out),
                     "--lang", lang, "--no-progress"])
        assert code == 0
    return data, out, day


def test_brief_and_chats_are_written_beside_each_other(rendered):
    _, out, day = rendered
    folder = out / day.strftime("%Y-%m")
    stem = f"daily-{day}"
    for suffix in ("", ".zh"):
        for kind in ("html", "json", "ipynb", "chats.csv", "chats.xlsx"):
            assert (folder / f"{stem}{suffix}.{kind}").is_file(), (suffix, kind)
    results = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    assert results["date"] == day.isoformat()
    assert {"agent_id", "name", "flagged", "reason"} <= set(results["agents"][0])
    sample = results["qa_sample"]
    assert sample and {"session_id", "agent_id", "stratum", "weight"} == set(sample[0])
    assert results["qa"]["pass_rate"]["ci_low"] <= results["qa"]["pass_rate"]["estimate"]
    zh = (folder / f"{stem}.zh.html").read_text(encoding="utf-8")
    assert "主管日报" in zh and "今日抽查聊天记录" in zh
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    names = {e["name"] for e in index["months"][day.strftime("%Y-%m")]["reports"]}
    assert stem in names
    assert stem.replace("daily-", "") in (out / "index.html").read_text(encoding="utf-8")


def test_no_customer_id_in_any_output(rendered):
    data, out, _ = rendered
    import pandas as pd

    ids = set(pd.read_parquet(data / "sessions")["customer_id"])
    ids |= set(pd.read_parquet(data / "orders")["customer_id"])
    pattern = re.compile(r"tb\d{8}")  # the simulator's customer ids
    seen = 0
    for path in out.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        found = set(pattern.findall(text))
        assert not found & ids, f"{path.name} shows customer ids {sorted(found)[:3]}"
        seen += 1
    assert seen >= 10


def test_a_day_outside_the_data_is_refused_before_running(rendered, tmp_path):
    data, _, _ = rendered
    with pytest.raises(ParameterError, match="outside the data"):
        render_daily("2030-01-01", data, tmp_path, progress=False)
    with pytest.raises(ParameterError, match="YYYY-MM-DD"):
        render_daily("2025-13-01", data, tmp_path, progress=False)


def test_cli_names_a_malformed_date(tmp_path, capsys):
    code = main(["daily", "--date", "2025-02-30", "--data", str(tmp_path), "--out",
                 str(tmp_path / "out"), "--no-progress"])
    assert code == 1
    assert "date must be a real day YYYY-MM-DD; got '2025-02-30'" in capsys.readouterr().err


def test_a_brief_links_the_briefs_before_and_after_across_months():
    from csnb.report.index import _nav_html

    available = {("2025-10", "daily-2025-10-31", "en"): "2025-10/daily-2025-10-31.html",
                 ("2025-11", "daily-2025-11-01", "en"): "2025-11/daily-2025-11-01.html",
                 ("2025-11", "daily-2025-11-02", "en"): "2025-11/daily-2025-11-02.html",
                 ("2025-11", "daily-2025-11-01", "zh"): "2025-11/daily-2025-11-01.zh.html",
                 ("2025-11", "complaints", "en"): "2025-11/complaints.html"}
    nav = _nav_html("2025-11", "daily-2025-11-01", "en", available, ["2025-10", "2025-11"])
    assert 'class="csnb-prev" href="../2025-10/daily-2025-10-31.html"' in nav
    assert 'class="csnb-next" href="daily-2025-11-02.html"' in nav
    assert 'href="daily-2025-11-01.zh.html"' in nav and 'href="complaints.html"' in nav
