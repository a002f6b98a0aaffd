from csnb.settings import RESOURCE_SETTINGS, Settings, load_settings


def test_settings_hash_and_compare_by_value():
    a = Settings(ranking_weights={"conversion_rate": 2.0, "fast_response_rate": 1.0,
                                  "credited_sales": 1.0, "complaint_rate": 1.0})
    b = Settings(ranking_weights=dict(a.ranking_weights))
    assert a == b and hash(a) == hash(b)
    assert len({a, b, Settings()}) == 2


def test_toml_round_trip_writes_every_setting(tmp_path):
    s = Settings(lag_days=5, business_hours=("09:00", "22:00"),
                 aliases={"sessions": {"接待客服": "agent_id"}})
    text = s.to_toml("a comment\nsecond line")
    assert text.startswith("# a comment\n# second line\n")
    for name in s.to_dict():
        # DuckDB resource settings are machine settings: written only when not the default.
        assert (name in text) != (name in RESOURCE_SETTINGS), name
    (tmp_path / "csnb.toml").write_text(text, encoding="utf-8")
    assert load_settings(tmp_path) == s
    tuned = Settings(duckdb_memory_limit="3GB", duckdb_threads=2)
    text = tuned.to_toml()
    assert 'duckdb_memory_limit = "3GB"' in text and "duckdb_threads = 2" in text
    assert "duckdb_memory_fraction" not in text
    (tmp_path / "csnb.toml").write_text(text, encoding="utf-8")
    assert load_settings(tmp_path) == tuned


def test_resource_settings_are_checked():
    import pytest

    from csnb.errors import SettingsError

    for bad in ({"duckdb_memory_fraction": 0}, {"duckdb_memory_fraction": 1.5},
                {"duckdb_memory_limit": "lots"}, {"duckdb_threads": -1}):
        with pytest.raises(SettingsError, match=next(iter(bad))):
            Settings.from_dict(bad)


def test_the_samples_are_written_from_the_settings_defaults():
    """data/samples/csnb.toml is Settings' own TOML: no second copy of the defaults."""
    from pathlib import Path

    samples = Path(__file__).parents[1] / "data" / "samples"
    loaded = load_settings(samples)
    assert (samples / "csnb.toml").read_text(encoding="utf-8").endswith(loaded.to_toml())
