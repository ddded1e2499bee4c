"""Type stubs of the native module `scrubline._scrubline` (implemented in Rust)."""

import os
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict, TypeVar, final

_ArrowT = TypeVar("_ArrowT")

class _Classification(TypedDict):
    """What `classify` returns."""

    categories: list[str]
    """Categories present, e.g. `["pii", "secret"]`."""
    types: list[str]
    """Entity types present, sorted."""
    sensitivity: str | None
    """The highest sensitivity present (`low` … `critical`), None when nothing was found."""
    findings: int

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
    "classify",
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
      action one of `label`, `mask`, `mask:N`, `pseudonym`, `tokenize`, `remove`, `report`
      (`tokenize` takes a placeholder from a vault in `tokenize`; without one it labels).
    - `key`: the HMAC key of the `pseudonym` action. `scope`: its scope (tenant, conversation).
    - `threshold`: minimum confidence (default 0.5).
    - `default_packs`: load the embedded default packs (default True).
    - `default_action`: the action for findings no `actions` entry targets (default `label`).
    - `policy`: a policy file (path) or TOML source (a str with a newline); the options above
      override it. `tenant`: apply that tenant's overlay of the policy.
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
        policy: str | os.PathLike[str] | None = None,
        tenant: str | None = None,
    ) -> Scanner: ...
    def report(self, text: str) -> dict[str, Any]:
        """The audit report of `text` (docs/report-schema.md): counts, spans in UTF-8 bytes,
        keyed fingerprints; never a value."""
    def redact_with_report(self, text: str) -> tuple[str, dict[str, Any]]:
        """`(redacted, report)` from one scan."""
    def classify(self, text: str) -> _Classification:
        """Categories present in `text` and its highest sensitivity."""
    def redact_json(self, doc: Any) -> Any:
        """A JSON document redacted structurally: str in, str out; dict or list in, the same
        kind out. Keys, order and non-string values are kept; invalid JSON is redacted as text."""
    def redact_json_lines(self, text: str) -> str:
        """Each line redacted as a JSON document (a line that is not JSON: as text)."""
    def redact(self, text: str) -> str:
        """`text` redacted; `text` itself (the same object) when nothing changed."""
    def tokenize(self, text: str, vault: Vault) -> str:
        """`text` with every finding replaced by its placeholder in `vault` (`<EMAIL_1>`).

        The same value (normalized: case of emails, separators of numbers) always gets the same
        placeholder in a vault. Findings under the `pseudonym` action keep their keyed
        pseudonym, recorded in the vault so it restores too; `report` findings stay as they
        are. Returns `text` itself when nothing changed.
        """
    def redact_output(self, text: str, vault: Vault) -> str:
        """A model's answer, scanned and restored in one call.

        Detection runs first: every sensitive value in `text` is tokenized into `vault`. Then
        the placeholders the vault held before this call are restored. So values the
        conversation already knew appear in clear, and new ones (a secret the model invented)
        stay replaced by new placeholders, recorded in the vault.
        """
    def scan(self, text: str) -> list[Finding]:
        """Every finding in `text`, in order, with code-point offsets."""
    def redact_with_findings(self, text: str) -> tuple[str, list[Finding]]:
        """`(redacted, findings)` from one scan; offsets are in `text`."""
    def redact_batch(self, texts: Sequence[str]) -> list[str]:
        """Redacts every text on all cores with the GIL released; order is kept."""
    def scan_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Scans every text on all cores with the GIL released; one list per text."""
    def redact_arrow(self, array: _ArrowT) -> _ArrowT:
        """A pyarrow `string` or `large_string` array (or a `ChunkedArray` of either) redacted
        on all cores with the GIL released, read in place through the Arrow C data interface.

        The result has the input's type, length, chunking and nulls; a chunk in which nothing
        changed is kept as is (no copy; an unchanged array is returned itself).
        """
    def scan_arrow(self, array: Any) -> Any:
        """Every finding in a pyarrow string array (or `ChunkedArray`), as one flat
        `pyarrow.StructArray`: `row` (int64, index in the input), `rule`, `type`, `category`
        (string), `start`, `end` (int64, code points in the row); ordered by row, then offset."""
    def redact_arrow_with_findings(self, array: _ArrowT) -> tuple[_ArrowT, Any]:
        """`(redact_arrow(array), findings)` from one scan; findings as `scan_arrow` gives them
        (first pass, offsets into the input rows)."""
    @property
    def rule_ids(self) -> list[str]:
        """Ids of the active rules."""
    @property
    def packs(self) -> list[tuple[str, str, str]]:
        """`(id, version, source)` of each pack the scanner was built from."""

@final
class Vault:
    """Placeholder <-> value store of one conversation, filled by `Scanner.tokenize`.

    Thread-safe; entries are only ever added. `repr` shows the number of entries, never them.
    """

    def __new__(cls) -> Vault: ...
    def restore(self, text: str) -> str:
        """`text` with this vault's placeholders replaced by their values.

        Tolerates model mangling: any case (`<email_1>`), missing brackets (`EMAIL_1`), up to
        three spaces inside both brackets (`< EMAIL_1 >`). Look-alikes (`<EMAIL_12>` when only
        `EMAIL_1` exists, `XEMAIL_1Y`) stay. Returns `text` itself when there was nothing.
        """
    def export(self, key: bytes) -> bytes:
        """The vault encrypted (XChaCha20-Poly1305) with `key`, 32 bytes, e.g. `os.urandom(32)`."""
    @classmethod
    def load(cls, blob: bytes, key: bytes) -> Vault:
        """A vault from `export`'s output; `VaultError` for a wrong key or changed data."""
    def __len__(self) -> int: ...

@final
class Restorer:
    """Restores a model's streamed answer delta by delta.

    `push` returns the restored text ready to emit, holding back only a suffix that could still
    become a placeholder (at most 7 bytes more than the vault's longest `TYPE_ID`); `finish`
    flushes it. Joined, the output equals `vault.restore` of the whole answer, however it was
    split. After `finish` the restorer can take a new stream.
    """

    def __new__(cls, vault: Vault) -> Restorer: ...
    def push(self, delta: str) -> str: ...
    def finish(self) -> str: ...
    @property
    def held_back(self) -> int:
        """UTF-8 bytes held back now."""

@final
class StreamRedactor:
    """Redacts a stream chunk by chunk; `push` + ... + `finish` equals `Scanner.redact` of the
    whole input, even with values split across chunks. Memory stays bounded."""

    def __new__(cls, scanner: Scanner) -> StreamRedactor: ...
    def push(self, chunk: str) -> str:
        """The redacted text that became final (often empty)."""
    def finish(self) -> str:
        """The rest; the redactor can then start a new stream."""
    @property
    def pending(self) -> int:
        """Bytes held back so far."""

def classify(text: str) -> _Classification:
    """Categories present in `text` and its highest sensitivity (default packs)."""

def redact(text: str) -> str:
    """`text` redacted with the default packs; `text` itself when nothing changed."""

def scan(text: str) -> list[Finding]:
    """Findings of the default packs in `text`, with code-point offsets."""
