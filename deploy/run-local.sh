#!/usr/bin/env bash
# Starts a complete scaled-out Social on loopback for demos and tests: a throwaway PostgreSQL,
# two silos (src/Silo) and two front ends (src/WebFront as Orleans clients), each on its own
# free 127.0.0.1 port. Prints the URLs and pids, waits until both fronts answer
# /health/ready, then runs until Ctrl-C, `deploy/run-local.sh stop`, or --for SECONDS.
#
#   deploy/run-local.sh [--for SECONDS] [--no-build] [--configuration NAME] [--dir DIR]
#   deploy/run-local.sh stop [--dir DIR]
#
# The processes run the Release builds (built first unless --no-build; --configuration Debug
# runs the Debug builds instead, as the test suite does), never `dotnet run`, so two of them
# never race to build the same project. Everything lives in DIR (default
# $SOCIAL_LOCAL_DIR or /tmp/social-local): PostgreSQL's data, logs/*.log and the pid file.
# Settings exported in the environment (Social__..., Admin__ApiKey) reach every process.
# Documented in docs/deployment.md.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${SOCIAL_LOCAL_DIR:-/tmp/social-local}
run_for=""
build=1
configuration=Release
command=start

while (($#)); do
  case $1 in
    stop) command=stop ;;
    --for) run_for=${2:?--for needs SECONDS}; shift ;;
    --no-build) build=0 ;;
    --configuration) configuration=${2:?--configuration needs Release or Debug}; shift ;;
    --dir) dir=${2:?--dir needs a directory}; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-local: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

state=$dir/state
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
pg_user=""
[[ $(id -u) -eq 0 ]] && pg_user=postgres

log() { printf 'run-local: %s\n' "$*"; }

as_pg() {
  if [[ -n $pg_user ]]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi
}

# Exit status 0 when something listens on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Ports come from below the kernel's ephemeral range: a port in it can be taken as the source
# port of any outgoing connection (to PostgreSQL, to a silo) before our process binds it.
ephemeral_start=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
taken=" "
free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((10000 + RANDOM % (ephemeral_start - 10000)))
    if [[ $taken != *" $port "* ]] && ! port_in_use "$port"; then
      taken+="$port "
      echo "$port"
      return 0
    fi
  done
  echo "run-local: no free loopback port found" >&2
  return 1
}

# HTTP status of GET http://127.0.0.1:$1$2, or 000.
http_status() {
  if command -v curl >/dev/null; then
    curl -s -o /dev/null -m 3 -w '%{http_code}' "http://127.0.0.1:$1$2" || echo 000
  else
    (
      exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
      printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$2" >&3
      timeout 3 head -n 1 <&3 | awk '{print $2}'
    ) 2>/dev/null || echo 000
  fi
}

alive() { [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null; }

# Stops one process: SIGTERM (graceful: a silo leaves the membership table), SIGKILL after $2 s.
stop_pid() {
  local pid=$1 grace=$2 name=$3
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 $((grace * 10))); do
    alive "$pid" || { log "stopped $name (pid $pid)"; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  log "killed $name (pid $pid) after ${grace}s"
}

stop_all() {
  [[ -f $state ]] || { log "nothing to stop in $dir"; return 0; }
  # shellcheck disable=SC1090
  source "$state"
  # Fronts first (they hold the clients), then the silos, then PostgreSQL.
  for name in front2 front1 silo2 silo1; do
    pid_var=${name}_pid
    stop_pid "${!pid_var:-}" 15 "$name"
  done
  if [[ -n ${pg_data:-} && -f $pg_data/postmaster.pid ]]; then
    as_pg "$pg_bin/pg_ctl" stop -D "$pg_data" -m fast -w -t 20 >/dev/null && log "stopped PostgreSQL" || log "pg_ctl stop failed"
  fi
  rm -rf "$dir"
}

if [[ $command == stop ]]; then
  if [[ -f $state ]]; then
    # shellcheck disable=SC1090
    source "$state"
    if alive "${script_pid:-}" && [[ ${script_pid:-} != "$$" ]]; then
      # The running script stops everything itself on SIGTERM.
      kill -TERM "$script_pid"
      for _ in $(seq 1 600); do alive "$script_pid" || exit 0; sleep 0.1; done
      log "the script (pid $script_pid) did not finish; stopping its processes directly"
    fi
  fi
  stop_all
  exit 0
fi

# ---- start ----
if [[ -f $state ]]; then
  # shellcheck disable=SC1090
  source "$state"
  if alive "${script_pid:-}"; then
    echo "run-local: already running (pid $script_pid, $dir); use '$0 stop' first" >&2
    exit 1
  fi
  log "cleaning up a previous run that did not stop"
  stop_all
fi

[[ -n $pg_bin && -x $pg_bin/initdb ]] || { echo "run-local: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2; exit 1; }
command -v dotnet >/dev/null || { echo "run-local: the .NET SDK is missing" >&2; exit 1; }

silo_dll=$repo/src/Silo/bin/$configuration/net10.0/Social.Silo.dll
front_dll=$repo/src/WebFront/bin/$configuration/net10.0/Social.WebFront.dll
if ((build)); then
  log "building $configuration (src/Silo, src/WebFront)"
  dotnet build "$repo/src/Silo/Silo.csproj" -c "$configuration" -nologo -v quiet
  dotnet build "$repo/src/WebFront/WebFront.csproj" -c "$configuration" -nologo -v quiet
fi
[[ -f $silo_dll && -f $front_dll ]] || { echo "run-local: build output missing ($silo_dll, $front_dll); run without --no-build" >&2; exit 1; }

mkdir -p "$dir/logs"
chmod 755 "$dir"
pg_root=$dir/pg
pg_data=$pg_root/data
mkdir -p "$pg_root"
[[ -n $pg_user ]] && chown "$pg_user" "$pg_root"

script_pid=$$
pg_port=$(free_port)
silo1_port=$(free_port); silo1_gateway=$(free_port)
silo2_port=$(free_port); silo2_gateway=$(free_port)
silo1_http=$(free_port); silo2_http=$(free_port)
front1_port=$(free_port); front2_port=$(free_port)

write_state() {
  {
    echo "script_pid=$script_pid"
    echo "pg_data=$pg_data"
    for name in silo1 silo2 front1 front2; do
      pid_var=${name}_pid
      echo "${name}_pid=${!pid_var:-}"
    done
  } >"$state"
}
write_state

cleanup() {
  trap - INT TERM EXIT
  log "stopping"
  stop_all
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "PostgreSQL on 127.0.0.1:$pg_port (data in $pg_data, fsync on)"
as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/logs/initdb.log" 2>&1 \
  || as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust --encoding=UTF8 --no-locale >"$dir/logs/initdb.log" 2>&1
as_pg "$pg_bin/pg_ctl" start -D "$pg_data" -l "$pg_root/server.log" -w -t 60 \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$pg_root -c max_connections=300" >/dev/null \
  || { echo "run-local: PostgreSQL did not start; its log:" >&2; tail -n 40 "$pg_root/server.log" >&2; exit 1; }
as_pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -qAt -c "CREATE DATABASE social" >/dev/null
connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=social"

signing_key=${Social__Auth__SigningKey:-$(head -c 32 /dev/urandom | base64)}

# start NAME DLL ENV... -- ARGS...: runs the dll in its own session (Ctrl-C reaches this script
# only, which then stops everything in order) with its build folder as content root.
start() {
  local name=$1 dll=$2; shift 2
  local env=() args=()
  while (($#)) && [[ $1 != -- ]]; do env+=("$1"); shift; done
  (($#)) && shift
  args=("$@")
  (
    cd "$(dirname "$dll")"
    exec env DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production DOTNET_NOLOGO=1 \
      "ConnectionStrings__Social=$connection" "${env[@]}" \
      setsid dotnet "$dll" "${args[@]}" </dev/null >"$dir/logs/$name.log" 2>&1
  ) &
  printf -v "${name}_pid" '%s' "$!"
  disown "$!" 2>/dev/null || true # no "Killed" job notices from bash
  write_state
}

start silo1 "$silo_dll" Social__Cluster__SiloPort="$silo1_port" Social__Cluster__GatewayPort="$silo1_gateway" Social__Cluster__AdvertisedAddress=127.0.0.1 Social__Telemetry__SiloHttpPort="$silo1_http"
start silo2 "$silo_dll" Social__Cluster__SiloPort="$silo2_port" Social__Cluster__GatewayPort="$silo2_gateway" Social__Cluster__AdvertisedAddress=127.0.0.1 Social__Telemetry__SiloHttpPort="$silo2_http"
for n in 1 2; do
  port_var=front${n}_port
  start "front$n" "$front_dll" Social__Cluster__Mode=client "Social__Auth__SigningKey=$signing_key" \
    -- --urls "http://127.0.0.1:${!port_var}"
done

log "silo1   pid $silo1_pid  silo 127.0.0.1:$silo1_port  gateway 127.0.0.1:$silo1_gateway  metrics http://127.0.0.1:$silo1_http/metrics"
log "silo2   pid $silo2_pid  silo 127.0.0.1:$silo2_port  gateway 127.0.0.1:$silo2_gateway  metrics http://127.0.0.1:$silo2_http/metrics"
log "front1  pid $front1_pid  http://127.0.0.1:$front1_port"
log "front2  pid $front2_pid  http://127.0.0.1:$front2_port"
log "logs in $dir/logs"

deadline=$((SECONDS + 120))
for n in 1 2; do
  port_var=front${n}_port
  pid_var=front${n}_pid
  until [[ $(http_status "${!port_var}" /health/ready) == 200 ]]; do
    for name in silo1 silo2 front1 front2; do
      p=${name}_pid
      alive "${!p}" || { echo "run-local: $name exited; its log:" >&2; tail -n 40 "$dir/logs/$name.log" >&2; exit 1; }
    done
    ((SECONDS < deadline)) || { echo "run-local: front$n not ready after 120 s; its log:" >&2; tail -n 40 "$dir/logs/front$n.log" >&2; exit 1; }
    sleep 0.5
  done
done

cat <<EOF
run-local: READY
  front1     http://127.0.0.1:$front1_port
  front2     http://127.0.0.1:$front2_port
  postgres   $connection
  pids       silo1=$silo1_pid silo2=$silo2_pid front1=$front1_pid front2=$front2_pid
  stop       Ctrl-C, or $0 stop${SOCIAL_LOCAL_DIR:+ (with SOCIAL_LOCAL_DIR=$dir)}
EOF

# Says once when a process ends on its own (a crash, or a silo the others voted dead), with the
# end of its log, since the log directory goes away when the script stops.
reported=" "
watch_processes() {
  for name in silo1 silo2 front1 front2; do
    p=${name}_pid
    if [[ $reported != *" $name "* ]] && ! alive "${!p}"; then
      reported+="$name "
      log "$name (pid ${!p}) exited by itself; the end of its log:"
      tail -n 60 "$dir/logs/$name.log" | sed 's/^/  | /'
    fi
  done
}

if [[ -n $run_for ]]; then
  log "running for $run_for s"
  end=$((SECONDS + run_for))
  while ((SECONDS < end)); do watch_processes; sleep 1; done
else
  while :; do watch_processes; sleep 1; done
fi
