"""Tests of the conversion report's sections (csnb.report.conversion, issue 8).

On the sample month 2025-11 in both languages: the scorecard's total row is the headline of
``csnb.metrics.month_figures``, agents carry their names, the decomposition's parts add up
to the change, probabilities are probabilities, the sentences are computed from the numbers
and the JSON has the issue's keys without NaN; then a month of two agents, an agent with two
inquiries, and (slow) the notebook rendered by ``csnb.render_month`` in both languages.
"""

import dataclasses
import json
import math
from pathlib import Path

import pandas as pd
import pytest

from csnb.analyses.base import TOTAL
from csnb.i18n import format_value
from csnb.io import load_dataset
from csnb.io.dataset import dataset_from_frames
from csnb.metrics import month_figures
from csnb.report.conversion import ConversionReport, ConversionTable
from csnb.report.display import Block
from csnb.report.month_report import MonthReport

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
MONTH = "2025-11"
ISSUE_KEYS = {"sentences", "scorecard", "decomposition", "logit", "marginal_effects",
              "what_if_30s", "agents"}
HEADLINE = ("inquiries", "converted_inquiries", "conversion_rate", "credited_sales",
            "order_value", "avg_first_response_s", "fast_response_rate")


def strict_json(obj) -> dict:
    return json.loads(json.dumps(obj, allow_nan=False, ensure_ascii=False))


@pytest.fixture(scope="module")
def samples():
    return load_dataset(SAMPLES)


@pytest.fixture(scope="module")
def both(samples):
    return {lang: ConversionReport(MonthReport(name="conversion", month=MONTH, lang=lang,
                                               ds=samples))
            for lang in ("en", "zh")}


@pytest.fixture(scope="module")
def en(both):
    return both["en"]


def _frames(ds) -> dict[str, pd.DataFrame]:
    return {name: ds.frame(name) for name in ds.tables}


# -- the sample month ------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["team_scorecard", "agent_scorecard"])
def test_scorecard_total_row_is_the_headline(en, samples, which):
    table = getattr(en, which)().tidy()
    total = table[table["team"] == TOTAL]
    assert len(total) == 1 and table.index[table["team"] == TOTAL][0] == len(table) - 1
    figures = month_figures(samples, MONTH)
    for metric in HEADLINE:
        assert total.iloc[0][metric] == pytest.approx(figures[metric], rel=1e-9), metric
    lines = table[table["team"] != TOTAL]
    for metric in ("inquiries", "converted_inquiries"):
        assert lines[metric].sum() == figures[metric], metric


def test_agents_carry_their_names_ranks_and_threshold(en, samples):
    agents = samples.frame("agents").set_index("agent_id")
    table = en.agent_scorecard().tidy()
    lines = table[table["team"] != TOTAL]
    assert (lines["name"] == lines["agent_id"].map(agents["name"])).all()
    assert (lines["team"] == lines["agent_id"].map(agents["team"])).all()
    ranked = lines.dropna(subset=["rank"])
    assert len(ranked) > 0
    for _, team in ranked.groupby("team"):
        assert sorted(team["rank"]) == list(range(1, len(team) + 1))
    assert set(lines["rank_change"]) & {"■"} or any(
        str(v).startswith(("▲", "▼")) for v in lines["rank_change"])
    shown = en.agent_scorecard().display_table()
    assert "3-minute response rate" in shown.columns and "Agent" in shown.columns
    assert "Agent ID" not in shown.columns  # kept in tidy(), hidden on screen
    note = en.scorecard_note().text
    assert "180 s" in note and "3-minute response rate" in note


def test_decomposition_parts_sum_exactly_to_the_change(en):
    d = en.decomposition_result.tidy()
    parts = d[["inquiries_effect", "conversion_effect", "value_effect"]].sum(axis=1)
    change = d["sales"] - d["sales_last_month"]
    assert (abs(parts - change) <= 1e-6 * change.abs().clip(lower=1.0)).all()
    assert (d["total_change"] - change).abs().max() < 1e-6
    table = en.decomposition().tidy()
    assert table["team"].iloc[-1] == TOTAL if "team" in table else \
        table["group"].iloc[-1] == TOTAL
    teams = table.iloc[:-1]
    assert teams["total_change"].sum() == pytest.approx(table["total_change"].iloc[-1])


def test_leaderboard_probabilities_and_intervals(en, samples):
    s = en.shrinkage_result.tidy()
    assert s["p_bottom"].between(0, 1).all()
    assert ((s["ci_low"] <= s["shrunk_rate"]) & (s["shrunk_rate"] <= s["ci_high"])).all()
    for _, g in s.groupby("group"):
        k = en.shrinkage_result.priors.set_index("group").loc[g["group"].iloc[0],
                                                               "bottom_count"]
        assert g["p_bottom"].sum() == pytest.approx(k)  # k bottom places per draw
    board = en.leaderboard().tidy()
    assert len(board) == len(s) and board["name"].notna().all()
    assert set(board["name"]) <= set(samples.frame("agents")["name"])
    behind = board[board["verdict"] == "likely behind"]
    assert (behind["p_bottom"] >= 0.5).all()


def test_sentences_are_computed_from_the_numbers(both):
    en, zh = both["en"], both["zh"]
    shop = en.decomposition_result.shop()
    parts = {k: shop[k] for k in ("inquiries", "conversion", "value")}
    lever = max(parts, key=lambda k: math.copysign(1, shop["total"]) * parts[k])
    money = format_value("credited_sales", abs(shop["total"]), "en")
    decomposition = [s for s in en.sentences if "change in credited sales" in s]
    assert decomposition and f"+{money}" in decomposition[0]
    assert {"inquiries": "inquiries moved", "conversion": "conversion moved",
            "value": "order value moved"}[lever] in decomposition[0]
    points = f"{100 * en.contrast['difference']:.1f}"
    assert any("within 30 s instead of 90 s" in s and points in s for s in en.sentences)
    assert any("首响 30 秒与 90 秒相比" in s and points in s for s in zh.sentences)
    assert any("客服销售额较上月变化" in s and money in s for s in zh.sentences)
    # 双11 named from settings.promotions, in the month's sentences and the model's.
    assert any("双11" in s for s in en.report.sentences)
    assert any("promotion days (双11)" in s for s in en.sentences)
    assert any("大促日(双11)" in s for s in zh.sentences)
    # The chance sentence follows the test of compare() on the month's inquiries.
    change = en.report.results()["changes"]["conversion_rate"]["last_month"]
    inquiries = f"{month_figures(en.report.ds, MONTH)['inquiries']:,}"
    if not change["notable"]:
        assert any(f"within chance at {inquiries} inquiries" in s for s in en.sentences)
    else:
        assert not any(f"within chance at {inquiries} inquiries" in s for s in en.sentences)
    assert len(en.sentences) == len(zh.sentences)


def test_summary_opens_with_the_month_sentences_then_the_method(en):
    text = en.summary().text.splitlines()
    month = en.report.sentences
    assert [line[2:] for line in text[:len(month)]] == month
    assert text[-1].startswith("Changes are coloured")


def test_model_in_words_and_contrast(en):
    m = en.model_result
    assert m.kind == "inquiry" and m.model is not None
    c = en.contrast
    assert c["ci_low"] <= c["difference"] <= c["ci_high"] and c["difference"] > 0
    assert c["fast"] == pytest.approx(c["slow"] + c["difference"])
    labels = list(en.model_table().tidy()["term"])
    assert labels[0] == "First response, per minute" and "Tenure: 0-29 days" in labels
    assert "Promotion day" in labels


def test_results_have_the_issue_keys_and_no_nan(both):
    for lang, c in both.items():
        js = strict_json(c.report.results(**c.results()))
        assert ISSUE_KEYS <= set(js)
        assert js["sentences"] == [*c.report.sentences, *c.sentences]
        assert set(js["decomposition"]) >= {"inquiries", "conversion", "value", "total"}
        d = js["decomposition"]
        assert d["inquiries"] + d["conversion"] + d["value"] == pytest.approx(d["total"])
        assert "first_response_min" in {r["term"] for r in js["logit"]}
        assert set(js["logit"][0]) == {"term", "odds_ratio", "ci_low", "ci_high", "p_value"}
        assert set(js["marginal_effects"][0]) == {"term", "estimate", "ci_low", "ci_high",
                                                  "p_value"}
        assert set(js["what_if_30s"]) >= {"estimate", "ci_low", "ci_high"}
        assert {"agent_id", "name", "team", "inquiries", "conversion_rate", "shrunk_rate",
                "ci_low", "ci_high", "p_bottom"} <= set(js["agents"][0])
        assert js["scorecard"]["rows"][-1]["total"] is True
        assert js["lang"] == lang


def test_tables_display_in_the_report_language(both):
    zh = both["zh"]
    columns = list(zh.agent_scorecard().display_table().columns)
    for word in ("询单人数", "最终付款人数", "询单转化率", "客服销售额", "客单价", "平均首响",
                 "平响", "3分钟响应率", "组内排名"):
        assert word in columns, word
    assert zh.agent_scorecard().display_table().iloc[-1, 0] == "合计"
    assert "末位概率" in zh.leaderboard().display_table().columns
    assert "询单人数贡献" in zh.decomposition().display_table().columns


def test_figures_are_drawn_and_closed(en):
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    figures = [en.plot_waterfall(), en.plot_waterfall_by_team(), en.plot_marginal_effects(),
               en.plot_response_shape(), en.plot_leaderboard(),
               en.plot_response_grid("inquiries_per_day"),
               en.plot_response_grid("avg_first_response_s"),
               en.plot_response_grid("fast_response_rate")]
    for fig in figures:
        assert fig.axes
    assert set(plt.get_fignums()) == before  # detached from pyplot: shown once
    # The fast-response heatmap is named with its threshold, as the tables are.
    assert figures[-1].axes[0].get_title() == "3-minute response rate"


def test_slots_below_the_fast_response_target_are_named(both, samples):
    """The sentence names the cells whose rate is below target beyond chance (exact
    binomial), lowest first, and counts them against the cells with sessions; with no such
    cell it says so. Checked at the samples' target and at a strict 95%."""
    target = samples.settings.targets["fast_response_rate"]
    strict = dataclasses.replace(samples, settings=dataclasses.replace(
        samples.settings, targets={**samples.settings.targets, "fast_response_rate": 0.95}))
    for ds, goal in ((samples, target), (strict, 0.95)):
        for lang in ("en", "zh"):
            c = ConversionReport(MonthReport(name="conversion", month=MONTH, lang=lang, ds=ds))
            cells = c.grid_result.below_target(goal)
            below = cells[cells["below"]]
            sentence = c._grid_sentence()
            assert sentence in c.sentences
            js = strict_json(c.results())
            assert len(js["response_grid_below_target"]) == len(below)
            if below.empty:
                if lang == "en":
                    assert sentence == ("No weekday-hour slot had a 3-minute response rate "
                                        f"below its target ({100 * goal:.1f}%) beyond chance.")
                continue
            assert len(below) < len(cells)
            first = below.iloc[0]
            if lang == "en":
                assert f"in {len(below)} of {len(cells)} weekday-hour slots" in sentence
                assert f"{int(first['hour'])}:00 ({100 * first['fast_response_rate']:.1f}% of " \
                       f"{int(first['counted_sessions']):,} sessions)" in sentence
            else:
                assert "3分钟响应率" in sentence and f"有 {len(below)} 个显著低于目标" in sentence
    # A stricter target never names fewer slots.
    loose = both["en"].grid_result.below_target(target)["below"].sum()
    tight = both["en"].grid_result.below_target(0.95)["below"].sum()
    assert tight >= loose and tight > 0


def test_response_grid_counts_every_inquiry(en, samples):
    grid = en.grid_result.tidy()
    assert len(grid) == 7 * 24
    assert grid["inquiries"].sum() == month_figures(samples, MONTH)["inquiries"]
    assert grid["days"].groupby(grid["weekday"]).first().sum() == 30


# -- small shops ---------------------------------------------------------------------------


def _shop_of(samples, keep: list[str]):
    frames = _frames(samples)
    frames["agents"] = frames["agents"][frames["agents"]["agent_id"].isin(keep)]
    frames["sessions"] = frames["sessions"][frames["sessions"]["agent_id"].isin(keep)]
    o = frames["orders"]
    frames["orders"] = o.assign(agent_id=o["agent_id"].where(o["agent_id"].isin(keep)))
    frames.pop("complaints", None)
    return frames


def _check_every_section(c: ConversionReport) -> dict:
    for method in ("team_scorecard", "agent_scorecard", "decomposition", "model_table",
                   "response_shape", "leaderboard"):
        table = getattr(c, method)()
        assert isinstance(table, ConversionTable)
        table._repr_html_()
    for method in ("plot_waterfall", "plot_waterfall_by_team", "plot_marginal_effects",
                   "plot_response_shape", "plot_leaderboard", "plot_response_grid"):
        drawn = getattr(c, method)()
        assert isinstance(drawn, Block) or drawn.axes
    for block in (c.summary(), c.scorecard_note(), c.model_note(), c.leaderboard_note()):
        assert isinstance(block, Block) and block.text
    return strict_json(c.report.results(**c.results()))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_month_with_two_agents(samples, lang):
    s = samples.frame("sessions")
    s = s[(s["start_ts"].dt.strftime("%Y-%m") == MONTH) & (s["kind"] == "presale")]
    team = samples.frame("agents").set_index("agent_id")["team"]
    busiest = s["agent_id"].value_counts()
    first_team = team[busiest.index[0]]
    keep = [a for a in busiest.index if team[a] == first_team][:2]
    ds = dataset_from_frames(_shop_of(samples, keep), settings=samples.settings)
    c = ConversionReport(MonthReport(name="conversion", month=MONTH, lang=lang, ds=ds))
    js = _check_every_section(c)
    figures = month_figures(ds, MONTH)
    total = c.agent_scorecard().tidy().iloc[-1]
    assert total["inquiries"] == figures["inquiries"]
    assert len(js["agents"]) == 2
    assert all(0 <= r["p_bottom"] <= 1 for r in js["agents"])


def test_an_agent_with_two_inquiries(samples):
    frames = _frames(samples)
    s = frames["sessions"]
    in_month = s["start_ts"].dt.strftime("%Y-%m") == MONTH
    agent = s.loc[in_month & (s["kind"] == "presale"), "agent_id"].value_counts().index[0]
    mine = s[in_month & (s["agent_id"] == agent) & (s["kind"] == "presale")]
    # Keep two customers on two days: two inquiries this month.
    first_two = mine.drop_duplicates("customer_id").head(2)
    keep_ids = set(first_two["session_id"])
    frames["sessions"] = s[~(in_month & (s["agent_id"] == agent))
                           | s["session_id"].isin(keep_ids)]
    ds = dataset_from_frames(frames, settings=samples.settings)
    c = ConversionReport(MonthReport(name="conversion", month=MONTH, lang="en", ds=ds))
    js = _check_every_section(c)
    row = next(r for r in js["agents"] if r["agent_id"] == agent)
    assert row["inquiries"] == 2
    assert 0 <= row["p_bottom"] <= 1
    assert row["ci_high"] - row["ci_low"] > 0.05  # two inquiries say little
    # Shrunk far toward the team: closer to the prior than the raw 0% or 50% or 100%.
    board = c.shrinkage_result.tidy().set_index("agent_id").loc[agent]
    assert abs(board["shrunk_rate"] - board["prior_mean"]) < abs(
        board["conversion_rate"] - board["prior_mean"]) + 1e-12
    score = c.agent_scorecard().tidy()
    assert score.loc[score["agent_id"] == agent, "inquiries"].iloc[0] == 2


def test_agent_daily_only_says_which_model_it_used(samples):
    """Without sessions: the agent-day model, said in the note and the sentences."""
    from csnb.metrics import kpi_table

    k = kpi_table(samples, ("agent_id",), "day")
    daily = k[k["inquiries"] > 0].rename(columns={
        "period": "date", "converted_inquiries": "paid_buyers", "credited_sales": "sales"})[
        ["date", "agent_id", "inquiries", "paid_buyers", "sales", "avg_first_response_s",
         "fast_response_rate"]]
    ds = dataset_from_frames({"agents": samples.frame("agents"), "agent_daily": daily},
                             settings=samples.settings)
    for lang, words in (("en", "agent-day"), ("zh", "客服日报")):
        c = ConversionReport(MonthReport(name="conversion", month=MONTH, lang=lang, ds=ds))
        assert c.model_result.kind == "agent_day"
        assert words in c.model_note().text and any(words in s for s in c.sentences)
        js = _check_every_section(c)
        assert js["model"]["kind"] == "agent_day"
        # Every note and sentence about response says it is a day's average, not a session's.
        note, day, seconds, session = {
            "en": ("daily exports", "agent-day", "30 s", "Answering within"),
            "zh": ("客服日报", "客服日", "30 秒", "首响 30 秒与 90 秒相比")}[lang]
        assert note in c.scorecard_note().text
        assert "never answered" not in c.scorecard_note().text
        assert day in c.shape_note().text.lower()
        about_speed = [s for s in c.sentences if seconds in s]
        assert about_speed and all(day in s.lower() for s in about_speed), about_speed
        assert not any(session in s for s in c.sentences)
        assert "bin_daily" in c.response_shape().tidy().columns
        assert js["scorecard"]["rows"][-1]["inquiries"] == month_figures(samples, MONTH)[
            "inquiries"]


def test_scorecard_halves_fit_a_laptop_screen(both):
    """The scorecard is shown in two halves (sales, service), each no wider than the page
    (1,100 px): estimated at 7 px per character of the longest cell or header (CJK
    characters count two) plus 16 px padding per column. The whole table, 16 columns, was
    over 1,300 px."""
    def width(table) -> float:
        shown = table.display_table()

        def chars(text: str) -> int:
            return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

        return sum(7 * max([chars(str(col))] + [chars(str(v)) for v in shown[col]]) + 16
                   for col in shown.columns)

    for lang, c in both.items():
        whole = c.agent_scorecard()
        halves = [c.agent_scorecard(part) for part in ("sales", "service")]
        cols = set().union(*(set(h.tidy().columns) for h in halves))
        assert cols == set(whole.tidy().columns), lang
        assert width(whole) > 1100
        for h in [*halves, *(c.team_scorecard(p) for p in ("sales", "service"))]:
            assert width(h) <= 1100, (lang, list(h.tidy().columns), width(h))
        pd.testing.assert_frame_equal(halves[0].tidy()[["name"]], whole.tidy()[["name"]])
    with pytest.raises(Exception, match="part"):
        both["en"].agent_scorecard("everything")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_sampled_model_says_so_with_its_sizes(samples, lang):
    """Above the threshold the note states sample, population and the CI widening."""
    low = dataclasses.replace(samples.settings, logit_sample_sessions=2000)
    ds = dataset_from_frames(_frames(samples), settings=low)
    c = ConversionReport(MonthReport(name="conversion", month=MONTH, lang=lang, ds=ds))
    m = c.model_result
    sample = m.sample
    assert sample["sampled"] and m.n_obs < sample["population_inquiries"]
    note = c.model_note().text
    for figure in (f"{m.n_obs:,}", f"{sample['population_inquiries']:,}",
                   f"{sample['population_sessions']:,}", "2,000",
                   f"{math.sqrt(sample['population_inquiries'] / m.n_obs):.1f}"):
        assert figure in note, (lang, figure)
    assert ("stratified by agent" if lang == "en" else "按客服分层") in note
    js = _check_every_section(c)
    assert js["model"]["sample"]["sample_inquiries"] == m.n_obs


# -- the rendered notebook ---------------------------------------------------------------------


@pytest.mark.slow
def test_the_notebook_renders_in_both_languages(sample_reports):
    for lang in ("en", "zh"):
        run = sample_reports.run("conversion", lang)
        js = json.loads(Path(run["json"]).read_text(encoding="utf-8"))
        assert ISSUE_KEYS <= set(js) and js["lang"] == lang
        html = Path(run["html"]).read_text(encoding="utf-8")
        words = (["Agent scorecard", "Why sales moved", "What drives conversion",
                  "Fair leaderboard", "within 30 s instead of 90 s"] if lang == "en"
                 else ["客服绩效看板", "最终付款人数", "客服销售额", "客单价", "平响",
                       "3分钟响应率", "末位概率"])
        for w in words:
            assert w in html, (lang, w)
        assert html.count("<img") >= 9  # trend, 2 waterfalls, 2 effects, board, 3 grids
