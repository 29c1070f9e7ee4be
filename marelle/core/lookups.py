"""`__in` on an integer column with a value its column cannot hold matches nothing.

Django answers `pk=10**30` with no row (IntegerFieldExact) but sends `pk__in=[10**30]` to the
database, where SQLite raises OverflowError (a 500): any id list from a request (a
ModelMultipleChoiceField, the demandes' checkboxes) reaches such a query. Registered on
IntegerField (and so on every id column) by CoreConfig.ready.
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            internal_type = self.lhs.output_field.get_internal_type()
            try:
                low, high = connection.ops.integer_field_range(internal_type)
            except KeyError:  # a custom integer type: leave it to the database
                low = high = None
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
