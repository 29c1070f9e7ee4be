from django.contrib import admin
from django.db import models

from marelle.territory.models import Agent, Closure, Commune, DayType, Etablissement, SchoolYear, Territory


class CommuneInline(admin.TabularInline):
    model = Commune
    extra = 0
    fields = ["name", "slug", "status", "position"]
    show_change_link = True


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CommuneInline]


class EtablissementInline(admin.TabularInline):
    model = Etablissement
    extra = 0


class DayTypeInline(admin.TabularInline):
    model = DayType
    extra = 0


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "status", "insee_code", "colour", "position"]
    list_filter = ["territory", "status"]
    list_editable = ["position"]
    search_fields = ["name", "insee_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [EtablissementInline, DayTypeInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Etablissement)
class EtablissementAdmin(admin.ModelAdmin):
    list_display = ["name", "commune"]
    list_filter = ["commune"]
    search_fields = ["name"]


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ["label", "commune", "start_date", "end_date"]
    list_filter = ["commune"]


@admin.register(DayType)
class DayTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "commune", "colour"]
    list_filter = ["commune"]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ["label", "commune", "etablissement", "day_type", "start_date", "end_date", "source"]
    list_filter = ["commune", "day_type__code", "source"]
    search_fields = ["label"]
    date_hierarchy = "start_date"
    filter_horizontal = ["services"]


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "is_animateur", "require_otp"]
    list_filter = ["communes", "is_animateur"]
    search_fields = ["user__username", "user__email", "user__last_name"]
    filter_horizontal = ["communes"]
    raw_id_fields = ["user"]
