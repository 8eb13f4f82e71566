"""The Data and provenance section: the file, its hash, rows read, used and dropped,
missing values per variable, and the versions that made the report."""

from __future__ import annotations

from dataclasses import asdict

from ...result import ResultData
from .. import formatting
from ..document import Grid, Note, Row, Section, Table, cell, number, text


def build(result: ResultData) -> Section:
    d = result.data
    details = [d.format]
    if d.delimiter and d.delimiter != ",":
        details.append("delimiter " + ("tab" if d.delimiter == "\t" else f"'{d.delimiter}'"))
    if d.size_bytes is not None:
        details.append(formatting.size(d.size_bytes))
    rows = [_row("Source", f"{d.source} ({', '.join(details)})")]
    if d.sha256:
        rows.append(Row((cell("SHA-256", header=True), cell(d.sha256, role="hash"))))
    used = d.n_obs if d.n_rows_used is None else d.n_rows_used
    rows += [_row("Rows read", formatting.integer(d.n_rows_read)),
             _row("Rows used", formatting.integer(used)),
             _row("Rows dropped (missing values)", formatting.integer(d.n_dropped))]
    if d.expansion:
        rows.append(_row("Observations", f"{formatting.integer(d.n_obs)}: the rows counted by {d.expansion}"))
    missing = Table("missing", tuple(Row((cell(name, role="term"), number(formatting.integer(count))))
                                     for name, count in d.dropped_by_column),
                    header=(Row((cell("Variable", header=True), cell("Missing", header=True))),))
    versions = Table("summary versions", tuple(_row(name, version) for name, version in result.versions))
    data = asdict(d)
    data["dropped_by_column"] = dict(d.dropped_by_column)
    return Section("provenance", "Data and provenance", (
        Grid((Table("summary", tuple(rows)), missing)),
        Note(text("Rows with a missing value in any model variable are dropped before fitting (listwise "
                  "deletion); a row missing several variables is counted once in the total.")),
        versions,
    ), json={"data": data, "versions": dict(result.versions)})


def _row(label: str, value: str) -> Row:
    return Row((cell(label, header=True), cell(value)))
