#!/usr/bin/env bash
# `make test-matrix`: the Solutions track's tests (library and lessons: everything that computes)
# under several OpenBLAS configurations, then one line per configuration and exit status 1 if
# any failed.
#
# OpenBLAS picks its kernels per processor (OPENBLAS_CORETYPE overrides the choice), and the
# kernels add up a matrix product's terms in different orders, so the last bits of every result
# differ from one machine to another. A test that passes on one kernel and fails on another
# depends on rounding luck; this is how to find one before a student's machine does.
#
#   Tools/test-matrix.sh                       the configurations below
#   Tools/test-matrix.sh "OPENBLAS_CORETYPE=Zen" "OPENBLAS_NUM_THREADS=2"    others
#
# Tests run two at a time with OPENBLAS_NUM_THREADS=1 unless a configuration sets it (as in
# `make test`); the threaded configuration is how `sentiment train` and the walkthroughs run.
# Logs: out/test-matrix/<configuration>.log. A kernel family the processor cannot run (SkylakeX,
# Cooperlake and SapphireRapids need AVX-512: OpenBLAS runs them anyway and the first AVX-512
# instruction stops the tests with SIGILL) is skipped, and the summary says so.
set -uo pipefail
cd "$(dirname "$0")/.."

course=.build-tools/debug/course
configurations=("$@")
if [[ ${#configurations[@]} -eq 0 ]]; then
    configurations=(
        "OPENBLAS_CORETYPE=Haswell"
        "OPENBLAS_CORETYPE=SkylakeX"
        "OPENBLAS_CORETYPE=Zen"
        "OPENBLAS_NUM_THREADS=1"          # the kernel OpenBLAS picks for this processor (Prescott's on some)
        "OPENBLAS_NUM_THREADS=2"          # the same, BLAS threads inside each product
    )
fi

flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { case " ${flags#*:} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
runs() {   # whether this processor has the instructions of the kernel family in $1
    case "$1" in
        *OPENBLAS_CORETYPE=SkylakeX*|*OPENBLAS_CORETYPE=Cooperlake*|*OPENBLAS_CORETYPE=SapphireRapids*)
            has avx512f && has avx512bw && has avx512dq && has avx512vl ;;
        *) return 0 ;;
    esac
}

mkdir -p out/test-matrix
results=()
failed=0
skipped=0
for configuration in "${configurations[@]}"; do
    if ! runs "$configuration"; then
        results+=("$(printf '%-28s %s' "$configuration" "skipped: this processor has no AVX-512")")
        skipped=$((skipped + 1))
        continue
    fi
    log="out/test-matrix/${configuration//[^A-Za-z0-9_=.-]/_}.log"
    echo "== $configuration: the Solutions track's tests (log: $log)"
    start=$SECONDS
    # Each configuration starts from a clean slate: no kernel or thread count inherited from
    # the caller's environment.
    env -u OPENBLAS_CORETYPE -u OPENBLAS_NUM_THREADS $configuration "$course" selftest --solutions-only > "$log" 2>&1
    status=$?
    summary=$(tail -n 1 "$log")
    # The failures, as the self-test lists them at the end.
    sed -n '/ failed (in /,$p' "$log" | sed '$d'
    results+=("$(printf '%-28s %s (%d s)' "$configuration" "$summary" $((SECONDS - start)))")
    if [[ $status -ne 0 ]]; then failed=$((failed + 1)); fi
done

echo
echo "Test matrix (Solutions track, lesson and library tests):"
for line in "${results[@]}"; do echo "  $line"; done
if [[ $failed -ne 0 ]]; then
    echo "$failed of ${#configurations[@]} configurations failed (logs in out/test-matrix/)."
    exit 1
fi
if [[ $skipped -ne 0 ]]; then
    echo "Every configuration this processor runs passed ($((${#configurations[@]} - skipped)) run, $skipped skipped)."
else
    echo "All ${#configurations[@]} configurations passed."
fi
