"""Personal data across the domains (RGPD): the family's export and the purge of departed children.

This app sits above the domain apps: it reads families, planning, billing, messaging… so that
none of them has to import another above it. It owns no table. Each domain app takes part
through a module `marelle/<app>/privacy.py`; every function in it is optional:

    def export_tables(famille, *, responsable=None) -> dict[str, tuple]:
        '''The app's tables in the family's export, in order: name -> (queryset, fields) or
        (queryset, fields, labels). The queryset is read once with `.values(*fields)` (one
        query per table, never per child); `labels` maps a field to its Choices, which adds
        a `<field>_libelle` column. `responsable` is the parent who asked when their family
        keeps its responsables apart (families.access.records_scope), else None (a household,
        an agent, a command): the app then leaves out what belongs to the other responsable.'''

    def export_files(tables: dict[str, list[dict]]) -> list[tuple[str, bytes]]:
        '''Files to add to the ZIP, from the rows this app exported: (name in the archive,
        content). File reads only, no query.'''

    def purge_holds(familles: QuerySet[Famille]) -> dict[int, str]:
        '''Families (among `familles`, all left with no child) this app needs kept, with the
        reason: "unpaid" (something is still due) or "accounting" (records the commune must
        keep). A family held by any app is not deleted.'''

    def enfant_purge_holds(enfants: QuerySet[Enfant]) -> dict[int, str]:
        '''Departed children (among `enfants`) this app needs kept, with the reason (as for
        families): invoice lines name the child and are the commune's accounting records, so
        a billed child stays, with their family, and is listed as kept.'''

    def purge(*, enfants: list[int], familles: list[int]) -> None:
        '''Called in the purge's transaction just before those children and families are
        deleted: clean up what a cascade does not (files: `transaction.on_commit`).'''

Rows hanging on an enfant or a famille by a CASCADE foreign key go with them; a row that
PROTECTs them must be declared by `purge_holds`, or the purge stops with ProtectedError and
deletes nothing. Contributions are found in INSTALLED_APPS order (see contributions.py);
docs/architecture.md#personal-data-privacy describes the contract too.
"""
