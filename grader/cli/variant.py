"""The terminal side of ``calcgrade variant``: a student's own worked example.

A student renders their statement from the code their instructor gave them
(``--code``); an instructor from a student's id and the class key in the results
folder's gradebook (``--student ID --results RESULTS``). ``--write`` puts
``VARIANT.md`` and ``variant.toml`` (the code ``calcgrade check`` grades with) into the
exercise folder, and rewrites the exercise's notebook where there is one (in the folder,
or the bundle's ``notebooks/<slug>.ipynb``): the worked example in a cell tagged
``calcgrade-variant`` after the title, the code in its metadata
(:func:`grader.notebooks.generate.write_variant_into`).
"""
from __future__ import annotations

from pathlib import Path

import click


def run_variant_command(slug: str, code: str | None, student: str | None,
                        results_dir: Path | None, write: bool, submission: Path | None) -> None:
    from grader.course.variants import (
        STATEMENT_FILE,
        VARIANT_FILE,
        VariantError,
        check_code,
        render_statement,
        spec_for,
    )

    spec = spec_for(slug)
    if spec is None:
        raise click.UsageError(f"{slug} has no per-student variants")
    if (code is None) == (student is None):
        raise click.UsageError("give --code CODE (a student), or --student ID with --results "
                               "RESULTS (an instructor)")
    if student is not None:
        if results_dir is None or not (results_dir / "gradebook.sqlite").is_file():
            raise click.UsageError("--student needs --results RESULTS, a folder graded by "
                                   "`calcgrade grade` (its gradebook keeps the class key)")
        from grader.classrun.gradebook import Gradebook
        from grader.classrun.variant_key import codes_for

        with Gradebook.in_folder(results_dir) as book:
            code = codes_for(book, student, [slug])[slug]
    assert code is not None
    try:
        check_code(code)
        text = render_statement(spec, code)
    except VariantError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(text, nl=False)
    if write:
        from grader.course.paths import exercises_dir

        folder = (submission or exercises_dir()) / slug
        if not folder.is_dir():
            raise click.UsageError(f"{folder} is not an exercise folder")
        (folder / STATEMENT_FILE).write_text(text, encoding="utf-8")
        (folder / VARIANT_FILE).write_text(
            f"# Your variant of {slug} (calcgrade variant); `calcgrade check` grades with it.\n"
            f'code = "{code}"\n', encoding="utf-8")
        click.echo(f"wrote {folder / STATEMENT_FILE} and {folder / VARIANT_FILE}", err=True)
        _update_notebooks(folder, slug, code)


def _update_notebooks(folder: Path, slug: str, code: str) -> None:
    from grader.notebooks.generate import notebook_places, write_variant_into
    from grader.notebooks.ipynb import NotebookError

    for path in notebook_places(folder, slug):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            write_variant_into(path, slug, code)
        except (NotebookError, OSError) as exc:
            click.echo(f"could not put your variant into {path}: {exc}; its check cell "
                       f"still grades with {folder / 'variant.toml'}", err=True)
            continue
        click.echo(f"updated {path}: your worked example after its title; its check cell "
                   "grades your variant", err=True)
