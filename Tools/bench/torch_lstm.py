"""PyTorch's side of `make bench`: training throughput of nn.LSTM on this machine's CPU.

    .venv/bin/python Tools/bench/torch_lstm.py --input-size 100 --hidden-size 256 \
        [--bidirectional] [--threads 2] [--seconds 4] < lengths.json

Reads the sequence lengths of the benchmark's batches on stdin (a JSON list of lists, one list
of B lengths per batch: LSTMBenchmark passes the very lengths it measured its own layer on) and
prints one JSON object: real tokens per second (and per CPU-second) of forward + backward, no
optimiser step, as LSTMBenchmark measures its own layer.

PyTorch on a CPU is fastest on padded batches of similar lengths, not on a PackedSequence (whose
per-step bookkeeping costs more than the padding it saves), so the lengths are bucketed: all of
them sorted, cut into batches of B, each padded only to its own longest sequence (LSTMBenchmark
passes batches bucketed so already, the ones it times its own layer on, and this changes nothing
then). Real tokens
count, padding does not. The final h takes its gradient at the padded last step, which only
moves where the gradient enters, not how much work it is.

Needs torch (and nothing else) in a local venv; never run in CI:
    python3 -m venv .venv && .venv/bin/pip install torch==2.15.0
"""

import argparse
import json
import resource
import sys
import time

import torch


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--input-size", type=int, required=True)
    parser.add_argument("--hidden-size", type=int, required=True)
    parser.add_argument("--bidirectional", action="store_true")
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--seconds", type=float, default=4.0, help="time at least this long after a warm-up pass")
    args = parser.parse_args()

    batches = json.load(sys.stdin)
    if not batches or not all(batches) or any(n < 1 for b in batches for n in b):
        sys.exit("torch_lstm.py: stdin must be a JSON list of non-empty lists of lengths >= 1")
    batch_size = len(batches[0])
    lengths = sorted((n for b in batches for n in b), reverse=True)
    buckets = [lengths[i:i + batch_size] for i in range(0, len(lengths), batch_size)]

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    directions = 2 if args.bidirectional else 1
    lstm = torch.nn.LSTM(args.input_size, args.hidden_size, bidirectional=args.bidirectional)
    work = []
    for bucket in buckets:
        t, b = max(bucket), len(bucket)
        x = torch.rand(t, b, args.input_size) * 2 - 1
        d_out = (torch.rand(t, b, directions * args.hidden_size) * 2 - 1) * 0.01
        d_h = (torch.rand(directions, b, args.hidden_size) * 2 - 1) * 0.01
        work.append((x, d_out, d_h))
    tokens = sum(lengths)

    def one_pass():
        for x, d_out, d_h in work:
            lstm.zero_grad(set_to_none=True)
            out, (h_n, _) = lstm(x)
            torch.autograd.backward([out, h_n], [d_out, d_h])

    one_pass()
    passes, start_wall, start_cpu = 0, time.perf_counter(), cpu_seconds()
    while True:
        one_pass()
        passes += 1
        wall = time.perf_counter() - start_wall
        if wall >= args.seconds and passes >= 2:
            break
    cpu = cpu_seconds() - start_cpu
    print(json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "buckets": len(buckets),
        "realTokens": tokens,
        "paddedTokens": sum(max(bucket) * len(bucket) for bucket in buckets),
        "tokensPerSecond": tokens * passes / wall,
        "tokensPerCPUSecond": tokens * passes / cpu,
    }))


if __name__ == "__main__":
    main()
