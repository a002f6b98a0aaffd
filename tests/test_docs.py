from pathlib import Path

from csnb.io.schema import TABLES, contract_markdown
from csnb.metrics import METRIC_BOOK_VERSION

DOCS = Path(__file__).parents[1] / "docs"


def test_data_contract_page_is_generated_from_the_schema():
    page = (DOCS / "data-contract.md").read_text(encoding="utf-8")
    assert page == contract_markdown(), (
        "docs/data-contract.md is stale: regenerate it with "
        "python -c \"from csnb.io.schema import contract_markdown; "
        "open('docs/data-contract.md','w').write(contract_markdown())\""
    )
    for name, table in TABLES.items():
        assert f"## {name}" in page
        for column in table.columns:
            assert f"| {column.name} | {column.kind} |" in page


def test_metric_book_page_has_the_code_version():
    page = (DOCS / "metric-book.md").read_text(encoding="utf-8")
    assert page.startswith(f"# Metric book (version {METRIC_BOOK_VERSION})")


def test_glossary_page_is_generated_from_the_labels():
    from csnb.i18n import DEFINITIONS, METRICS, glossary_markdown

    assert set(DEFINITIONS) == set(METRICS)
    page = (DOCS / "glossary.md").read_text(encoding="utf-8")
    assert page == glossary_markdown(), "regenerate docs/glossary.md from glossary_markdown()"
    assert "3分钟响应率" in page and "询单转化率" in page
