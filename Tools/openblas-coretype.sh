#!/bin/sh
# Prints the OpenBLAS kernel family (OPENBLAS_CORETYPE) for this processor's instructions, or
# nothing to leave OpenBLAS its own choice.
#
# OpenBLAS chooses its kernels by the processor's model number, and Debian 12's OpenBLAS 0.3.21
# does not know processors newer than itself: on an Intel Xeon of model 207 (Emerald Rapids,
# with AVX-512) it falls back to its SSE3 kernels ("Prescott"), and every matrix product runs at
# a fraction of the machine's speed. The Makefile asks for the kernels of the instructions the
# processor has instead (read from its flags, as Package.swift chooses its target CPU), unless
# you set OPENBLAS_CORETYPE yourself; the course's programs started by hand do the same
# (Sources/TensorCore/NativeBLASKernels.swift: LibraryTests check that both rules agree). The
# numbers differ only by rounding: `make test-matrix` runs the tests under each family and under
# OpenBLAS's own choice.
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null) || exit 0
has() { case " ${flags#*:} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if has avx512f && has avx512bw && has avx512dq && has avx512vl; then
    echo SkylakeX
elif has avx2 && has fma; then
    echo Haswell
fi
