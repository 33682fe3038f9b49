"""One error tree with stable codes: every message names the file and says what to do."""

from __future__ import annotations


class DatelineError(Exception):
    """Base of every error dateline raises on purpose; `code` is stable across releases."""

    code = "DL000"

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        self.message = message
        where = f" {path!r}:" if path else ""
        super().__init__(f"[{self.code}]{where} {message}")


class ConfigError(DatelineError):
    """A settings file or option is wrong."""

    code = "DL001"


class MissingDependency(DatelineError):
    """An optional part (model, extra) is not installed; the message gives the install command."""

    code = "DL002"


class ModelError(DatelineError):
    """A shipped trained model is missing, unreadable or of a version this code cannot use."""

    code = "DL003"


class ReadError(DatelineError):
    """An input file could not be read as an article."""

    code = "DL010"


class EmptyInput(ReadError):
    """The file or record has no text."""

    code = "DL011"


class BinaryInput(ReadError):
    """The file looks binary (NUL bytes, image or archive signature)."""

    code = "DL012"


class InputTooLarge(ReadError):
    """The file is larger than `max_file_bytes`."""

    code = "DL013"


class DecodeError(ReadError):
    """The bytes are not valid text in any encoding we accept."""

    code = "DL014"


class MalformedInput(ReadError):
    """The file parses, but not as the format its name claims (broken HTML, bad JSON/CSV)."""

    code = "DL015"


class UnsupportedInput(ReadError):
    """No reader handles this kind of file."""

    code = "DL016"


class ExtractionWarning(ReadError):
    """A warning, not a failure: the article was stored, but HTML extraction kept only a small
    fraction of a large page's text (repeated paragraphs, a listing, an unusual layout)."""

    code = "DL017"


class PipelineError(DatelineError):
    """Stages are in an order that cannot work, or a stage failed on an article."""

    code = "DL020"


class StoreError(DatelineError):
    """The database cannot be opened, migrated or written."""

    code = "DL030"


class FetchError(DatelineError):
    """A URL could not be fetched: no answer, an HTTP error, a redirect loop, a host's wait."""

    code = "DL110"


class RobotsDisallowed(FetchError):
    """The site's robots.txt does not allow dateline to fetch this URL."""

    code = "DL111"


class NotFound(DatelineError):
    """An id asked for is not in the store."""

    code = "DL040"
