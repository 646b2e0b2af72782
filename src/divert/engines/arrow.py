"""Arrow tables in the batch layout: typed as the layout says, whatever the caller built.

An all-None column arrives as Arrow's `null` type, and Python ints as int64; engines agree
only if every input carries the layout's own types, so each one is cast here first.
"""

from __future__ import annotations

import pyarrow as pa

from divert.engines.columns import SCHEMAS, arrow_type_name
from divert.errors import InputFormatError


def conform(name: str, table: pa.Table) -> pa.Table:
    """Cast the layout columns of `table` to the layout's types; other columns pass through.

    Raises:
        InputFormatError: a column cannot be read as its layout type.
    """
    types = dict(SCHEMAS[name])
    fields = []
    for field in table.schema:
        sql_type = types.get(field.name)
        wanted = getattr(pa, arrow_type_name(sql_type))() if sql_type else field.type
        fields.append(pa.field(field.name, wanted))
    try:
        return table.cast(pa.schema(fields))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise InputFormatError(f"<{name} table>", f"a column has the wrong type: {exc}") from exc
