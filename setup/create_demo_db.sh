#!/usr/bin/env bash
# Create a database with ar_collections installed and the reference dataset
# loaded. Usage: setup/create_demo_db.sh DATABASE
set -euo pipefail
source "$(dirname "$0")/common.sh"
check_odoo_src
database="${1:?usage: $0 DATABASE}"
csv="${AR_DATASET_CSV:-$DATASETS_DIR/ar_invoices_2012_2013.csv}"
[ -f "$csv" ] || die "dataset not found: $csv (set AR_DATASET_CSV)"

bash "$REPO_ROOT/setup/install_env.sh"
config="$(write_odoo_config "${AR_CONFIG:-$HOME/.cache/ar-collections/odoo.conf}")"
if psql -lqt | cut -d'|' -f1 | grep -qw "$database"; then
    die "database $database exists already; drop it or choose another name"
fi
odoo_bin -c "$config" -d "$database" -i ar_collections --stop-after-init --log-level=warn
odoo_python "$REPO_ROOT/setup/load_dataset.py" -c "$config" -d "$database" --csv "$csv"
echo "database $database ready; start Odoo with: bash setup/start_odoo.sh $database"
