"""The planning in Django's admin: rules and services are edited here; cells, demandes and their
audit are only looked at (they change through `planning.services`, which checks and audits)."""

from django.contrib import admin

from marelle.planning.deadlines import describe_rule
from marelle.planning.models import (
    Cell,
    CellChange,
    ContratRegulier,
    DeadlineRule,
    Demande,
    DemandeLine,
    Inscription,
    PlanningDefaults,
    Service,
)


def _described(rule: DeadlineRule | None) -> str:
    return describe_rule(rule) if rule else "délai par défaut de la commune"


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed here: a change must go through a service, with its audit line."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["description", "label", "commune", "kind"]
    list_filter = ["commune", "kind"]
    list_select_related = ["commune"]
    search_fields = ["label"]
    fieldsets = [
        (None, {"fields": ["commune", "label", "kind"]}),
        (
            "Paramètres",
            {
                "fields": [("days", "at_time"), "weekday", "hours"],
                "description": "Seuls les paramètres de la forme choisie comptent : jours et heure pour les "
                "jours calendaires ou ouvrés, jour de la semaine et heure pour « tel jour de la semaine "
                "précédente », nombre d'heures pour « N heures avant le début du service ».",
            },
        ),
        ("En clair", {"fields": ["description"]}),
    ]
    readonly_fields = ["description"]

    @admin.display(description="règle en clair")
    def description(self, obj: DeadlineRule) -> str:
        return describe_rule(obj)


@admin.register(PlanningDefaults)
class PlanningDefaultsAdmin(admin.ModelAdmin):
    list_display = ["commune", "booking", "cancel"]
    list_select_related = ["commune", "booking_rule", "cancel_rule"]

    @admin.display(description="délai de réservation")
    def booking(self, obj: PlanningDefaults) -> str:
        return describe_rule(obj.booking_rule)

    @admin.display(description="délai d'annulation / absence")
    def cancel(self, obj: PlanningDefaults) -> str:
        return describe_rule(obj.cancel_rule)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "etablissement", "booking_mode", "capacity", "booking", "cancel", "position"]
    list_filter = ["etablissement__commune", "etablissement", "booking_mode"]
    list_select_related = ["etablissement", "booking_rule", "cancel_rule"]
    search_fields = ["name", "etablissement__name"]
    fieldsets = [
        (None, {"fields": ["etablissement", "name", ("start_time", "end_time"), "weekdays", "position"]}),
        ("Réservation", {"fields": ["booking_mode", "capacity", ("booking_rule", "cancel_rule")]}),
        ("Facturation et pointage", {"fields": ["billing_unit", "tracks_times"]}),
    ]

    @admin.display(description="délai de réservation")
    def booking(self, obj: Service) -> str:
        return _described(obj.booking_rule)

    @admin.display(description="délai d'annulation / absence")
    def cancel(self, obj: Service) -> str:
        return _described(obj.cancel_rule)


class ContratRegulierInline(admin.TabularInline):
    model = ContratRegulier
    extra = 0
    fields = ["weekdays", "start_date", "end_date"]


@admin.register(Inscription)
class InscriptionAdmin(admin.ModelAdmin):
    list_display = ["enfant", "service", "school_year", "responsable", "start_date", "end_date"]
    # By label: a filter on the school year itself would fetch each one's commune for its name.
    list_filter = ["service__etablissement__commune", "service", "school_year__label"]
    list_select_related = ["enfant", "service", "school_year__commune", "responsable"]
    search_fields = ["enfant__nom", "enfant__prenom", "enfant__famille__numero", "service__name"]
    raw_id_fields = ["enfant", "responsable"]
    inlines = [ContratRegulierInline]


@admin.register(ContratRegulier)
class ContratRegulierAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start_date", "end_date"]
    list_filter = ["inscription__service"]
    list_select_related = ["inscription__enfant", "inscription__service"]
    search_fields = ["inscription__enfant__nom", "inscription__enfant__prenom"]
    raw_id_fields = ["inscription"]


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    """Read-mostly: an agent corrects a cell in the back office, where the change is audited."""

    list_display = ["date", "enfant", "service", "state", "state_since", "from_contrat"]
    list_filter = ["state", "service__etablissement__commune", "service", "from_contrat"]
    list_select_related = ["enfant", "service"]
    search_fields = ["enfant__nom", "enfant__prenom", "enfant__famille__numero"]
    date_hierarchy = "date"
    # Only the note may be touched here; states and times change through audited services.
    readonly_fields = [
        "enfant",
        "service",
        "date",
        "state",
        "state_since",
        "demande",
        "from_contrat",
        "arrival",
        "departure",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class DemandeLineInline(admin.TabularInline):
    model = DemandeLine
    extra = 0
    fields = ["date", "service", "from_state", "to_state"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("service")


@admin.register(Demande)
class DemandeAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "status", "enfant", "famille", "reason", "decided_at", "decided_by"]
    list_filter = ["status", "kind", "famille__commune"]
    list_select_related = ["enfant", "famille", "decided_by"]
    search_fields = ["enfant__nom", "enfant__prenom", "famille__numero"]
    date_hierarchy = "created_at"
    inlines = [DemandeLineInline]


@admin.register(CellChange)
class CellChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "enfant", "service", "date", "from_state", "to_state", "actor", "reason"]
    list_filter = ["to_state", "service"]
    list_select_related = ["enfant", "service", "actor"]
    search_fields = ["enfant__nom", "enfant__prenom", "reason"]
    date_hierarchy = "at"
