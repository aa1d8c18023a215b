"""Background tasks of the project package. Arguments are plain JSON (strings and lists)
because the database backend stores them in a row until a worker picks them up."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string


@task
def send_email(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html_body: str | None = None,
    headers: dict[str, str] | None = None,
    attachments: list[list[str]] | None = None,
) -> int:
    """Send one rendered e-mail through the default mailer; returns the number sent.

    With the immediate backend (development, tests) this runs inside the request; in
    production `manage.py db_worker` runs it. A failure leaves the task marked FAILED in
    the task results, so a broken mail server does not break the page that sent it.

    `headers`: extra header lines, such as List-Unsubscribe (names and values are
    strings, so the arguments stay plain JSON). `attachments`: [file name, text, MIME
    type] each, such as a meeting's .ics."""
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


def render_email(template: str, context: dict) -> tuple[str, str]:
    """The subject (on one line) and the text of e-mail `template`: the templates
    `<template>_subject.txt` and `<template>_message.txt`, in the active language."""
    subject = render_to_string(f"{template}_subject.txt", context)
    return " ".join(subject.split()), render_to_string(f"{template}_message.txt", context)


def unsubscribe_headers(unsubscribe_url: str) -> dict[str, str]:
    """The one-click unsubscribe headers of RFC 8058 for a mail with that link."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def email_after_commit(
    *,
    subject: str,
    body: str,
    to: str,
    unsubscribe_url: str | None = None,
    attachments: list[list[str]] | None = None,
) -> None:
    """Queue one e-mail to `to` once the current transaction commits (a change that
    rolls back sends nothing), with the one-click unsubscribe headers of RFC 8058 when
    it has an unsubscribe link, and `attachments` ([name, content, type] each)."""
    arguments: dict = {
        "subject": subject,
        "body": body,
        "from_email": settings.DEFAULT_FROM_EMAIL,
        "to": [to],
    }
    if unsubscribe_url:
        arguments["headers"] = unsubscribe_headers(unsubscribe_url)
    if attachments:
        arguments["attachments"] = attachments
    transaction.on_commit(lambda: send_email.enqueue(**arguments))
