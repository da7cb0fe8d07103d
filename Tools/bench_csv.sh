#!/bin/sh
# Times the CourseData loaders in a release build and reports MB/s and peak memory:
# a generated 3.6M-row CSV of Amazon's shape (~1.5 GB, written to a temporary folder and
# deleted afterwards), the IMDB official split and GloVe 6B 50d from ../shared/data.
#   Tools/bench_csv.sh [rows]        (default 3600000)
set -eu
cd "$(dirname "$0")/.."
rows="${1:-3600000}"
scratch="${SCRATCH:-.build-bench}"
swift build -c release --product CSVBenchmark --scratch-path "$scratch" >/dev/null
bin="$scratch/release/CSVBenchmark"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
csv="$dir/amazon-train.csv"
"$bin" generate-amazon "$csv" "$rows"
measure() {
    /usr/bin/time -f "    wall %e s, user %U s, sys %S s, peak RSS %M KB" "$bin" "$@"
}
measure csv-raw "$csv"
measure csv "$csv"
measure amazon-csv "$csv"
measure amazon-sample "$csv" 800000
measure imdb || true
measure glove || true
