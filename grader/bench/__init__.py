"""``calcgrade bench``: timing the course's differentiation kernels on CPU and GPU.

``harness`` measures one callable (compilation apart, warm-up, medians and spread);
``kernels`` declares what is timed (one place: slug, sizes, methods, checks; the types
are in ``kernel_spec``); ``checking`` judges a result; ``measure`` runs one method over
its sizes (the same code in the trusted process and in the sandbox); ``device`` picks the
JAX device and measures peak bandwidth; ``student`` times a submission in the sandbox;
``runner`` puts a run together; ``analysis`` finds crossovers; ``report`` and ``plot``
render text, JSON and HTML; ``options`` and ``command`` back the CLI. This module
imports nothing heavy.
"""
from __future__ import annotations
