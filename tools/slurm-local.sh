#!/usr/bin/env bash
# A one-node Slurm on this machine, for trying `probe sweep --slurm` and for CI.
#
# Installs Debian's slurm-wlm and munge, writes /etc/slurm/slurm.conf for this host only
# (proctrack/linuxproc, task/none, no accounting, SlurmUser/SlurmdUser root), creates a munge
# key, starts munged, slurmctld and slurmd, and waits until `sinfo` shows the node idle.
# Run as root (CI does). Safe to run again: it restarts the daemons with a fresh config.
# Logs: /var/log/slurm/slurmctld.log and /var/log/slurm/slurmd.log.
#
#   tools/slurm-local.sh            # install (if needed), configure, start
#   tools/slurm-local.sh --stop     # stop the daemons
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
    echo "slurm-local.sh: run as root (it installs packages and starts daemons)" >&2
    exit 1
fi

stop() {
    # Only the daemons this script starts, by their pid files.
    for pidfile in /run/slurmd.pid /run/slurmctld.pid; do
        local pid
        pid=$(cat "$pidfile" 2>/dev/null || true)
        if [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; then
            kill "$pid" || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        rm -f "$pidfile"
    done
}

if [[ ${1:-} == --stop ]]; then
    stop
    exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # policy-rc.d keeps the packages from starting daemons themselves (we start them below).
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
    apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
    rm -f /usr/sbin/policy-rc.d
fi

host=$(hostname -s)
memory_mb=$(awk '/^MemTotal:/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)  # what free reports, in MB, less 10%

# munge: a key, and the daemon (it runs as the munge user that owns the key).
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
if [[ ! -s /etc/munge/munge.key ]]; then
    if command -v mungekey >/dev/null; then mungekey --create --keyfile=/etc/munge/munge.key; else dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none; fi
fi
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge
chmod 0700 /etc/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge
chmod 0400 /etc/munge/munge.key
if ! munge -n </dev/null >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
    for _ in $(seq 50); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.1; done
fi
munge -n </dev/null | unmunge >/dev/null

stop
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
# Written by tools/slurm-local.sh: one node, this host, for tests.
ClusterName=local
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# Start the next array task as soon as one ends (the defaults wait ~3 s between rounds).
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MpiDefault=none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ReturnToService=2
MinJobAge=600
MaxArraySize=10001
NodeName=${host} NodeAddr=127.0.0.1 CPUs=2 RealMemory=${memory_mb} State=UNKNOWN
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF

# -c: a clean start (no saved jobs from an earlier run of this script).
slurmctld -c
slurmd

for _ in $(seq 120); do
    state=$(sinfo -h -n "$host" -o '%T' 2>/dev/null | head -1 || true)
    if [[ $state == idle ]]; then
        echo "slurm-local.sh: node $host idle (CPUs=2, RealMemory=${memory_mb} MB); logs in /var/log/slurm/"
        exit 0
    fi
    sleep 0.5
done
echo "slurm-local.sh: the node did not come up idle (state: ${state:-none}); see /var/log/slurm/" >&2
tail -20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
