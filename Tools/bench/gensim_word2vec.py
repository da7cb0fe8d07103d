"""gensim's skip-gram on the reviews Lesson 7 trains on, to compare words/s on one machine.

    python3 -m venv /tmp/gensim-venv && /tmp/gensim-venv/bin/pip install gensim
    /tmp/gensim-venv/bin/python Tools/bench/gensim_word2vec.py --unlabeled 7500 --train 2500 --epochs 3 --max-words 10000   # QUICK's
    /tmp/gensim-venv/bin/python Tools/bench/gensim_word2vec.py                                           # the full run's

Reads ../shared/data/imdb/aclImdb-unsup.tar.gz and aclImdb.tar.gz directly (never the test
reviews), tokenizes with a regular expression close to the course's tokenizer (lower case, <br />
removed, punctuation as tokens), and trains with the walkthrough's settings: 50 dimensions,
window 5, 5 negatives, sample 1e-3, min count 5, 2 threads. Prints raw words per second, as
word2vec.c and the walkthrough count them. A measurement tool only: not run by make or CI.
"""
import argparse
import re
import tarfile
import time
import os

from gensim.models import Word2Vec

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.environ.get("COURSE_DATA", os.path.join(ROOT, "..", "shared", "data"))
TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


def reviews(archive, folder_prefixes, limit):
    out = []
    with tarfile.open(archive) as tar:
        members = sorted((m for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt")
                          and any(m.name.startswith(p) for p in folder_prefixes)), key=lambda m: m.name)
        for m in members[:limit]:
            text = tar.extractfile(m).read().decode("utf-8").lower().replace("<br />", " ")
            out.append(TOKEN.findall(text))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--unlabeled", type=int, default=50_000)
    p.add_argument("--train", type=int, default=25_000)
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max-words", type=int, default=100_000, help="vocabulary size (QUICK: 10,000)")
    a = p.parse_args()
    text = reviews(os.path.join(DATA, "imdb", "aclImdb-unsup.tar.gz"), ["aclImdb/train/unsup/"], a.unlabeled)
    text += reviews(os.path.join(DATA, "imdb", "aclImdb.tar.gz"), ["aclImdb/train/pos/", "aclImdb/train/neg/"], a.train)
    words = sum(len(r) for r in text)
    print(f"{len(text)} reviews, {words:,} tokens")
    model = Word2Vec(vector_size=50, window=5, negative=5, sg=1, sample=1e-3, min_count=5, workers=a.threads, seed=1,
                     max_final_vocab=a.max_words)
    model.build_vocab(text)
    # Words as the walkthrough counts them: every occurrence of a vocabulary word (rarer words
    # are left out of the text), before subsampling, in every epoch.
    kept = sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key) * a.epochs
    start, cpu_start = time.time(), time.process_time()
    model.train(text, total_examples=len(text), epochs=a.epochs)
    seconds, cpu = time.time() - start, time.process_time() - cpu_start
    print(f"gensim: {kept:,} words in {seconds:.1f} s of training: {kept / seconds:,.0f} words/s on {a.threads} threads, "
          f"{kept / cpu:,.0f} words per CPU-second (all threads' CPU time added up, as the walkthrough counts it)")
    print("neighbours of 'excellent':", [w for w, _ in model.wv.most_similar("excellent", topn=6)])


if __name__ == "__main__":
    main()
