"""The class's secret variant key: drawn once per results folder, kept in its gradebook.

Like the class seed (:mod:`grader.classrun.class_seed`) it lives in the ``meta`` table of
``RESULTS/gradebook.sqlite`` (key ``variant_key``, 32 random bytes as hex). A student's
variant code for an exercise is the HMAC of this key and their id
(:func:`grader.course.variants.student_code`): without the key nobody can tell which
code is whose; with it the instructor re-derives every student's code.
"""
from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.classrun.gradebook import Gradebook


def variant_key(book: "Gradebook") -> bytes:
    """The stored key, or a new one stored now (one transaction: two runs agree)."""
    with book.transaction():
        book.db.execute("INSERT OR IGNORE INTO meta VALUES ('variant_key', ?)",
                        (secrets.token_hex(32),))
        row = book.db.execute("SELECT value FROM meta WHERE key = 'variant_key'").fetchone()
    return bytes.fromhex(row[0])


def codes_for(book: "Gradebook", student: str, slugs: list[str]) -> dict[str, str]:
    """The student's variant code of each of ``slugs``."""
    from grader.course.variants import student_code

    key = variant_key(book)
    return {slug: student_code(key, student, slug) for slug in slugs}
