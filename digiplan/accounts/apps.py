from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "digiplan.accounts"
    verbose_name = _("Sign-in")

    def ready(self):
        from digiplan.lib.forms import use_blank_label

        use_blank_label()
