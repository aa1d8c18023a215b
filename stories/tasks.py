"""Background tasks of the stories app."""

from django.tasks import task

from .following import digests_send


@task
def send_digests() -> int:
    """The daily digest for every member who follows a chapter, as a task, for a worker
    or scheduler that runs tasks rather than commands; the same as `manage.py
    send_digests`. Safe to run more than once a day: nobody gets a second digest."""
    return digests_send()
