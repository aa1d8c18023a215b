"""Seeds the scale-out site's database and Redis, in a process with the servers' own
production settings: `python -m tests.production.scaleout_seed '{"users": 60, ...}'`.

Prints JSON: each user's e-mail and, for those asked for, the key of a logged-in session
stored through Django's SessionStore in the shared Redis, exactly what a login on either
server would have left there."""

import json
import sys


def main(spec: dict) -> dict:
    import django

    django.setup()

    from allauth.account.models import EmailAddress
    from django.contrib.auth import (
        get_user_model,
    )
    from django.contrib.auth.hashers import make_password

    from core.sessions import signed_in_session
    from members.services import code_batch_create

    User = get_user_model()
    # One hash for all: production's PBKDF2 takes a good half second per password.
    password = make_password(spec["password"])
    users = User.objects.bulk_create(
        User(username=f"schaal{i}", email=f"schaal{i}@example.org", password=password)
        for i in range(spec["users"])
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    seeded = []
    for index, user in enumerate(users):
        session_key = None
        if index >= spec["login_by_form"]:
            session_key = signed_in_session(user)
        seeded.append({"email": user.email, "session": session_key})
    batch = code_batch_create(label="Schaaltest", size=1)
    return {"users": seeded, "code": batch.codes.get().display}


if __name__ == "__main__":
    print(json.dumps(main(json.loads(sys.argv[1]))))
