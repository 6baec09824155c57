from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured

from shequ.forms import MobileField
from shequ.models import User


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by administrators; staff log in by username, e-mail or mobile number."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def phone_form_field(self, **kwargs) -> MobileField:
        return MobileField(**kwargs)

    def get_phone(self, user: User) -> tuple[str, bool] | None:
        return (user.phone, True) if user.phone else None

    def set_phone(self, user: User, phone: str, verified: bool) -> None:
        user.phone = phone
        user.save(update_fields=["phone"])

    def set_phone_verified(self, user: User, phone: str) -> None:
        """Numbers are entered by an administrator, so they count as verified already."""

    def get_user_by_phone(self, phone: str) -> User | None:
        return User.objects.filter(phone=phone).first()

    def send_verification_code_sms(self, user: User, phone: str, code: str, **kwargs) -> None:
        raise ImproperlyConfigured("shequ has no SMS gateway; phone verification is disabled.")
