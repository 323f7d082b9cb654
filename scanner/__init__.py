"""linkage-scanner: read the linkage key, ODS code and account ID from a GP letter.

    >>> from scanner import scan
    >>> result = scan("letter.jpg")
    >>> result.linkage_key.value, result.ods_code.value, result.account_id.value
"""

import os as _os

# onnxruntime (>= 1.29) otherwise keeps a device id and a usage database under ~/.cache and
# drops a session file in the temp folder: a scanner of medical-record credentials stores nothing.
_os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

from .api import scan  # noqa: E402
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
