"""Write xlscorecard/core/bank_holidays.py: England and Wales bank holidays, from `holidays`.

The returns tracker needs England's bank holidays to count working days. The `holidays`
package is the well-kept source, but importing it loads every country's calendar (about a
seventh of a second, a quarter of a council's whole run), so its answer is stored as data here
and checked against it by tests/test_tracker.py. Run again after upgrading `holidays` (the test
says when the table is out of date): python scripts/bank_holidays.py
"""

from pathlib import Path

import holidays

FIRST, LAST = 2000, 2040
TARGET = Path(__file__).resolve().parents[1] / "xlscorecard" / "core" / "bank_holidays.py"


def table() -> list:
    days = holidays.country_holidays("GB", subdiv="ENG", years=range(FIRST, LAST + 1))
    return sorted(days.items())


def main() -> None:
    lines = [f'    "{day.isoformat()}",  # {name}' for day, name in table()]
    TARGET.write_text(f'''"""England and Wales bank holidays {FIRST}-{LAST}, as the `holidays` package (version
{holidays.__version__}) gives them, written by scripts/bank_holidays.py: data, so that the
returns tracker does not load every country's calendar to count England's working days.
"""

import datetime as _dt

FIRST_YEAR, LAST_YEAR = {FIRST}, {LAST}
ENGLAND_AND_WALES = frozenset(_dt.date.fromisoformat(day) for day in (
''' + "\n".join(lines) + "\n))\n", encoding="utf-8")


if __name__ == "__main__":
    main()
