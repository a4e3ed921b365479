"""The integrity page's sentences round their figures as the screen's own detail does."""

import pytest
from django.utils import translation

from phrom.reviews.integrity_text import flag_sentence
from scoring.integrity import Flag, Settings


def _gain_flag() -> Flag:
    return Flag(
        agency="mot-drr",
        screen="gain",
        detail="gain of the total +47.58 over the previous cycle (median +3.15, robust z 3.8 > 3.5)",
        figures={"of": "total", "gain": 47.578, "median": 3.148, "z": 3.79},
    )


@pytest.mark.parametrize("language", ["th", "en"])
def test_gain_sentence_rounds_its_figures_instead_of_cutting_them(language: str) -> None:
    with translation.override(language):
        sentence = flag_sentence(
            _gain_flag(), Settings(), dimension_names={}, agency_names={}, shared={}
        )
    assert "+47.58" in sentence
    assert "+3.15" in sentence
    assert "3.8" in sentence
    assert "3.7" not in sentence
