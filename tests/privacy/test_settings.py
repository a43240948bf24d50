"""RETENTION_MONTHS comes from the environment, and a nonsense value stops the site starting."""

import pytest

from tests.core.test_settings import _manage


@pytest.mark.slow_subprocess
@pytest.mark.parametrize(
    ("value", "printed"),
    [("", "24"), ("36", "36")],
)
def test_retention_months_is_read_from_the_environment(tmp_path, value, printed):
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.RETENTION_MONTHS)",
        env={"DEBUG": "true", "VAR_DIR": str(tmp_path), "RETENTION_MONTHS": value},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == printed


@pytest.mark.slow_subprocess
@pytest.mark.parametrize("value", ["0", "two years"])
def test_a_retention_period_that_makes_no_sense_is_refused(tmp_path, value):
    result = _manage(
        "check", env={"DEBUG": "true", "VAR_DIR": str(tmp_path), "RETENTION_MONTHS": value}
    )

    assert result.returncode != 0
    assert "RETENTION_MONTHS" in result.stderr
