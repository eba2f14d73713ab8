"""Rebuild the sample returns from the council's published tables.

    python sample_workbooks/build_samples.py

Every figure comes from St Helens Borough Council's published reports (the tables in
tests/data, copied from ../shared/reference): the Q3 2020/21 report (all six priorities) and the
Q2 2021/22 report (Priority 1). They are laid out as the services would send them, one folder
per reporting period, in a mix of layouts: the council's legacy wide table (title rows, a
two-row header, "Tier 1" written once, notes merged across months), our own return template,
and a CSV export. Each folder holds that year's register (the performance framework). Where a
report's printed variance does not follow from its printed annual target, the council used a
period target the report does not print; the register carries that target, back-solved from
the published variance, so the sample scorecard reproduces the published figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
COUNCIL = "St Helens Borough Council"
FIXED_TIME = dt.datetime(2021, 1, 15, 9, 0)  # workbook properties, so rebuilt files do not churn
# When each folder's returns were sent (saved for the last time): within the deadline of ten
# working days after the quarter, as the returns tracker reads them.
SENT_AT = {"2020-21-Q3": dt.datetime(2021, 1, 12, 16, 30), "2021-22-Q2": dt.datetime(2021, 10, 13, 11, 0)}

Q3_MONTHS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
Q3_MONTH_HEADERS = ("April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec")
Q3_CUMULATIVE = {"CYP-41", "CYP-43", "ASC-18", "ASC-19", "HS-06", "CC-01"}
# Printed variance follows from the printed target for these; the others need a period target.
Q3_FROM_PRINTED_TARGET = Q3_CUMULATIVE | {
    "CYP-01", "CYP-40", "E&S-25a", "CYP-09", "CYP-24", "CYP-27a", "CYP-28a", "CYP-29", "PH-25",
    "PH-52", "ASC-11", "ASC-12", "ASC-13", "ASC-17", "ASC-26", "ASC-22", "ASC-23", "SC-01",
    "G&P-01", "G&P-06", "HS-01", "G&P-12", "G&P-12a", "HS-02", "HS-08a", "HS-08b", "ENV-01",
    "ENV-03", "ENV-06", "CC-02", "CS-14a"}
Q2_FROM_PRINTED_TARGET = {
    "CYP-01", "CYP-03", "CYP-05", "CYP-07", "CYP-11", "CYP-12", "CYP-13", "CYP-14", "CYP-15",
    "PH-04", "SC-01", "SC-02", "CYP-16", "CYP-17", "CYP-20", "CYP-21", "PH-13", "PH-17", "PH-18",
    "CYP-23"}
# Seed 000 prints the outcomes of Priority 1 in merged cells; which indicators sit under which.
Q2_OUTCOMES = {
    "safe": "Children and young people are safe from harm and the lives of children in care improve",
    "aspire": "Children and young people's aspirations, attainment and opportunities are raised",
    "healthy": "Children and young people are healthy, resilient, confident, involved and achieve their potential",
}
Q2_OUTCOME_OF = {**dict.fromkeys(["CYP-13", "CYP-14", "CYP-15", "E&S-05"], "aspire"),
                 **dict.fromkeys(["PH-04", "SC-01", "SC-02", "PH-13", "PH-14", "PH-15", "PH-17", "PH-18"], "healthy")}

# Which service sends which indicators, and in which layout.
Q3_RETURNS = (
    ("childrens-social-care-Q3.xlsx", "Children's Social Care", ("CYP-", "E&S-"), "wide"),
    ("adult-social-care-Q3.xlsx", "Adult Social Care", ("ASC-",), "wide"),
    ("environment-and-culture-Q3.xlsx", "Environment and Culture", ("ENV-", "CC-"), "wide"),
    ("public-health-Q3.xlsx", "Public Health", ("PH-",), "template"),
    ("growth-and-housing-Q3.xlsx", "Growth and Housing", ("G&P-", "HS-"), "template"),
    ("corporate-services-Q3.xlsx", "Corporate Services", ("CS-",), "values"),
    ("community-safety-Q3.csv", "Community Safety", ("SC-",), "csv"),
)
Q2_RETURNS = (
    ("childrens-services-Q2.xlsx", "Children's Services", ("CYP-", "E&S-"), "wide"),
    ("public-health-Q2.xlsx", "Public Health", ("PH-",), "template"),
    ("youth-justice-Q2.csv", "Youth Justice", ("SC-",), "csv"),
)
INDICATOR_HEADER = ("Ref", "Name", "Priority", "Outcome", "Tier", "Polarity", "Frequency", "Target profile",
                    "Annual target", "Comparative quartile", "Previous outturn", "Service", "Data owner",
                    "Framework year")
VALUES_HEADER = ("Ref", "Period", "Value", "Period target", "Note")


def read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("%", ""))
    except ValueError:
        return None


def back_solved(value: float, published: float, polarity: str) -> float:
    """The target that gives ``value`` the published % variance."""
    return value / (1 + published / 100) if polarity == "Higher" else value / (1 - published / 100)


def service_of(ref: str, returns) -> str:
    return next(service for _, service, prefixes, _ in returns if ref.startswith(prefixes))


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = COUNCIL
    wb.properties.created = wb.properties.modified = FIXED_TIME
    return wb


def save(wb: Workbook, path: Path) -> None:
    wb.save(path)
    stamp_saved_time(path, SENT_AT.get(path.parent.name, FIXED_TIME))


def stamp_saved_time(path: Path, when: dt.datetime) -> None:
    """Record ``when`` as the time the workbook was last saved: the time the service would have
    sent it (openpyxl always writes the current time, and the returns tracker reads this)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info)) for info in archive.infolist()]
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
            info.date_time = when.timetuple()[:6]
            archive.writestr(info, data)


# -- The 2020/21 framework (seed 003) ------------------------------------------------------

def q3_frequency(row) -> str:
    off_quarter = ("apr", "may", "jul", "aug", "oct", "nov")
    return "Monthly" if any(number(row[m]) is not None for m in off_quarter) else "Quarterly"


def q3_latest(row):
    """(month index, value) of the last value printed up to December."""
    valued = [(i, number(row[m])) for i, m in enumerate(Q3_MONTHS) if number(row[m]) is not None]
    return valued[-1] if valued else None


def q3_period(index: int) -> str:
    return f"{Q3_MONTH_HEADERS[index][:3]} {2020 if index < 9 else 2021}"


def q3_indicator_row(row, service: str) -> tuple:
    """A row of the Indicators sheet (register or template) for one printed Q3 row."""
    return (row["ref"], row["indicator"], row["priority"], None, int(row["tier"]), row["polarity"],
            q3_frequency(row), "cumulative" if row["ref"] in Q3_CUMULATIVE else "flat",
            number(row["target_2020_21"]), row["published_comparative"] or None,
            number(row["outturn_2019_20"]), service, f"{service} performance lead", "2020/21")


# The council's priorities as its framework names them, in order: (number, title, sheet name).
PRIORITIES = (
    ("1", "Ensure children and young people have a positive start in life", "Children and young people"),
    ("2", "Promote good health, independence and care across our communities", "Health, independence, care"),
    ("3", "Create safe and strong communities for our residents", "Safe and strong communities"),
    ("4", "Support a strong, diverse and well-connected local economy", "Local economy"),
    ("5", "Create a green, thriving and vibrant place to be proud of", "Green and vibrant place"),
    ("6", "Be a modern, efficient and effective Council", "Modern, efficient Council"),
)


def write_framework(ws) -> None:
    """The register's Framework sheet: the council's name and its priorities (templates/README.md)."""
    ws.append(("Council name", COUNCIL))
    ws.append(())
    ws.append(("Priority number", "Priority title", "Short title"))
    for priority in PRIORITIES:
        ws.append(priority)


def write_register(path: Path, indicator_rows, target_rows) -> None:
    """A register in our template's format: an Indicators sheet, the period targets and the
    Framework sheet (the council's name and priorities)."""
    register = new_workbook()
    ws = register.active
    ws.title = "Indicators"
    ws.append(INDICATOR_HEADER)
    for values in indicator_rows:
        ws.append(values)
    targets = register.create_sheet("Period targets")
    targets.append(VALUES_HEADER)
    for values in target_rows:
        targets.append(values)
    write_framework(register.create_sheet("Framework"))
    save(register, path)


def q3_period_targets(rows):
    for row in rows:
        latest, published = q3_latest(row), number(row["published_variance"])
        if row["ref"] not in Q3_FROM_PRINTED_TARGET and latest and published is not None:
            yield (row["ref"], q3_period(latest[0]), None,
                   round(back_solved(latest[1], published, row["polarity"]), 6),
                   "target used in the published Q3 report")


def build_q3(folder: Path) -> None:
    rows = read("q3_2020_21_all_priorities.csv")
    write_register(folder / "register-2020-21.xlsx",
                   (q3_indicator_row(row, service_of(row["ref"], Q3_RETURNS)) for row in rows),
                   q3_period_targets(rows))
    for name, service, prefixes, layout in Q3_RETURNS:
        mine = [r for r in rows if r["ref"].startswith(prefixes)]
        {"wide": q3_wide, "template": q3_template, "values": q3_template, "csv": q3_csv}[layout](
            folder / name, service, mine, layout)


def title_rows(ws, service: str, period: str) -> None:
    ws.append((COUNCIL,))
    ws.append((f"{service} - Performance Indicator Return",))
    ws.append((period,))
    ws.append(())
    ws["A1"].font = Font(bold=True, size=14)


def q3_wide(path: Path, service: str, rows, _layout) -> None:
    """The wide table the Q3 2020/21 report prints, as the service keeps it in Excel."""
    wb = new_workbook()
    ws = wb.active
    ws.title = "Q3 2020-21"
    title_rows(ws, service, "Quarter 3 - 2020/21")
    top = ("Tier", "Ref", "Performance Indicator", "Higher / Lower is better?", "19/20 Outturn", "20/21 Target",
           "Q1", None, None, "Q2", None, None, "Q3", None, None, "% Variance from Target", "DOT", "Trend",
           "Comparative Performance")
    ws.append(top)
    ws.append((None,) * 6 + Q3_MONTH_HEADERS)
    for column in (1, 2, 3, 4, 5, 6, 16, 17, 18, 19):
        ws.merge_cells(start_row=5, start_column=column, end_row=6, end_column=column)
    for first in (7, 10, 13):
        ws.merge_cells(start_row=5, start_column=first, end_row=5, end_column=first + 2)
    for cell in ws[5] + ws[6]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    tier_written = None
    for row in rows:
        tier = f"Tier {row['tier']}"
        months = [number(row[m]) if number(row[m]) is not None else (row[m] or None) for m in Q3_MONTHS]
        published = number(row["published_variance"])
        ws.append((tier if tier != tier_written else None, row["ref"], row["indicator"], row["polarity"],
                   row["outturn_2019_20"] if "," in row["outturn_2019_20"] else number(row["outturn_2019_20"]),
                   row["target_2020_21"] if "," in row["target_2020_21"] else number(row["target_2020_21"]),
                   *months, None if published is None else published / 100, row["published_dot"] or None,
                   row["published_trend"] or None, row["published_comparative"] or None))
        tier_written = tier
        r = ws.max_row
        ws.cell(r, 16).number_format = "0.00%"
        if row["note"]:
            # The printed report spans the note across the months it explains (merged cells).
            blank = [i for i, m in enumerate(Q3_MONTHS) if not row[m]]
            first, last = blank[0] + 7, blank[-1] + 7
            ws.cell(r, first, row["note"])
            if last > first:
                ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
    ws.column_dimensions["C"].width = 50
    save(wb, path)


def q3_values(rows):
    for row in rows:
        blank_note = row["note"]
        for index, month in enumerate(Q3_MONTHS):
            value = number(row[month])
            if value is not None:
                yield (row["ref"], q3_period(index), value, None, None)
            elif blank_note and not row[month]:
                yield (row["ref"], q3_period(index), None, None, blank_note)


def q3_template(path: Path, service: str, rows, layout) -> None:
    """Our own template: an Indicators sheet (left out of a values-only return) and Values."""
    wb = new_workbook()
    ws = wb.active
    if layout == "template":
        ws.title = "Indicators"
        ws.append(INDICATOR_HEADER)
        for row in rows:
            ws.append(q3_indicator_row(row, service))
        ws = wb.create_sheet("Values")
    else:
        ws.title = "Values"
    ws.append(VALUES_HEADER)
    for values in q3_values(rows):
        ws.append(values)
    save(wb, path)


def q3_csv(path: Path, _service: str, rows, _layout) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(VALUES_HEADER)
        writer.writerows(q3_values(rows))


# -- The 2021/22 framework, Priority 1 (seed 000) --------------------------------------------

def q2_values(row):
    for quarter, column, month in ((1, "q1", "Jun 2021"), (2, "q2", "Sep 2021")):
        yield quarter, column, month, number(row[column])


def q2_indicator_row(row) -> tuple:
    service = service_of(row["ref"], Q2_RETURNS)
    return (row["ref"], row["indicator"], "1", Q2_OUTCOMES[Q2_OUTCOME_OF.get(row["ref"], "safe")],
            int(row["tier"]), row["polarity"], "Quarterly", "per-period" if row["ref"] == "SC-01" else "flat",
            number(row["target_2021_22"]), row["published_comparative"] or None, number(row["outturn_2020_21"]),
            service, f"{service} performance lead", "2021/22")


def q2_period_targets(rows):
    for row in rows:
        published, value = number(row["published_variance"]), number(row["q2"])
        if row["ref"] not in Q2_FROM_PRINTED_TARGET and published is not None and value is not None:
            yield (row["ref"], "2021/22 Q2", None, round(back_solved(value, published, row["polarity"]), 6),
                   "target used in the published Q2 report")


def build_q2(folder: Path) -> None:
    rows = read("q2_2021_22_priority1.csv")
    write_register(folder / "register-2021-22.xlsx", map(q2_indicator_row, rows), q2_period_targets(rows))
    for name, service, prefixes, layout in Q2_RETURNS:
        mine = [r for r in rows if r["ref"].startswith(prefixes)]
        {"wide": q2_wide, "template": q2_template, "csv": q2_csv}[layout](folder / name, service, mine)


def q2_wide(path: Path, service: str, rows) -> None:
    """Seed 000's layout: outcome in merged cells down the side, 'Q1 June' in one header cell."""
    wb = new_workbook()
    ws = wb.active
    ws.title = "Priority 1"
    title_rows(ws, service, "Quarter 2 2021/22")
    ws.append(("Outcome", "Ref", "Performance Indicator", "Reporting Frequency", "Higher / Lower is better?",
               "20/21 Outturn", "21/22 Target", "Q1 June", "Q2 Sept", "% Variance from Target", "Trend",
               "Comparative Performance"))
    for cell in ws[5]:
        cell.font = Font(bold=True)
    for tier in ("1", "2"):
        ws.append((f"Tier {tier}",))
        block = [r for r in rows if r["tier"] == tier]
        start = ws.max_row + 1
        for row in block:
            ws.append((None, row["ref"], row["indicator"], row["frequency"], row["polarity"],
                       number(row["outturn_2020_21"]) if number(row["outturn_2020_21"]) is not None
                       else row["outturn_2020_21"], number(row["target_2021_22"]),
                       *(v if v is not None else (row[c] or None) for _, c, _, v in q2_values(row)),
                       row["published_variance"] or None, None, row["published_comparative"] or None))
        # Outcome names merged down the rows they cover, as the report prints them.
        r = start
        while r < start + len(block):
            outcome = Q2_OUTCOME_OF.get(block[r - start]["ref"], "safe")
            end = r
            while end + 1 < start + len(block) and Q2_OUTCOME_OF.get(block[end + 1 - start]["ref"], "safe") == outcome:
                end += 1
            ws.cell(r, 1, Q2_OUTCOMES[outcome])
            if end > r:
                ws.merge_cells(start_row=r, start_column=1, end_row=end, end_column=1)
            r = end + 1
    ws.column_dimensions["A"].width = ws.column_dimensions["C"].width = 45
    save(wb, path)


def q2_long(rows):
    for row in rows:
        for quarter, _, _, value in q2_values(row):
            if value is not None:
                yield (row["ref"], f"2021/22 Q{quarter}", value, None, None)


def q2_template(path: Path, _service: str, rows) -> None:
    wb = new_workbook()
    ws = wb.active
    ws.title = "Values"
    ws.append(VALUES_HEADER)
    for values in q2_long(rows):
        ws.append(values)
    save(wb, path)


def q2_csv(path: Path, _service: str, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(VALUES_HEADER)
        writer.writerows(q2_long(rows))


def build_illustrative(folder: Path) -> None:
    """ILLUSTRATIVE values for April 2018 to March 2020, kept apart from the published figures
    (illustrative_history.py says how they are made and how they agree with the report)."""
    from illustrative_history import build_history

    build_history(folder, read("q3_2020_21_all_priorities.csv"), number, write_register, q3_indicator_row,
                  lambda ref: service_of(ref, Q3_RETURNS))


# The layout-file example: the Q3 adult social care return rebuilt as a council might lay it out
# (six title rows, a one-row header on row 7 whose words no reader knows, the months as
# unlabelled columns), which detection cannot read, and the layout file that reads it.
SAMPLE_TO_ODD = {"B": "A", "C": "B", "D": "C", "F": "D", "E": "E", **{chr(ord("G") + i): chr(ord("F") + i)
                 for i in range(9)}, "P": "O", "Q": "P", "R": "Q", "S": "R", "A": "S"}
ODD_HEADER = {"A": None, "B": "What we measure", "C": "Good if", "D": "Aim for", "E": "Last year",
              **{chr(ord("F") + i): f"Col {i + 1}" for i in range(9)}, "O": "Versus aim", "P": "Moved",
              "Q": "Long run", "R": "Versus others", "S": None}
HOUSING_LAYOUT = """\
# How to read housing-Q3.xlsx, which xlscorecard does not recognise (README: "Reading a return
# the tool does not recognise"). Saved as xlscorecard-layouts.toml beside the returns it is used
# without --layouts.
[[rule]]
name = "housing"
files = "housing*.xlsx"
sheet = "Figures"
header_rows = 7
values = "F:N"
periods = ["Apr 2020", "May 2020", "Jun 2020", "Jul 2020", "Aug 2020", "Sep 2020", "Oct 2020", "Nov 2020", "Dec 2020"]
columns = { ref = "A", name = "B", polarity = "C", target = "D", outturn = "E", variance = "O", dot = "P", trend = "Q", quartile = "R", tier = "S" }
"""


def odd_return(sample_path: Path, path: Path) -> Path:
    """The sample return's rows, rearranged under a header no reader recognises."""
    from openpyxl import load_workbook

    sample = load_workbook(sample_path).active
    wb = new_workbook()
    ws = wb.active
    ws.title = "Figures"
    ws["A1"] = "Housing and adults - quarterly figures"
    ws["A3"] = "Prepared by the service"
    for letter, text in ODD_HEADER.items():
        if text:
            ws[f"{letter}7"] = text
    for offset, row in enumerate(range(7, sample.max_row + 1)):
        for old, new in SAMPLE_TO_ODD.items():
            source, target = sample[f"{old}{row}"], ws[f"{new}{8 + offset}"]
            target.value, target.number_format = source.value, source.number_format
    for merged in sample.merged_cells.ranges:  # the note merged over the months of ASC-20a
        if merged.min_row >= 7:
            ws.merge_cells(start_row=merged.min_row + 1, end_row=merged.max_row + 1,
                           start_column=merged.min_col - 1, end_column=merged.max_col - 1)
    save(wb, path)
    return path


def build_layout_example(folder: Path) -> None:
    import shutil

    """``layout-file/returns/``: the odd return and the register; ``layout-file/housing-layouts.toml``
    beside that folder, so that the returns folder is read first without it, as a council's
    would be before its layout file is written."""
    q3 = folder.parent / "2020-21-Q3"
    returns = folder / "returns"
    returns.mkdir(exist_ok=True)
    odd_return(q3 / "adult-social-care-Q3.xlsx", returns / "housing-Q3.xlsx")
    shutil.copy2(q3 / "register-2020-21.xlsx", returns / "register-2020-21.xlsx")
    (folder / "housing-layouts.toml").write_text(HOUSING_LAYOUT, encoding="utf-8", newline="\n")


def main(root: Path = HERE) -> int:
    sys.path.insert(0, str(HERE))
    for name, build in (("2020-21-Q3", build_q3), ("2021-22-Q2", build_q2), ("history-illustrative", build_illustrative),
                        ("layout-file", build_layout_example)):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        build(folder)
        print(f"wrote {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
