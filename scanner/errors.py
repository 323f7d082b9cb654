"""Exceptions raised by the scanner.

Every error derives from :class:`ScannerError` and carries a stable ``code``
(for JSON/HTTP), an ``exit_code`` (for the CLI) and an ``http_status``, so one
error type answers the library caller, the command line and a web service
alike.  Messages say what went wrong and what to do; they never contain a code
value read from the letter.
"""

from __future__ import annotations


class ScannerError(Exception):
    """Base class of every error the scanner raises on purpose."""

    code = "scanner_error"
    exit_code = 2
    http_status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UnsupportedInput(ScannerError):
    """The input is not an image, PDF or text format the scanner reads."""

    code = "unsupported_input"
    http_status = 415


class UnreadableInput(ScannerError):
    """The input has a supported type but is empty, truncated or corrupt."""

    code = "unreadable_input"
    http_status = 422


class InputTooLarge(ScannerError):
    """The input exceeds a configured limit (bytes, pixels, pages or frames)."""

    code = "too_large"
    http_status = 413


class ScanTimeout(ScannerError):
    """Scanning took longer than the configured time limit."""

    code = "timeout"
    http_status = 504


class EngineUnavailable(ScannerError):
    """The requested OCR engine is not installed."""

    code = "engine_unavailable"
    exit_code = 3
    http_status = 503


class EncryptedInput(UnreadableInput):
    """A password-protected PDF: the scanner never guesses or asks for passwords.

    PDFs that are encrypted with an empty user password (restrictions only, no
    password to open) are read normally."""

    code = "encrypted_input"
