#!/usr/bin/env bash
# A one-node SLURM cluster with accounting on this host, for the test suite and small setups.
# Follows shared/recipes/slurm-one-node.md: munge, MariaDB, slurmdbd, slurmctld and slurmd, run as
# root and without systemd (CI containers have none). Needs the packages `scripts/setup.sh --test`
# installs: slurm-wlm slurmdbd munge mariadb-server.
#
#   scripts/slurm-cluster.sh start    # idempotent: starts what is not running, then waits until the
#                                     # node is idle and sacct answers; a second start is a no-op
#   scripts/slurm-cluster.sh status   # prints each part; exit 0 when the cluster is usable, 3 if not
#   scripts/slurm-cluster.sh stop     # cancels every job, stops the SLURM daemons, and stops MariaDB
#                                     # and munged only if this script started them
#
# Configs go to /etc/slurm/ (slurm.conf, slurmdbd.conf), pid files to /run/slurm/, logs to
# /var/log/slurm/. The node is `hostname`, with CPUs = nproc and RealMemory = MemTotal minus a margin.
# Environment: MATDISC_SLURM_CLUSTER (cluster name, default matdisc), MATDISC_SLURM_WAIT_S (how long
# start waits for each part, default 60).
#
# Concurrent calls (two test files starting the cluster at once) are serialised with flock. Every
# daemon is started with its stdio on a log file and without the lock's descriptor, so a caller
# that pipes this script's output (execa, CI) is not kept waiting by a daemon holding the pipe.
set -euo pipefail

cluster=${MATDISC_SLURM_CLUSTER:-matdisc}
wait_s=${MATDISC_SLURM_WAIT_S:-60}
conf_dir=/etc/slurm
run_dir=/run/slurm
log_dir=/var/log/slurm
mark_dir=/run/matdisc-slurm # records which shared daemons (MariaDB, munged) this script started
node=$(hostname)

log() { printf '[slurm-cluster] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[ "$(id -u)" = 0 ] || die "run as root (the daemons run as root or as their package users)"
for bin in munged slurmctld slurmd slurmdbd mariadbd sbatch sacctmgr; do
  command -v "$bin" >/dev/null || [ -x "/usr/sbin/$bin" ] || die "'$bin' not found: apt-get install slurm-wlm slurmdbd munge mariadb-server"
done
export PATH="$PATH:/usr/sbin:/sbin"

# Runs a daemon detached from this script: new session, stdio on its log, lock fd closed.
spawn() {
  local logfile=$1
  shift
  setsid "$@" </dev/null >>"$logfile" 2>&1 9>&- &
}

# Pid from a pid file, printed only if that process is alive and has the expected name.
live_pid() {
  local pidfile=$1 name=$2 pid
  [ -s "$pidfile" ] || return 1
  pid=$(tr -dc 0-9 <"$pidfile")
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] || return 1
  [ "$(cat "/proc/$pid/comm")" = "$name" ] || return 1
  echo "$pid"
}

# Polls a command until it succeeds or $2 seconds pass.
wait_for() {
  local what=$1 limit=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
  log "$what ready (${SECONDS}s)"
}

munge_ok() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }
mariadb_ok() { mariadb-admin --protocol=socket -u root ping >/dev/null 2>&1; }
slurmdbd_ok() { live_pid "$run_dir/slurmdbd.pid" slurmdbd >/dev/null && sacctmgr -n -P list cluster >/dev/null 2>&1; }
slurmctld_ok() { live_pid "$run_dir/slurmctld.pid" slurmctld >/dev/null && scontrol ping 2>/dev/null | grep -q 'is UP'; }
slurmd_ok() { live_pid "$run_dir/slurmd.pid" slurmd >/dev/null; }
node_state() { sinfo -h -n "$node" -N -o '%T' 2>/dev/null | head -n1; }
node_ok() { case "$(node_state)" in idle | mixed | allocated | completing) return 0 ;; *) return 1 ;; esac }
sacct_ok() {
  local out
  out=$(sacct -n -X -S now-1minutes -o JobID 2>&1) || return 1
  ! grep -qi 'disabled\|error' <<<"$out"
}
ready() { munge_ok && mariadb_ok && slurmdbd_ok && slurmctld_ok && slurmd_ok && node_ok && sacct_ok; }

# --- configs ------------------------------------------------------------------------------------
# Writes $1 from stdin with mode $2; prints "changed" when the content differs from what was there.
install_file() {
  local path=$1 mode=$2 tmp
  tmp=$(mktemp "$path.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
  else
    mv -f "$tmp" "$path"
    echo changed
  fi
}

db_pass() {
  local pass=""
  [ -f "$conf_dir/slurmdbd.conf" ] && pass=$(sed -n 's/^StoragePass=//p' "$conf_dir/slurmdbd.conf" | head -n1)
  [ -n "$pass" ] || pass=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
  echo "$pass"
}

write_configs() {
  local cpus mem_mb real_mb pass changed=""
  cpus=$(nproc)
  mem_mb=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024))
  # Margin for the OS and the daemons: 10%, at least 256 MB (slurmd drains a node that has less
  # memory than RealMemory says, and the kernel reports a little less than MemTotal at times).
  real_mb=$((mem_mb - (mem_mb / 10 > 256 ? mem_mb / 10 : 256)))
  [ "$real_mb" -ge 256 ] || real_mb=$((mem_mb / 2))
  pass=$(db_pass)
  mkdir -p "$conf_dir" "$run_dir" "$log_dir" /var/spool/slurmctld /var/spool/slurmd "$mark_dir"

  changed+=$(install_file "$conf_dir/slurmdbd.conf" 600 <<EOF
# Written by matdisc scripts/slurm-cluster.sh; rewritten on every start.
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=$pass
StorageLoc=slurm_acct_db
LogFile=$log_dir/slurmdbd.log
PidFile=$run_dir/slurmdbd.pid
EOF
  )
  changed+=$(install_file "$conf_dir/slurm.conf" 644 <<EOF
# Written by matdisc scripts/slurm-cluster.sh; rewritten on every start.
ClusterName=$cluster
# Addresses given, so nothing depends on the host name resolving (CI containers).
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# No systemd and no cgroup delegation in CI: track processes through /proc, no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
JobAcctGatherType=jobacct_gather/linux
JobCompType=jobcomp/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=$run_dir/slurmctld.pid
SlurmdPidFile=$run_dir/slurmd.pid
SlurmctldLogFile=$log_dir/slurmctld.log
SlurmdLogFile=$log_dir/slurmd.log
SchedulerType=sched/backfill
# Seconds between SIGTERM and SIGKILL on cancel or time limit (default 30): short, so scancel
# and TIMEOUT settle quickly.
KillWait=5
InactiveLimit=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mb State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  )
  [ -z "$changed" ] || echo changed
}

# --- start --------------------------------------------------------------------------------------
start_munge() {
  if munge_ok; then return; fi
  if [ ! -s /etc/munge/munge.key ]; then
    log "creating /etc/munge/munge.key"
    mungekey --create --keyfile=/etc/munge/munge.key
  fi
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 0755 /run/munge
  # --force: start even when a dead munged left its socket behind.
  spawn /dev/null runuser -u munge -- /usr/sbin/munged --force
  touch "$mark_dir/started-munged"
  wait_for munge 20 munge_ok || die "munged did not start (see /var/log/munge/munged.log)"
}

start_mariadb() {
  if mariadb_ok; then return; fi
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  if [ ! -d /var/lib/mysql/mysql ]; then
    log "initialising /var/lib/mysql"
    mariadb-install-db --user=mysql --datadir=/var/lib/mysql >>"$log_dir/mariadb.log" 2>&1
  fi
  spawn "$log_dir/mariadb.log" /usr/sbin/mariadbd --user=mysql
  touch "$mark_dir/started-mariadbd"
  wait_for MariaDB "$wait_s" mariadb_ok || die "MariaDB did not start (see $log_dir/mariadb.log)"
}

setup_database() {
  local pass
  pass=$(sed -n 's/^StoragePass=//p' "$conf_dir/slurmdbd.conf" | head -n1)
  mariadb --protocol=socket -u root <<EOF
CREATE DATABASE IF NOT EXISTS slurm_acct_db;
CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY '$pass';
ALTER USER 'slurm'@'localhost' IDENTIFIED BY '$pass';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';
EOF
}

# Stops one SLURM daemon by its pid file: TERM, then KILL after 15 s.
stop_pid() {
  local pidfile=$1 name=$2 pid i
  pid=$(live_pid "$pidfile" "$name") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 30); do
    [ -d "/proc/$pid" ] || break
    sleep 0.5
  done
  if [ -d "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pidfile"
  log "stopped $name ($pid)"
}

start_slurm() {
  local restart=$1
  if [ "$restart" = yes ]; then
    log "configuration changed: restarting the SLURM daemons"
    stop_pid "$run_dir/slurmd.pid" slurmd
    stop_pid "$run_dir/slurmctld.pid" slurmctld
    stop_pid "$run_dir/slurmdbd.pid" slurmdbd
  fi
  if ! slurmdbd_ok; then
    live_pid "$run_dir/slurmdbd.pid" slurmdbd >/dev/null || spawn "$log_dir/slurmdbd.out" slurmdbd
    # The first start creates the accounting tables, which takes a few seconds.
    wait_for slurmdbd "$wait_s" slurmdbd_ok || die "slurmdbd did not answer (see $log_dir/slurmdbd.log)"
  fi
  if ! sacctmgr -n -P list cluster format=cluster | grep -qx "$cluster"; then
    sacctmgr -i add cluster "$cluster" >/dev/null
    log "added cluster $cluster to accounting"
  fi
  if ! slurmctld_ok; then
    live_pid "$run_dir/slurmctld.pid" slurmctld >/dev/null || spawn "$log_dir/slurmctld.out" slurmctld
    wait_for slurmctld "$wait_s" slurmctld_ok || die "slurmctld did not answer (see $log_dir/slurmctld.log)"
  fi
  if ! slurmd_ok; then
    spawn "$log_dir/slurmd.out" slurmd
    wait_for slurmd 20 slurmd_ok || die "slurmd did not start (see $log_dir/slurmd.log)"
  fi
  if ! wait_for "node $node" "$wait_s" node_ok; then
    # A node that was DOWN/DRAINED (e.g. killed with jobs on it) comes back once resumed.
    log "node $node is '$(node_state)': resuming it"
    scontrol update nodename="$node" state=resume 2>/dev/null || true
    wait_for "node $node" "$wait_s" node_ok || die "node $node is '$(node_state)', not idle (see $log_dir/slurmd.log)"
  fi
  wait_for sacct "$wait_s" sacct_ok || die "sacct does not answer (see $log_dir/slurmdbd.log)"
}

cmd_start() {
  local changed
  changed=$(write_configs)
  if [ -z "$changed" ] && ready; then
    log "already running (node $node $(node_state))"
    return 0
  fi
  start_munge
  start_mariadb
  setup_database
  local restart=no
  if [ -n "$changed" ] && { slurmctld_ok || slurmd_ok || slurmdbd_ok; }; then restart=yes; fi
  start_slurm "$restart"
  log "cluster $cluster up in ${SECONDS}s: node $node $(node_state), $(nproc) CPUs"
}

cmd_stop() {
  if slurmctld_ok; then
    # Jobs would outlive slurmd (slurmstepd keeps running): cancel them and let them end.
    scancel --full --quiet $(squeue -h -o %i 2>/dev/null) 2>/dev/null || true
    local deadline=$((SECONDS + 20))
    while [ -n "$(squeue -h -o %i 2>/dev/null)" ] && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
  fi
  stop_pid "$run_dir/slurmd.pid" slurmd
  stop_pid "$run_dir/slurmctld.pid" slurmctld
  stop_pid "$run_dir/slurmdbd.pid" slurmdbd
  if [ -f "$mark_dir/started-mariadbd" ]; then
    stop_pid /run/mysqld/mysqld.pid mariadbd
    rm -f "$mark_dir/started-mariadbd"
  fi
  if [ -f "$mark_dir/started-munged" ]; then
    stop_pid /run/munge/munged.pid munged
    rm -f "$mark_dir/started-munged"
  fi
}

cmd_status() {
  local ok=0 part
  for part in munge mariadb slurmdbd slurmctld slurmd node sacct; do
    if "${part}_ok"; then printf '%-10s ok\n' "$part"; else
      printf '%-10s not ready\n' "$part"
      ok=3
    fi
  done
  printf 'node       %s %s\n' "$node" "$(node_state || true)"
  return $ok
}

mkdir -p /run/lock
exec 9>/run/lock/matdisc-slurm-cluster.lock
flock -w 300 9 || die "another slurm-cluster.sh holds /run/lock/matdisc-slurm-cluster.lock"

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
