"""linkage-scanner: read the linkage key, ODS code and account ID from a GP letter.

    >>> from scanner import scan
    >>> result = scan("letter.jpg")
    >>> result.linkage_key.value, result.ods_code.value, result.account_id.value
"""

from .api import scan
from .errors import (
    EncryptedInput,
    EngineUnavailable,
    InputTooLarge,
    ScannerError,
    ScanTimeout,
    UnreadableInput,
    UnsupportedInput,
)
from .load import Limits
from .models import CodeField, Quality, ScanResult, UncertainChar

__all__ = [
    "scan",
    "ScanResult",
    "CodeField",
    "UncertainChar",
    "Quality",
    "Limits",
    "ScannerError",
    "UnsupportedInput",
    "UnreadableInput",
    "InputTooLarge",
    "ScanTimeout",
    "EngineUnavailable",
    "EncryptedInput",
]
__version__ = "0.1.0"
