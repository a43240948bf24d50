import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from bursaries.models import Application, ApplicationItem, BursaryScheme, CostType, Criterion
from tests.factories import ProgrammeFactory, UserFactory


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BursaryScheme

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Travel and care bursary {n}")
    budget = Decimal("1000.00")
    max_award = Decimal("300.00")
    eligible_perspectives = factory.LazyFunction(lambda: ["patient", "carer", "young_person"])
    covers = factory.LazyFunction(
        lambda: [CostType.TRAVEL, CostType.CARE, CostType.INVOLVEMENT, CostType.OVERNIGHT]
    )
    involvement_rate = Decimal("25.00")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=21))
    information = "Travel and care costs are paid back within two weeks of your claim."


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    scheme = factory.SubFactory(SchemeFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application asking for `amount` of travel."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    scheme = factory.SubFactory(SchemeFactory)
    applicant = factory.SubFactory(UserFactory)
    statement = "The train fare would stop me coming."
    status = Application.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create:
            ApplicationItem.objects.create(
                application=self, cost_type=CostType.TRAVEL, amount=self._amount
            )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        amount = kwargs.pop("amount", Decimal("100.00"))
        obj = super()._create(model_class, *args, **kwargs)
        obj._amount = amount
        return obj


def png_bytes() -> bytes:
    """A 1 by 1 white PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        return struct.pack(">I", len(body)) + kind + body + crc

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"
