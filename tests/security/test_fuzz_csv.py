"""The readers of what people upload or paste, given anything at all (hypothesis): the
invitations' CSV file and pasted list, and the checks of workshop files and receipts. Each
either reads it or refuses it with a plain ValidationError; nothing else ever comes out."""

import time

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given
from hypothesis import strategies as st

from bursaries.services import receipt_type
from programmes.services import (
    INVITATION_MAX_BYTES,
    Entry,
    invitation_csv_parse,
    invitation_list_parse,
)
from tests.security.fuzz_support import examples, text
from workshops.services import _material_type

FUZZ = examples(50)

HEADERS = ["email", "Email", "E-mail address", "name", "first name", "surname", "x", ""]
CELLS = st.one_of(
    text,
    st.sampled_from(["sam@example.org", "Sam <sam@example.org>", "=1+1", '"', '""', "\x00"]),
)


@st.composite
def csv_files(draw) -> bytes:
    """Files that look a bit, a lot, or not at all like a spreadsheet saved as CSV."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.lists(st.one_of(st.sampled_from(HEADERS), text), min_size=0, max_size=4))
    rows = draw(st.lists(st.lists(CELLS, max_size=5), max_size=8))
    body = end.join(delimiter.join(row) for row in [header, *rows])
    raw = body.encode("utf-8", "surrogatepass")
    prefix = draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00"]))
    return prefix + raw


def _read(content: bytes) -> list[Entry] | str:
    try:
        return invitation_csv_parse(SimpleUploadedFile("people.csv", content))
    except ValidationError as error:
        return " ".join(error.messages)


@FUZZ
@given(content=st.one_of(csv_files(), st.binary(max_size=3000)))
def test_any_csv_file_is_read_or_refused_in_words(content):
    result = _read(content)

    if isinstance(result, str):
        assert result[:1].isupper(), result[:200]
    else:
        assert all(isinstance(entry, Entry) for entry in result)
        assert all(isinstance(entry.email, str) and isinstance(entry.name, str) for entry in result)


def test_a_csv_file_over_one_megabyte_is_refused_before_it_is_read():
    content = b"email\n" + b"sam@example.org\n" * (INVITATION_MAX_BYTES // 16 + 10)

    assert "bigger than 1 MB" in _read(content)


def test_a_csv_cell_bigger_than_the_csv_reader_allows_is_refused_in_words():
    content = b"email\n" + b"a" * 200_000 + b"@example.org\n"

    assert "could not read this file as CSV" in _read(content)


@FUZZ
@given(pasted=st.one_of(text, st.lists(CELLS, max_size=30).map("\n".join)))
def test_any_pasted_list_is_read_or_refused_in_words(pasted):
    try:
        entries = invitation_list_parse(pasted)
    except ValidationError as error:
        assert "addresses" in " ".join(error.messages)
    else:
        assert all(isinstance(entry, Entry) for entry in entries)


def test_a_pasted_megabyte_of_spaces_is_read_quickly():
    started = time.perf_counter()

    entries = invitation_list_parse("Sam" + " " * 1_000_000 + "<sam@example.org>")

    assert entries == [Entry("sam@example.org", "Sam", 1)]
    assert time.perf_counter() - started < 5


@FUZZ
@given(
    name=st.sampled_from(["a.pdf", "a.txt", "a.png", "a.docx", "a.svg", "a", "A.TXT"]),
    content=st.one_of(
        st.binary(max_size=3000),
        text.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=200).map(lambda b: b"%PDF-1.4\n" + b),
        st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    ),
)
def test_file_type_checks_answer_any_content(name, content):
    upload = SimpleUploadedFile(name, content)

    material = _material_type(upload)
    receipt = receipt_type(upload)

    for found in (material, receipt):
        assert found is None or (isinstance(found[0], str) and isinstance(found[1], str))
    # A file they call text must really be plain text: never markup a browser could run.
    if material is not None and material[1] == "txt":
        assert b"<" not in content.lower() or b"<script" not in content.lower()
    assert upload.tell() == 0
