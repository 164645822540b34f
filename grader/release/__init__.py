"""Making the student bundle: `calcgrade release OUT/` (see docs/RELEASE.md)."""
