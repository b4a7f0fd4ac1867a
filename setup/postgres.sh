# PostgreSQL for the test command. Source it after setup/common.sh, don't run it.
#
# ensure_postgres uses the server on $PGHOST:$PGPORT when it accepts
# connections. Otherwise it starts a throwaway cluster on a free port of
# 127.0.0.1 and exports PGHOST, PGPORT and PGUSER=root for it. The caller
# must then call stop_fallback_postgres on exit, which stops that cluster and
# deletes its files. It does nothing when no throwaway cluster was started.

# Directory of the throwaway cluster (data, socket and log), exported for
# child processes once the cluster runs. It is reset here so that a script
# only ever stops a cluster that it started itself.
export AR_FALLBACK_PGDIR=""

# Make sure a PostgreSQL server accepts connections on $PGHOST:$PGPORT.
ensure_postgres() {
    if pg_isready -h "$PGHOST" -p "$PGPORT" >/dev/null 2>&1; then
        return 0
    fi
    echo "PostgreSQL does not accept connections on $PGHOST:$PGPORT, starting a throwaway cluster"
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

# Print the bin directory of the newest installed PostgreSQL server, or
# nothing when none is installed.
_fallback_postgres_bin() {
    local initdb
    initdb="$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)"
    [ -z "$initdb" ] || dirname "$initdb"
}

_free_local_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Start a cluster with trust authentication whose superuser is root, because
# Odoo rejects the database user postgres. It listens on 127.0.0.1 only.
start_fallback_postgres() {
    local bin dir port
    bin="$(_fallback_postgres_bin)"
    [ -n "$bin" ] \
        || die "no PostgreSQL server accepts connections on $PGHOST:$PGPORT, and no server is installed to start one (looked for /usr/lib/postgresql/*/bin/initdb). Install the Debian package postgresql, or set PGHOST and PGPORT"
    if [ "$(id -u)" -eq 0 ]; then
        id -u postgres >/dev/null 2>&1 \
            || die "cannot start a throwaway PostgreSQL cluster as root: the OS user postgres, which the server would run as, does not exist"
    fi

    dir="$(mktemp -d "${TMPDIR:-/tmp}/ar-postgres.XXXXXX")"
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$dir"
    fi
    if ! _fallback_postgres_run "$bin/initdb" --pgdata="$dir/data" --username=root \
        --auth=trust --encoding=UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        die "initdb of the throwaway PostgreSQL cluster in $dir failed (output above)"
    fi

    # fsync is off because the cluster and its data are deleted when the run
    # ends.
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
    if [ -z "$bin" ] || ! _fallback_postgres_run "$bin/pg_ctl" --pgdata="$dir/data" --mode=fast \
        --wait stop >/dev/null; then
        echo "warning: stopping the throwaway PostgreSQL cluster in $dir failed, so its files are left in place" >&2
        return 0
    fi
    rm -rf "$dir"
    export AR_FALLBACK_PGDIR=""
    echo "throwaway PostgreSQL cluster stopped, $dir deleted"
}
