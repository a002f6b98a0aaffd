"""Command line: exit codes, messages without tracebacks, report/validate/simulate wiring."""

import os
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from csnb import cli
from csnb.errors import DataContractError, Problem

REPO = Path(__file__).parents[1]
TEST_NOTEBOOKS = Path(__file__).parent / "data" / "notebooks"
MONTH = "2025-11"


def _run_module(*args, timeout=300):
    """``python -m csnb ARGS`` in a subprocess, importing csnb from this checkout."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "csnb", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "agents.csv").write_text("agent_id,team,hire_date\nA1,T1,2025-11-03\n",
                                       encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------------------------
# Usage
# ---------------------------------------------------------------------------------------------


def test_help_is_fast_and_imports_no_heavy_module():
    code = (
        "import sys\nfrom csnb import cli\n"
        "try:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('papermill', 'nbconvert', 'nbclient', 'jupyter_client') "
        "if m in sys.modules]\nprint('HEAVY', heavy)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout
    assert "report" in proc.stdout and "validate" in proc.stdout and "simulate" in proc.stdout


def test_python_dash_m_csnb_help():
    proc = _run_module("report", "--help")
    assert proc.returncode == 0
    assert "--month" in proc.stdout and "--only" in proc.stdout


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["report", "--data", "d", "--out", "o"],  # no --month
        ["report", "--month", MONTH, "--data", "d", "--out", "o", "--lang", "fr"],
        ["report", "--month", MONTH, "--data", "d", "--out", "o", "--workers", "0"],
        ["simulate", "--out", "o", "--seed", "x"],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(argv, capsys):
    assert cli.main(argv) == 2
    assert capsys.readouterr().err  # argparse says why on stderr


# ---------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["2025-13", "2025-6", "June"])
def test_report_bad_month_exits_1_without_traceback(month, data_dir, tmp_path, capsys):
    code = cli.main(
        [
            "report",
            "--month",
            month,
            "--data",
            str(data_dir),
            "--out",
            str(tmp_path / "out"),
            "--notebooks",
            str(TEST_NOTEBOOKS),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith("csnb report: error: month must be a real month written YYYY-MM")
    assert len(err.strip().splitlines()) == 1


def test_report_missing_data_folder_exits_1(tmp_path, capsys):
    code = cli.main(
        [
            "report",
            "--month",
            MONTH,
            "--data",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "out"),
            "--notebooks",
            str(TEST_NOTEBOOKS),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "data folder" in err and "does not exist" in err and "Traceback" not in err


def test_report_unknown_only_name_exits_1(data_dir, tmp_path, capsys):
    code = cli.main(
        [
            "report",
            "--month",
            MONTH,
            "--data",
            str(data_dir),
            "--out",
            str(tmp_path / "out"),
            "--only",
            "overview,churn",
            "--notebooks",
            str(TEST_NOTEBOOKS),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert "'churn'" in err and "'incentives'" in err


def test_report_with_a_failing_notebook_exits_1(data_dir, tmp_path, monkeypatch, capsys):
    # the default notebooks folder is looked up at call time: point it at the test notebooks
    monkeypatch.setattr("csnb.report.runner.default_notebooks_dir", lambda: TEST_NOTEBOOKS)
    out = tmp_path / "out"
    code = cli.main(
        [
            "report",
            "--month",
            MONTH,
            "--data",
            str(data_dir),
            "--out",
            str(out),
            "--only",
            "turnover,overview",
            "--no-progress",
        ]
    )
    assert code == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("ok      overview") and lines[0].endswith("(provisional)")
    assert lines[1].startswith("FAILED  turnover")
    assert lines[-1] == f"index: {out.resolve() / 'index.html'}"
    assert "turnover.ipynb: cell 3 failed: KeyError: 'x'" in captured.err
    assert "turnover.failed.ipynb" in captured.err
    assert "1 of 2 notebooks failed" in captured.err
    assert "Traceback" not in captured.err
    assert not (out / MONTH / "turnover.html").exists()
    assert (out / MONTH / "overview.html").exists()


def test_report_success_through_python_dash_m(data_dir, tmp_path):
    out = tmp_path / "out"
    proc = _run_module(
        "report",
        "--month",
        MONTH,
        "--data",
        str(data_dir),
        "--out",
        str(out),
        "--only",
        "conversion,complaints",
        "--lang",
        "zh",
        "--workers",
        "1",
        "--notebooks",
        str(TEST_NOTEBOOKS),
    )
    assert proc.returncode == 0, proc.stderr
    assert [ln.split()[:2] for ln in proc.stdout.splitlines()[:2]] == [
        ["ok", "conversion"],
        ["ok", "complaints"],
    ]
    # Chinese reports sit beside the English ones, never in their place.
    html = (out / MONTH / "conversion.zh.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in html
    assert (out / MONTH / "complaints.zh.json").is_file()
    assert not (out / MONTH / "conversion.html").exists()
    assert not (out / MONTH / "overview.zh.html").exists()
    executed = nbformat.read(str(out / MONTH / "conversion.zh.ipynb"), as_version=4)
    assert any(
        c.source.endswith('lang = "zh"\n') or 'lang = "zh"\n' in c.source
        for c in executed.cells
        if "injected-parameters" in c.metadata.get("tags", [])
    )
    assert (out / "index.zh.html").is_file() and (out / "index.html").is_file()
    assert "Kernel is running over TCP" not in proc.stderr


# ---------------------------------------------------------------------------------------------
# validate and simulate (fakes in sys.modules keep these tests about the CLI alone)
# ---------------------------------------------------------------------------------------------


class _FakeReport:
    def __init__(self, ok):
        self.ok = ok

    def __str__(self):
        return f"table  read  accepted  rejected\nagents  3  3  0\nOK={self.ok}"


def _fake_module(monkeypatch, name, **functions):
    module = types.ModuleType(name)
    for key, value in functions.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)
    return module


@pytest.mark.parametrize("ok, code", [(True, 0), (False, 1)])
def test_validate_prints_report_and_exit_code(ok, code, data_dir, monkeypatch, capsys):
    seen = []

    def validate_dataset(path):
        seen.append(path)
        return _FakeReport(ok)

    _fake_module(monkeypatch, "csnb.io", validate_dataset=validate_dataset)
    assert cli.main(["validate", "--data", str(data_dir)]) == code
    assert seen == [data_dir]
    assert f"OK={ok}" in capsys.readouterr().out


def test_validate_contract_error_is_one_message(data_dir, monkeypatch, capsys):
    problem = Problem(
        table="orders",
        path="orders.csv",
        column="amount",
        check="non_numeric",
        message="has 2 non-numeric values",
        count=2,
        examples=((17, "n/a"), (42, "12,5")),
    )

    def validate_dataset(path):
        raise DataContractError([problem])

    _fake_module(monkeypatch, "csnb.io", validate_dataset=validate_dataset)
    assert cli.main(["validate", "--data", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert (
        "orders.csv: column 'amount' has 2 non-numeric values (rows 17, 42: 'n/a', '12,5')" in err
    )


def test_validate_os_error_is_one_message(data_dir, monkeypatch, capsys):
    def validate_dataset(path):
        raise PermissionError(13, "Permission denied", str(path / "orders.csv"))

    _fake_module(monkeypatch, "csnb.io", validate_dataset=validate_dataset)
    assert cli.main(["validate", "--data", str(data_dir)]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"csnb validate: error: Permission denied: {data_dir / 'orders.csv'}"


def test_validate_missing_folder(tmp_path, capsys):
    assert cli.main(["validate", "--data", str(tmp_path / "nope")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_simulate_passes_options_and_prints_a_summary(tmp_path, monkeypatch, capsys):
    calls = []

    def simulate(out, seed, **options):
        calls.append((out, seed, options))
        Path(out).mkdir(parents=True)
        (Path(out) / "agents.csv").write_text("agent_id\n", encoding="utf-8")
        return {
            "agents": 40,
            "planted_effect": 0.05,
            "months": ["2024-01", "2024-02"],
            "big": list(range(100)),
        }

    _fake_module(monkeypatch, "csnb.simulate", simulate=simulate)
    out = tmp_path / "sim"
    code = cli.main(
        ["simulate", "--out", str(out), "--seed", "7", "--agents", "40", "--start", "2024-01"]
    )
    assert code == 0
    assert calls == [(out, 7, {"agents": 40, "start": "2024-01"})]
    printed = capsys.readouterr().out
    assert f"simulated data written to {out} (seed 7)" in printed
    assert "agents.csv" in printed
    assert "planted_effect: 0.05" in printed
    assert "big" not in printed
    calls.clear()
    assert cli.main(["simulate", "--out", str(tmp_path / "ad"), "--seed", "7",
                     "--agent-daily-only"]) == 0
    assert calls == [(tmp_path / "ad", 7, {"agent_daily_only": True})]
    calls.clear()
    assert cli.main(["simulate", "--out", str(tmp_path / "big"), "--seed", "7", "--volume",
                     "2.5", "--session-months", "2"]) == 0
    assert calls == [(tmp_path / "big", 7, {"volume": 2.5, "session_months": 2})]
    assert cli.main(["simulate", "--out", str(out), "--seed", "7", "--volume", "0"]) == 2
    assert "--volume: expected a positive number, got '0'" in capsys.readouterr().err


def test_simulate_bad_start_month(tmp_path, monkeypatch, capsys):
    _fake_module(monkeypatch, "csnb.simulate", simulate=lambda *a, **k: pytest.fail("ran"))
    assert cli.main(["simulate", "--out", str(tmp_path), "--seed", "1", "--start", "2024-1"]) == 1
    assert "YYYY-MM" in capsys.readouterr().err


def test_missing_csnb_module_is_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "csnb.io", None)  # makes `import csnb.io` fail
    assert cli.main(["validate", "--data", str(tmp_path)]) == 1
    assert "csnb.io" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# End to end with the real simulator and loader
# ---------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_simulate_then_validate_end_to_end(tmp_path):
    out = tmp_path / "sim"
    proc = _run_module("simulate", "--out", str(out), "--seed", "3", timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "simulated data written to" in proc.stdout
    assert any(out.iterdir())
    proc = _run_module("validate", "--data", str(out), timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip()
    assert "Traceback" not in proc.stderr


def test_report_on_data_violating_the_contract_exits_1_before_any_notebook(tmp_path, capsys):
    data = tmp_path / "bad"
    data.mkdir()
    (data / "agents.csv").write_text(
        "agent_id,team,hire_date\nA1,T,2024-01-01\nA1,T,2024-02-01\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    code = cli.main(["report", "--month", MONTH, "--data", str(data), "--out", str(out),
                     "--notebooks", str(TEST_NOTEBOOKS), "--no-progress"])
    assert code == 1
    err = capsys.readouterr().err
    assert "agents.csv" in err and "agent_id" in err and "'A1'" in err
    assert "Traceback" not in err
    assert not list(out.rglob("*.html"))
