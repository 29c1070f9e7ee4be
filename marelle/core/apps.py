from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "marelle.core"
    label = "marelle_core"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from marelle.core import lookups
        from marelle.core.middleware import stamp_login

        lookups.register()

        user_logged_in.connect(stamp_login, dispatch_uid="marelle.core.stamp_login")
