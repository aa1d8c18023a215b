import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from members.codes import normalise_code
from members.models import ClaimCode, CodeBatch, How, Membership
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_generate_codes_makes_a_batch_and_prints_the_codes():
    out, err = run("generate_codes", "--count", "7", "--label", "Tweede druk")
    batch = CodeBatch.objects.get()
    assert batch.label == "Tweede druk" and batch.size == 7
    printed = out.split()
    assert len(printed) == 7
    assert {normalise_code(code) for code in printed} == set(
        ClaimCode.objects.values_list("code", flat=True)
    )
    assert all(len(code) == 19 and code.count("-") == 3 for code in printed)
    assert "Tweede druk" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0", "--label", "x"], "--count must be between 1 and 10000"),
        (["--count", "3", "--label", "  "], "--label must not be empty"),
    ],
)
def test_generate_codes_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        run("generate_codes", *args)
    assert not CodeBatch.objects.exists()


def test_load_demo_members_makes_author_members_curator_and_codes():
    out, _err = run("load_demo_members")

    author = Membership.objects.get(number=1)
    assert author.user.email == "schrijvers@example.org" and author.how == How.PRINTED
    assert Membership.objects.count() == 13
    curator = get_user_model().objects.get(email="redactie@example.org")
    assert curator.is_staff and curator.check_password("lees-het-boek-2026")
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 14
    assert CodeBatch.objects.get().codes.count() == 5
    assert "Demo claim code: " in out and "/exemplaar/code/" in out
    assert "redactie@example.org / lees-het-boek-2026" in out


def test_load_demo_members_twice_changes_nothing():
    run("load_demo_members")
    before = list(Membership.objects.values_list("number", "user__email"))
    run("load_demo_members")
    assert list(Membership.objects.values_list("number", "user__email")) == before
    assert CodeBatch.objects.count() == 1 and ClaimCode.objects.count() == 5
    assert get_user_model().objects.count() == 14


def test_load_demo_members_leaves_a_taken_number_one_alone():
    MembershipFactory(number=1)
    run("load_demo_members")
    author = Membership.objects.get(user__email="schrijvers@example.org")
    assert author.number == 2
