"""/healthz/: the benchmark's ceiling and a check for load balancers. It answers without
touching the database, and only to GET."""

from django.urls import reverse


def test_healthz_answers_ok_without_a_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("core:healthz"))

    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_refuses_a_post(client):
    assert client.post(reverse("core:healthz")).status_code == 405
