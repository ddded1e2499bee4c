"""Type stubs of the native module `scrubline._scrubline` (implemented in Rust)."""

import os
from collections.abc import Mapping, Sequence
from typing import final

__all__ = [
    "Finding",
    "InputError",
    "PackError",
    "PatternError",
    "PolicyError",
    "Scanner",
    "ScrublineError",
    "VaultError",
    "__version__",
    "redact",
    "scan",
]

__version__: str

class ScrublineError(Exception):
    """Base class of every scrubline error. Messages never contain scanned text."""

    code: str
    """Stable code shared with every front end, e.g. `SCRUBLINE_PATTERN`."""
    message: str
    """The description, without location."""
    source_name: str | None
    """The pack file (or given name) the error is in."""
    rule: str | None
    """The rule id the error is about."""
    line: int | None
    """1-based line in the pack file."""
    column: int | None
    """1-based column in the pack file."""

class PatternError(ScrublineError):
    """A rule's regex does not compile or is too large."""

class PackError(ScrublineError):
    """A pack is malformed (bad TOML, a missing or invalid field, a duplicate id) or unreadable."""

class PolicyError(ScrublineError):
    """Options or a policy are invalid or name an unknown rule, type, category or action."""

class InputError(ScrublineError):
    """Input was refused (a limit was exceeded)."""

class VaultError(ScrublineError):
    """A vault could not be read, written or decrypted."""

@final
class Finding:
    """One detected value: which rule found it and where. Never holds the value itself."""

    @property
    def rule(self) -> str:
        """Rule id, e.g. `aws-access-key-id`."""
    @property
    def type(self) -> str:
        """Entity type, e.g. `AWS_ACCESS_KEY`."""
    @property
    def category(self) -> str:
        """`pii`, `financial`, `network`, `national_id`, `secret`, `credential` or `custom`."""
    @property
    def sensitivity(self) -> str:
        """`low`, `medium`, `high` or `critical`."""
    @property
    def start(self) -> int:
        """Start of the value, in code points: `text[f.start:f.end]` is the value."""
    @property
    def end(self) -> int:
        """End of the value (exclusive), in code points."""
    @property
    def confidence(self) -> float:
        """Confidence in 0.0..=1.0."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: None  # type: ignore[assignment]

@final
class Scanner:
    """Finds and redacts sensitive values. Immutable and thread-safe: build once, share.

    - `packs`: extra packs, as file paths or TOML source strings (a str with a newline).
    - `rules`: keep only these rule ids, types or categories.
    - `disable`: drop these rule ids, types or categories.
    - `actions`: `{target: action}`, target a rule id, type or category (most specific wins),
      action one of `label`, `mask`, `mask:N`, `pseudonym`, `remove`, `report`.
    - `key`: the HMAC key of the `pseudonym` action. `scope`: its scope (tenant, conversation).
    - `threshold`: minimum confidence (default 0.5).
    - `default_packs`: load the embedded default packs (default True).
    - `default_action`: the action for findings no `actions` entry targets (default `label`).
    """

    def __new__(
        cls,
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
    ) -> Scanner: ...
    def redact(self, text: str) -> str:
        """`text` redacted; `text` itself (the same object) when nothing changed."""
    def scan(self, text: str) -> list[Finding]:
        """Every finding in `text`, in order, with code-point offsets."""
    def redact_with_findings(self, text: str) -> tuple[str, list[Finding]]:
        """`(redacted, findings)` from one scan; offsets are in `text`."""
    def redact_batch(self, texts: Sequence[str]) -> list[str]:
        """Redacts every text on all cores with the GIL released; order is kept."""
    def scan_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Scans every text on all cores with the GIL released; one list per text."""
    @property
    def rule_ids(self) -> list[str]:
        """Ids of the active rules."""
    @property
    def packs(self) -> list[tuple[str, str, str]]:
        """`(id, version, source)` of each pack the scanner was built from."""

def redact(text: str) -> str:
    """`text` redacted with the default packs; `text` itself when nothing changed."""

def scan(text: str) -> list[Finding]:
    """Findings of the default packs in `text`, with code-point offsets."""
