"""Click parameter types of ``calcgrade bench``: bad input becomes a clean usage error.

Importing this module costs only Click; the kernel table is read when a value is checked.
"""
from __future__ import annotations

import math

import click

PRESETS = ("tiny", "default", "large")
MAX_SIZE = 100_000_000


class BenchTarget(click.ParamType):
    """A kernel id (``03_gradient/gradient``), an exercise slug, or its short name."""

    name = "SLUG"

    def convert(self, value, param, ctx):  # type: ignore[override]
        from grader.bench.kernels import KERNELS

        ids = [k.id for k in KERNELS]
        slugs = sorted({k.slug for k in KERNELS})
        if value in ids or value in slugs:
            return value
        matches = sorted({k.slug for k in KERNELS
                          if k.slug.split("_", 1)[-1] == value or k.slug.startswith(value + "_")
                          or k.name == value})
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            self.fail(f"{value!r} matches several exercises ({', '.join(matches)}); name one",
                      param, ctx)
        self.fail(f"no kernel to time for {value!r}; calcgrade bench times: "
                  f"{', '.join(ids)}", param, ctx)


class Sizes(click.ParamType):
    """A preset (tiny, default, large) or sizes separated by commas (``1000,1e4,100000``)."""

    name = "SIZES"

    def convert(self, value, param, ctx):  # type: ignore[override]
        if not isinstance(value, str):
            return value  # already converted (a preset name or a list of sizes)
        text = value.strip()
        if text in PRESETS:
            return text
        sizes = []
        for part in text.split(","):
            part = part.strip().replace("_", "")
            try:
                number = float(part)
            except ValueError:
                self.fail(f"{part!r} is not a size: give {', '.join(PRESETS)} or whole numbers "
                          "separated by commas, e.g. 1000,1e4,100000", param, ctx)
            if not math.isfinite(number) or number != int(number) or not 2 <= number <= MAX_SIZE:
                self.fail(f"size {part!r} must be a whole number from 2 to {MAX_SIZE:,}",
                          param, ctx)
            sizes.append(int(number))
        return sorted(set(sizes))
