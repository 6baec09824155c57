from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q

from shequ.forms import MobileField
from shequ.models import User
from shequ.net import client_ip
from shequ.validators import normalize_mainland_mobile


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
        # allauth passes the number as typed, which may carry +86 or separators.
        return User.objects.filter(phone=normalize_mainland_mobile(phone)).first()

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Count failed logins per account, not per string typed: otherwise the same account
        could be tried five times by username, five by e-mail and five by mobile number."""
        typed = next(
            (credentials[k] for k in ("email", "phone", "username") if credentials.get(k)), ""
        )
        user = (
            User.objects.filter(
                Q(username__iexact=typed)
                | Q(email__iexact=typed)
                | Q(phone=normalize_mainland_mobile(typed))
            )
            .order_by("pk")
            .first()
        )
        if user is None:
            return super()._get_login_attempts_cache_key(request, **credentials)
        return f"user:{user.pk}"

    def get_client_ip(self, request) -> str:
        """The address the per-address login limit counts: the same as the access log's."""
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def send_verification_code_sms(self, user: User, phone: str, code: str, **kwargs) -> None:
        raise ImproperlyConfigured("shequ has no SMS gateway; phone verification is disabled.")


def user_display(user: User) -> str:
    """How allauth names the user in its messages ("以 张书记 成功登录")."""
    return str(user)
