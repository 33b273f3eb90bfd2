"""Fixtures for the screening core tests: the real questionnaire and criteria files."""

import pytest

from bot.screening import load_criteria, load_questionnaire


@pytest.fixture(scope="session")
def questionnaire():
    return load_questionnaire()


@pytest.fixture(scope="session")
def criteria(questionnaire):
    return load_criteria(questionnaire=questionnaire)
