"""Export an executed notebook to a self-contained HTML report, and check it is one."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from ..i18n import TEXT, t
from .fonts import embed_cjk_font
from .runs import lang_suffix

__all__ = ["TEMPLATES_DIR", "drop_empty_outputs", "export_html", "find_external_refs",
           "short_title"]

#: The nbconvert and Jinja templates shipped with the package.
TEMPLATES_DIR = Path(__file__).parent / "templates"


def short_title(name, lang: str) -> str:
    """Short report name for the index and the report banner (the name itself if unknown).

    A daily brief (``daily-YYYY-MM-DD``) is named with its day.
    """
    if str(name).startswith("daily-"):
        return f'{TEXT["nav.daily"][lang]} {str(name)[len("daily-"):]}'
    entry = TEXT.get(f"nav.{name}")
    return entry[lang] if entry else str(name)


def export_html(nb, name: str, *, month: str, lang: str, path: Path) -> str:
    """Export the executed notebook to HTML: no code, no prompts, images embedded.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    name : str
        Report name (``"turnover"``).
    month, lang : str
        Report month and language, shown in the report's banner.
    path : pathlib.Path
        Folder the notebook ran in (for relative resources).
    """
    from nbconvert.preprocessors import TagRemovePreprocessor

    from .. import __version__

    exporter = _exporter_class()(
        template_name="lab",
        # An absolute template file: nbconvert adds its folder to the template search path.
        template_file=str(TEMPLATES_DIR / "report.html.j2"),
        exclude_input=True,
        # Markdown cells are analyst notes in the template's language; every sentence the
        # report shows is a cell output, so that ``lang`` switches all of it.
        exclude_markdown=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        theme="light",
        language_code=lang,  # ISO 639-1, as nbconvert requires
    )
    # Cells an analyst tags "remove-cell" (or outputs tagged "remove-output") stay out of the
    # report; the executed notebook keeps them.
    exporter.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={"remove-cell"},
            remove_all_outputs_tags={"remove-output"},
            enabled=True,
        ),
        enabled=True,
    )
    title = short_title(name, lang)
    resources = {
        "metadata": {"name": f"{title} {month}", "path": str(path)},
        "csnb": {
            "notebook": title,
            "month": month,
            "version": __version__,
            "rendered_at": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip(),
            "rendered_label": t("nav.rendered", lang),
            "index_label": t("nav.index", lang),
            "index_file": f"index{lang_suffix(lang)}.html",
        },
    }
    body, _ = exporter.from_notebook_node(drop_empty_outputs(nb), resources=resources)
    body = _accessible(body, lang)
    # The navigation bar is redrawn later from the index (csnb.report.index): its words must
    # be in the embedded font too.
    nav_words = "".join(t(k, lang) for k in TEXT if k.startswith(("nav.", "lang.")))
    return embed_cjk_font(body, extra=nav_words)


@cache
def _exporter_class():
    """The HTML exporter of nbconvert, without its pass over the finished page with BeautifulSoup.

    That pass (``HTMLExporter.from_notebook_node``: alternative text on images without one,
    ``tabindex`` on outputs) parses and re-serialises the whole page in pure Python: 4.9 s
    of the 5.1 s export of a 5M-session conversion report (its three agent tables of 1,500
    rows are 50,000 tags), run once per report. :func:`_accessible` adds the same attributes
    to the markup the template writes. The rest is the exporter's own method.
    """
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            resources = self._init_resources(resources)
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportExporter


_IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=)", re.IGNORECASE)
_OUTPUT_DIV = re.compile(
    r'<div(?=[^>]*\bclass="[^"]*\bjp-OutputArea-output\b)(?![^>]*\btabindex=)', re.IGNORECASE)


def _accessible(body: str, lang: str) -> str:
    """What nbconvert's exporter adds for screen readers and the keyboard, without a parser.

    Every image gets a text alternative (a report's figures are described by the sentences
    and tables beside them) and every output area ``tabindex="0"``. The markup is the
    template's own (``<img`` and ``<div ... class="... jp-OutputArea-output ...">``), so a
    pattern finds it.
    """
    alt = t("figure.alt", lang).replace('"', "&quot;")
    body = _IMG_WITHOUT_ALT.sub(f'<img alt="{alt}"', body)
    return _OUTPUT_DIV.sub('<div tabindex="0"', body)


def drop_empty_outputs(nb):
    """A copy of the notebook without empty outputs, and without code cells left with none.

    A section a report cannot show returns an empty block (``csnb.report.needs``); its
    outputs would still take room in the HTML. The executed notebook keeps them.
    """
    import copy

    out = copy.deepcopy(nb)
    cells = []
    for cell in out.cells:
        if cell.get("cell_type") != "code":
            cells.append(cell)
            continue
        had = bool(cell.get("outputs"))
        cell["outputs"] = [o for o in cell.get("outputs", []) if not _empty_output(o)]
        if cell["outputs"] or not had:
            cells.append(cell)
    out.cells = cells
    return out


def _empty_output(output) -> bool:
    """An execute result or display whose every representation is blank."""
    if output.get("output_type") not in ("execute_result", "display_data"):
        return False
    data = output.get("data", {})
    if not data or set(data) - {"text/html", "text/plain"}:
        return False
    return all(not "".join(v).strip() if isinstance(v, list) else not str(v).strip()
               for v in data.values())


# External references: a report must load nothing from the network.

_EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)\s*((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(['"])\s*((?:https?:)?//[^'"]+)""", re.IGNORECASE)
_JS_IMPORT = re.compile(
    r"""(?:\bimport\s*\(\s*|\bimport\s+|\bfrom\s+)(['"`])\s*((?:https?:)?//[^'"`]+)""",
    re.IGNORECASE,
)
_URL_ATTRS = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "track": ("src",),
    "input": ("src",),
}


class _RefFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self._raw: str | None = None  # "style" or "script" while inside one

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value is None:
                continue
            if name in _URL_ATTRS.get(tag, ()):
                candidates = (
                    [part.strip().split(" ")[0] for part in value.split(",")]
                    if name == "srcset"
                    else [value]
                )
                self.refs += [c.strip() for c in candidates if _EXTERNAL.match(c)]
            elif name == "style":
                self._css(value)
        if tag in ("style", "script"):
            self._raw = tag

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data):
        if self._raw == "style":
            self._css(data)
        elif self._raw == "script":
            self.refs += [m.group(2).strip() for m in _JS_IMPORT.finditer(data)]
            # A script may also inject CSS or assets by url(); count those too.
            self._css(data)

    def _css(self, text: str) -> None:
        self.refs += [m.group(2).strip() for m in _CSS_URL.finditer(text)]
        self.refs += [m.group(2).strip() for m in _CSS_IMPORT.finditer(text)]


def find_external_refs(html: str) -> list[str]:
    """List the network resources an HTML page would load.

    Every ``src``/``href`` (and ``srcset``, ``data``, ``poster``) of ``script``, ``link``,
    ``img``, ``source``, ``iframe`` and other embedding elements, every CSS ``url()`` and
    ``@import`` (in ``<style>`` and ``style=""``) and every JavaScript module import whose
    target is ``http(s)://`` or protocol-relative ``//``. Plain ``<a href>`` links are not
    loads and are not listed; text that merely looks like a tag (escaped ``&lt;script&gt;``)
    is text, not a tag.

    Parameters
    ----------
    html : str
        The page.

    Returns
    -------
    list of str
        The external URLs, in document order (duplicates kept).

    Examples
    --------
    >>> find_external_refs('<script src="https://cdn.example/x.js"></script><a href="https://x">x</a>')
    ['https://cdn.example/x.js']
    >>> find_external_refs('<style>@import "//fonts.example/f.css";</style>')
    ['//fonts.example/f.css']
    """
    finder = _RefFinder()
    finder.feed(html)
    finder.close()
    return list(finder.refs)
