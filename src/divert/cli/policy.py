"""CLI commands: `divert policy check | test | show | diff | docs`.

Thin doors onto policy/ and the in-process engine: they load, call, print and choose the
exit code (1 when anything is wrong, with every error listed, never only the first).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import typer

from divert.errors import DivertError, PolicyError, PolicyErrors, UnknownPolicy
from divert.policy import whatif
from divert.policy.check import check_policy
from divert.policy.diff import diff_versions
from divert.policy.load import find_policy, load_policies
from divert.policy.model import Policy, PolicyVersion
from divert.policy.render import version_in_words

policy_app = typer.Typer(
    help="Check, test, show, compare and document the written policies.", no_args_is_help=True
)

PATH_ARG = typer.Argument(None, help="A policies folder, one policy folder or one vN.yaml "
                          "(default: the bundled policies, or DIVERT_POLICY_PATH).")
POLICIES_OPT = typer.Option(None, "--policies", help="The policies folder to read.")


def _load(path: Path | None) -> dict[str, Policy]:
    try:
        return load_policies(path)
    except PolicyErrors as exc:
        for error in exc.errors:
            typer.echo(str(error), err=True)
        typer.echo(f"{len(exc.errors)} error(s)", err=True)
        raise typer.Exit(1) from exc


def _version(policies: dict[str, Policy], ref: str) -> PolicyVersion:
    """`ID` (the latest version) or `ID@N`."""
    policy_id, _, number = ref.partition("@")
    try:
        policy = find_policy(policy_id, policies)
    except UnknownPolicy as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    if not number:
        return policy.latest()
    for version in policy.versions:
        if str(version.version) == number:
            return version
    have = ", ".join(str(v.version) for v in policy.versions)
    typer.echo(f"policy {policy_id} has no version {number}; it has {have}", err=True)
    raise typer.Exit(1)


@policy_app.command("check")
def check(path: Path | None = PATH_ARG) -> None:
    """Check every policy: names, clauses, conflicts, unreachable rules, examples, dates."""
    policies = _load(path)
    errors: list[PolicyError] = []
    for policy in policies.values():
        errors += check_policy(policy, policies)
    errors = list({str(e): e for e in errors}.values())  # vehicles.yaml is read per version
    for error in errors:
        typer.echo(str(error), err=True)
    if errors:
        typer.echo(f"{len(errors)} error(s)", err=True)
        raise typer.Exit(1)
    rules = sum(len(v.rules) for p in policies.values() for v in p.versions)
    typer.echo(f"ok: {len(policies)} policies, {rules} rules")


@policy_app.command("test")
def test(path: Path | None = PATH_ARG) -> None:
    """Run the examples kept beside each policy version."""
    from divert.engines.inprocess import screen_case
    from divert.policy.examples import run_examples

    passed = failed = 0
    for policy in _load(path).values():
        for result in run_examples(policy, screen_case):
            if result.passed:
                passed += 1
                continue
            failed += 1
            typer.echo(f"FAIL {result.where}: {result.example.name}", err=True)
            for problem in result.problems:
                typer.echo(f"     {problem}", err=True)
    if failed:
        typer.echo(f"{failed} example(s) failed, {passed} passed", err=True)
        raise typer.Exit(1)
    typer.echo(f"ok: {passed} examples passed")


@policy_app.command("show")
def show(ref: str = typer.Argument(..., help="ID, or ID@N for version N."),
         policies: Path | None = POLICIES_OPT) -> None:
    """Print a policy version: its clauses and rules in plain words."""
    for line in version_in_words(_version(_load(policies), ref)):
        typer.echo(line)


@policy_app.command("diff")
def diff(old: str = typer.Argument(..., help="ID or ID@N: the policy or version to compare from."),
         new: str = typer.Argument(..., help="ID or ID@M: the policy or version to compare to."),
         policies: Path | None = POLICIES_OPT,
         data: Path | None = typer.Option(
             None, "--data", help="Re-screen this case file under both and count the changes."),
         out: Path | None = typer.Option(
             None, "--out", help="With --data: write the case-level diff to this .csv."),
         as_of: datetime | None = typer.Option(
             None, "--as-of", formats=["%Y-%m-%d"],
             help="With --data: screen every case as if on this date."),
         persons: Path | None = typer.Option(
             None, "--persons", help="With --data: person facts joined on person_id."),
         by_case_date: bool = typer.Option(
             False, "--by-case-date", help="With --data: screen only by each case's own date "
             "(a case outside a side's versions is 'not screened' there)."),
         assume: list[str] = typer.Option(
             [], "--assume", help="With --data: switch on a what-if assumption by name "
             "(repeatable) on both sides; every figure then rests on it."),
         ) -> None:  # fmt: skip
    """Print the clause and rule changes; with --data, how many past cases change outcome.

    A bare ID is applied as `divert screen --policy ID` applies it; ID@N pins version N. The
    words are compared between the two versions named (a bare ID: its latest version).
    """
    loaded = _load(policies)
    before, after = _version(loaded, old), _version(loaded, new)
    if out is not None and (data is None or out.suffix.lower() != ".csv"):
        typer.echo("--out needs --data and a .csv file name", err=True)
        raise typer.Exit(2)
    try:
        lines = diff_versions(before, after)
    except DivertError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from exc
    for line in lines or ["no clause or rule changed"]:
        typer.echo(line)
    if data is not None:
        try:
            assumed = whatif.parse(assume)
        except DivertError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
        _rescreen(loaded, old, new, data, out, as_of, persons, by_case_date, assumed)


def _rescreen(loaded: dict[str, Policy], old: str, new: str, data: Path, out: Path | None,
              as_of: datetime | None, persons: Path | None, by_case_date: bool,
              assume: frozenset[str]) -> None:
    from rich.console import Console

    from divert.cli.ingest import print_input_summary, read_or_exit
    from divert.cli.policy_diff import applied, rescreen, write_changes_csv
    from divert.policy.outcome_diff import summarize, summary_lines

    console = Console(stderr=True)
    got = read_or_exit(data, persons, console)
    print_input_summary(got, console, show=5)
    on = as_of.date() if as_of is not None else None
    changes, notes = rescreen(got.cases, applied(loaded, old, by_case_date),
                              applied(loaded, new, by_case_date), on, by_case_date, assume)
    if assume:
        notes.append(f"Both sides assume {', '.join(sorted(assume))} (a what-if, not live "
                     "decisions).")
    typer.echo("")
    for line in [*summary_lines(summarize(changes), old, new), *notes]:
        typer.echo(line)
    if out is not None:
        write_changes_csv(changes, out)
        typer.echo(f"Wrote {len(changes):,} rows to {out}")


def _shown_source(path: str, root: Path) -> str:
    """A version file's path as readers see it: `policies/<jurisdiction>/<name>/vN.yaml`."""
    try:
        inside = Path(path).resolve().relative_to(root.resolve())
    except ValueError:
        return Path(path).name
    return f"policies/{inside.as_posix()}"


def generate_pages(root: Path | None) -> dict[str, str]:
    """Every docs/policies page by file name, from the policies folder `root`."""
    from divert.policy.docs import page_name, policy_pages
    from divert.policy.vehicles import Vehicle, load_vehicles, vehicles_file
    from divert.resources import policy_root

    folder = policy_root() if root is None else root
    loaded = _load(folder)
    sources: dict[str, str] = {}
    changelogs: dict[str, str] = {}
    for policy in loaded.values():
        for version in policy.versions:
            sources[page_name(version)] = _shown_source(version.path, folder)
        changelog = Path(policy.latest().path).parent / "CHANGELOG.md"
        if changelog.is_file():
            changelogs[policy.id] = changelog.read_text(encoding="utf-8")
    vehicles: dict[str, Vehicle] = {}
    for policy in loaded.values():
        vehicles.update(load_vehicles(vehicles_file(policy.latest().path)))
    return policy_pages(list(loaded.values()), sources, changelogs, vehicles)


@policy_app.command("docs")
def docs(out: Path = typer.Option(Path("docs/policies"), "--out",
                                  help="Folder for the generated Markdown pages."),
         policies: Path | None = POLICIES_OPT) -> None:
    """Write one Markdown page per policy version, and an index, generated from the files."""
    from divert.policy.docs import GENERATED_MARK

    pages = generate_pages(policies)
    out.mkdir(parents=True, exist_ok=True)
    for stale in sorted(out.glob("*.md")):
        if stale.name not in pages and stale.read_text(encoding="utf-8").startswith(GENERATED_MARK):
            stale.unlink()
            typer.echo(f"removed {stale} (its policy version is gone)")
    for name, text in pages.items():
        (out / name).write_text(text, encoding="utf-8")
    typer.echo(f"wrote {len(pages)} pages to {out}")


def register(app: typer.Typer) -> None:
    """Add `divert policy …` to the `divert` app."""
    app.add_typer(policy_app, name="policy")
