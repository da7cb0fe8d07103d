# LSTMs from scratch, in Swift. `make` (or `make help`) lists the commands; README.md explains them.
#
# Every command goes through the `course` tool (Sources/course), built once into .build-tools.
# Each track has its own build folder (.build-exercises, .build-solutions), so switching tracks
# does not rebuild everything; a graded submission builds in .build-grade.
# The student edition (`make student-dist`) leaves out the lines between the INSTRUCTOR markers.

SHELL := /bin/bash
.DEFAULT_GOAL := help

TRACK ?= exercises
LESSON ?=
# The submission's path reaches the grader as it was typed: never expanded by make (a path may
# hold `$(shell ...)`) nor by the shell (it goes through the environment, quoted).
override SUBMISSION := $(value SUBMISSION)
export SUBMISSION
# Seconds a test may run when its grading.json gives no timeLimit (course's default: 60).
TIME_LIMIT ?=
# SMOKE=1: `make lessonN` runs the walkthrough's quick smoke mode (what `make test` runs).
SMOKE ?=
SMOKE_FLAG := $(if $(filter-out 0,$(SMOKE)),--smoke)

# OpenBLAS's kernels for the instructions this processor has, unless OPENBLAS_CORETYPE is set:
# Debian's OpenBLAS falls back to its slowest kernels on processors newer than itself
# (Tools/openblas-coretype.sh says why).
ifeq ($(origin OPENBLAS_CORETYPE),undefined)
OPENBLAS_CORETYPE := $(shell sh Tools/openblas-coretype.sh 2>/dev/null)
endif
ifneq ($(OPENBLAS_CORETYPE),)
export OPENBLAS_CORETYPE
endif

TOOLS_SCRATCH := .build-tools
COURSE := $(TOOLS_SCRATCH)/debug/course
SETUP_CHECK := Tools/setup.sh --check
# The course tool does not depend on a track; the solutions track because Solutions/ always has
# every lesson (Exercises/ may lag behind until `make exercises`); the student edition has only
# Exercises/.
TOOLS_TRACK := $(if $(wildcard Solutions),solutions,exercises)

.PHONY: help setup tools check hint clean sentiment lesson6

help:
	@echo "LSTMs from scratch, in Swift"
	@echo
	@echo "Students:"
	@echo "  make setup                     install OpenBLAS and gnuplot if missing (apt)"
	@echo "  make lessonN                   run lesson N's walkthrough on your exercises (release build)"
# BEGIN INSTRUCTOR
	@echo "  make lessonN TRACK=solutions   ... on the reference solutions"
# END INSTRUCTOR
	@echo "  make lesson6 RUNS=0            lesson 6 without training its models first (about 9 minutes the first time)"
	@echo "  make lessonN SMOKE=1           a quick run through every section (tiny data, outputs in a temporary folder)"
	@echo "  make lesson5 SEED=N            lesson 5 trained with another seed (outputs in out/lesson5/seedN); RESUME=1, QUICK=1 also"
	@echo "  make lesson7 QUICK=1           lesson 7's word vectors and language models on a few thousand reviews (about 2 minutes); PART=1|2, SENTIMENT=1 also trains lesson 5 from them, SEED=N, RETRAIN=1, LM_EPOCHS=N"
	@echo "  make sentiment ARGS=\"...\"      build and run the sentiment tool (lesson 5; no ARGS: its help)"
	@echo "  make check                     test your exercises: per-test results and a progress table"
	@echo "  make check LESSON=N            ... lesson N only"
	@echo "  make hint                      the next hint for your first failing test (again: a more specific one)"
	@echo "  make hint TEST=Class/method    ... for that test"
# BEGIN INSTRUCTOR
	@echo
	@echo "Instructors:"
	@echo "  make grade                     autograde Exercises/ -> out/grade/results.json (Gradescope format)"
	@echo "  make grade SUBMISSION=path     autograde a submitted copy of Exercises/"
	@echo "  make grade LESSON=N            ... lesson N only"
	@echo "  ... TIME_LIMIT=s               seconds per test unless grading.json says (default 60)"
	@echo "  make student-dist OUT=dir      the student edition: no Solutions/, hidden tests or instructor tools"
	@echo "  make gradescope                out/gradescope/autograder.zip for a Gradescope programming assignment"
	@echo
	@echo "Course developers:"
	@echo "  make test                      the course's own tests: solutions pass, exercises in sync, stubs fail"
	@echo "  make test-grader               the autograder against attacks: each gets the score it must"
	@echo "  make test-matrix               the solutions' tests under OpenBLAS Haswell, SkylakeX, Zen, 1 and 2 threads"
	@echo "  make exercises                 regenerate Exercises/ from Solutions/ (overwrites Exercises/)"
	@echo "  make exercises-check           fail if Exercises/ differ from what Solutions/ generate"
	@echo "  make bench                     the release-build benchmark: tokens/s, share of the sgemm ceiling, vs. earlier"
	@echo "  make mutants [LESSON=N]        do the tests catch typical mistakes? (Tests/Mutants/LessonN.txt)"
# END INSTRUCTOR
	@echo "  make clean                     remove the build folders (.build-*) and .grade/"

setup:
	@Tools/setup.sh

tools:
	@$(SETUP_CHECK)
	@TRACK=$(TOOLS_TRACK) COURSE_LESSON_DIR= swift build --quiet --product course --scratch-path $(TOOLS_SCRATCH) --manifest-cache none

check: tools
	@$(COURSE) check $(if $(LESSON),--lesson $(LESSON)) $(if $(TIME_LIMIT),--time-limit $(TIME_LIMIT))

# TEST reaches the course tool through the environment, never through the shell's parsing.
hint: tools
	@$(COURSE) hint $(if $(LESSON),--lesson $(LESSON)) $(if $(value TEST),--test "$$TEST") $(if $(TIME_LIMIT),--time-limit $(TIME_LIMIT))

# BEGIN INSTRUCTOR
.PHONY: test test-grader test-matrix mutants grade exercises exercises-check bench student-dist gradescope

test: tools
	@$(COURSE) selftest

# The autograder against submissions that try to fool it (three builds; as root, sandboxed).
test-grader: tools
	@$(COURSE) test-grader

# The Solutions track's tests once per OpenBLAS kernel and thread count (Tools/test-matrix.sh):
# no test may pass or fail by how a machine's BLAS rounds.
test-matrix: tools
	@Tools/test-matrix.sh

grade: tools
	@$(COURSE) grade $${SUBMISSION:+--submission "$$SUBMISSION"} $(if $(LESSON),--lesson $(LESSON)) $(if $(TIME_LIMIT),--time-limit $(TIME_LIMIT))

# The student edition, written into OUT (a new folder or an earlier edition).
student-dist: tools
	@$(if $(value OUT),,$(error make student-dist OUT=folder: where to write the student edition))
	@$(COURSE) student-dist --out "$$OUT"

# A Gradescope autograder: out/gradescope/autograder.zip (Tools/gradescope/ has its scripts).
gradescope: tools
	@$(COURSE) gradescope --out out/gradescope/autograder.zip
# END INSTRUCTOR

# Lesson 6 judges trained models: the `sentiment train` runs of Tools/ablations.sh, cached in
# out/lesson6/runs (about 9 minutes on 2 cores the first time, seconds afterwards). RUNS=0
# skips them; the walkthrough then draws what needs no run and prints each missing command.
lesson6: tools
	@if [[ "$(RUNS)" != 0 && -z "$(SMOKE_FLAG)" ]]; then \
		echo "Lesson 6 needs trained models: Tools/ablations.sh trains the ones not cached in out/lesson6/runs yet (RUNS=0 skips this)."; \
		TRACK=$(TRACK) Tools/ablations.sh all || echo "Some runs failed (above); the walkthrough shows what it can without them."; \
	fi
	@$(COURSE) lesson 6 --track $(TRACK) $(SMOKE_FLAG)

lesson%: tools
	@$(COURSE) lesson $* --track $(TRACK) $(SMOKE_FLAG)

# BEGIN INSTRUCTOR
# Not part of `make test`: each mutant is a rebuild and a test run.
mutants: tools
	@$(COURSE) mutants $(if $(LESSON),--lesson $(LESSON))

exercises: tools
	@$(COURSE) exercises

exercises-check: tools
	@$(COURSE) exercises --check
# END INSTRUCTOR

# `sentiment train|eval|predict|deploy`, Lesson 5's model from the command line, built (release)
# on the chosen track: make sentiment TRACK=solutions ARGS="train --quick --out out/quick".
# The binary stays in .build-$(TRACK)/release/sentiment.
sentiment:
	@$(SETUP_CHECK)
	@TRACK=$(TRACK) COURSE_LESSON_DIR= swift build -c release --product sentiment --scratch-path .build-$(TRACK) --manifest-cache none
	@.build-$(TRACK)/release/sentiment $(if $(ARGS),$(ARGS),--help)

# BEGIN INSTRUCTOR
# PyTorch's column: a Python with torch (CONTRIBUTING's .venv); none, and the column is left out.
TORCH_PYTHON ?= .venv/bin/python
bench:
	@$(SETUP_CHECK)
	@if [ -x "$(TORCH_PYTHON)" ] && "$(TORCH_PYTHON)" -c 'import torch' 2>/dev/null; then \
		echo "PyTorch: $(TORCH_PYTHON) (Tools/bench/torch_lstm.py)"; torch="--torch $(abspath $(TORCH_PYTHON))"; \
	else \
		echo "PyTorch: no torch in $(TORCH_PYTHON), so no PyTorch column (python3 -m venv .venv && .venv/bin/pip install torch==2.15.0)"; torch=; \
	fi; \
	TRACK=solutions COURSE_LESSON_DIR= swift run -c release --scratch-path .build-solutions --manifest-cache none LSTMBenchmark $$torch $(ARGS)
# END INSTRUCTOR

clean:
	rm -rf .build-tools .build-exercises .build-solutions .build-grade .build-edition .build-mutants .grade
