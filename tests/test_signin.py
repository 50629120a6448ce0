"""Sign-in throttling (django-axes): per account and per address, a note to wait, release
after the cool-off, attempts logged; staff passwords through Django's validators."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.urls import reverse

LOGIN = "/admin/login/?next=/admin/"
WAIT_ZH = "登录失败次数过多，请在 15 分钟后再试。"


@pytest.fixture
def editor(db):
    return User.objects.create_user("editor", password="correct-horse-battery", is_staff=True)


def sign_in(client, username, password, address="127.0.0.1", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail(client, times, username="editor", address="127.0.0.1", **headers):
    return [
        sign_in(client, username, "wrong", address, **headers).status_code for _ in range(times)
    ]


def test_fifth_failure_locks_the_account_out_and_says_to_wait(client, editor):
    assert fail(client, 4) == [200, 200, 200, 200]
    locked = sign_in(client, "editor", "wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert f'<p class="errornote" role="alert">{WAIT_ZH}</p>' in html
    assert 'id="login-form"' in html  # the sign-in form is still there for after the wait
    # Even the right password is refused while locked out.
    right = sign_in(client, "editor", "correct-horse-battery")
    assert right.status_code == 429 and WAIT_ZH in right.content.decode()
    assert not right.wsgi_request.user.is_authenticated


def test_released_after_the_cool_off(client, editor):
    fail(client, 5)
    assert sign_in(client, "editor", "correct-horse-battery").status_code == 429
    # 16 minutes pass: the failures are older than the 15-minute cool-off.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    response = sign_in(client, "editor", "correct-horse-battery")
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_cool_off_is_a_setting(client, editor, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=1)
    fail(client, 5)
    assert sign_in(client, "editor", "correct-horse-battery").status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=61))
    assert sign_in(client, "editor", "correct-horse-battery").status_code == 302


def test_one_account_from_many_addresses_is_locked(client, editor):
    for n in range(5):
        fail(client, 1, address=f"198.51.100.{n}")
    response = sign_in(client, "editor", "correct-horse-battery", address="198.51.100.99")
    assert response.status_code == 429


def test_one_address_trying_many_accounts_is_locked(client, editor):
    for n in range(5):
        fail(client, 1, username=f"guess{n}", address="203.0.113.7")
    locked = sign_in(client, "editor", "correct-horse-battery", address="203.0.113.7")
    assert locked.status_code == 429
    # The account itself is not locked: from another address it signs in.
    other = sign_in(client, "editor", "correct-horse-battery", address="203.0.113.8")
    assert other.status_code == 302


def test_success_before_the_limit_resets_the_count(client, editor):
    fail(client, 4)
    assert sign_in(client, "editor", "correct-horse-battery").status_code == 302
    client.logout()
    assert fail(client, 4) == [200, 200, 200, 200]


def test_attempts_are_logged_and_shown_in_the_admin(client, editor, admin_client):
    fail(client, 2)
    assert sign_in(client, "editor", "correct-horse-battery").status_code == 302
    assert not AccessAttempt.objects.exists()  # a success clears the failures
    log = AccessLog.objects.get(username="editor")
    assert log.ip_address == "127.0.0.1"
    page = admin_client.get(reverse("admin:axes_accesslog_changelist"))
    assert page.status_code == 200 and "editor" in page.content.decode()


def test_failures_are_recorded_with_the_address(client, editor):
    fail(client, 2)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        "editor",
        "127.0.0.1",
        2,
    )


def test_address_from_the_trusted_header_only_when_configured(client, editor, settings):
    fail(client, 1, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"  # default: REMOTE_ADDR
    AccessAttempt.objects.all().delete()
    settings.SIGNIN_CLIENT_IP_HEADER = "X-Forwarded-For"
    # What the client wrote first is ignored; the proxy appended the real address last.
    fail(client, 1, HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.20")
    assert AccessAttempt.objects.get().ip_address == "198.51.100.20"
    AccessAttempt.objects.all().delete()
    fail(client, 1, HTTP_X_FORWARDED_FOR="not-an-address")
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_staff_passwords_go_through_the_validators(admin_client, admin_user):
    url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    response = admin_client.post(
        url, {"password1": "12345678", "password2": "12345678", "usable_password": "true"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password2"] == [
        "这个密码太常见了。",
        "密码只包含数字。",
    ]


def test_changepassword_refuses_a_weak_password(admin_user, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "12345678")
    with pytest.raises(CommandError, match="Aborting password change for user 'admin' after 3"):
        call_command("changepassword", "admin", stdout=None)


def test_validators_are_configured(settings):
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
