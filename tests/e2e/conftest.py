import os
from pathlib import Path

import pytest

from tests.support.stack import Stack, stack_settings, trained_model


@pytest.fixture(scope="session")
def model(tmp_path_factory):
    """The current model, trained if data changed (IOPBOT_TEST_MODEL=<path> reuses a model while developing)."""
    if os.environ.get("IOPBOT_TEST_MODEL"):
        return Path(os.environ["IOPBOT_TEST_MODEL"])
    settings = stack_settings(tmp_path_factory.mktemp("train"))
    return trained_model(settings)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, model):
    running = Stack(stack_settings(tmp_path_factory.mktemp("stack")), model).start()
    yield running
    running.stop()
