"""Sentences: a rule's `says` with its placeholders filled, and a policy in plain words.

Placeholders are written `{name}`: `{charge}` is the citation (or, unread, the wording) of
the charge that made the rule true, `{charges}` every such charge, and any case or person
fact path (`{person.pad_contacts}`) its value. Nothing else is substituted, so a policy
sentence can never reach into Python objects the way `str.format` could.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from divert.policy.condition import And, Compare, Condition, Not, Op, Or, Quantified
from divert.policy.facts import FACTS
from divert.policy.model import APPROVALS, PolicyVersion, Rule

PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")
CHARGE_PLACEHOLDERS = ("charge", "charges")


def placeholders(text: str) -> tuple[str, ...]:
    """The placeholder names a sentence uses.

    >>> placeholders("{charge} is PWID; contacts: {person.pad_contacts}")
    ('charge', 'person.pad_contacts')
    """
    return tuple(PLACEHOLDER.findall(text))


def is_known_placeholder(name: str) -> bool:
    """True when `name` can be filled in: a charge placeholder or a case/person fact."""
    return name in CHARGE_PLACEHOLDERS or (name in FACTS and not FACTS[name].is_charge_fact)


def render(text: str, charges: Sequence[str], facts: Mapping[str, object]) -> str:
    """Fill a sentence's placeholders.

    >>> render("{charge} is possession with intent to deliver.", ["35 P.S. § 780-113(a)(30)"], {})
    '35 P.S. § 780-113(a)(30) is possession with intent to deliver.'
    >>> render("{charges} and {person.pad_contacts} earlier contacts", ["a", "b"],
    ...        {"person.pad_contacts": None})
    'a and b and unknown earlier contacts'
    """

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "charge":
            return charges[0] if charges else "the charge"
        if name == "charges":
            return " and ".join(charges) if charges else "the charges"
        if name in facts:
            value = facts[name]
            return "unknown" if value is None else str(value).lower()
        return match.group(0)

    return PLACEHOLDER.sub(fill, text)


def describe(condition: Condition) -> str:
    """A condition read back in words, for `policy show` and `policy diff`.

    >>> from divert.policy.language import parse_condition
    >>> describe(parse_condition("any charge is in [simple_possession, paraphernalia]"))
    'some charge is simple possession or paraphernalia'
    >>> describe(parse_condition("person.pad_contacts >= 2 and not case.pad_referred is true"))
    'the pad contacts of the person is at least 2, and not (the case pad referred is true)'
    """
    match condition:
        case Quantified(quantifier=quantifier, body=body):
            lead = {"any": "some charge", "every": "every charge", "no": "no charge"}[quantifier]
            if isinstance(body, Compare) and body.fact == "charge.category":
                return f"{lead} {_test(body)}"
            return f"{lead} is such that {describe(body)}"
        case Compare():
            return f"{_fact_words(condition.fact)} {_test(condition)}"
        case And(parts=parts):
            return ", and ".join(describe(p) for p in parts)
        case Or(parts=parts):
            return "either " + ", or ".join(describe(p) for p in parts)
        case Not(part=part):
            return f"not ({describe(part)})"
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def _fact_words(path: str) -> str:
    owner, _, name = path.partition(".")
    words = name.replace("_", " ")
    return {"charge": f"its {words}", "person": f"the {words} of the person"}.get(
        owner, f"the {owner} {words}"
    )


def _value_words(value: object) -> str:
    if isinstance(value, tuple):
        return " or ".join(_value_words(v) for v in value)
    return str(value).lower().replace("_", " ")


def _test(node: Compare) -> str:
    words = {
        Op.IS: "is", Op.IS_NOT: "is not", Op.IN: "is", Op.NOT_IN: "is neither",
        Op.LT: "is less than", Op.LE: "is at most", Op.GT: "is more than", Op.GE: "is at least",
        Op.KNOWN: "is stated in the record", Op.NOT_KNOWN: "is not stated in the record",
    }[node.op]  # fmt: skip
    if node.op in (Op.KNOWN, Op.NOT_KNOWN):
        return words
    value = _value_words(node.value)
    if node.op is Op.NOT_IN:
        value = value.replace(" or ", " nor ")
    return f"{words} {value}"


def rule_in_words(rule: Rule) -> str:
    """One rule as a paragraph: clause, condition, outcome and precedence."""
    via = f" via {rule.vehicle}" if rule.vehicle else ""
    text = f"[{rule.id}] clause {rule.clause or '?'}: when {describe(rule.when)}, " \
        f"the outcome is {rule.outcome.value.replace('_', ' ')}{via}."
    if rule.bars:
        text += f" It applies the vehicle bars {', '.join(rule.bars)}."
    if rule.approval:
        text += f" It takes effect only when approved by {APPROVALS[rule.approval]}."
    if rule.override_approval:
        text += f" Overriding it needs the approval of {APPROVALS[rule.override_approval]}."
    if rule.overrides:
        text += f" It takes precedence over {', '.join(rule.overrides)}."
    return text


def version_in_words(version: PolicyVersion) -> list[str]:
    """The lines `divert policy show` prints: header, clauses, rules, default."""
    end = f"to {version.effective_to.isoformat()}" if version.effective_to else "until replaced"
    lines = [
        f"{version.id} v{version.version} — {version.title} ({version.status})",
        f"In force from {version.effective_from.isoformat()} {end}, chosen by the case's "
        f"{version.applies_by.replace('_', ' ')}. sha256 {version.sha256}",
        "",
        "Clauses:",
    ]
    for number, words in version.clauses.items():
        lines.append(f"  {number}. {' '.join(words.split())}")
        basis = version.bases.get(number)
        if basis is not None:
            label = "source" if basis.kind == "source" else "this project's assumption"
            lines.append(f"     ({label}: {' '.join(basis.text.split())})")
    lines += ["", "Rules:"]
    lines += [f"  {rule_in_words(rule)}" for rule in version.rules]
    lines += ["", f"Otherwise: {version.default.outcome.value.replace('_', ' ')} — "
                  f"{version.default.says}"]
    return lines
