# LSTMs from scratch, in Swift. `make` (or `make help`) lists the commands; README.md explains them.
#
# Every command goes through the `course` tool (Sources/course), built once into .build-tools.
# Each track has its own build folder (.build-exercises, .build-solutions), so switching tracks
# does not rebuild everything; a graded submission builds in .build-grade.

SHELL := /bin/bash
.DEFAULT_GOAL := help

TRACK ?= exercises
LESSON ?=
SUBMISSION ?=
# Seconds a test may run when its grading.json gives no timeLimit (course's default: 60).
TIME_LIMIT ?=

TOOLS_SCRATCH := .build-tools
COURSE := $(TOOLS_SCRATCH)/debug/course
SETUP_CHECK := Tools/setup.sh --check

.PHONY: help setup tools test check grade exercises exercises-check bench clean lesson6 mutants

help:
	@echo "LSTMs from scratch, in Swift"
	@echo
	@echo "Students:"
	@echo "  make setup                     install OpenBLAS and gnuplot if missing (apt)"
	@echo "  make lessonN                   run lesson N's walkthrough on your exercises (release build)"
	@echo "  make lessonN TRACK=solutions   ... on the reference solutions"
	@echo "  make lesson6 RUNS=0            lesson 6 without training its models first (about 9 minutes the first time)"
	@echo "  make check                     test your exercises: per-test results and a progress table"
	@echo "  make check LESSON=N            ... lesson N only"
	@echo
	@echo "Instructors:"
	@echo "  make grade                     autograde Exercises/ -> out/grade/results.json (Gradescope format)"
	@echo "  make grade SUBMISSION=path     autograde a submitted copy of Exercises/"
	@echo "  ... TIME_LIMIT=s               seconds per test unless grading.json says (default 60)"
	@echo
	@echo "Course developers:"
	@echo "  make test                      the course's own tests: solutions pass, exercises in sync, stubs fail"
	@echo "  make exercises                 regenerate Exercises/ from Solutions/ (overwrites Exercises/)"
	@echo "  make exercises-check           fail if Exercises/ differ from what Solutions/ generate"
	@echo "  make bench                     the release-build benchmark (tokens/s)"
	@echo "  make mutants [LESSON=N]        do the tests catch typical mistakes? (Tests/Mutants/LessonN.txt)"
	@echo "  make clean                     remove the build folders (.build-*) and .grade/"

setup:
	@Tools/setup.sh

# The course tool does not depend on a track; TRACK=solutions because Solutions/ always has
# every lesson (Exercises/ may lag behind until `make exercises`).
tools:
	@$(SETUP_CHECK)
	@TRACK=solutions COURSE_LESSON_DIR= swift build --quiet --product course --scratch-path $(TOOLS_SCRATCH) --manifest-cache none

test: tools
	@$(COURSE) selftest

check: tools
	@$(COURSE) check $(if $(LESSON),--lesson $(LESSON)) $(if $(TIME_LIMIT),--time-limit $(TIME_LIMIT))

grade: tools
	@$(COURSE) grade $(if $(SUBMISSION),--submission "$(SUBMISSION)") $(if $(TIME_LIMIT),--time-limit $(TIME_LIMIT))

# Lesson 6 judges trained models: the `sentiment train` runs of Tools/ablations.sh, cached in
# out/lesson6/runs (about 9 minutes on 2 cores the first time, seconds afterwards). RUNS=0
# skips them; the walkthrough then draws what needs no run and prints each missing command.
lesson6: tools
	@if [[ "$(RUNS)" != 0 ]]; then \
		echo "Lesson 6 needs trained models: Tools/ablations.sh trains the ones not cached in out/lesson6/runs yet (RUNS=0 skips this)."; \
		TRACK=$(TRACK) Tools/ablations.sh all || echo "Some runs failed (above); the walkthrough shows what it can without them."; \
	fi
	@$(COURSE) lesson 6 --track $(TRACK)

lesson%: tools
	@$(COURSE) lesson $* --track $(TRACK)

# Not part of `make test`: each mutant is a rebuild and a test run.
mutants: tools
	@$(COURSE) mutants $(if $(LESSON),--lesson $(LESSON))

exercises: tools
	@$(COURSE) exercises

exercises-check: tools
	@$(COURSE) exercises --check

bench:
	@$(SETUP_CHECK)
	TRACK=solutions COURSE_LESSON_DIR= swift run -c release --scratch-path .build-solutions --manifest-cache none LSTMBenchmark

clean:
	rm -rf .build-tools .build-exercises .build-solutions .build-grade .build-mutants .grade
