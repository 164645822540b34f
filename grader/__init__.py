"""calcgrade: auto-graded exercises for calculus for machine learning."""
from __future__ import annotations

__version__ = "0.1.0"
