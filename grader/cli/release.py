"""The terminal side of ``calcgrade release``, and the public seeds of a student bundle.

In a bundle (a ``key/`` folder and no ``reference/``), ``check`` and ``watch`` default to
the key's first public seed and refuse any other: the key holds answers for those only.
"""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import click


def checking_seed(seed: int | None) -> int:
    """The seed ``check``/``watch`` run with: as given (or fresh) with the reference; the
    key's first public seed (or a public one given) in a student bundle."""
    from grader.course.fingerprint import spec_fingerprint
    from grader.course.paths import CourseNotFound
    from grader.judge.engine import expected_source
    from grader.judge.public_key import PublicKeyError

    try:
        source = expected_source()
    except CourseNotFound:
        source = None  # the command itself says so
    except PublicKeyError as exc:
        raise click.ClickException(str(exc)) from None
    seeds = getattr(source, "seeds", None)
    if seeds is None:
        return seed if seed is not None else secrets.randbelow(2**31)
    if source.fingerprint and source.fingerprint != spec_fingerprint():
        raise click.ClickException(
            f"the checks in exercises/*/checks.py are not the ones the public key was made "
            f"for (spec {spec_fingerprint()}, key {source.fingerprint}): restore them, e.g. "
            "from your template repository")
    if seed is None:
        return seeds[0]
    if seed not in seeds:
        raise click.UsageError(
            f"seed {seed} is not a public seed: the answer key of this bundle holds seeds "
            f"{', '.join(map(str, seeds))} (hidden inputs are drawn only at grading)")
    return seed


def refuse_without_reference(what: str) -> None:
    """A clear error in a student bundle (a key, no reference): ``what`` needs the reference."""
    from grader.course.paths import CourseNotFound, project_root
    from grader.judge.public_key import KEY_DIR, META

    try:
        root = project_root()
    except CourseNotFound:
        return  # the command itself says so
    if not (root / "reference").is_dir() and (root / KEY_DIR / META).is_file():
        raise click.ClickException(
            f"{root} is a student bundle (a public answer key, no reference/): {what} runs "
            "the hidden checks, which need the instructor's course with reference/")


def run_release_command(out: Path, seeds: tuple[int, ...], gradescope_zip: Path | None, *,
                        results: Path | None = None, student_id: str = "email") -> None:
    from grader.release.bundle import ReleaseError, write_bundle
    from grader.release.key_builder import KeyBuildError

    def progress(check_id: str) -> None:
        click.echo(f"\r\033[Kkey: {check_id}", nl=False, err=True)

    try:
        bundle = write_bundle(out, list(seeds) or None, progress=progress)
    except (ReleaseError, KeyBuildError) as exc:
        click.echo("", err=True)
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        click.echo("", err=True)
        raise click.ClickException(f"cannot write {out}: {exc.strerror or exc}") from None
    click.echo("\r\033[K", nl=False, err=True)
    click.echo(f"Student bundle written to {bundle.folder} ({len(bundle.files)} files)")
    click.echo(f"  public checks: {bundle.public}, answer key for seeds "
               f"{', '.join(map(str, bundle.seeds))}")
    click.echo(f"  hidden checks (run at grading only): {bundle.hidden} "
               f"({bundle.hidden_points:g} points)")
    click.echo(f"  check spec {bundle.fingerprint}")
    if gradescope_zip is not None:
        _gradescope(gradescope_zip, bundle, results, student_id)


def _gradescope(zip_path: Path, bundle: Any, results: Path | None, student_id: str) -> None:
    from grader.release.gradescope import GradescopeError, write_gradescope_zip

    try:
        written = write_gradescope_zip(zip_path, results=results, student_id=student_id,
                                       warn=lambda text: click.echo(text, err=True))
    except GradescopeError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Gradescope autograder written to {written or zip_path}")
