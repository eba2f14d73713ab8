"""The history keeps what it was told, by indicator and period (issue 14, item 4): a re-run
replaces its period's values from the returns in the folder now, restatements are found
whatever folder or file they come from and are not undone by a later run, and a name changed
within a framework year keeps the indicator's history."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from xlscorecard.pipeline import consolidate
from xlscorecard.history import History

SAMPLES = Path(__file__).resolve().parents[1] / "sample_workbooks" / "2020-21-Q3"
CIN = "Rate of Children in Need"


def register(folder: Path, name: str = CIN) -> None:
    folder.mkdir(exist_ok=True)
    with (folder / "register.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Ref", "Name", "Polarity", "Annual target", "Frequency"])
        writer.writerow(["CYP-01", name, "Lower", 485, "Monthly"])


def values(path: Path, *rows: tuple[str, float]) -> None:
    path.write_text("Ref,Period,Value\n" + "".join(f"CYP-01,{p},{v}\n" for p, v in rows), encoding="utf-8")


def test_a_removed_return_gives_the_same_scorecard_on_the_first_and_second_re_run(tmp_path):
    returns = tmp_path / "returns"
    shutil.copytree(SAMPLES, returns)
    history = tmp_path / "h.sqlite"
    first = consolidate(returns, period="2020/21 Q3", out=tmp_path / "0.xlsx", history=history)
    removed = returns / "public-health-Q3.xlsx"
    refs = {o.ref for o in first.observations if o.source.path == str(removed) and o.value is not None}
    assert refs
    removed.unlink()
    again = [consolidate(returns, period="2020/21 Q3", out=tmp_path / f"{n}.xlsx", records=tmp_path / f"{n}.csv",
                         history=history) for n in (1, 2)]
    assert (tmp_path / "1.xlsx").read_bytes() == (tmp_path / "2.xlsx").read_bytes()
    assert (tmp_path / "1.csv").read_bytes() == (tmp_path / "2.csv").read_bytes()
    for result in again:  # nothing of the removed return is used, from the returns or from the history
        assert not [o for o in result.observations if o.source.path == str(removed)]
        assert not [s for s in result.scores if s.source is not None and s.source.path == str(removed)]
    assert [(s.ref, s.rag, s.value) for s in again[0].scores] == [(s.ref, s.rag, s.value) for s in again[1].scores]

def test_a_restatement_is_found_whatever_folder_it_comes_from_and_is_not_undone_later(tmp_path):
    history = tmp_path / "h.sqlite"
    q2, q3, q4 = tmp_path / "q2", tmp_path / "q3", tmp_path / "q4"
    register(q2)
    values(q2 / "cyp.csv", ("Sep 2020", 441.8))
    consolidate(q2, period="2020/21 Q2", out=tmp_path / "q2.xlsx", history=history)
    register(q3)
    values(q3 / "childrens-services-Q3.csv", ("Sep 2020", 445.0), ("Dec 2020", 459.4))  # another folder, another name
    result = consolidate(q3, period="2020/21 Q3", out=tmp_path / "q3.xlsx", history=history)
    [restated] = [f for f in result.findings if "restated" in f.message]
    assert restated.message == "CYP-01 Sep 2020 restated: 441.8 before, 445.0 now"
    assert restated.source.path == str(q3 / "childrens-services-Q3.csv")
    register(q4)
    values(q4 / "cyp.csv", ("Mar 2021", 470.0))  # a later run, from a folder without September
    result = consolidate(q4, period="2020/21 Q4", out=tmp_path / "q4.xlsx", history=history)
    assert not [f for f in result.findings if "restated" in f.message]
    with History(history) as store:
        stored = store.observations_for(result.indicators[0])
    assert [(o.period.label, o.value) for o in stored] == [("Sep 2020", 445.0), ("Dec 2020", 459.4),
                                                           ("Mar 2021", 470.0)]


def test_an_indicator_renamed_within_a_framework_year_keeps_its_history(tmp_path):
    """Q2 and Q3 of 2020/21, the register renaming CYP-01 in between: the Q3 direction of travel
    still compares December (459.4, +5.28%) with September (441.8, +8.91%): worse, as seed 003."""
    history = tmp_path / "h.sqlite"
    q2, q3 = tmp_path / "q2", tmp_path / "q3"
    register(q2)
    values(q2 / "cyp.csv", ("Sep 2020", 441.8))
    consolidate(q2, period="2020/21 Q2", out=tmp_path / "q2.xlsx", history=history)
    register(q3, "Rate of children in need per 10,000 children")
    values(q3 / "cyp.csv", ("Dec 2020", 459.4))
    runs = [consolidate(q3, period="2020/21 Q3", out=tmp_path / f"q3-{n}.xlsx", history=history) for n in (1, 2)]
    for result in runs:  # the re-run says it again: the same scorecard
        [score] = result.scores
        assert (score.dot.value, round(score.previous_variance, 2)) == ("worse", 8.91)
        [renamed] = [f for f in result.findings if "name changed" in f.message]
        assert renamed.ref == "CYP-01"
        assert renamed.message == ("name changed within 2020/21: 'Rate of Children in Need' in the history (run for "
                                   "2020/21 Q2), 'Rate of children in need per 10,000 children' now")
    assert (tmp_path / "q3-1.xlsx").read_bytes() == (tmp_path / "q3-2.xlsx").read_bytes()
