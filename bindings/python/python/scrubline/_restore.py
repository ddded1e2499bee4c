"""Restoring a model's streamed answer over sync and async iterators of text deltas."""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

from ._scrubline import Restorer, Vault

__all__ = ["arestore_stream", "restore_stream"]


def restore_stream(deltas: Iterable[str], vault: Vault) -> Iterator[str]:
    """Yields the restored text of `deltas` as early as possible (never an empty string).

    Only a suffix that could still become a placeholder is held back, and it is flushed when
    `deltas` ends. Joined, the output equals `vault.restore("".join(deltas))`.

    >>> for text in restore_stream(model_stream, vault):  # doctest: +SKIP
    ...     print(text, end="", flush=True)
    """
    restorer = Restorer(vault)
    for delta in deltas:
        out = restorer.push(delta)
        if out:
            yield out
    tail = restorer.finish()
    if tail:
        yield tail


async def arestore_stream(deltas: AsyncIterable[str], vault: Vault) -> AsyncIterator[str]:
    """`restore_stream` over an async iterable, e.g. an async LLM client's text deltas."""
    restorer = Restorer(vault)
    async for delta in deltas:
        out = restorer.push(delta)
        if out:
            yield out
    tail = restorer.finish()
    if tail:
        yield tail
