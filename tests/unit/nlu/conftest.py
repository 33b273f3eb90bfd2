"""Shared pieces for the NLU component tests: the real sentence featurizer, a local model storage."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.sentence_embeddings import SentenceEmbeddingFeaturizer


@pytest.fixture(scope="session")
def featurizer() -> SentenceEmbeddingFeaturizer:
    return SentenceEmbeddingFeaturizer(SentenceEmbeddingFeaturizer.get_default_config(), "sentence_embeddings")


@pytest.fixture()
def storage(tmp_path) -> LocalModelStorage:
    return LocalModelStorage(tmp_path)


def context(name: str) -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), node_name=name)


def featurized(featurizer, texts: list[str], **attributes: list[str]) -> list[Message]:
    """Messages with their sentence embeddings; keyword lists add attributes (``intent=[...]``)."""
    messages = [Message({TEXT: text, **{key: values[i] for key, values in attributes.items()}})
                for i, text in enumerate(texts)]
    return featurizer.process(messages)

