"""The demo: a migrated database with the real Philadelphia filings imported and screened, two
invented providers and one invented account per role. Idempotent: a re-run adds nothing.

The demo passwords are printed on purpose and live only in this module: they exist so a
newcomer can log in within a minute, and must never be used outside the demo.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from divert.cases.access import Actor
from divert.ingest.filed_case import Ingested
from divert.ingest.phl_filings import read_phl_filings
from divert.model.case import Charge
from divert.policy.load import load_policies
from divert.policy.model import Policy
from divert.policy.select import governs
from divert.resources import sample_filings
from divert.service.accounts import NewAccount, add_account
from divert.service.screening import screen_and_store
from divert.service.settings import Settings
from divert.store import anchor, repo, treatment, whatif
from divert.store.db import make_engine, make_sessionmaker, upgrade
from divert.store.handles import SessionFactory
from divert.store.importer import import_filings
from divert.store.unit import atomic
from divert.store.views import ImportSummary, NotFound

DEMO_ACTOR = Actor("demo", "administrator", "cli")

# Invented organisations; nothing here names a real provider.
PROVIDERS = (
    ("harbor-light", "Harbor Light Recovery Services (invented)", "outpatient, case management"),
    ("northside-care", "Northside Care Collective (invented)", "medication-assisted treatment"),
)

# (role, username, password, provider) — invented people, demo-only passwords.
ACCOUNTS = (
    ("charging_ada", "ada.rivera", "demo-ada-password", None),
    ("supervisor", "sam.okafor", "demo-supervisor-password", None),
    ("district_attorney", "dana.first", "demo-district-attorney-password", None),
    ("coordinator", "cora.lind", "demo-coordinator-password", None),
    ("police", "officer.pike", "demo-police-password", None),
    ("provider", "harbor.intake", "demo-provider-password", "harbor-light"),
    ("analyst", "ana.lytics", "demo-analyst-password", None),
    ("administrator", "admin", "demo-admin-password", None),
    ("auditor", "audrey.check", "demo-auditor-password", None),
)


# Invented cases filed while the policy is in force, so the demo always has decisions to open
# (the shipped filings are from 2021-22, before phl-dao-simple-possession took effect):
# (id, person, filed, age, charges as (wording, citation, grade, drug)).
DEMO_CASES = (
    ("DEMO-0001", "demo-person-1", date(2026, 7, 6), 34,
     (("Int Poss Contr Subst By Per Not Reg", "35 § 780-113 §§ A16", "M", "heroin"),)),
    ("DEMO-0002", "demo-person-2", date(2026, 7, 7), 28,
     (("Manufacture, Delivery, or Possession With Intent to Manufacture or Deliver",
       "35 § 780-113 §§ A30", "F", "fentanyl"),
      ("Int Poss Contr Subst By Per Not Reg", "35 § 780-113 §§ A16", "M", "fentanyl"))),
    ("DEMO-0003", "demo-person-3", date(2026, 7, 8), 41,
     (("Use/Poss Of Drug Paraph", "35 § 780-113 §§ A32", "M", "cocaine"),)),
    ("DEMO-0004", "demo-person-4", date(2026, 7, 9), 30, (("CS-POSS ??", None, None, None),)),
    ("DEMO-0005", "demo-person-5", date(2026, 7, 10), 22,
     (("Marijuana-Small Amt Personal Use", "35 § 780-113 §§ A31I", None, "marijuana"),)),
)


@dataclass(frozen=True, slots=True)
class DemoReport:
    accounts: tuple[NewAccount, ...]
    summary: ImportSummary
    import_seconds: float


def add_demo_cases(factory: SessionFactory, policy: Policy,
                   echo: Callable[[str], None], bail_policy: Policy | None = None) -> None:
    """File and screen the invented demo cases that are not there yet."""
    now = datetime.now(UTC)
    for case_id, person_id, filed, age, charges in DEMO_CASES:
        with factory() as session:
            try:
                repo.get_case(session, DEMO_ACTOR, case_id)
                continue
            except NotFound:
                session.rollback()
            repo.create_case(session, DEMO_ACTOR, case_id=case_id, person_id=person_id,
                             charges=[Charge(w, c, g, d) for w, c, g, d in charges],
                             filing_date=filed, age=age, at=now)
            _, stored = screen_and_store(session, DEMO_ACTOR, case_id, policy, now,
                                         bail_policy=bail_policy)
            echo(f"  invented case {case_id} (filed {filed}) screened: {stored.outcome}")


def import_policy(policies: dict[str, Policy], preferred: str, ingested: Ingested) -> Policy:
    """The policy to screen the shipped filings under: the configured one if a version of it
    is in force on their earliest filing date, else the filing-date policy that is.

    The shipped filings (2021-22) precede phl-dao-simple-possession (2026), so the demo
    screens them under the policy in force when they were filed, and says which.
    """
    if not ingested.cases:
        return policies[preferred]
    earliest = min(ingested.cases, key=lambda fc: fc.filed_at)
    case = replace(earliest.case, filing_date=earliest.filed_at.date())
    in_force = [p for p in policies.values() if governs(p, case)]
    by_preference = sorted(in_force, key=lambda p: (p.id != preferred, p.id))
    return by_preference[0] if by_preference else policies[preferred]


def proposal_line(factory: SessionFactory, policy: Policy,
                  assume: frozenset[str] = frozenset()) -> str:
    """Screen the stored filings under the proposal as a labelled what-if (their live
    decision, under the policy in force on their date, stays as it is); one line saying so."""
    with factory() as session:
        whatif.screen_what_if(session, DEMO_ACTOR, policy, assume=assume)
        counts = whatif.count_what_ifs(session, whatif.PROPOSAL)
    latest = policy.latest()
    return (f"  what-if: every filing screened under the proposal, {policy.id} "
            f"v{latest.version} ({latest.status}), as if filed on or after "
            f"{latest.effective_from}; assumptions: {', '.join(sorted(assume)) or 'none'}; "
            f"outcomes {dict(sorted(counts.items()))} (labelled 'proposal', beside the "
            "decision in force)")


def prepare_demo(settings: Settings, echo: Callable[[str], None] = print) -> DemoReport:
    """Migrate, import and screen the shipped filings, add providers and accounts; generate
    an audit key first when none is configured, so the demo's log is keyed from entry 1."""
    if anchor.key_file(settings.audit_key_file) is None and not anchor.key_disabled(
            settings.audit_key_file):
        echo(f"audit key generated at {anchor.generate_key(anchor.DEFAULT_KEY_FILE)} "
             "(keep it outside the database's backups)")
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        factory = make_sessionmaker(engine, audit_key_file=settings.audit_key_file,
                                    audit_heads_file=settings.audit_heads_file)
        policies = load_policies()
        policy = policies[settings.policy_id]
        ingested = read_phl_filings(sample_filings())
        historical = import_policy(policies, settings.policy_id, ingested)
        echo(f"importing {sample_filings().name}: {ingested.rows_read} rows, screened under "
             f"{historical.id} …")
        started = time.perf_counter()
        with factory() as session:
            summary = import_filings(session, ingested, historical, DEMO_ACTOR,
                                     bail=policies.get(settings.bail_policy_id))
        seconds = time.perf_counter() - started
        echo(f"  {summary.cases_added} cases added, {summary.cases_already_present} already "
             f"present, {summary.cases_screened} screened, {summary.rows_refused} rows refused "
             f"({seconds:.1f} s); outcomes {summary.outcomes}")
        for note in summary.unscreened:
            echo(f"  not screened: {note}")
        add_demo_cases(factory, policy, echo, policies.get(settings.bail_policy_id))
        echo(proposal_line(factory, policy))
        with factory() as session:
            known = {p.id for p in treatment.list_providers(session)}
        for pid, name, services in PROVIDERS:
            if pid not in known:
                with factory() as session:
                    treatment.create_provider(session, DEMO_ACTOR, provider_id=pid, name=name,
                                              services=services)
        accounts = []
        with factory() as session, atomic(session):
            for role, username, password, provider in ACCOUNTS:
                accounts.append(add_account(
                    session, DEMO_ACTOR, username, password, role, provider,
                    datetime.now(UTC), issuer=settings.totp_issuer, exist_ok=True))
        return DemoReport(tuple(accounts), summary, seconds)
    finally:
        engine.dispose()
