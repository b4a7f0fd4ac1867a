#!/usr/bin/env bash
# Static checks: ruff, the OCA mandatory pylint-odoo checks, XML
# well-formedness and the translation files.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$REPO_ROOT"

modules=()
for manifest in */__manifest__.py; do
    modules+=("$(dirname "$manifest")")
done

echo "-- ruff"
"$AR_VENV/bin/ruff" check .
"$AR_VENV/bin/ruff" format --check .

echo "-- pylint-odoo (mandatory checks)"
PYTHONPATH="$ODOO_SRC" "$AR_VENV/bin/pylint" --rcfile=.pylintrc-mandatory "${modules[@]}"

echo "-- XML well-formedness"
"$AR_VENV/bin/python" - <<'PY'
import pathlib
import sys

from lxml import etree

bad = 0
for path in sorted(pathlib.Path(".").rglob("*.xml")):
    if any(part.startswith(".") for part in path.parts):
        continue
    try:
        etree.parse(str(path))
    except etree.XMLSyntaxError as error:
        print(f"{path}: {error}")
        bad += 1
sys.exit(1 if bad else 0)
PY

echo "-- translations"
for po in */i18n/*.po */i18n/*.pot; do
    msgfmt -c -o /dev/null "$po"
done
"$AR_VENV/bin/python" setup/check_translations.py */i18n/ru.po
echo "static checks passed"
