"""Report texts of each analysis, one module per report, merged into :data:`csnb.i18n.TEXT`.

Each module defines ``TEXT`` (key -> {"en": ..., "zh": ...}) with keys prefixed by its report
(``turnover.``, ``conversion.``, ``complaints.``, ``incentives.``), so the reports' texts
can grow side by side; :mod:`csnb.i18n` refuses a key defined twice.
"""
