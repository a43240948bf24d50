"""A record of each request someone made about their personal data, and what was done.

People download and erase their own data from "Your data" (privacy:mine); only erasures are
recorded here, so the list shows every erasure. Organisers and site admins record requests that
reach them another way (an email, a phone call), for example from someone without an account.
"""

import calendar
import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (earlier if negative), or that month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


class DataRequest(models.Model):
    class Kind(models.TextChoices):
        ACCESS = "access", "A copy of their data (subject access)"
        ERASURE = "erasure", "Erase their data"

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"

    class Source(models.TextChoices):
        SELF = "self", "By the person, on this website"
        TEAM = "team", "Recorded by the programme team or a site admin"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.TEAM)
    # Emptied once an erasure is done: the record stays, the address does not.
    email = models.EmailField("their email address", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
        help_text="Their account, if they have one.",
    )
    # Whose records it covers: one programme's (an organiser's request), or everything (a site
    # admin's, or the person's own).
    programme = models.ForeignKey(
        "programmes.Programme",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_requests",
    )
    all_programmes = models.BooleanField(default=False)
    received_on = models.DateField("the day the request reached us", default=timezone.localdate)
    identity_check = models.TextField("how you checked who they are", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # How many records of each kind were sent or erased: numbers only.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"Data request {self.pk} ({self.get_kind_display().lower()})"

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

    @property
    def reply_by(self) -> datetime.date:
        """UK GDPR: reply within one month of receiving it (the same day next month, or that
        month's last day when it has no such day)."""
        return add_months(self.received_on, 1)
