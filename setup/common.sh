# Shared settings for the setup and test scripts. Source it, don't run it.
#
# ODOO_SRC    Odoo 18.0 Community source tree (default /opt/odoo-18.0)
# AR_VENV     virtualenv with Odoo's requirements and our tools
#             (default ~/.cache/ar-collections/venv-18.0)
# PGHOST, PGPORT, PGUSER  PostgreSQL server (default 127.0.0.1, 5432, root)

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo-18.0}"
AR_VENV="${AR_VENV:-$HOME/.cache/ar-collections/venv-18.0}"
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-root}"
DATASETS_DIR="${DATASETS_DIR:-$REPO_ROOT/../shared/datasets}"

# odoo/addons contains the current core modules in this source tree, and the
# top-level addons/ folder is an older copy, so odoo/addons must come first.
ADDONS_PATH="$ODOO_SRC/odoo/addons,$ODOO_SRC/addons,$REPO_ROOT"

die() {
    echo "error: $*" >&2
    exit 1
}

check_odoo_src() {
    local release="$ODOO_SRC/odoo/release.py"
    [ -f "$release" ] || die "Odoo source not found: looked for $release (set ODOO_SRC to an Odoo 18.0 source tree)"
    grep -Eq '^version_info = \(18, 0,' "$release" \
        || die "Odoo source at $ODOO_SRC is not 18.0: $release has $(grep -E '^version_info' "$release")"
}

odoo_bin() {
    "$AR_VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS_PATH" \
        --db_host="$PGHOST" --db_port="$PGPORT" --db_user="$PGUSER" "$@"
}

# Write an Odoo configuration file for this environment and print its path.
write_odoo_config() {
    local path="$1"
    cat > "$path" <<CONF
[options]
addons_path = $ADDONS_PATH
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
data_dir = ${AR_DATA_DIR:-$HOME/.cache/ar-collections/data}
without_demo = all
CONF
    echo "$path"
}

odoo_python() {
    PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$AR_VENV/bin/python" "$@"
}
