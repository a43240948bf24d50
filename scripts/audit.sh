#!/usr/bin/env bash
# A vulnerability audit of the locked dependencies (requirements.txt and requirements-dev.txt)
# with pip-audit against PyPI's advisory data (the PyPA advisory database).
#
# --strict fails when any package could not be checked, so an audit that could not see the
# advisories never passes quietly. If the advisory service can't be reached at all (a machine
# whose network only lets package downloads through), this says so loudly and exits 3, or 0
# when AUDIT_OFFLINE_OK=true (CI on such a machine sets it, and prints the warning).
set -uo pipefail
cd "$(dirname "$0")/.."
PIP_AUDIT="${PIP_AUDIT:-.venv/bin/pip-audit}"

# pip-audit asks PyPI about each pinned version: try that for the pinned Django first.
django_version="$(sed -n 's/^django==\([0-9.]*\).*/\1/p' requirements.txt)"
if ! curl -fsS --max-time 20 "https://pypi.org/pypi/django/${django_version}/json" 2>/dev/null \
    | grep -q '"vulnerabilities"'; then
  echo "WARNING: the vulnerability audit did not run."
  echo "  PyPI's advisory data (https://pypi.org/pypi/<package>/<version>/json) can't be reached from this"
  echo "  machine, so pip-audit can't check the locked dependencies here. Run 'make audit' on a"
  echo "  machine with internet access (the deploy pipeline should)."
  if [ "${AUDIT_OFFLINE_OK:-false}" = "true" ]; then exit 0; fi
  exit 3
fi

status=0
for lock in requirements.txt requirements-dev.txt; do
  echo "Auditing $lock"
  "$PIP_AUDIT" --strict --progress-spinner off --requirement "$lock" --disable-pip --no-deps || status=1
done
exit $status
