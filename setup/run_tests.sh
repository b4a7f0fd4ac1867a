#!/usr/bin/env bash
# Run every test and static check of the project:
#   1. static checks (ruff, pylint-odoo mandatory checks, XML, translations);
#   2. a fresh database with our modules installed, and their Odoo tests run
#      on it with pytest-odoo;
#   3. a template database with the reference dataset loaded once, copied
#      for the repository-level tests in tests/.
# Exits non-zero when a check or test fails, errors or is skipped, or when
# no test ran. Databases it creates are dropped at the end.
set -euo pipefail
source "$(dirname "$0")/common.sh"
check_odoo_src
echo "Odoo source: $ODOO_SRC ($(grep -E '^version_info' "$ODOO_SRC/odoo/release.py"))"

bash "$REPO_ROOT/setup/install_env.sh"
source "$REPO_ROOT/setup/postgres.sh"
ensure_postgres

# The collection run attaches PDF reports, which Odoo prints with
# wkhtmltopdf.
if ! command -v wkhtmltopdf >/dev/null 2>&1; then
    echo "installing Debian's wkhtmltopdf for PDF reports"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wkhtmltopdf >/dev/null
fi

# The penalty report test reads the printed PDF's text with pdftotext, and
# fails without it.
if ! command -v pdftotext >/dev/null 2>&1; then
    echo "installing Debian's poppler-utils for pdftotext"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null
fi

# Browser tours need Chromium; Odoo skips them without it, and a skipped
# test fails this run.
if ! command -v chromium >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tours"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

run_id="$(date +%s)_$$"
module_db="ar_test_$run_id"
template_db="ar_dataset_template_$run_id"
dataset_db="ar_dataset_$run_id"
work_dir="$(mktemp -d)"
config="$(write_odoo_config "$work_dir/odoo.conf")"
# Browser tours run against the test server on this port.
printf 'http_interface = 127.0.0.1\nhttp_port = %s\n' "${AR_TEST_HTTP_PORT:-8269}" >> "$config"

cleanup() {
    for db in "$dataset_db" "$template_db" "$module_db"; do
        dropdb --if-exists "$db" 2>/dev/null || true
    done
    rm -rf "$work_dir"
    stop_fallback_postgres
}
trap cleanup EXIT

echo "== Static checks"
bash "$REPO_ROOT/setup/static_checks.sh"

modules="$(cd "$REPO_ROOT" && ls -d */__manifest__.py | xargs -n1 dirname | paste -sd, -)"
module_tests=()
for module in ${modules//,/ }; do
    [ -d "$REPO_ROOT/$module/tests" ] && module_tests+=("$module/tests")
done

echo "== Installing $modules into $module_db"
odoo_bin -c "$config" -d "$module_db" -i "$modules" --stop-after-init \
    --log-level=warn 2>&1 | tee "$work_dir/install.log"
if grep -Eq " (ERROR|CRITICAL) " "$work_dir/install.log"; then
    die "installing the modules logged errors (see above)"
fi

run_pytest() {
    local database="$1" report="$2"
    shift 2
    (cd "$REPO_ROOT" && odoo_python -m pytest \
        --odoo-config="$config" --odoo-database="$database" \
        --junitxml="$report" -o junit_family=xunit1 -rfEs "$@")
}

echo "== Odoo tests of the modules"
set +e
run_pytest "$module_db" "$work_dir/modules.xml" "${module_tests[@]}"
set -e

echo "== Loading the reference dataset into $template_db"
createdb -T "$module_db" "$template_db"
AR_DATASET_CSV="${AR_DATASET_CSV:-$DATASETS_DIR/ar_invoices_2012_2013.csv}"
export AR_DATASET_CSV
[ -f "$AR_DATASET_CSV" ] || die "reference dataset not found: $AR_DATASET_CSV"
odoo_python "$REPO_ROOT/setup/load_dataset.py" -c "$config" -d "$template_db" \
    --csv "$AR_DATASET_CSV"

echo "== Repository-level tests on a copy of the dataset database"
createdb -T "$template_db" "$dataset_db"
export AR_TEMPLATE_DB="$template_db" AR_ODOO_CONFIG="$config"
set +e
run_pytest "$dataset_db" "$work_dir/repo.xml" tests
set -e

"$AR_VENV/bin/python" "$REPO_ROOT/setup/junit_summary.py" \
    "$work_dir/modules.xml" "$work_dir/repo.xml"
