#!/usr/bin/env bash
# Create (or update) the virtualenv with Odoo 18.0's requirements and the
# project's own tools. Safe to run again: it skips work already done.
set -euo pipefail
source "$(dirname "$0")/common.sh"
check_odoo_src

stamp="$AR_VENV/.ar-collections-stamp"
want="$(cat "$ODOO_SRC/requirements.txt" "$REPO_ROOT/setup/requirements-dev.txt" | sha256sum | cut -c1-16)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "virtualenv $AR_VENV is up to date"
    exit 0
fi

# python-ldap builds against these Debian headers; psycopg2 needs pg_config;
# Odoo prints PDF reports (invoices, statements) with wkhtmltopdf, and the
# report tests read the printed PDF's text with pdftotext (poppler-utils).
missing=()
for pkg in libldap2-dev libsasl2-dev libpq-dev gettext wkhtmltopdf poppler-utils; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if [ ! -x "$AR_VENV/bin/python" ]; then
    python3 -m venv "$AR_VENV"
fi
pip="$AR_VENV/bin/pip"
"$pip" install -q --upgrade pip wheel 'setuptools<70' 'setuptools_scm<8'
# cbor2 5.4.2 only builds with the old setuptools already in the venv.
"$pip" install -q --no-build-isolation 'cbor2==5.4.2'
"$pip" install -q -r "$ODOO_SRC/requirements.txt"
"$pip" install -q -r "$REPO_ROOT/setup/requirements-dev.txt"
echo "$want" > "$stamp"
echo "virtualenv ready: $AR_VENV"
