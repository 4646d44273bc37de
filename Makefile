# Raft Race Lab: build, test and measure.  `make help` lists the targets.
#
# Every build lives in build/<flavour>/:
#   plain     gcc -O2, for Helgrind and for timing
#   tsan      clang ThreadSanitizer (the newest clang installed)
#   gtsan     gcc ThreadSanitizer
#   asan      gcc AddressSanitizer + UndefinedBehaviorSanitizer
# V=1 shows the commands.
#
# Three layers, and the include paths keep them apart:
#   platform/  what a peer stands on (runtime, network, codec, persister,
#              apply queue) and the peer's interface (raft.h, rpc.h)
#   raft/      the peer: compiled with -Iplatform and its own directory,
#              nothing else, so it cannot reach the harness
#   harness/   what judges the peer (cluster, checks, invariants, watchdog,
#              runner): compiled with -Iplatform -Iharness, never with a
#              peer's directory, so no peer header can shadow ours
# The trusted layers are always built from this tree. The peer can come
# from elsewhere: RAFT_DIR=path/to/raft OUT=dir builds that tree's raft/*.c
# into OUT/<flavour>/ and links it with the trusted parts, which is how the
# checker builds a student's submission.

.DEFAULT_GOAL := help
SHELL := /bin/bash

CLANG := $(shell for c in clang-22 clang-21 clang-20 clang-19 clang; do \
	command -v $$c >/dev/null 2>&1 && { echo $$c; break; }; done)
CC_PLAIN ?= gcc
CC_TSAN ?= $(CLANG)
CC_GTSAN ?= gcc
CC_ASAN ?= gcc

RAFT_DIR ?= raft
OUT ?= build

CSTD := -std=c11 -D_GNU_SOURCE
WARN := -Wall -Wextra -Wno-unused-parameter
# The peer sees the platform only; raft.h is included first in every peer
# file, so a peer that redefines one of the interface's types fails to
# compile instead of linking with a different layout.
PEER_INCLUDES = -Iplatform -include raft.h
TRUSTED_INCLUDES := -Iplatform -Iharness
# The unit tests also reach into the reference peer's internals.
UNIT_INCLUDES := $(TRUSTED_INCLUDES) -Iraft -Itests
LIBS := -lmsgpackc -ljansson -lpthread -lm
UNIT_LIBS := -lcunit

FLAGS_plain := -O2 -g
FLAGS_tsan := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
FLAGS_gtsan := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
FLAGS_asan := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
# The runtime's bookkeeping (platform/rt, except mutex.c) is trusted: TSan
# builds compile it without instrumentation, so TSan never sees its
# deliberate lock-free reads (RT_TSAN tells the code). Its pthread calls are
# still intercepted. mutex.c is instrumented so that TSan's stacks for lock
# operations keep the caller's frame. -fno-builtin (and gcc's pattern flag)
# keep the compiler from turning copy loops into memcpy calls, which TSan
# would intercept.
RTFLAGS_plain := $(FLAGS_plain)
RTFLAGS_tsan := -O1 -g -fno-omit-frame-pointer -fno-builtin -DRT_TSAN
RTFLAGS_gtsan := -O1 -g -fno-omit-frame-pointer -fno-builtin \
	-fno-tree-loop-distribute-patterns -DRT_TSAN
RTFLAGS_asan := $(FLAGS_asan)
CC_plain := $(CC_PLAIN)
CC_tsan := $(CC_TSAN)
CC_gtsan := $(CC_GTSAN)
CC_asan := $(CC_ASAN)

PLATFORM_SRCS := $(sort $(wildcard platform/rt/*.c platform/*.c))
# The scenario runner's main and helpers go into raft-tests only.
RUNNER_SRCS := harness/runner.c harness/test_group.c
HARNESS_SRCS := $(filter-out $(RUNNER_SRCS),$(sort $(wildcard harness/*.c)))
TRUSTED_SRCS := $(PLATFORM_SRCS) $(HARNESS_SRCS)
RAFT_SRCS := $(sort $(wildcard $(RAFT_DIR)/*.c))
REFERENCE_RAFT_SRCS := $(sort $(wildcard raft/*.c))
SCENARIO_SRCS := $(sort $(wildcard tests/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
PLATFORM_HEADERS := $(sort $(wildcard platform/rt/*.h platform/*.h))
HEADERS := $(PLATFORM_HEADERS) $(wildcard harness/*.h raft/*.h tests/unit/*.h)
RAFT_HEADERS := $(wildcard $(RAFT_DIR)/*.h) $(PLATFORM_HEADERS)

ifeq ($(V),1)
Q :=
else
Q := @
endif

FLAVOURS := plain tsan gtsan asan

# A peer tree may not bring its own copy of a platform header: its files
# would include the copy, not ours, and link against code built with ours.
# The trusted headers, as paths relative to platform/:
TRUSTED_HEADER_PATHS := $(patsubst platform/%,%,$(PLATFORM_HEADERS))
$(OUT)/.peer-tree-ok: $(wildcard $(addprefix $(RAFT_DIR)/,$(TRUSTED_HEADER_PATHS))) | deps-check
	@scripts/check-peer-tree.sh '$(RAFT_DIR)' $(TRUSTED_HEADER_PATHS)
	@mkdir -p $(@D) && touch $@

# build/<flavour>/obj/<path>.o from <path>.c (the trusted parts), and
# $(OUT)/<flavour>/obj/raft/<file>.o from $(RAFT_DIR)/<file>.c (the peer).
define flavour_rules
build/$(1)/obj/%.o: %.c $(HEADERS) | deps-check
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  CC [$(1)] $$<")
	$(Q)$$(CC_$(1)) $(CSTD) $(WARN) $$(FLAGS_$(1)) $(TRUSTED_INCLUDES) -c $$< -o $$@

build/$(1)/obj/tests/unit/%.o: tests/unit/%.c $(HEADERS) | deps-check
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  CC [$(1)] $$<")
	$(Q)$$(CC_$(1)) $(CSTD) $(WARN) $$(FLAGS_$(1)) $(UNIT_INCLUDES) -c $$< -o $$@

build/$(1)/obj/platform/rt/mutex.o: platform/rt/mutex.c $(HEADERS) | deps-check
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  CC [$(1)] $$<")
	$(Q)$$(CC_$(1)) $(CSTD) $(WARN) $$(FLAGS_$(1)) $(TRUSTED_INCLUDES) -c $$< -o $$@

build/$(1)/obj/platform/rt/%.o: platform/rt/%.c $(HEADERS) | deps-check
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  CC [$(1)] $$<")
	$(Q)$$(CC_$(1)) $(CSTD) $(WARN) $$(RTFLAGS_$(1)) $(TRUSTED_INCLUDES) -c $$< -o $$@

$(OUT)/$(1)/obj/raft/%.o: $(RAFT_DIR)/%.c $(RAFT_HEADERS) $(OUT)/.peer-tree-ok | deps-check
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  CC [$(1)] $$<")
	$(Q)$$(CC_$(1)) $(CSTD) $(WARN) $$(FLAGS_$(1)) $(PEER_INCLUDES) -c $$< -o $$@

$(OUT)/$(1)/raft-tests: $(patsubst %.c,build/$(1)/obj/%.o,$(TRUSTED_SRCS) $(RUNNER_SRCS) $(SCENARIO_SRCS)) \
		$(patsubst $(RAFT_DIR)/%.c,$(OUT)/$(1)/obj/raft/%.o,$(RAFT_SRCS))
	@$(if $(Q),echo "  LD [$(1)] $$@")
	$(Q)$$(CC_$(1)) $$(FLAGS_$(1)) $$^ $(LIBS) -o $$@

build/$(1)/unit-tests: $(patsubst %.c,build/$(1)/obj/%.o,$(TRUSTED_SRCS) \
		$(REFERENCE_RAFT_SRCS) $(UNIT_SRCS))
	@$(if $(Q),echo "  LD [$(1)] $$@")
	$(Q)$$(CC_$(1)) $$(FLAGS_$(1)) $$^ $(LIBS) $(UNIT_LIBS) -o $$@
endef
$(foreach f,$(FLAVOURS),$(eval $(call flavour_rules,$(f))))

# The checker (build/checker/rrl-check), the small programs it is tested on,
# and the check targets.
include checker/checker.mk

# The exercise catalog: list, exercise, check EX=, hint, diff, handout.
include scripts/catalog.mk
include lessons/lessons.mk

.PHONY: help deps deps-check build all test unit scenarios demo bench static \
	helgrind tsan-seeds clean format asan runner-cli unit-under-load

help: ## List the targets
	@echo "Raft Race Lab"
	@echo
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | \
		awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: RUN=REGEX SEED=N COUNT=N SCALE=X NOISE=P (scenario runs), SEEDS=N JSON=F JUNIT=F (check),"
	@echo "           HELGRIND_SCALE=X (helgrind), RUNS=N (unit-under-load), V=1 (show commands)"

deps: ## Install the Debian packages the toolkit needs (uses sudo when not root)
	@scripts/deps.sh install

deps-check:
	@scripts/deps.sh check

build: build/plain/raft-tests build/tsan/raft-tests ## Build the plain and TSan test runners

all: $(foreach f,$(FLAVOURS),build/$(f)/raft-tests build/$(f)/unit-tests) ## Build every flavour

clean: ## Remove build/
	rm -rf build

format: ## Reformat the C sources with clang-format
	clang-format -i $(TRUSTED_SRCS) $(RAFT_SRCS) $(SCENARIO_SRCS) $(UNIT_SRCS) $(HEADERS)

# ---- Running ----------------------------------------------------------------

RUN ?= .
SEED ?=
COUNT ?= 1
SCALE ?=
NOISE ?=
RUNNER_FLAGS = -run '$(RUN)' -count $(COUNT) $(if $(SEED),-seed $(SEED)) \
	$(if $(SCALE),-scale $(SCALE)) $(if $(NOISE),-noise $(NOISE))

TSAN_OPTIONS_TESTS := halt_on_error=0 exitcode=66 second_deadlock_stack=1
export TSAN_SYMBOLIZER_PATH := $(shell command -v llvm-symbolizer-19 || command -v llvm-symbolizer)

unit: build/tsan/unit-tests ## CUnit unit tests, under TSan
	TSAN_OPTIONS="$(TSAN_OPTIONS_TESTS) suppressions=$(CURDIR)/tests/unit/tsan.supp" \
		build/tsan/unit-tests

# The tests mostly wait on their timers: one per CPU side by side keeps
# the suite's wall time down (docs/measurements.md). Not named PARALLEL,
# which GNU parallel reads from the environment for its own options.
TESTS_AT_ONCE ?= $(shell nproc)

scenarios: build/tsan/raft-tests ## The 3A-3D scenario suite under TSan, TESTS_AT_ONCE tests at a time (RUN=, SEED=, COUNT=, TESTS_AT_ONCE=)
	TSAN_OPTIONS="$(TSAN_OPTIONS_TESTS)" build/tsan/raft-tests $(RUNNER_FLAGS) -parallel $(TESTS_AT_ONCE)

# Memory errors stop the program at the first one (halt_on_error), and so
# does undefined behaviour (-fno-sanitize-recover in FLAGS_asan). Leaks are
# checked: every test process waits for its threads and frees what it
# made before it exits, so memory still allocated then is lost. A process
# that ends with _exit (a failed check, the watchdog) is not checked, so a
# leak never hides the real failure. exitcode=67 lets the scenario runner
# name the cause.
ASAN_OPTIONS_TESTS := halt_on_error=1 detect_leaks=1 exitcode=67 \
	detect_stack_use_after_return=1 strict_string_checks=1
UBSAN_OPTIONS_TESTS := halt_on_error=1 print_stacktrace=1 exitcode=67
ASAN_ENV = ASAN_OPTIONS="$(ASAN_OPTIONS_TESTS)" UBSAN_OPTIONS="$(UBSAN_OPTIONS_TESTS)"

asan: build/asan/unit-tests build/asan/raft-tests ## Unit tests and the 3A scenarios under ASan + UBSan, leaks checked (SEED=)
	$(ASAN_ENV) build/asan/unit-tests
	$(ASAN_ENV) build/asan/raft-tests -run 3A $(if $(SEED),-seed $(SEED))

runner-cli: build/tsan/raft-tests ## The scenario runner refuses a -run that selects no test (exit 2)
	@MAKE='$(MAKE)' scripts/check-runner-cli.sh build/tsan/raft-tests

unit-under-load: build/tsan/unit-tests build/tsan/raft-tests ## `make unit` 20 times in a row beside `make scenarios` (RUNS=N)
	@MAKE='$(MAKE)' scripts/unit-under-load.sh $(or $(RUNS),20)

plain: build/plain/raft-tests ## The scenario suite, plain gcc build
	build/plain/raft-tests $(RUNNER_FLAGS)

gtsan: build/gtsan/raft-tests ## The scenario suite under gcc's TSan
	TSAN_OPTIONS="$(TSAN_OPTIONS_TESTS)" build/gtsan/raft-tests $(RUNNER_FLAGS)

static: ## clang thread-safety analysis: raft/ must be clean, the fixture must be flagged
	@scripts/static-check.sh $(CLANG)

helgrind: build/plain/raft-tests ## The scenario suite under Helgrind (XML), time stretched
	@scripts/helgrind.sh build/plain/raft-tests $(RUNNER_FLAGS)

tsan-seeds: build/tsan/raft-tests ## The whole suite under TSan for 20 seeds, as make scenarios runs it (SEEDS=N, TESTS_AT_ONCE=)
	@scripts/tsan-seeds.sh build/tsan/raft-tests $(or $(SEEDS),20) $(TESTS_AT_ONCE)

test: unit asan static checker-unit test-sandbox test-html-report scenarios runner-cli check-programs test-catalog lessons ## Unit tests (TSan, ASan), static analysis, the 3A-3D suite under TSan, the checker's tests and its sandbox's, the exercise pairs, the lessons' examples

bench: build/plain/raft-tests build/tsan/raft-tests ## Wall time per part: native, TSan, Helgrind
	@scripts/bench.sh

demo: ## Install what is missing, build, run a short scenario under TSan
	@scripts/deps.sh check >/dev/null 2>&1 || scripts/deps.sh install
	@$(MAKE) --no-print-directory build/tsan/raft-tests
	@scripts/demo.sh

# ---- Autograders (autograders/) ----------------------------------------------

.PHONY: gradescope-autograder test-autograders

gradescope-autograder: ## Gradescope's autograder zip: OUT=dir EX=id [SEEDS=N] [POLICY=file] (autograders/gradescope/README.md)
	@test '$(OUT)' != build || { echo "make gradescope-autograder: give OUT=<dir>, where the zip goes" >&2; exit 2; }
	@EX='$(EX)' SEEDS='$(SEEDS)' POLICY='$(POLICY)' autograders/gradescope/make_autograder.sh '$(OUT)'

test-autograders: ## The Gradescope and Classroom autograders: shellcheck, the workflow, the zip, run_autograder on the reference (not in make test)
	@tests/autograders/test-autograders.sh
