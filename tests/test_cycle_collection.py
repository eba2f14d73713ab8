"""A consolidation pauses Python's cycle collector for speed and always restores it."""

from __future__ import annotations

import gc

import pytest

from xlscorecard.pipeline import assess, without_cycle_collection
from xlscorecard.errors import ReturnError

from helpers import SAMPLES


def test_the_collector_is_paused_during_the_work_and_restored_after():
    seen = []

    @without_cycle_collection
    def work():
        seen.append(gc.isenabled())
        return "done"

    assert gc.isenabled()
    assert work() == "done"
    assert seen == [False] and gc.isenabled()


def test_it_is_restored_when_the_work_fails(tmp_path):
    assert gc.isenabled()
    with pytest.raises(ReturnError):
        assess(tmp_path)  # an empty folder: nothing readable
    assert gc.isenabled()


def test_a_paused_collector_is_left_paused():
    gc.disable()
    try:
        assess(SAMPLES / "2020-21-Q3", period="2020/21 Q3")
        assert not gc.isenabled()
    finally:
        gc.enable()
