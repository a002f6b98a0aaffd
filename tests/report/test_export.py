"""The report's HTML export: nbconvert's page, with its accessibility attributes added fast."""

import base64
from html.parser import HTMLParser

import nbformat
import pytest

from csnb.i18n import t
from csnb.report.export import TEMPLATES_DIR, export_html

# A 1x1 PNG.
_PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)).decode()


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.focusable = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a.get("alt"))
        if a.get("tabindex") == "0":
            self.focusable.append((tag, " ".join(sorted(a.get("class", "").split()))))


def _collect(html):
    parser = _Collect()
    parser.feed(html)
    return parser


def _notebook():
    image = nbformat.v4.new_output("display_data", data={"image/png": _PNG,
                                                         "text/plain": "<Figure>"})
    table = nbformat.v4.new_output("execute_result", execution_count=2, data={
        "text/html": "<table><tr><td>张三</td><td>1</td></tr></table>", "text/plain": "t"})
    text = nbformat.v4.new_output("stream", name="stdout", text="done\n")
    return nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# notes"),
        nbformat.v4.new_code_cell("fig", outputs=[image]),
        nbformat.v4.new_code_cell("table", outputs=[table, text]),
    ])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_export_marks_what_nbconverts_own_exporter_marks(tmp_path, lang):
    """Reference: nbconvert's HTMLExporter with the same settings, whose own pass over the
    page (BeautifulSoup) the report exporter replaces."""
    from nbconvert import HTMLExporter

    nb = _notebook()
    ours = _collect(export_html(nb, "conversion", month="2025-10", lang=lang, path=tmp_path))
    stock, _ = HTMLExporter(template_name="lab",
                            template_file=str(TEMPLATES_DIR / "report.html.j2"),
                            exclude_input=True, exclude_markdown=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            embed_images=True, theme="light", language_code=lang,
                            ).from_notebook_node(nb, resources={"csnb": {}})
    theirs = _collect(stock)
    assert ours.focusable == theirs.focusable
    assert len(ours.focusable) == 3  # the image, the table and the stream
    assert ours.images == [t("figure.alt", lang)]
    assert len(theirs.images) == 1 and theirs.images[0]


def test_an_image_that_has_its_own_text_alternative_keeps_it(tmp_path):
    nb = _notebook()
    nb.cells[2].outputs[0].data["text/html"] = '<img alt="planted" src="data:image/png;base64,' \
                                               + _PNG + '">'
    ours = _collect(export_html(nb, "conversion", month="2025-10", lang="en", path=tmp_path))
    assert sorted(ours.images) == sorted(["planted", t("figure.alt", "en")])
