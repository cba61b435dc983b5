# Shell helpers the scripts share; sourced, not run.

# A loopback TCP port nothing listens on right now, below the kernel's ephemeral range (where client connections
# take their local ports).
free_port() {
    local port=$(( 20000 + RANDOM % 12000 ))
    while ss -ltnH "sport = :$port" | grep -q .; do port=$(( port + 1 )); done
    echo "$port"
}

# start_broker DIR [CONFIGURATION LINE …]
# Starts Mosquitto on a free loopback port with its configuration and log in DIR, plus the lines given, and returns
# once it listens; if another process takes the port first, it tries another. Sets broker_port and broker_pid.
start_broker() {
    local dir="$1"
    shift
    local attempt
    for attempt in 1 2 3 4 5; do
        broker_port=$(free_port)
        {
            echo "listener $broker_port 127.0.0.1"
            echo "log_dest file $dir/mosquitto.log"
            echo "set_tcp_nodelay true"
            [ "$(id -u)" -eq 0 ] && echo "user root"
            printf '%s\n' "$@"
        } > "$dir/mosquitto.conf"
        /usr/sbin/mosquitto -c "$dir/mosquitto.conf" > /dev/null 2>&1 &
        broker_pid=$!
        for _ in $(seq 1 100); do
            ss -ltnH "sport = :$broker_port" | grep -q . && return 0
            kill -0 "$broker_pid" 2> /dev/null || break
            sleep 0.05
        done
        kill "$broker_pid" 2> /dev/null || true
    done
    echo "could not start mosquitto; its log:" >&2
    cat "$dir/mosquitto.log" >&2 || true
    return 1
}
