"""The class seed: secret, drawn once per results folder, stored in its gradebook.

Every hidden input of a class run (hidden functions, data sets, random points) is drawn
from one seed. The checks ship to students, so a seed they can know (a published default)
would let them precompute every hidden input and hard-code the answers. So a results
folder gets its own random seed the first time ``calcgrade grade`` writes into it; it is
stored in ``RESULTS/gradebook.sqlite`` (table ``meta``, key ``class_seed``) and reused by
every later run on that folder, so resuming and regrading keep the same inputs. ``--seed
N`` sets it explicitly (to reproduce a run elsewhere); a ``--seed`` that differs from
the stored one is refused unless ``--regrade`` confirms that everything is to be graded
again with the new seed (the content hashes include the seed, so every stored grade
would be stale anyway; the refusal only catches a mistyped seed).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from grader.classrun.gradebook import Gradebook

# Fresh seeds stay below 2**53 so a results document's "seed" survives any JSON parser
# (JavaScript's Number.MAX_SAFE_INTEGER is 2**53 − 1); 2**53 seeds are still far too many
# to precompute.
SEED_BITS = 53


class SeedMismatch(ValueError):
    """``--seed`` differs from the seed stored with the results folder (message for the user)."""


@dataclass(frozen=True)
class ClassSeed:
    """The seed of a class run and where it came from (for the summary line)."""

    value: int
    origin: str  # "new" (drawn now), "stored", "given" (--seed), "changed" (--seed --regrade)
    previous: int | None = None  # the stored seed a "changed" one replaced

    def describe(self, where: str) -> str:
        """One line for the instructor: the seed, and that it is kept in ``where``."""
        if self.origin == "new":
            return (f"class seed {self.value} (new and secret; stored in {where}; "
                    f"rerun with --seed {self.value} to reproduce elsewhere)")
        if self.origin == "stored":
            return f"class seed {self.value} (the one stored in {where})"
        if self.origin == "changed":
            return (f"class seed {self.value} (from --seed, replacing {self.previous}; "
                    f"stored in {where})")
        return f"class seed {self.value} (from --seed; stored in {where})"


def fresh_seed() -> int:
    """A new secret class seed (cryptographically random, JSON-safe)."""
    return secrets.randbits(SEED_BITS)


def resolve_class_seed(book: "Gradebook", requested: int | None, *, regrade: bool) -> ClassSeed:
    """The seed to grade with: ``requested`` (``--seed``), else the stored one, else a new
    one; whatever it is ends up stored with the gradebook.

    Raises :class:`SeedMismatch` when ``requested`` differs from the stored seed and
    ``regrade`` is off.
    """
    stored = book.class_seed()
    if requested is None:
        if stored is not None:
            return ClassSeed(stored, "stored")
        drawn = fresh_seed()
        kept = book.store_class_seed(drawn)  # another run may have stored one meanwhile
        return ClassSeed(kept, "new" if kept == drawn else "stored")
    if stored is None:
        kept = book.store_class_seed(requested)
        if kept != requested:  # another run stored a different one meanwhile
            return resolve_class_seed(book, requested, regrade=regrade)
        return ClassSeed(requested, "given")
    if requested == stored:
        return ClassSeed(requested, "given")
    if not regrade:
        raise SeedMismatch(
            f"{book.path} was graded with class seed {stored}, and --seed {requested} "
            "differs: leave out --seed to continue with the stored seed, add --regrade to "
            f"grade everything again with seed {requested} (it replaces the stored one), or "
            "grade into a new --out folder")
    book.store_class_seed(requested, replace=True)
    return ClassSeed(requested, "changed", previous=stored)
