#!/usr/bin/env bash
# Start Odoo on 127.0.0.1:8069 (AR_HTTP_PORT) for one database.
# Usage: setup/start_odoo.sh DATABASE [extra odoo-bin options]
set -euo pipefail
source "$(dirname "$0")/common.sh"
check_odoo_src
database="${1:?usage: $0 DATABASE [odoo-bin options]}"
shift
config="$(write_odoo_config "${AR_CONFIG:-$HOME/.cache/ar-collections/odoo.conf}")"
exec "$AR_VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$config" -d "$database" \
    --db-filter="^${database}\$" --http-interface=127.0.0.1 \
    --http-port="${AR_HTTP_PORT:-8069}" "$@"
