"""A job's address, as plans and apply print it: ``job.NAME``.

Wherever a job name is asked for (``--target``, ``--exclude``, ``--replace``, ``state
show/rm/unprotect``, ``import``, ``status --target``), the address is accepted too, so a line
copied from a plan works as typed. Job names are DNS labels (no dots), so the prefix is never
part of a name.
"""

from __future__ import annotations

PREFIX = "job."


def address(name: str) -> str:
    """``job.NAME``: how a job is named in a plan."""
    return PREFIX + name


def job_name(text: str) -> str:
    """The job name ``text`` stands for: ``NAME`` itself, or the address ``job.NAME``."""
    return text[len(PREFIX) :] if text.startswith(PREFIX) and len(text) > len(PREFIX) else text
