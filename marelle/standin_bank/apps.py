from django.apps import AppConfig


class StandinBankConfig(AppConfig):
    name = "marelle.standin_bank"
    label = "standin_bank"
    verbose_name = "Banque fictive (démonstration)"
