#!/usr/bin/env bash
# Lesson 6: the training runs behind the walkthrough's ablation table, learning-rate x batch-size
# sweep and Amazon figures, as plain `sentiment train` commands on fixed subsets with fixed
# seeds. Each run goes to out/lesson6/runs/<name>/ (metrics.json, best.ckpt, last.ckpt with the
# epoch history, vocabulary.json, train.log, command.txt). A run whose metrics.json exists and
# whose command.txt is the command below is skipped, so the script can be stopped and restarted;
# a run made by another command is trained again. Every setting that changes a result is written
# out, so a later change of `sentiment train`'s defaults cannot change what a row means.
# `make lesson6` runs this script, then reads these folders.
#
#   Tools/ablations.sh [ablations|amazon|sweep|seeds|all]     (default: all)
#   SENTIMENT=path/to/sentiment Tools/ablations.sh      use an already built release binary
#
# Sizes are chosen for a 2-core machine: 5 s to a few minutes a run.
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-all}"
# TRACK=exercises (what `make lesson6` uses by default) trains the student's own model, into a
# folder of its own: the walkthrough on the exercises track reads out/lesson6/runs-exercises.
track="${TRACK:-solutions}"
case "$track" in
    solutions|solution) runs="out/lesson6/runs" ;;
    *) runs="out/lesson6/runs-$track" ;;
esac
mkdir -p "$runs"
missing=0

if [[ -z "${SENTIMENT:-}" ]]; then
    TRACK="$track" COURSE_LESSON_DIR= swift build -c release --product sentiment --scratch-path ".build-$track" --manifest-cache none
    SENTIMENT=".build-$track/release/sentiment"
fi

# The common subset: 5,000 IMDB reviews per split (stratified, seed 1), the last 200 tokens of
# each, a 50,000-word vocabulary, 10% of train held out for validation; 6 epochs of Adam with
# dropout 0.5, early stopping after 2 epochs without a better validation loss.
settings=(--max-length 200 --truncate end --vocabulary-size 50000 --dropout 0.5 --hidden 64 --epochs 6 --patience 2 --schedule plateau
          --batch-size 32 --lr 0.002)
common=(--limit 5000 "${settings[@]}" --seed 1)

# run NAME ARGS...: one `sentiment train`, skipped when it is cached with the same command.
run() {
    local name="$1"; shift
    local dir="$runs/$name"
    local cmd="sentiment train $* --out $dir"
    if [[ -f "$dir/metrics.json" ]]; then
        if [[ "$(cat "$dir/command.txt" 2>/dev/null)" == "$cmd" ]]; then
            echo "[$name] cached ($dir/metrics.json)"
            return
        fi
        echo "[$name] was trained by another command ($dir/command.txt): training it again"
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    missing=$((missing + 1))
    echo "$cmd" > "$dir/command.txt"
    echo "[$name] $cmd"
    local start=$SECONDS
    "$SENTIMENT" train "$@" --out "$dir" > "$dir/train.log" 2>&1 || { echo "[$name] FAILED, see $dir/train.log"; tail -5 "$dir/train.log"; return 1; }
    echo "[$name] done in $((SECONDS - start)) s: $(grep '^Test' "$dir/train.log" || true)"
}

if [[ "$what" == ablations || "$what" == all ]]; then
    # One change from the base row at a time.
    run base              --dataset imdb "${common[@]}" --bidirectional --layers 1 --pooling max --embedding glove-finetune
    run unidirectional    --dataset imdb "${common[@]}" --no-bidirectional --layers 1 --pooling max --embedding glove-finetune
    run layers2           --dataset imdb "${common[@]}" --bidirectional --layers 2 --pooling max --embedding glove-finetune
    run pooling-last      --dataset imdb "${common[@]}" --bidirectional --layers 1 --pooling last --embedding glove-finetune
    run pooling-mean      --dataset imdb "${common[@]}" --bidirectional --layers 1 --pooling mean --embedding glove-finetune
    run pooling-attention --dataset imdb "${common[@]}" --bidirectional --layers 1 --pooling attention --embedding glove-finetune
    run embedding-random  --dataset imdb "${common[@]}" --bidirectional --layers 1 --pooling max --embedding random
    run embedding-frozen  --dataset imdb "${common[@]}" --bidirectional --layers 1 --pooling max --embedding glove-frozen
    run cell-gru          --dataset imdb "${common[@]}" --bidirectional --layers 1 --pooling max --embedding glove-finetune --cell gru
    run cell-rnn          --dataset imdb "${common[@]}" --bidirectional --layers 1 --pooling max --embedding glove-finetune --cell rnn
fi

if [[ "$what" == amazon || "$what" == all ]]; then
    # The whole 5,000-review sample: 80/20 stratified train/test, 10% of train for validation.
    run amazon --dataset amazon "${settings[@]}" --seed 1 \
        --bidirectional --layers 1 --pooling max --embedding glove-finetune
fi

if [[ "$what" == sweep || "$what" == all ]]; then
    # Learning rate x batch size, chosen on the validation split; a smaller subset and model.
    for lr in 0.0003 0.001 0.003 0.01 0.03 0.1; do
        for bs in 16 32 64; do
            run "sweep-lr$lr-bs$bs" --dataset imdb --limit 2000 --max-length 150 --truncate end --vocabulary-size 50000 \
                --dropout 0.5 --hidden 32 --epochs 3 --patience 0 --schedule plateau --batch-size "$bs" --lr "$lr" --seed 1 --no-bidirectional --pooling max --embedding glove-finetune
        done
    done
fi

if [[ "$what" == seeds || "$what" == all ]]; then
    # The base and GRU rows again with two more seeds (a seed also picks the subset and the
    # split): the spread that an ablation difference has to beat before it means anything.
    for seed in 2 3; do
        run "base-seed$seed" --dataset imdb --limit 5000 "${settings[@]}" --seed "$seed" \
            --bidirectional --layers 1 --pooling max --embedding glove-finetune
        run "cell-gru-seed$seed" --dataset imdb --limit 5000 "${settings[@]}" --seed "$seed" \
            --bidirectional --layers 1 --pooling max --embedding glove-finetune --cell gru
    done
fi

echo "Tools/ablations.sh $what: $missing run(s) trained now, the others were cached in $runs."
