# PostgreSQL for the test command. Source it after setup/common.sh, don't run it.
#
# ensure_postgres uses the server on $PGHOST:$PGPORT when one answers. When
# none does, it starts a throwaway cluster on a free port of 127.0.0.1 and
# exports PGHOST, PGPORT and PGUSER=root for it. The caller must then call
# stop_fallback_postgres on exit, which stops that cluster and deletes its
# files; it does nothing when no throwaway cluster was started.

# Directory of the throwaway cluster (data, socket and log), empty when none runs.
export AR_FALLBACK_PGDIR="${AR_FALLBACK_PGDIR:-}"

# Make sure a PostgreSQL server answers on $PGHOST:$PGPORT.
ensure_postgres() {
    if pg_isready -h "$PGHOST" -p "$PGPORT" >/dev/null 2>&1; then
        return 0
    fi
    echo "PostgreSQL does not answer on $PGHOST:$PGPORT; starting a throwaway cluster"
    start_fallback_postgres
}

# Run a PostgreSQL server program. The server refuses to run as root, so
# under root it runs as the OS user postgres.
_fallback_postgres_run() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_fallback_postgres_bin() {
    local initdb
    initdb="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
    [ -n "$initdb" ] \
        || die "no PostgreSQL server answers on $PGHOST:$PGPORT and none is installed to start one (looked for /usr/lib/postgresql/*/bin/initdb); install the Debian package postgresql or set PGHOST and PGPORT"
    dirname "$initdb"
}

_free_local_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Start a cluster with trust authentication whose superuser is root (Odoo
# refuses to connect as postgres), listening on 127.0.0.1 only.
start_fallback_postgres() {
    local bin dir port
    bin="$(_fallback_postgres_bin)"
    if [ "$(id -u)" -eq 0 ]; then
        id -u postgres >/dev/null 2>&1 \
            || die "cannot start a throwaway PostgreSQL cluster as root: the OS user postgres, which the server would run as, does not exist"
    fi

    dir="$(mktemp -d "${TMPDIR:-/tmp}/ar-postgres.XXXXXX")"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    if ! _fallback_postgres_run "$bin/initdb" --pgdata="$dir/data" --username=root \
        --auth=trust --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        die "initdb of the throwaway PostgreSQL cluster in $dir failed (output above)"
    fi

    # fsync is off because the cluster only lives for this run; its data is
    # deleted on exit anyway.
    port="$(_free_local_port)"
    if ! _fallback_postgres_run "$bin/pg_ctl" --pgdata="$dir/data" \
        --log="$dir/postgres.log" --wait --timeout=60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" \
        start >/dev/null; then
        cat "$dir/postgres.log" >&2
        rm -rf "$dir"
        die "the throwaway PostgreSQL cluster did not start on 127.0.0.1:$port (server log above)"
    fi

    export AR_FALLBACK_PGDIR="$dir"
    export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=root
    echo "throwaway PostgreSQL cluster running on $PGHOST:$PGPORT, files in $dir"
}

# Stop the throwaway cluster started by ensure_postgres and delete its files.
stop_fallback_postgres() {
    local dir="${AR_FALLBACK_PGDIR:-}"
    [ -n "$dir" ] || return 0
    local bin
    bin="$(_fallback_postgres_bin)"
    if ! _fallback_postgres_run "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast \
        --wait stop >/dev/null; then
        echo "warning: stopping the throwaway PostgreSQL cluster in $dir failed; its files are left in place" >&2
        return 0
    fi
    rm -rf "$dir"
    export AR_FALLBACK_PGDIR=""
    echo "throwaway PostgreSQL cluster stopped, $dir deleted"
}
