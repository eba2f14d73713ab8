"""Pytest fixtures for the writer tests: the Q3 2020/21 scorecard written once per session."""

from __future__ import annotations

import openpyxl
import pytest

from q3_scorecard import q3_data
from xlscorecard.outputs.scorecard import write_scorecard


@pytest.fixture(scope="session")
def q3_path(tmp_path_factory):
    return write_scorecard(q3_data(), tmp_path_factory.mktemp("scorecard") / "scorecard.xlsx")


@pytest.fixture(scope="session")
def q3_book(q3_path):
    return openpyxl.load_workbook(q3_path)
