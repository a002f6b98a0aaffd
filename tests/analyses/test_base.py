import json

import numpy as np
import pandas as pd
import pytest

from csnb.analyses import Result, TableResult
from csnb.analyses.base import json_clean, json_value, records
from csnb.errors import SettingsError

XSS = "<script>alert(1)</script>"


def test_table_result_keeps_values_and_formats_for_reading():
    table = pd.DataFrame({"team": ["售前一组", XSS], "inquiries": [12345.0, 7.0],
                          "conversion_rate": [0.41234, np.nan], "category": ["attitude", None],
                          "read": [1234567, 3]})
    result = TableResult(table=table, lang="zh")
    # tidy() is the data as computed: sortable and numeric
    tidy = result.tidy()
    assert tidy["inquiries"].sort_values().tolist() == [7.0, 12345.0]
    tidy.loc[0, "inquiries"] = 0  # a copy: the result is unchanged
    assert result.tidy().loc[0, "inquiries"] == 12345.0
    shown = result.display_table()
    assert list(shown.columns) == ["组别", "询单人数", "询单转化率", "类别", "读取行数"]
    assert shown.iloc[0].tolist() == ["售前一组", "12,345", "41.2%", "服务态度", "1,234,567"]
    assert shown.iloc[1, 2] == "无"  # missing is said, never a zero
    html = result._repr_html_()
    assert XSS not in html and "&lt;script&gt;" in html


def test_results_are_frozen_and_json_able():
    result = TableResult(table=pd.DataFrame({"complaints": [np.int64(3)], "x": [np.nan]}))
    with pytest.raises(AttributeError):
        result.lang = "zh"  # type: ignore[misc]
    data = result.to_json()
    json.dumps(data, allow_nan=False)
    assert data == {"rows": [{"complaints": 3, "x": None}]}
    assert isinstance(records(pd.DataFrame({"hires": [2.0]}))[0]["hires"], int)
    assert json_value(float("inf")) is None


def test_bad_language_and_missing_plot_are_clear():
    with pytest.raises(SettingsError, match="lang"):
        TableResult(table=pd.DataFrame(), lang="fr")
    with pytest.raises(NotImplementedError):
        Result().tidy()


def test_json_clean_makes_nested_figures_strict_json():
    from datetime import date

    raw = {1: [np.int64(3), np.float64(np.nan), (float("-inf"), pd.NA)],
           "when": {"day": pd.Timestamp("2025-11-11 10:30"), "d": date(2025, 6, 18),
                    "missing": pd.NaT},
           "flag": np.bool_(True), "text": "双11", "none": None}
    clean = json_clean(raw)
    assert clean == {"1": [3, None, [None, None]],
                     "when": {"day": "2025-11-11", "d": "2025-06-18", "missing": None},
                     "flag": True, "text": "双11", "none": None}
    assert type(clean["1"][0]) is int and type(clean["flag"]) is bool
    json.dumps(clean, allow_nan=False)
