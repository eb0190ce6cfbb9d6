#!/usr/bin/env bash
# slurm_sweep.sh - a convoysim sweep as a Slurm batch job, across nodes with
# Open MPI: one MPI rank per node (or per socket), OpenMP threads inside.
#
#   sbatch scripts/slurm_sweep.sh SCENARIO [SWEEP OPTIONS...]
#   sbatch scripts/slurm_sweep.sh scenarios/force_roe_sweep.cfg -n 2000
#   sbatch --nodes=8 scripts/slurm_sweep.sh scenarios/mandate_study.cfg \
#          --design-file scenarios/mandate_study.csv -n 2000 --daily
#
# Before the first job, build the MPI binary once on a login node (the
# build directory must be on a file system every node sees, as must the
# scenario and the output folder):
#   bash scripts/setup.sh        # Debian/Ubuntu; elsewhere: module load openmpi gsl libconfig
#   cmake -S . -B build-mpi -DCMAKE_BUILD_TYPE=Release -DCONVOYSIM_MPI=ON && cmake --build build-mpi
#
# Where the output goes: OUT (default results/slurm_<jobname>), under the
# directory sbatch was called from.  Rank 0 writes every file there; the
# other ranks only read the scenario.  The files are byte-identical to a
# sweep on one workstation, whatever the node and thread counts.
#
# Resuming after a time limit: Slurm sends SIGTERM before it kills the job
# (--signal below asks for it 5 minutes early, so the last block can be
# merged and written).  convoysim then keeps every complete design point,
# marks run.cfg interrupted and exits 130; submit the same command again
# (same scenario, options and OUT) and it resumes from there, reading back
# what is done; the final files equal those of an uninterrupted sweep.  A
# larger -n later extends a finished sweep the same way.
#
# Sizing: one block of replications is about an eighth of a rank's share
# of 400 x ranks replications; rank 0 computes too.  Every rank builds the
# model of the point it is given, so memory per rank is that of one
# single-process run (tens of MB for the baseline).

#SBATCH --job-name=convoysim-sweep
#SBATCH --nodes=4                 # nodes
#SBATCH --ntasks-per-node=1       # MPI ranks per node: one, threads do the rest
#SBATCH --cpus-per-task=32        # OpenMP threads per rank: the cores of a node
#SBATCH --time=04:00:00           # wall-clock limit; see "Resuming" above
#SBATCH --signal=B:TERM@300       # SIGTERM to this script 5 minutes before the limit
#SBATCH --output=convoysim-%j.log # convoysim's headline and messages

set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: sbatch scripts/slurm_sweep.sh SCENARIO [SWEEP OPTIONS...]" >&2
  exit 64
fi
bin=${CONVOYSIM:-$PWD/build-mpi/convoysim}
out=${OUT:-results/slurm_${SLURM_JOB_NAME:-sweep}}
threads=${SLURM_CPUS_PER_TASK:-1}
export OMP_NUM_THREADS=$threads
export OMP_PROC_BIND=close OMP_PLACES=cores

# the batch script gets the time-limit signal: pass it on to the ranks
# (rank 0 keeps the finished points), then wait for them to write
trap 'echo "slurm_sweep.sh: SIGTERM: passing it to the ranks" >&2; kill -TERM "$pid" 2>/dev/null' TERM
# --bind-to none: each rank may use all the cores of its node for its
# threads (Open MPI would bind it to one).  mpirun passes a SIGTERM on to
# the ranks and kills them a second later: rank 0 stops at the next
# replication, so that second is enough to merge and write what is done.
mpirun --bind-to none --map-by ppr:1:node -x OMP_NUM_THREADS -x OMP_PROC_BIND -x OMP_PLACES \
  "$bin" sweep "$@" -j "$threads" -o "$out" -q &
pid=$!
status=0
wait "$pid" || status=$?
# the signal ends `wait` early: wait on until the ranks have written
while kill -0 "$pid" 2>/dev/null; do
  status=0
  wait "$pid" || status=$?
done
if grep -q '^# interrupted' "$out/run.cfg" 2>/dev/null; then
  echo "convoysim: the sweep was interrupted; submit the same command again to resume" >&2
  status=130  # mpirun says 1 when it was signalled; convoysim kept the finished points
fi
exit "$status"
