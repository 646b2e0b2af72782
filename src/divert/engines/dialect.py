"""The few places DuckDB and Spark SQL differ, so one compiler serves both."""

from __future__ import annotations

from dataclasses import dataclass

from divert.errors import PolicyError


@dataclass(frozen=True, slots=True)
class Dialect:
    """The few places DuckDB and Spark SQL differ: quoting of identifiers and strings."""

    name: str
    ident_quote: str
    backslash_escapes: bool  # Spark reads \ in literals, and 'a''b' as two adjacent literals
    string_type: str = "VARCHAR"  # Spark wants a length with VARCHAR; STRING has none

    def ident(self, name: str) -> str:
        q = self.ident_quote
        return q + name.replace(q, q + q) + q

    def string(self, value: str) -> str:
        if self.backslash_escapes:
            return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + value.replace("'", "''") + "'"

    def literal(self, value: object) -> str:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, str):
            return self.string(value)
        raise PolicyError(f"cannot compare with {value!r}: expected a string, integer or boolean")

    def ordered_join(self, value: str, order: str, separator: str) -> str:
        """An aggregate joining `value` over a group's rows in `order`, with `separator`."""
        sep = self.string(separator)
        if self.name == "spark":
            return (f"concat_ws({sep}, transform(array_sort(collect_list(named_struct("
                    f"'o', {order}, 'v', {value}))), s -> s.v))")
        return f"string_agg({value}, {sep} ORDER BY {order})"


DUCKDB = Dialect("duckdb", '"', backslash_escapes=False)
SPARK = Dialect("spark", "`", backslash_escapes=True, string_type="STRING")
