"""Redaction for Python logging and structlog.

One line makes every handler of the root logger redact what it emits::

    import scrubline
    scrubline.logging.install()

or attach the filter where you want it::

    handler.addFilter(scrubline.logging.RedactingFilter())

Filters on a *logger* see only records logged on that very logger, not those propagated from
child loggers; filters on *handlers* see everything the handler emits, which is why
`install()` adds the filter to handlers.

For structlog, add `scrubline.logging.structlog_processor` to the processor chain, after
`format_exc_info` (so the formatted traceback is redacted too) and before the renderer.
"""

from __future__ import annotations

import logging as _logging
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

from ._scrubline import Scanner
from ._scrubline import redact as _redact_default

__all__ = ["RedactingFilter", "install", "make_structlog_processor", "structlog_processor"]

# Attributes every LogRecord has; any other attribute came from `extra=` and is redacted too.
_STANDARD_ATTRS = frozenset(
    vars(_logging.LogRecord("", 0, "", 0, "", None, None)).keys()
    | {"message", "asctime", "taskName"}
)
_MARK = "_scrubline_redacted"
_exception_formatter = _logging.Formatter()


class RedactingFilter(_logging.Filter):
    """A `logging.Filter` that redacts each record in place and lets it through.

    It redacts the message merged with its %-args (so a value split between the format string
    and an argument, as in `log.info("password=%s", pw)`, is still caught), string values
    passed with `extra=`, the exception text (formatted here, then `exc_info` is cleared so no
    handler formats the raw traceback again) and `stack_info`. A record is redacted once, even
    when several handlers share the filter.
    """

    def __init__(self, name: str = "", scanner: Scanner | None = None) -> None:
        super().__init__(name)
        self._redact: Callable[[str], str] = scanner.redact if scanner is not None else _redact_default

    def filter(self, record: _logging.LogRecord) -> bool:
        if not super().filter(record):
            return False
        if getattr(record, _MARK, False):
            return True
        redact = self._redact
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: handlers would print msg and args raw
            record.msg = redact(str(record.msg))
            record.args = _redact_args(record.args, redact)
        else:
            record.msg = redact(message)
            record.args = ()
        if record.exc_info:
            text = record.exc_text or _exception_formatter.formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRS:
                setattr(record, name, _redact_value(value, redact))
        setattr(record, _MARK, True)
        return True


def _redact_args(args: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(args, Mapping):
        return {k: redact(v if isinstance(v, str) else repr(v)) for k, v in args.items()}
    if isinstance(args, tuple):
        return tuple(redact(a if isinstance(a, str) else repr(a)) for a in args)
    return args


def install(logger: _logging.Logger | None = None, scanner: Scanner | None = None) -> RedactingFilter:
    """Adds a `RedactingFilter` to every handler of `logger` (default: the root logger) and to
    `logging.lastResort`, and returns it. Idempotent per handler.

    If the logger has no handler yet, `logging.basicConfig()` is called first (what the first
    `logging.info()` would do), so records are never emitted unfiltered. Call it again after
    adding handlers.
    """
    target = logger if logger is not None else _logging.getLogger()
    if logger is None and not target.handlers:
        _logging.basicConfig()
    flt = RedactingFilter(scanner=scanner)
    handlers = list(target.handlers)
    if _logging.lastResort is not None:
        handlers.append(_logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(flt)
    return flt


def _redact_value(value: Any, redact: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redact_value(v, redact) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_value(v, redact) for v in value]
    if isinstance(value, tuple):
        return tuple(_redact_value(v, redact) for v in value)
    return value


def make_structlog_processor(
    scanner: Scanner | None = None,
) -> Callable[[Any, str, MutableMapping[str, Any]], MutableMapping[str, Any]]:
    """A structlog processor redacting every string value of the event dict (recursively in
    dicts, lists and tuples) with `scanner` (default: the default packs)."""
    redact: Callable[[str], str] = scanner.redact if scanner is not None else _redact_default

    def processor(logger: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        for k, v in event_dict.items():
            event_dict[k] = _redact_value(v, redact)
        return event_dict

    return processor


def structlog_processor(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor redacting every string value of the event dict, recursively in
    dicts, lists and tuples, with the default packs. structlog itself is not imported."""
    for k, v in event_dict.items():
        event_dict[k] = _redact_value(v, _redact_default)
    return event_dict
