"""scrubline: finds and redacts sensitive data (PII, payment data, secrets) in text.

>>> import scrubline
>>> scrubline.redact("mail jane.doe@example.org please")
'mail [EMAIL] please'
>>> [f.type for f in scrubline.scan("ssn 078-05-1120")]
['US_SSN']

`redact` and `scan` use the embedded default packs; build a `Scanner` to add packs, select
rules, or set actions, and reuse it: it is immutable and thread-safe.

For a model round trip, `Scanner.tokenize(prompt, vault)` puts placeholders such as `<EMAIL_1>`
in the prompt, and `vault.restore(answer)`, a `Restorer` or `restore_stream` /
`arestore_stream` put the values back into the (streamed) answer.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from . import logging as logging
from ._restore import arestore_stream as arestore_stream
from ._restore import restore_stream as restore_stream
from ._scrubline import (
    Finding as Finding,
    InputError as InputError,
    PackError as PackError,
    PatternError as PatternError,
    PolicyError as PolicyError,
    Restorer as Restorer,
    Scanner as Scanner,
    ScrublineError as ScrublineError,
    StreamRedactor as StreamRedactor,
    Vault as Vault,
    VaultError as VaultError,
    __version__ as __version__,
    classify as classify,
)
from ._scrubline import redact as _redact_default
from ._scrubline import scan as _scan_default

__all__ = [
    "Finding",
    "InputError",
    "PackError",
    "PatternError",
    "PolicyError",
    "Restorer",
    "Scanner",
    "ScrublineError",
    "StreamRedactor",
    "Vault",
    "VaultError",
    "__version__",
    "arestore_stream",
    "classify",
    "logging",
    "redact",
    "restore_stream",
    "scan",
]

# Scanners built for module-level calls with options, keyed by those options: building one
# compiles every rule, far too slow to repeat per call.
_CACHE_SIZE = 16
_scanners: dict[object, Scanner] = {}


def _freeze(value: object) -> object:
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), _freeze(v)) for k, v in value.items())))
    if isinstance(value, (list, tuple)):
        return ("seq", tuple(_freeze(v) for v in value))
    if isinstance(value, os.PathLike):
        return ("path", os.fspath(value))
    return value


def _scanner_for(options: Mapping[str, object]) -> Scanner:
    try:
        key = _freeze(options)
        hash(key)
    except TypeError:
        return Scanner(**options)  # type: ignore[arg-type]
    scanner = _scanners.get(key)
    if scanner is None:
        scanner = Scanner(**options)  # type: ignore[arg-type]
        if len(_scanners) >= _CACHE_SIZE:
            _scanners.pop(next(iter(_scanners)))
        _scanners[key] = scanner
    return scanner


def redact(
    text: str,
    /,
    *,
    packs: Sequence[str | os.PathLike[str]] | None = None,
    rules: Sequence[str] | None = None,
    disable: Sequence[str] | None = None,
    actions: Mapping[str, str] | None = None,
    key: bytes | str | None = None,
    scope: str | None = None,
    threshold: float | None = None,
    default_packs: bool = True,
    default_action: str | None = None,
) -> str:
    """`text` with every finding replaced (default: a typed label such as `[EMAIL]`).

    Returns `text` itself (the same object) when nothing matched. Options are those of
    `Scanner`; the scanner built for a set of options is cached.
    """
    if (
        packs is None
        and rules is None
        and disable is None
        and actions is None
        and key is None
        and scope is None
        and threshold is None
        and default_packs
        and default_action is None
    ):
        return _redact_default(text)
    return _scanner_for(
        {
            "packs": packs,
            "rules": rules,
            "disable": disable,
            "actions": actions,
            "key": key,
            "scope": scope,
            "threshold": threshold,
            "default_packs": default_packs,
            "default_action": default_action,
        }
    ).redact(text)


def scan(
    text: str,
    /,
    *,
    packs: Sequence[str | os.PathLike[str]] | None = None,
    rules: Sequence[str] | None = None,
    disable: Sequence[str] | None = None,
    threshold: float | None = None,
    default_packs: bool = True,
) -> list[Finding]:
    """Every finding in `text`, in order, with code-point offsets (`text[f.start:f.end]`)."""
    if packs is None and rules is None and disable is None and threshold is None and default_packs:
        return _scan_default(text)
    return _scanner_for(
        {
            "packs": packs,
            "rules": rules,
            "disable": disable,
            "threshold": threshold,
            "default_packs": default_packs,
        }
    ).scan(text)
