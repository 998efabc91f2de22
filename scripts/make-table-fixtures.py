#!/usr/bin/env python3
"""Writes the step-table fixtures that the Rust writers cannot: an Excel 97-2003 workbook (.xls,
with xlwt) and an OpenDocument spreadsheet (.ods, with odfpy), both holding the same time study
of three steps of examples/model-retraining-current.json. Run once; the files are committed.

    python3 -m venv /tmp/fx && /tmp/fx/bin/pip install xlwt odfpy
    /tmp/fx/bin/python scripts/make-table-fixtures.py crates/takt-mine/tests/fixtures
"""
import os
import sys

HEADER = ["Step", "Team", "Touch time (min)", "Lead time", "C&A", "Queue"]
# Lead times as a duration cell: hours. C&A as fractions (a percent-formatted column).
ROWS = [
    ["Drift triage and retrain decision", "Credit Risk Data Science", 90, 16, 0.9, "6h"],
    ["Manual data validation (notebook checks)", "Credit Risk Data Science", 150, 30, 0.75, None],
    ["Retrain and tune candidate model", "ML Platform", 300, 60, 1, "1d"],
]


def xls(path):
    import xlwt

    book = xlwt.Workbook()
    book.add_sheet("Cover")  # empty: the reader takes the first sheet with data
    sheet = book.add_sheet("Time study")
    hours = xlwt.easyxf(num_format_str="[h]:mm:ss")
    pct = xlwt.easyxf(num_format_str="0%")
    for c, h in enumerate(HEADER):
        sheet.write(0, c, h)
    for r, row in enumerate(ROWS, start=1):
        for c, v in enumerate(row):
            if v is None:
                continue
            if c == 3:
                sheet.write(r, c, v / 24.0, hours)
            elif c == 4:
                sheet.write(r, c, v, pct)
            else:
                sheet.write(r, c, v)
    book.save(path)


def ods(path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Time study")

    def text(v):
        cell = TableCell(valuetype="string")
        cell.addElement(P(text=str(v)))
        return cell

    row = TableRow()
    for h in HEADER:
        row.addElement(text(h))
    table.addElement(row)
    for values in ROWS:
        row = TableRow()
        for c, v in enumerate(values):
            if v is None:
                row.addElement(TableCell())
            elif c == 3:
                cell = TableCell(valuetype="time", timevalue=f"PT{v}H00M00S")
                cell.addElement(P(text=f"{v}:00:00"))
                row.addElement(cell)
            elif isinstance(v, (int, float)):
                cell = TableCell(valuetype="percentage" if c == 4 else "float", value=v)
                cell.addElement(P(text=str(v)))
                row.addElement(cell)
            else:
                row.addElement(text(v))
        table.addElement(row)
    doc.spreadsheet.addElement(table)
    doc.save(path)


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    xls(os.path.join(out, "time-study.xls"))
    ods(os.path.join(out, "time-study.ods"))
