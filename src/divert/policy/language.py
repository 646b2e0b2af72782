"""The condition language of `when:`: a small grammar parsed into the AST of condition.py.

Nothing is ever evaluated as Python: a hand-written tokenizer and recursive-descent parser
turn the lawyer's text into frozen values, and every fact name and enum value is checked
against the vocabulary in facts.py, so a typo is a PolicyError with a 1-based column and a
"did you mean", never a silent false.

Grammar (lowest precedence first)::

    expr       := and ("or" and)*
    and        := unary ("and" unary)*
    unary      := "not" unary | "(" expr ")" | quantified | comparison
    quantified := ("any" | "every" | "no") "charge"
                  ( "is" ["not"] ("in" list | VALUE) | "where" "(" expr ")" )
    comparison := FACT ("is" ["not"] ("in" list | "known" | VALUE) | ("<" | "<=" | ">" | ">=") INT)
    list       := "[" VALUE ("," VALUE)* "]"

Inside `where ( … )` a bare name is a charge fact (`category` means `charge.category`).

>>> parse_condition("any charge is possession_with_intent_to_deliver").body.value
'possession_with_intent_to_deliver'
>>> parse_condition("person.pad_contacts >= 2")
Compare(fact='person.pad_contacts', op=<Op.GE: '>='>, value=2, column=1)
>>> parse_condition("case.pad_referred is true and not case.stage is charged").parts[1]
Not(part=Compare(fact='case.stage', op=<Op.IS: 'is'>, value='charged', column=35))
>>> try:
...     parse_condition("any charge is posession")
... except PolicyError as error:
...     print(error.message, error.column, error.hint, sep=" | ")
unknown category 'posession' | 15 | did you mean 'simple_possession'?
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from divert.errors import PolicyError
from divert.policy.condition import And, Compare, Condition, Not, Op, Or, Quantified, Quantifier
from divert.policy.facts import FACTS, LIST_FACTS, FactSpec, Kind

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+)(?![\w.])|(?P<name>[A-Za-z_][\w.\-]*)|(?P<op><=|>=|<|>|[()\[\],])|(?P<bad>\S))"
)
_KEYWORDS = {"and", "or", "not", "any", "every", "no", "charge", "is", "in", "where", "known"}
_COMPARE_OPS = {"<": Op.LT, "<=": Op.LE, ">": Op.GT, ">=": Op.GE}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # num | name | op | end
    text: str
    column: int  # 1-based


def tokenize(text: str) -> list[Token]:
    """Split a condition into tokens, refusing any character the grammar does not use.

    >>> [t.text for t in tokenize("person.pad_contacts >= 2")]
    ['person.pad_contacts', '>=', '2', '']
    """
    tokens: list[Token] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:  # only trailing whitespace is left
            break
        kind = match.lastgroup or "end"
        column = match.start(kind) + 1
        if kind == "bad":
            raise PolicyError(
                f"unexpected character {match.group(kind)!r}",
                column=column,
                hint="conditions use words, numbers, brackets, commas and < <= > >=",
            )
        tokens.append(Token(kind, match.group(kind), column))
        position = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


def suggest(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The closest known name, for a "did you mean" hint.

    >>> suggest("simple_posession", ["simple_possession", "paraphernalia"])
    'simple_possession'
    """
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.5)
    if close:
        return lowered[close[0]]
    # A fragment of a long name ("posession" for "simple_possession") still deserves a hint.
    partial = [c for c in choices if word.lower().replace("_", "") in c.replace("_", "")]
    if partial:
        return partial[0]
    scored = sorted(
        ((difflib.SequenceMatcher(None, word.lower(), c.lower()).ratio(), c) for c in choices),
        reverse=True,
    )
    return scored[0][1] if scored and scored[0][0] >= 0.4 else None


def _did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str | None:
    guess = suggest(word, choices)
    return f"did you mean '{guess}'?" if guess else None


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.index = 0
        self.in_charge = False

    @property
    def token(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.token
        self.index += 1
        return token

    def at(self, *words: str) -> bool:
        return self.token.kind in ("name", "op") and self.token.text in words

    def expect(self, word: str, what: str) -> Token:
        if not self.at(word):
            found = f"'{self.token.text}'" if self.token.text else "the end of the condition"
            raise PolicyError(
                f"expected {what}; found {found}",
                column=self.token.column,
            )
        return self.advance()

    def parse(self) -> Condition:
        node = self.expr()
        if self.token.kind != "end":
            raise PolicyError(
                f"unexpected '{self.token.text}'",
                column=self.token.column,
                hint="join conditions with 'and' or 'or'",
            )
        return node

    def expr(self) -> Condition:
        parts = [self.conjunction()]
        while self.at("or"):
            self.advance()
            parts.append(self.conjunction())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def conjunction(self) -> Condition:
        parts = [self.unary()]
        while self.at("and"):
            self.advance()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Condition:
        if self.at("not"):
            self.advance()
            return Not(self.unary())
        if self.at("("):
            self.advance()
            node = self.expr()
            self.expect(")", "')'")
            return node
        if self.at("any", "every", "no"):
            return self.quantified()
        return self.comparison()

    def quantified(self) -> Condition:
        start = self.advance()
        if self.in_charge:
            raise PolicyError(
                f"'{start.text} charge' cannot be nested inside another",
                column=start.column,
            )
        self.expect("charge", "'charge'")
        quantifier = Quantifier(start.text)
        if self.at("where"):
            self.advance()
            self.expect("(", "'(' after 'where'")
            self.in_charge = True
            body = self.expr()
            self.in_charge = False
            self.expect(")", "')'")
        else:
            body = self.test(FACTS["charge.category"], start.column)
        return Quantified(quantifier, body, start.column)

    def comparison(self) -> Condition:
        token = self.advance()
        if token.kind != "name" or token.text in _KEYWORDS:
            found = f"'{token.text}'" if token.text else "the end of the condition"
            raise PolicyError(
                f"expected a fact name, found {found}",
                column=token.column,
            )
        spec = self.fact(token)
        return self.test(spec, token.column)

    def fact(self, token: Token) -> FactSpec:
        name = token.text
        if self.in_charge and "." not in name:
            name = f"charge.{name}"
        spec = FACTS.get(name) or LIST_FACTS.get(name)
        if spec is None:
            known = [p for p in FACTS if p.startswith("charge.") == self.in_charge]
            if self.in_charge:
                known += [p.removeprefix("charge.") for p in known]
            raise PolicyError(
                f"unknown fact '{token.text}'",
                column=token.column,
                hint=_did_you_mean(token.text, known),
            )
        if spec.is_charge_fact and not self.in_charge:
            raise PolicyError(
                f"'{token.text}' is a fact of one charge; use it inside "
                f"'any charge where (…)'",
                column=token.column,
            )
        return spec

    def test(self, spec: FactSpec, column: int) -> Compare:
        if self.at("<", "<=", ">", ">="):
            op_token = self.advance()
            if spec.kind is not Kind.INT:
                raise PolicyError(
                    f"'{spec.path}' is not a number, so '{op_token.text}' cannot compare it",
                    column=op_token.column,
                    hint="use 'is' or 'is in'",
                )
            return Compare(spec.path, _COMPARE_OPS[op_token.text], self.value(spec), column)
        self.expect("is", "'is', 'is in' or a comparison")
        negate = bool(self.at("not") and self.advance())
        if self.at("known"):
            self.advance()
            return Compare(spec.path, Op.NOT_KNOWN if negate else Op.KNOWN, (), column)
        if self.at("in"):
            self.advance()
            values = self.values(spec)
            return Compare(spec.path, Op.NOT_IN if negate else Op.IN, values, column)
        return Compare(spec.path, Op.IS_NOT if negate else Op.IS, self.value(spec), column)

    def values(self, spec: FactSpec) -> tuple[str | int | bool, ...]:
        self.expect("[", "'[' to start a list")
        values = [self.value(spec)]
        while self.at(","):
            self.advance()
            values.append(self.value(spec))
        self.expect("]", "',' or ']'")
        return tuple(values)

    def value(self, spec: FactSpec) -> str | int | bool:
        token = self.advance()
        if spec.kind is Kind.INT:
            if token.kind != "num":
                raise PolicyError(
                    f"'{spec.path}' is a number; expected a whole number, found '{token.text}'",
                    column=token.column,
                )
            return int(token.text)
        if spec.kind is Kind.BOOL:
            if token.text not in ("true", "false"):
                raise PolicyError(
                    f"'{spec.path}' is true or false; found '{token.text}'",
                    column=token.column,
                )
            return token.text == "true"
        if token.text not in spec.values:
            noun = spec.path.split(".")[-1].replace("_", " ")
            raise PolicyError(
                f"unknown {noun} '{token.text}'",
                column=token.column,
                hint=_did_you_mean(token.text, spec.values),
            )
        return token.text


def parse_condition(text: str) -> Condition:
    """Parse the text of a `when:` into a Condition, checking every name and value.

    Raises:
        PolicyError: with the 1-based column of the mistake and, for a misspelt name,
            the closest known one.

    >>> parse_condition("every charge is in [simple_possession, paraphernalia]").body.op
    <Op.IN: 'in'>
    >>> text = "any charge where (category is paraphernalia and drug is marijuana)"
    >>> body = parse_condition(text).body
    >>> [(part.fact, part.value, part.column) for part in body.parts]
    [('charge.category', 'paraphernalia', 19), ('charge.drug', 'marijuana', 49)]
    >>> parse_condition("person.pad_contact >= 2")
    Traceback (most recent call last):
    ...
    divert.errors.PolicyError: <policy>: unknown fact 'person.pad_contact' — did you mean '...'?
    """
    if not text.strip():
        raise PolicyError("the condition is empty", column=1)
    return _Parser(text).parse()
