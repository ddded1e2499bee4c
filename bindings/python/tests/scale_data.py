"""A generated document set with planted values, for the Spark, Ray and Arrow scale tests."""

from __future__ import annotations

import base64
import hashlib


def card(i: int) -> str:
    """A Luhn-valid 16-digit Visa number, distinct per `i`."""
    digits = [int(c) for c in f"4{(i * 7919) % 10**14:014d}"]
    total = 0
    for pos, d in enumerate(reversed(digits)):
        if pos % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    check = (10 - total % 10) % 10
    s = "".join(map(str, digits)) + str(check)
    return f"{s[0:4]} {s[4:8]} {s[8:12]} {s[12:16]}"


def ssn(i: int) -> str:
    """A US SSN in valid ranges (area 100-599, group 10-98, serial 1000-9998)."""
    return f"{100 + i % 500:03d}-{10 + i % 89:02d}-{1000 + i % 8999:04d}"


def email(i: int) -> str:
    return f"user{i}.test@mail{i % 7}.example.com"


def aws_key(i: int) -> str:
    """`AKIA` and 16 base32 characters: a fixed high-entropy stem and four varying ones (a
    hash alone now and then gives a low-entropy key the rule rightly leaves alone)."""
    b32 = base64.b32encode(hashlib.sha256(str(i).encode()).digest()).decode()
    return "AKIAQ3EGRDVHXPAE" + b32[:4]


def document(i: int) -> tuple[str | None, str | None]:
    """Row `i`: `(text, planted value)`; text None for a null row, planted None when clean."""
    if i % 97 == 0:
        return None, None
    kind = i % 5
    if kind == 0:
        return f"doc {i}: nothing sensitive here, build 1.{i}.0 at 12:00:{i % 60:02d}", None
    if kind == 1:
        v = email(i)
        return f"ticket {i} — from {v}, re: naïve café order #{i}", v
    if kind == 2:
        v = ssn(i)
        return f"customer {i} ssn {v} verified ✓", v
    if kind == 3:
        v = card(i)
        return f"payment {i} with card {v} approved", v
    v = aws_key(i)
    return f"deploy {i} 日本 aws key {v} rotated", v


def documents(n: int) -> tuple[list[int], list[str | None], list[str | None]]:
    """`n` rows: ids, texts and planted values."""
    ids, texts, planted = [], [], []
    for i in range(n):
        t, v = document(i)
        ids.append(i)
        texts.append(t)
        planted.append(v)
    return ids, texts, planted
