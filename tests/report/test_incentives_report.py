"""Tests of the incentives report: sections on the samples, sentences, JSON, edge datasets."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from scipy import stats

from csnb.errors import ParameterError
from csnb.i18n import t
from csnb.report import MonthReport
from csnb.report.display import Block
from csnb.report.incentives import IncentivesReport, IncentivesTable

SAMPLES = Path(__file__).parents[2] / "data" / "samples"
MONTH = "2025-11"


@pytest.fixture(scope="module")
def reports():
    out = {}
    for lang in ("en", "zh"):
        out[lang] = IncentivesReport(MonthReport.open("incentives", MONTH, SAMPLES, lang))
    return out


def test_sections_on_the_samples(reports):
    inc = reports["en"]
    for section in (inc.adoption_table(), inc.ranking(), inc.did_table(), inc.pretrend_table(),
                    inc.cutoff(), inc.decomposition()):
        assert isinstance(section, IncentivesTable)
        assert "<table" in section._repr_html_()
    ranking = inc.ranking().tidy()
    with (SAMPLES / "policies.csv").open(encoding="utf-8") as f:
        policy = {r["team"] for r in csv.DictReader(f) if r["start_month"] <= MONTH}
    assert set(ranking["team"]) == policy  # only policy teams
    with (SAMPLES / "agents.csv").open(encoding="utf-8") as f:
        names = {r["agent_id"]: r["name"] for r in csv.DictReader(f)}
    html = inc.ranking()._repr_html_()
    bottom = ranking[ranking["bottom"].astype(bool)]
    assert len(bottom) >= len(policy)  # at least one per team
    for agent_id in bottom["agent_id"]:
        assert names[agent_id] in html  # named, as the roster names them
    assert inc.plot_event_studies() is not None
    assert inc.plot_cutoff() is not None
    assert "few" in inc.did_notes().text or "5" in inc.did_notes().text


def test_effect_by_adoption_group(reports):
    """One row per outcome and adoption month, naming the teams that adopted then."""
    inc = reports["en"]
    with (SAMPLES / "policies.csv").open(encoding="utf-8") as f:
        groups: dict[str, set[str]] = {}
        for r in csv.DictReader(f):
            groups.setdefault(r["start_month"], set()).add(r["team"])
    table = inc.by_group_table().tidy()
    assert len(table) == len(groups) * len(inc.effects.cs)
    assert len(groups) >= 3  # the samples' adoption is staggered over three dates
    for row in table.itertuples():
        assert set(row.teams.split(", ")) == groups[row.group]
        assert row.ci_low <= row.estimate <= row.ci_high
    cs = inc.effects.cs["conversion_rate"].group_table()
    conv = table[table["outcome"] == "conversion_rate"]
    assert conv["estimate"].tolist() == pytest.approx(cs["estimate"].tolist())
    shown = inc.by_group_table().display_table()
    assert list(shown.columns)[:3] == ["Outcome", "Adopted in", "Teams"]


def test_not_yet_treated_controls(reports):
    report = reports["en"].report
    notyet = IncentivesReport(report, control="notyet")
    assert notyet.effects.cs["conversion_rate"].options["control"] == "notyet"
    assert "have not adopted yet" in notyet.did_notes().text
    assert "never adopt" in reports["en"].did_notes().text
    with pytest.raises(ParameterError, match="control"):
        IncentivesReport(report, control="later")


def test_sentences_come_from_the_numbers(reports):
    for lang, inc in reports.items():
        eff = inc.effects
        cs = eff.cs["conversion_rate"].overall("simple")
        shown = f"{100 * cs['estimate']:+.1f}{t('incentives.unit.pp', lang)}"
        assert any(shown in s for s in inc.sentences), (lang, shown)
        bottom = inc.ranking_result.bottom
        assert any(all(n in s for n in bottom["name"]) for s in inc.sentences)
        c = inc.cutoff_result
        assert any(f"{c.estimate:+.2f}" in s for s in inc.sentences)
        n = f"{eff.n_treated_teams}"
        assert any(n in s for s in inc.sentences)
    assert any("very little" in s for s in reports["en"].sentences)
    assert any("非常少" in s for s in reports["zh"].sentences)


def test_results_json_keys(reports):
    inc = reports["en"]
    js = inc.results()
    text = json.dumps(js, allow_nan=False, ensure_ascii=False)
    assert text
    for key in ("sentences", "adoption", "bottom", "ranking", "did", "twfe", "pretrend",
                "did_teams", "cutoff", "decomposition"):
        assert key in js
    assert js["sentences"][: len(inc.report.sentences)] == inc.report.sentences
    conv = js["did"]["conversion_rate"]
    assert {"att_simple", "event_study", "by_group", "twfe", "pretrend_p"} <= set(conv)
    assert {"estimate", "ci_low", "ci_high", "policy_teams_jump",
            "control_teams_jump"} <= set(js["cutoff"])
    assert {"composition", "within_agent", "total"} <= set(js["decomposition"])
    assert {"agent_id", "name", "team", "score", "rank",
            "bottom_last_month"} <= set(js["bottom"][0])


def test_report_says_which_inference_and_why(reports):
    """Few teams: the intervals are the few-cluster t ones, and the report says so."""
    for lang, inc in reports.items():
        eff = inc.effects
        teams = eff.n_clusters
        inference = inc.results()["did"]["conversion_rate"]["inference"]
        assert inference["method"] == "cluster_t"
        assert inference["df"] == teams - 1 and inference["clusters"] == teams
        cs = eff.cs["conversion_rate"]
        o = cs.overall("simple")
        crit = stats.t.ppf(0.975, teams - 1)
        assert o["ci_high"] - o["estimate"] == pytest.approx(crit * o["se"])
        sentence = t("incentives.sentence.inference_t", lang, teams=teams, df=teams - 1)
        assert sentence in inc.sentences
        assert t("incentives.note.inference_t", lang, teams=teams, df=teams - 1) in (
            inc.did_notes().text)
        assert inc.pretrend_table().tidy()["df_denom"].eq(teams - 1).all()
    assert inc.effects.cs_bootstrap["conversion_rate"].options["weights"] == "webb"


def _copy_samples(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SAMPLES, data)
    return data


@pytest.mark.slow  # loads a copy of the samples without the load cache (about 30 s)
def test_dataset_without_policies(tmp_path):
    data = _copy_samples(tmp_path)
    (data / "policies.csv").unlink()
    for lang in ("en", "zh"):
        inc = IncentivesReport(MonthReport.open("incentives", MONTH, data, lang))
        assert inc.sentences == [t("incentives.none", lang)]
        assert isinstance(inc.ranking(), Block)
        assert inc.effects is None
        js = inc.results()
        json.dumps(js, allow_nan=False)
        assert js["bottom"] == [] and js["did"] == {}


@pytest.mark.slow  # loads a copy of the samples without the load cache (about 30 s)
def test_team_of_three_agents(tmp_path):
    data = _copy_samples(tmp_path)
    path = data / "agents.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    moved = [r for r in rows if r["team"] == "售后一组" and not r["exit_date"]][:3]
    for r in moved:
        r["team"] = "三人组"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    with (data / "policies.csv").open("a", encoding="utf-8") as f:
        f.write("三人组,bottom_ranked_out,2025-06,,0.1,warning\n")
    inc = IncentivesReport(MonthReport.open("incentives", MONTH, data, "en"))
    ranking = inc.ranking_result.tidy()
    small = ranking[ranking["team"] == "三人组"]
    assert len(small) <= 3
    if len(small):
        assert small["bottom"].sum() == 1
    json.dumps(inc.results(), allow_nan=False)
    assert inc.sentences


@pytest.mark.slow
def test_notebook_renders_in_both_languages(sample_reports):
    js = json.loads(sample_reports.json_path("incentives", "en").read_text(encoding="utf-8"))
    assert "cutoff" in js and "did" in js
    html = sample_reports.html("incentives", "zh")
    assert "末位淘汰考核" in html and "均值回归" in html
