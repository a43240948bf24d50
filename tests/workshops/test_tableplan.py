"""The table plan: every table mixes perspectives as evenly as it can, companions sit with the
person they support, people meet new people in each round, and organisers can move people."""

from collections import Counter

import pytest
from django.urls import reverse

from codesign.core.models import AuditEntry
from tests.factories import WorkshopFactory
from tests.workshops.registrants_support import CARER, PATIENT, PROFESSIONAL, YOUNG, registered
from workshops.models import Registration, Seat, TablePlan
from workshops.registrants import Unit, repeated_meetings, seat_units, table_plan_build

Status = Registration.Status


@pytest.fixture
def workshop(programme):
    return WorkshopFactory(programme=programme, title="Mapping the clinic visit", capacity=40)


@pytest.fixture
def signed_in(client, organiser, with_mfa):
    client.force_login(with_mfa(organiser))
    return client


def url(workshop):
    return reverse("workshops:table_plan", args=[workshop.pk])


def move_url(workshop):
    return reverse("workshops:table_plan_move", args=[workshop.pk])


def twelve(workshop):
    """4 patients, 4 carers and 4 health professionals."""
    return [
        registered(workshop, f"{label} {i}", [perspective])
        for label, perspective in (("Patient", PATIENT), ("Carer", CARER), ("Pro", PROFESSIONAL))
        for i in range(1, 5)
    ]


def tables_of(plan, round_number=1):
    tables = {}
    for seat in Seat.objects.filter(plan=plan, round=round_number).select_related("registration"):
        tables.setdefault(seat.table, []).append(seat.registration)
    return tables


def units(groups):
    return [Unit(id=i, size=1, group=group) for i, group in enumerate(groups)]


# The seating itself


def test_each_table_gets_an_even_mix_of_perspectives():
    people = units([PATIENT] * 4 + [CARER] * 4 + [PROFESSIONAL] * 4)

    (seating,) = seat_units(people, tables=4, rounds=1)

    for table in range(1, 5):
        groups = Counter(people[i].group for i, t in seating.items() if t == table)
        assert groups == {PATIENT: 1, CARER: 1, PROFESSIONAL: 1}


def test_uneven_groups_are_spread_so_no_table_has_two_more_of_a_perspective():
    people = units([PATIENT] * 7 + [CARER] * 3 + [PROFESSIONAL] * 5 + [YOUNG] * 2)

    (seating,) = seat_units(people, tables=4, rounds=1)

    for group in (PATIENT, CARER, PROFESSIONAL, YOUNG):
        counts = Counter(t for i, t in seating.items() if people[i].group == group)
        per_table = [counts.get(t, 0) for t in range(1, 5)]
        assert max(per_table) - min(per_table) <= 1
    sizes = Counter(seating.values())
    assert max(sizes.values()) - min(sizes.values()) <= 1


def test_a_companion_takes_a_seat_so_tables_stay_the_same_size():
    people = (
        [Unit(id=0, size=2, group=PATIENT)]
        + units([CARER] * 4)[1:]
        + [Unit(id=4, size=1, group=PROFESSIONAL)]
    )

    (seating,) = seat_units(people, tables=2, rounds=1)

    seats = Counter()
    for unit in people:
        seats[seating[unit.id]] += unit.size
    assert sorted(seats.values()) == [3, 3]


def test_in_later_rounds_people_meet_people_they_have_not_sat_with():
    people = units([PATIENT] * 4 + [CARER] * 4 + [PROFESSIONAL] * 4)

    plan = seat_units(people, tables=4, rounds=3)

    naive = [plan[0]] * 3
    assert repeated_meetings(naive) == 24
    assert repeated_meetings(plan) == 0
    for seating in plan:  # still mixed in every round
        for table in range(1, 5):
            assert len({people[i].group for i, t in seating.items() if t == table}) == 3


def test_a_large_workshop_with_five_rounds_has_few_repeated_meetings():
    groups = [PATIENT, CARER, YOUNG, PROFESSIONAL, "manager"]
    people = [Unit(id=i, size=2 if i % 9 == 0 else 1, group=groups[i % 5]) for i in range(60)]

    plan = seat_units(people, tables=8, rounds=5)

    assert repeated_meetings(plan) < repeated_meetings([plan[0]] * 5) // 10


def test_the_same_people_always_get_the_same_plan():
    people = units([PATIENT] * 5 + [CARER] * 3 + [PROFESSIONAL] * 6)

    assert seat_units(people, tables=3, rounds=3) == seat_units(people, tables=3, rounds=3)


# Making the plan


def test_organiser_makes_a_plan_of_everyone_with_a_confirmed_place(signed_in, workshop, organiser):
    people = twelve(workshop)
    registered(workshop, "Waiting Wyn", status=Status.WAITLISTED)
    registered(workshop, "Offered Olu", status=Status.OFFERED)

    response = signed_in.post(url(workshop), {"tables": "4", "rounds": "1"})

    assert response.status_code == 302
    plan = TablePlan.objects.get(workshop=workshop)
    assert (plan.tables, plan.rounds, plan.created_by) == (4, 1, organiser)
    assert Seat.objects.filter(plan=plan).count() == 12
    for members in tables_of(plan).values():
        assert Counter(r.perspectives[0] for r in members) == {
            PATIENT: 1,
            CARER: 1,
            PROFESSIONAL: 1,
        }
    assert {r.pk for m in tables_of(plan).values() for r in m} == {p.pk for p in people}
    assert AuditEntry.objects.filter(action="workshops.table_plan.built").exists()
    page = signed_in.get(response.url).content.decode()
    assert "The table plan is ready: 4 tables, 1 round." in page
    assert "1 patient, 1 carer and 1 health professional" in page


def test_people_appear_in_their_own_words_with_a_mix_line_per_table(signed_in, workshop):
    registered(workshop, "Ade", [PATIENT], described_as="expert by experience")
    registered(workshop, "Cai", [PROFESSIONAL])
    signed_in.post(url(workshop), {"tables": "1", "rounds": "1"})

    page = signed_in.get(url(workshop)).content.decode()

    assert "Ade (expert by experience)" in page
    assert "Cai</strong>, health professional" in page
    assert "1 patient and 1 health professional" in page


def test_a_companion_sits_at_the_same_table_as_the_person_they_support(signed_in, workshop):
    ade = registered(workshop, "Ade", [PATIENT], companion_name="Bola")
    for i in range(3):
        registered(workshop, f"Carer {i}", [CARER])
    registered(workshop, "Pro", [PROFESSIONAL])

    signed_in.post(url(workshop), {"tables": "2", "rounds": "2"})

    page = signed_in.get(url(workshop)).content.decode()
    for round_number in (1, 2):
        seat = Seat.objects.get(registration=ade, round=round_number)
        table = page.split(f'id="round-{round_number}-table-{seat.table}"')[1].split("</section>")[
            0
        ]
        assert "Ade" in table and "with Bola (companion)" in table
        assert "(3 seats)" in table
    assert page.count("(3 seats)") == 4


def test_rounds_bring_people_together_with_people_they_have_not_met(signed_in, workshop):
    twelve(workshop)

    signed_in.post(url(workshop), {"tables": "4", "rounds": "3"})

    plan = TablePlan.objects.get(workshop=workshop)
    seating = [{s.registration_id: s.table for s in plan.seats.filter(round=n)} for n in (1, 2, 3)]
    assert repeated_meetings(seating) == 0
    page = signed_in.get(url(workshop)).content.decode()
    assert "Round 1 of 3" in page and "Round 3 of 3" in page
    assert '<th scope="col">Round 3</th>' in page


def test_a_new_plan_replaces_the_old_one(signed_in, workshop):
    twelve(workshop)
    signed_in.post(url(workshop), {"tables": "4", "rounds": "1"})
    first = TablePlan.objects.get(workshop=workshop)

    signed_in.post(url(workshop), {"tables": "3", "rounds": "2"})

    plan = TablePlan.objects.get(workshop=workshop)
    assert plan.pk != first.pk
    assert (plan.tables, plan.rounds) == (3, 2)
    assert Seat.objects.count() == 24


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tables": "0", "rounds": "1"}, "Have at least 1 table."),
        ({"tables": "31", "rounds": "1"}, "Have no more than 30 tables."),
        ({"tables": "2", "rounds": "6"}, "Have no more than 5 rounds."),
        ({"tables": "two", "rounds": "1"}, "Enter the number of tables as a whole number"),
        ({"tables": "13", "rounds": "1"}, "12 people have a confirmed place, so choose 12 tables"),
    ],
)
def test_bad_numbers_get_a_clear_message_and_change_nothing(signed_in, workshop, data, message):
    twelve(workshop)

    response = signed_in.post(url(workshop), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-describedby="' in page
    assert not TablePlan.objects.exists()


def test_nobody_to_seat_is_said_plainly(signed_in, workshop):
    response = signed_in.post(url(workshop), {"tables": "2", "rounds": "1"})

    assert response.status_code == 400
    assert "Nobody has a confirmed place yet" in response.content.decode()


# Moving people


def test_moving_someone_takes_their_companion_with_them(signed_in, workshop):
    ade = registered(workshop, "Ade", [PATIENT], companion_name="Bola")
    for i in range(5):
        registered(workshop, f"Carer {i}", [CARER])
    signed_in.post(url(workshop), {"tables": "2", "rounds": "2"})
    seat = Seat.objects.get(registration=ade, round=2)
    other_table = 1 if seat.table == 2 else 2

    response = signed_in.post(
        move_url(workshop), {"registration": ade.pk, "round": "2", "table": str(other_table)}
    )

    assert response.status_code == 302
    assert response.url.endswith(f"#person-{ade.pk}")
    seat.refresh_from_db()
    assert seat.table == other_table
    assert Seat.objects.get(registration=ade, round=1).table != 0  # round 1 unchanged
    page = signed_in.get(url(workshop)).content.decode()
    assert f"Ade with Bola now sits at table {other_table} in round 2." in page
    table = page.split(f'id="round-2-table-{other_table}"')[1].split("</section>")[0]
    assert "Ade" in table and "with Bola (companion)" in table


def test_moving_to_a_table_that_does_not_exist_changes_nothing(signed_in, workshop):
    ade = registered(workshop, "Ade")
    registered(workshop, "Bea")
    signed_in.post(url(workshop), {"tables": "2", "rounds": "1"})
    before = Seat.objects.get(registration=ade).table

    response = signed_in.post(
        move_url(workshop), {"registration": ade.pk, "round": "1", "table": "9"}, follow=True
    )

    assert "Choose a table from 1 to 2." in response.content.decode()
    assert Seat.objects.get(registration=ade).table == before


def test_someone_who_got_a_place_after_the_plan_can_be_seated(signed_in, workshop):
    registered(workshop, "Ade")
    registered(workshop, "Bea")
    signed_in.post(url(workshop), {"tables": "2", "rounds": "1"})
    late = registered(workshop, "Late Lou")
    gone = Registration.objects.get(user__profile__display_name="Bea")
    gone.status = Status.CANCELLED
    gone.save()

    page = signed_in.get(url(workshop)).content.decode()
    assert "Not seated yet:</strong> Late Lou." in page
    assert "Bea" not in page

    signed_in.post(move_url(workshop), {"registration": late.pk, "round": "1", "table": "2"})

    assert Seat.objects.get(registration=late).table == 2
    assert "Not seated yet" not in signed_in.get(url(workshop)).content.decode()


def test_people_without_a_confirmed_place_cannot_be_moved_in(signed_in, workshop):
    registered(workshop, "Ade")
    signed_in.post(url(workshop), {"tables": "1", "rounds": "1"})
    waiting = registered(workshop, "Wyn", status=Status.WAITLISTED)

    response = signed_in.post(
        move_url(workshop), {"registration": waiting.pk, "round": "1", "table": "1"}, follow=True
    )

    assert "doesn&#x27;t have a confirmed place" in response.content.decode()
    assert not Seat.objects.filter(registration=waiting).exists()


# Printing


def test_the_plan_prints_each_round_on_a_page_with_a_list_by_person(signed_in, workshop):
    twelve(workshop)
    signed_in.post(url(workshop), {"tables": "4", "rounds": "3"})

    page = signed_in.get(url(workshop)).content.decode()

    assert 'href="/static/css/print.css" media="print"' in page
    assert page.count('class="plan-round print-page"') == 3
    assert 'id="by-person"' in page
    assert page.count('class="move-form"') == 12


# Who may


@pytest.fixture
def planned(workshop):
    twelve(workshop)
    table_plan_build(workshop=workshop, tables=4, rounds=1, by=None)
    return workshop


def _every_action(client, workshop):
    person = Registration.objects.filter(workshop=workshop).first()
    return [
        client.get(url(workshop)),
        client.post(url(workshop), {"tables": "2", "rounds": "1"}),
        client.post(move_url(workshop), {"registration": person.pk, "round": "1", "table": "2"}),
    ]


def test_reviewer_and_other_organisers_find_nothing_and_change_nothing(
    client, planned, reviewer, other_organiser, with_mfa
):
    before = list(Seat.objects.values_list("registration_id", "table"))
    for person in (reviewer, other_organiser):
        client.force_login(with_mfa(person))
        assert [r.status_code for r in _every_action(client, planned)] == [404] * 3
    assert TablePlan.objects.get().tables == 4
    assert list(Seat.objects.values_list("registration_id", "table")) == before


def test_participant_is_refused(client, planned, patient):
    client.force_login(patient)

    assert [r.status_code for r in _every_action(client, planned)] == [403] * 3


def test_visitor_is_asked_to_sign_in(client, planned):
    for response in _every_action(client, planned):
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_site_admin_makes_a_plan(client, admin, with_mfa, workshop):
    twelve(workshop)
    client.force_login(with_mfa(admin))

    client.post(url(workshop), {"tables": "3", "rounds": "1"})

    assert TablePlan.objects.get(workshop=workshop).tables == 3


@pytest.mark.parametrize(("name", "wrong"), [("table_plan", "put"), ("table_plan_move", "get")])
def test_wrong_method_is_refused(signed_in, planned, name, wrong):
    response = getattr(signed_in, wrong)(reverse(f"workshops:{name}", args=[planned.pk]))

    assert response.status_code == 405


@pytest.mark.parametrize("count", [5, 100])
def test_plan_page_runs_the_same_number_of_queries_however_many_people(
    signed_in, workshop, count, django_assert_num_queries
):
    groups = [PATIENT, CARER, PROFESSIONAL, YOUNG]
    for i in range(count):
        registered(workshop, f"Person {i}", [groups[i % 4]], companion_name="Pal" * (i % 7 == 0))
    table_plan_build(workshop=workshop, tables=min(count, 10), rounds=3, by=None)

    # session, user, roles, MFA, workshop, people, plan, seats
    with django_assert_num_queries(8):
        response = signed_in.get(url(workshop))

    assert response.content.decode().count('class="move-form"') == count
