"""scrubline.logging: nothing planted reaches a log, however it is passed."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import PACK

import scrubline
from scrubline.logging import RedactingFilter

EMAIL = "jane.doe@example.org"
SSN = "078-05-1120"
TOKEN = "dmo_abcdefghij0123456789"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("scrubline-test")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield logger, stream
    logger.removeHandler(handler)


def test_message_and_percent_args(captured: tuple[logging.Logger, io.StringIO]) -> None:
    log, out = captured
    log.info(f"user {EMAIL} signed up")
    log.info("user %s has ssn %s", EMAIL, SSN)
    log.warning("%(who)s wrote from %(mail)s", {"who": "jane", "mail": EMAIL})
    log.info("record %r", {"email": EMAIL, "nested": [SSN]})
    log.error({"payload": EMAIL})  # a non-str message
    text = out.getvalue()
    assert EMAIL not in text and SSN not in text, text
    assert "user [EMAIL] has ssn [US_SSN]" in text
    assert "jane wrote from [EMAIL]" in text
    assert text.count("[EMAIL]") == 5


def test_value_split_between_format_and_args_is_caught(captured: tuple[logging.Logger, io.StringIO]) -> None:
    log, out = captured
    log.info("contact: %s@%s", "jane.doe", "example.org")
    assert EMAIL not in out.getvalue()
    assert "contact: [EMAIL]" in out.getvalue()


def test_tracebacks_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    log, out = captured
    try:
        raise ValueError(f"bad customer {EMAIL} ssn {SSN}")
    except ValueError:
        log.exception("failed for %s", EMAIL)
    try:
        raise KeyError(EMAIL)
    except KeyError as e:
        log.error("lookup failed", exc_info=e)
    text = out.getvalue()
    assert "Traceback (most recent call last)" in text
    assert "ValueError: bad customer [EMAIL] ssn [US_SSN]" in text
    assert EMAIL not in text and SSN not in text, text


def test_exc_info_is_cleared_so_no_handler_formats_it_again() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom %s", (EMAIL,), None)
    try:
        raise RuntimeError(EMAIL)
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert RedactingFilter().filter(record)
    assert record.exc_info is None
    assert record.exc_text is not None and "RuntimeError: [EMAIL]" in record.exc_text
    assert record.getMessage() == "boom [EMAIL]"
    # A second handler's formatter sees only redacted text.
    assert EMAIL not in logging.Formatter().format(record)


def test_stack_info_and_extra_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    log, out = captured
    handler = log.handlers[0]
    handler.setFormatter(logging.Formatter("%(message)s user=%(user)s"))
    log.info("with extra", extra={"user": EMAIL}, stack_info=True)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None, sinfo=f"Stack: {EMAIL}")
    RedactingFilter().filter(record)
    assert record.stack_info == "Stack: [EMAIL]"
    text = out.getvalue()
    assert "user=[EMAIL]" in text and EMAIL not in text


def test_bad_format_string_does_not_leak_args(captured: tuple[logging.Logger, io.StringIO]) -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "only %s %s", (EMAIL,), None)
    RedactingFilter().filter(record)
    assert EMAIL not in str(record.msg) and EMAIL not in repr(record.args)


def test_a_record_is_redacted_once_across_handlers() -> None:
    flt = RedactingFilter()
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "to %s", (EMAIL,), None)
    assert flt.filter(record) and flt.filter(record)
    assert record.getMessage() == "to [EMAIL]"


def test_filter_with_a_custom_scanner() -> None:
    flt = RedactingFilter(scanner=scrubline.Scanner(packs=[PACK], default_packs=False))
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s %s", (TOKEN, EMAIL), None)
    flt.filter(record)
    assert record.getMessage() == f"[DEMO_TOKEN] {EMAIL}"


def test_install_covers_the_root_handlers_in_one_line() -> None:
    code = f"""
import logging, sys
logging.basicConfig(stream=sys.stdout, format="%(name)s %(message)s", level=logging.INFO)
import scrubline
scrubline.logging.install()
scrubline.logging.install()  # idempotent
child = logging.getLogger("app.child")
child.info("mail %s", {EMAIL!r})
try:
    1 / 0
except ZeroDivisionError:
    child.exception("failed for {SSN}")
assert sum(len(h.filters) for h in logging.getLogger().handlers) == 1
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "app.child mail [EMAIL]" in out and "failed for [US_SSN]" in out
    assert "ZeroDivisionError" in out
    assert EMAIL not in out and SSN not in out


def test_install_without_handlers_configures_logging() -> None:
    code = f"""
import logging
import scrubline
scrubline.logging.install()
logging.getLogger("x").warning("mail %s", {EMAIL!r})
"""
    err = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stderr
    assert "mail [EMAIL]" in err and EMAIL not in err


def test_structlog_is_not_imported_by_scrubline() -> None:
    code = "import sys, scrubline, scrubline.logging; assert 'structlog' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_structlog_processor_redacts_every_string_value() -> None:
    event = {
        "event": f"signup {EMAIL}",
        "user": {"email": EMAIL, "tags": ["a", SSN, 3], "pair": (EMAIL, None)},
        "count": 3,
        "ok": True,
    }
    out = scrubline.logging.structlog_processor(None, "info", event)
    assert out == {
        "event": "signup [EMAIL]",
        "user": {"email": "[EMAIL]", "tags": ["a", "[US_SSN]", 3], "pair": ("[EMAIL]", None)},
        "count": 3,
        "ok": True,
    }
    custom = scrubline.logging.make_structlog_processor(scrubline.Scanner(packs=[PACK], default_packs=False))
    assert custom(None, "info", {"event": TOKEN}) == {"event": "[DEMO_TOKEN]"}


def test_structlog_pipeline() -> None:
    structlog = pytest.importorskip("structlog")
    stream = io.StringIO()
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.format_exc_info,
            scrubline.logging.structlog_processor,
            structlog.processors.JSONRenderer(),
        ],
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
    try:
        log = structlog.get_logger()
        log.info("signup", email=EMAIL, profile={"ssn": SSN})
        try:
            raise ValueError(EMAIL)
        except ValueError:
            log.exception("failed")
    finally:
        structlog.reset_defaults()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["email"] == "[EMAIL]" and lines[0]["profile"] == {"ssn": "[US_SSN]"}
    assert "ValueError: [EMAIL]" in lines[1]["exception"]
    assert EMAIL not in stream.getvalue() and SSN not in stream.getvalue()
