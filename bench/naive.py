"""The naive baseline: pandas.read_excel (openpyxl engine) of every sheet of every return, then
DataFrame.to_excel (openpyxl engine) of the combined table. What a quick script would do;
bench/bench_consolidate.py times it beside `consolidate`.

    python bench/naive.py RETURNS_DIR OUT.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


RECORD_COLUMNS = 19  # as wide as the records file, like bench/floor.py's table


def main() -> None:
    frames = []
    for path in sorted(Path(sys.argv[1]).iterdir()):
        if path.suffix.lower() == ".csv":
            frames.append(pd.read_csv(path, header=None))
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            frames.extend(pd.read_excel(path, sheet_name=None, engine="openpyxl", header=None).values())
    combined = pd.concat([frame.set_axis(range(frame.shape[1]), axis=1) for frame in frames], ignore_index=True)
    # One row per indicator, as bench/floor.py counts them: rows with a ref in their first two cells.
    refs = combined[0].where(combined[0].astype(str).str.contains("-", na=False), combined.get(1))
    is_ref = refs.astype(str).str.contains("-", na=False) & (refs.astype(str).str.len() < 12)
    table = combined[is_ref].assign(_ref=refs[is_ref]).drop_duplicates("_ref").drop(columns="_ref")
    table = table.reindex(columns=range(RECORD_COLUMNS))
    table.to_excel(sys.argv[2], engine="openpyxl", index=False)


if __name__ == "__main__":
    main()
