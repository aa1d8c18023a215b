"""allauth's mails leave through the `send_email` task: rendered in the request (Dutch,
signed by the book), sent by whichever task backend is configured."""

import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.tasks import default_task_backend
from django.tasks.signals import task_enqueued
from django.urls import reverse

from core.tasks import send_email
from tests.markup import hrefs, one

from .conftest import PASSWORD, link_in

pytestmark = pytest.mark.django_db

SIGNUP = {"email": "nieuw@example.org", "password1": PASSWORD, "password2": PASSWORD}


@pytest.fixture
def enqueued():
    """Every task result enqueued during the test, whichever backend runs it."""
    results = []

    def collect(sender, task_result, **kwargs):
        results.append(task_result)

    task_enqueued.connect(collect)
    yield results
    task_enqueued.disconnect(collect)


def test_signup_mail_goes_through_the_task_and_arrives_at_once(client, enqueued):
    client.post(reverse("account_signup"), SIGNUP)

    (result,) = enqueued
    assert result.task.module_path == "core.tasks.send_email"
    assert result.status == "SUCCESSFUL"
    assert result.kwargs["to"] == ["nieuw@example.org"]
    (message,) = mail.outbox
    assert message.subject == result.kwargs["subject"] == "Welkom! Bevestig je e-mailadres"


def test_task_arguments_are_plain_json(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    client.post(reverse("account_signup"), SIGNUP)

    (result,) = default_task_backend.results
    assert json.loads(json.dumps(result.kwargs)) == result.kwargs
    assert set(result.kwargs) == {"subject", "body", "html_body", "from_email", "to"}
    assert result.args == []


def test_with_a_queue_nothing_is_sent_until_the_task_runs(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}

    client.post(reverse("account_signup"), SIGNUP)

    assert mail.outbox == []
    (result,) = default_task_backend.results
    result.task.call(*result.args, **result.kwargs)
    (message,) = mail.outbox
    assert "/accounts/confirm-email/" in message.body


@pytest.mark.django_db(transaction=True)
def test_database_queue_is_sent_by_db_worker(client, settings):
    """Production's path: the row is written in the request, a separate worker sends."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    client.post(reverse("account_signup"), SIGNUP)
    assert mail.outbox == []

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    (message,) = mail.outbox
    assert message.to == ["nieuw@example.org"]
    assert link_in(message.body, "/accounts/confirm-email/")


def test_verification_mail_is_dutch_with_a_html_part(client):
    client.post(reverse("account_signup"), SIGNUP)

    (message,) = mail.outbox
    assert message.from_email == "Het boek <boek@localhost>"
    assert message.body.startswith("Hallo,")
    assert "Bevestig je e-mailadres met deze link:" in message.body
    assert message.body.rstrip().endswith("Het boek waar je lid van kunt worden\ntestserver")
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert one(html, "html").get("lang") == "nl"
    confirm_url = "http://testserver" + link_in(message.body, "/accounts/confirm-email/")
    assert confirm_url in hrefs(html)


def test_login_code_mail_is_dutch(client, verified_user):
    client.post(reverse("account_request_login_code"), {"email": verified_user.email})

    (message,) = mail.outbox
    assert message.subject == "Je inlogcode"
    assert "Hier is je inlogcode" in message.body
    assert "Het boek waar je lid van kunt worden" in message.body


def test_send_email_task_sends_text_and_html():
    send_email.call(
        subject="Onderwerp",
        body="Tekst",
        from_email="boek@example.org",
        to=["lid@example.org"],
        html_body="<p>Tekst</p>",
    )

    (message,) = mail.outbox
    assert (message.subject, message.body, message.to) == (
        "Onderwerp",
        "Tekst",
        ["lid@example.org"],
    )
    assert message.alternatives[0].content == "<p>Tekst</p>"


def test_send_email_task_without_html_sends_plain_text():
    send_email.call(subject="Onderwerp", body="Tekst", from_email="b@example.org", to=["l@x.org"])

    (message,) = mail.outbox
    assert message.alternatives == []
