#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, for the array-job test of
# gomean --shard (TestSlurmArrayJob in cmd/gomean). Source it and call
# start_slurm, which starts munged, slurmctld and slurmd with a slurm.conf
# of its own (this machine's real CPUs and memory from slurmd -C,
# ProctrackType=proctrack/linuxproc and TaskPlugin=task/none: no cgroups,
# SlurmUser=root) in a temporary folder, and exports SLURM_CONF so sbatch,
# squeue and scontrol find it; stop_slurm stops the daemons it started and
# removes the folder. Needs root and Debian's slurm-wlm and munge. Run as a
# script, it starts the cluster, runs the given command, and stops it:
#
#	bash scripts/slurm.sh go test -run TestSlurmArrayJob ./cmd/gomean
#
# Failing to start is not an error: the test then skips with a message.

slurm_dir= slurm_munge_pid=

start_slurm() {
	if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
		echo "slurm: slurmctld or munged not installed (apt-get install slurm-wlm munge): the Slurm test will skip"
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		echo "slurm: needs root (SlurmUser=root): the Slurm test will skip"
		return 0
	fi
	slurm_dir=$(mktemp -d /tmp/gomean-slurm.XXXXXX)
	chmod 755 "$slurm_dir"
	mkdir -p "$slurm_dir/state" "$slurm_dir/spool" "$slurm_dir/munge"
	# munge: a key of our own and a socket in our folder.
	dd if=/dev/urandom of="$slurm_dir/munge/munge.key" bs=1024 count=1 status=none
	chmod 400 "$slurm_dir/munge/munge.key"
	local sock="$slurm_dir/munge/munge.socket"
	munged --force --key-file="$slurm_dir/munge/munge.key" --socket="$sock" \
		--pid-file="$slurm_dir/munge/munged.pid" --log-file="$slurm_dir/munge/munged.log" \
		--seed-file="$slurm_dir/munge/munged.seed" || {
		echo "slurm: munged did not start: the Slurm test will skip"
		cat "$slurm_dir/munge/munged.log" 2>/dev/null || true
		stop_slurm
		return 0
	}
	slurm_munge_pid=$(cat "$slurm_dir/munge/munged.pid" 2>/dev/null || true)
	local host node
	host=$(hostname -s)
	# The node line as slurmd sees this machine: real CPUs, sockets, memory.
	node=$(slurmd -C 2>/dev/null | grep '^NodeName=' | sed 's/ UpTime=.*//')
	[ -n "$node" ] || node="NodeName=$host CPUs=$(nproc)"
	cat >"$slurm_dir/slurm.conf" <<EOF
ClusterName=gomeanci
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MpiDefault=none
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MailProg=/bin/true
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
StateSaveLocation=$slurm_dir/state
SlurmdSpoolDir=$slurm_dir/spool
SlurmctldPidFile=$slurm_dir/slurmctld.pid
SlurmdPidFile=$slurm_dir/slurmd.pid
SlurmctldLogFile=$slurm_dir/slurmctld.log
SlurmdLogFile=$slurm_dir/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
$node State=UNKNOWN
PartitionName=ci Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
	export SLURM_CONF="$slurm_dir/slurm.conf"
	slurmctld -i || { echo "slurm: slurmctld did not start"; cat "$slurm_dir/slurmctld.log" 2>/dev/null || true; stop_slurm; return 0; }
	slurmd || { echo "slurm: slurmd did not start"; cat "$slurm_dir/slurmd.log" 2>/dev/null || true; stop_slurm; return 0; }
	local i pid
	for i in $(seq 1 60); do
		# A controller that died at start (a port in use) makes every sinfo
		# wait out its timeouts: check it lives, and bound each call.
		pid=$(cat "$slurm_dir/slurmctld.pid" 2>/dev/null || true)
		if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
			[ "$i" -gt 4 ] && break
		fi
		if timeout 3 sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
			echo "slurm: one-node cluster up ($node), SLURM_CONF=$SLURM_CONF"
			export GOMEAN_TEST_SLURM=1
			return 0
		fi
		sleep 0.5
	done
	echo "slurm: the node did not come up: the Slurm test will skip"
	sinfo 2>&1 || true
	tail -n 20 "$slurm_dir/slurmctld.log" "$slurm_dir/slurmd.log" 2>/dev/null || true
	stop_slurm
}

# stop_slurm stops the daemons start_slurm started, by their pid files.
stop_slurm() {
	[ -n "$slurm_dir" ] || return 0
	local f pid
	for f in slurmd.pid slurmctld.pid munge/munged.pid; do
		pid=$(cat "$slurm_dir/$f" 2>/dev/null || true)
		[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	done
	for f in slurmd.pid slurmctld.pid munge/munged.pid; do
		pid=$(cat "$slurm_dir/$f" 2>/dev/null || true)
		local i
		for i in $(seq 1 50); do
			[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	done
	rm -rf "$slurm_dir"
	slurm_dir=
	unset SLURM_CONF GOMEAN_TEST_SLURM
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	start_slurm
	trap stop_slurm EXIT
	"$@"
fi
