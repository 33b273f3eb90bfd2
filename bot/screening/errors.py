"""The one error the screening data loaders raise."""

from __future__ import annotations


class ScreeningDataError(ValueError):
    """A questionnaire or criteria file is malformed.

    ``file`` is the path of the file, ``field`` the dotted path of the offending entry
    (e.g. ``questions[3:last_use].choices[1].id``), ``message`` what is wrong with it.
    """

    def __init__(self, file: str, field: str, message: str) -> None:
        self.file = str(file)
        self.field = field
        self.message = message
        super().__init__(f"{self.file}: {field}: {message}")
