#!/usr/bin/env bash
# What the course needs from the system: Swift, OpenBLAS's CBLAS (cblas.h and libopenblas.so,
# Debian's libopenblas-dev) and gnuplot (gnuplot-nox).
#   Tools/setup.sh          install what is missing (apt-get as root, or sudo -n), else say how
#   Tools/setup.sh --check  only check; exit 1 with the command to run when something is missing
# Quick and silent when everything is there, so every make target can call it.
set -euo pipefail

check_only=false
case "${1:-}" in
    --check) check_only=true ;;
    "") ;;
    *) echo "usage: Tools/setup.sh [--check]" >&2; exit 2 ;;
esac

find_file() {  # find_file NAME DIR... : true when NAME is in one of the DIRs (two levels deep)
    local name=$1; shift
    local dir
    for dir in "$@"; do
        [ -d "$dir" ] || continue
        if [ -n "$(find "$dir" -maxdepth 2 -name "$name" -print -quit 2>/dev/null)" ]; then return 0; fi
    done
    return 1
}

missing_packages=()
problems=()
if ! command -v swift >/dev/null 2>&1; then
    problems+=("swift is not on PATH: install Swift 6 from swift.org (or use the course's container) and try again")
fi
if ! find_file cblas.h /usr/include /usr/local/include || ! find_file 'libopenblas.so' /usr/lib /usr/lib64 /usr/local/lib; then
    missing_packages+=(libopenblas-dev)
fi
if ! command -v gnuplot >/dev/null 2>&1; then
    missing_packages+=(gnuplot-nox)
fi

if [ ${#problems[@]} -eq 0 ] && [ ${#missing_packages[@]} -eq 0 ]; then
    $check_only || echo "setup: swift, OpenBLAS (libopenblas-dev) and gnuplot are installed."
    exit 0
fi
for problem in "${problems[@]}"; do echo "setup: $problem" >&2; done
[ ${#missing_packages[@]} -eq 0 ] && exit 1

command="apt-get install -y --no-install-recommends ${missing_packages[*]}"
if $check_only; then
    echo "setup: missing ${missing_packages[*]}. Run: make setup   (or: sudo apt-get update && sudo $command)" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: missing ${missing_packages[*]} and this is not a Debian/Ubuntu system: install OpenBLAS (with cblas.h) and gnuplot with your package manager" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    echo "setup: missing ${missing_packages[*]}. Install them with:" >&2
    echo "    sudo apt-get update && sudo $command" >&2
    exit 1
fi
echo "setup: installing ${missing_packages[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
# shellcheck disable=SC2086
"${sudo[@]}" $command
[ ${#problems[@]} -eq 0 ] || exit 1
exec "$0" --check
