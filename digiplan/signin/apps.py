from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigninConfig(AppConfig):
    name = "digiplan.signin"
    verbose_name = _("Sign-in with school accounts")

    def ready(self) -> None:
        from digiplan.privacy.registry import personal_data
        from digiplan.signin.privacy import PART

        personal_data.register(PART)
        from digiplan.signin import password

        password.register()
