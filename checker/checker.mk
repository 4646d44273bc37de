# The checker, rrl-check: build/checker/rrl-check. Included from the Makefile.
#
#   CHECKER_LIB_SRCS    memory, the finding shape and the parsers (tested on their own)
#   CHECKER_TEST_SRCS   their CUnit tests
#   CHECKER_MAIN_SRCS   everything else in checker/: the driver (main, options,
#                       targets, build, plan, run, collect, progress) and the
#                       report files (grading, exercise metadata, outputs)

CHECKER_LIB_SRCS := checker/alloc.c checker/finding.c $(sort $(wildcard checker/parse_*.c))
CHECKER_TEST_SRCS := $(sort $(wildcard tests/checker/*.c))
# The matrix generator, rrl-matrix (its own program).
CHECKER_MATRIX_SRCS := checker/matrix.c checker/matrix_main.c
# The class grader, rrl-grade (its own program; grade_outputs.c and score.c
# also in the unit tests).
CHECKER_GRADE_SRCS := checker/grade_main.c checker/grader.c
CHECKER_SCORE_SRCS := checker/score.c checker/grade_outputs.c
# The sandbox a submission's builds and runs happen in, rrl-sandbox.
CHECKER_SANDBOX_SRCS := checker/sandbox.c checker/sandbox_cgroup.c checker/sandbox_main.c
CHECKER_MAIN_SRCS := $(filter-out $(CHECKER_LIB_SRCS) $(CHECKER_MATRIX_SRCS) \
	$(CHECKER_SANDBOX_SRCS) $(CHECKER_GRADE_SRCS) $(CHECKER_SCORE_SRCS),$(sort $(wildcard checker/*.c)))
# Grading, exercise metadata and the three outputs (part of CHECKER_MAIN_SRCS;
# also linked into the unit tests, which test them without the driver).
CHECKER_REPORT_SRCS := checker/grade.c checker/exercise.c checker/hunt.c checker/report_json.c \
	checker/report_junit.c checker/report_sarif.c checker/report_html.c checker/report_table.c checker/report_student.c \
	checker/finding_line.c checker/finding_view.c checker/clean_text.c checker/json_file.c
# What a submission may call and define (also linked into the unit tests).
CHECKER_POLICY_SRCS := checker/policy.c checker/elf_symbols.c
# The driver's own tests: they run rrl-check as a user would.
CHECKER_DRIVER_TEST_SRCS := $(sort $(wildcard tests/checker/driver/*.c))

CHECKER_CFLAGS := $(CSTD) $(WARN) -O2 -g -Ichecker \
	$(shell pkg-config --cflags libxml-2.0 jansson libdw libelf 2>/dev/null)
CHECKER_LIBS := $(shell pkg-config --libs libxml-2.0 jansson libdw libelf 2>/dev/null)
CHECKER_HEADERS := $(wildcard checker/*.h tests/checker/*.h tests/checker/driver/*.h)

build/checker/obj/%.o: %.c $(CHECKER_HEADERS) | deps-check
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [checker] $<")
	$(Q)gcc $(CHECKER_CFLAGS) -c $< -o $@

build/checker/rrl-check: $(patsubst %.c,build/checker/obj/%.o,$(CHECKER_LIB_SRCS) \
		$(CHECKER_MAIN_SRCS))
	@$(if $(Q),echo "  LD [checker] $@")
	$(Q)gcc $^ $(CHECKER_LIBS) -o $@

build/checker/rrl-grade: $(patsubst %.c,build/checker/obj/%.o,$(CHECKER_GRADE_SRCS) \
		$(CHECKER_SCORE_SRCS) checker/alloc.c checker/files.c checker/tools.c \
		checker/clean_text.c checker/json_file.c checker/finding.c)
	@$(if $(Q),echo "  LD [checker] $@")
	$(Q)gcc $^ $(CHECKER_LIBS) -lcsv -o $@

build/checker/rrl-sandbox: $(patsubst %.c,build/checker/obj/%.o,$(CHECKER_SANDBOX_SRCS) \
		checker/alloc.c)
	@$(if $(Q),echo "  LD [checker] $@")
	$(Q)gcc $^ $(CHECKER_LIBS) -o $@

# The sandbox's tests: a program that misbehaves on purpose, and the
# tests that run it under rrl-sandbox.
build/checker/hostile: tests/sandbox/hostile.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [checker] $@")
	$(Q)gcc $(CSTD) $(WARN) -O1 $< -o $@

build/checker/test-sandbox: tests/sandbox/test_sandbox.c | deps-check
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [checker] $@")
	$(Q)gcc $(CHECKER_CFLAGS) $< $(CHECKER_LIBS) $(UNIT_LIBS) -o $@

build/checker/rrl-matrix: $(patsubst %.c,build/checker/obj/%.o,$(CHECKER_MATRIX_SRCS) \
		checker/alloc.c checker/finding.c)
	@$(if $(Q),echo "  LD [checker] $@")
	$(Q)gcc $^ $(CHECKER_LIBS) -lm -o $@

# Reading a finished run's output (collect.c) and what it needs: tested on
# recorded runs (also part of CHECKER_MAIN_SRCS).
CHECKER_COLLECT_SRCS := checker/collect.c checker/files.c checker/run.c checker/progress.c \
	checker/sandboxed.c \
	checker/race_names.c

# The CUnit tests of tests/checker/ (parsers, grading, outputs, collecting).
build/checker/unit-tests: $(patsubst %.c,build/checker/obj/%.o,$(CHECKER_LIB_SRCS) \
		$(CHECKER_REPORT_SRCS) $(CHECKER_COLLECT_SRCS) $(CHECKER_POLICY_SRCS) \
		$(CHECKER_SCORE_SRCS) checker/matrix.c \
		$(CHECKER_TEST_SRCS))
	@$(if $(Q),echo "  LD [checker] $@")
	$(Q)gcc $^ $(CHECKER_LIBS) $(UNIT_LIBS) -lcsv -lm -o $@

build/checker/test-driver: $(patsubst %.c,build/checker/obj/%.o,$(CHECKER_DRIVER_TEST_SRCS) \
		checker/alloc.c checker/files.c)
	@$(if $(Q),echo "  LD [checker] $@")
	$(Q)gcc $^ $(CHECKER_LIBS) $(UNIT_LIBS) -o $@

include tests/programs/programs.mk

.PHONY: checker checker-unit check check-programs test-sandbox grade grade-bench test-html-report

checker: build/checker/rrl-check build/checker/rrl-sandbox build/checker/rrl-grade ## Build the checker, build/checker/rrl-check, and its sandbox, rrl-sandbox

# The race-naming tests read the types of a fixture program's binary, built
# here from the source its recorded reports were made from.
build/checker/fixtures/field_race: tests/checker/fixture_programs/field_race.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [checker] $@")
	$(Q)gcc -std=c11 -D_GNU_SOURCE -g -O1 $< -lpthread -o $@

checker-unit: build/checker/unit-tests build/checker/fixtures/field_race ## The checker's CUnit tests (parsers, grading, outputs, race naming, matrix)
	build/checker/unit-tests

# 10 seeds by default: the reference must be clean under every detector.
CHECK_REPORTS = $(if $(JSON),--json '$(JSON)') $(if $(JUNIT),--junit '$(JUNIT)') \
	$(if $(SARIF),--sarif '$(SARIF)')
CHECK_OUTPUTS = $(if $(SEEDS),-s $(SEEDS)) $(CHECK_REPORTS)

# The reference's scenarios: the checker's own (3A-3C, what a submission is
# held to) and two 3D tests, so that the reference's snapshots are checked,
# and hunted in the snapshot lanes, too.
REFERENCE_RUN := 3A|BasicAgree3B|FailAgree3B|ConcurrentStarts3B|Persist13C|SnapshotBasic3D|SnapshotInstallCrash3D
# Under Helgrind (about 8 times slower), the checker's short pair and the
# shortest 3D test.
REFERENCE_HELGRIND_RUN := InitialElection3A|BasicAgree3B|SnapshotBasic3D

# With EX=id: the exercise's copy in work/id/ (or its buggy peer), graded as a
# submission, so the report says nothing a student should not see yet.
check: build/checker/rrl-check ## Every detector on the reference (3A-3D), 10 seeds; EX=id checks your copy of an exercise (SEEDS=, JSON=, JUNIT=, SARIF=)
ifeq ($(EX),)
	build/checker/rrl-check -s $(or $(SEEDS),10) -r '$(REFERENCE_RUN)' \
		--helgrind-run '$(REFERENCE_HELGRIND_RUN)' $(CHECK_REPORTS) .
else
	@scripts/exercise.sh check '$(EX)' $(CHECK_OUTPUTS)
endif

# OUT is also the Makefile's build directory (build/); here it is where the
# grades go, so the tools are built by a make of their own with OUT=build.
grade: ## Grade a class in the sandbox: SUBMISSIONS=dir OUT=dir [EX=id] [SEEDS=N] [POLICY=file] (docs/grading.md)
	@test -n '$(SUBMISSIONS)' || { echo "make grade: give SUBMISSIONS=<dir> (one directory per student) and OUT=<dir>" >&2; exit 2; }
	@test '$(OUT)' != build || { echo "make grade: give OUT=<dir>, where the grades go" >&2; exit 2; }
	@$(MAKE) -s --no-print-directory OUT=build checker build/plain/raft-tests
	build/checker/rrl-grade --submissions '$(SUBMISSIONS)' --out '$(OUT)' \
		$(if $(EX),--exercise '$(EX)') $(if $(SEEDS),--seeds $(SEEDS)) \
		$(if $(POLICY),--policy '$(POLICY)')

# A class graded and graded again, timed (not in make test: 35 min for the default class).
grade-bench: ## A class (COPIES reference copies, the hostile trees, BUGS) graded RUNS times, timed: OUT=dir (scripts/grade-bench.sh)
	@test '$(OUT)' != build || { echo "make grade-bench: give OUT=<dir>, where the class and its grades go" >&2; exit 2; }
	@scripts/grade-bench.sh $(if $(COPIES),--copies $(COPIES)) $(if $(RUNS),--runs $(RUNS)) \
		$(if $(SEEDS),--seeds $(SEEDS)) $(if $(BUGS),--bugs '$(BUGS)') '$(OUT)'

# The HTML report of a race, opened in headless Chromium (the slides' too).
test-html-report: build/checker/rrl-check programs ## rrl-check --html on a race, opened in headless Chromium: the field, its guard, both sides, the locks, a real screenshot
	@build/checker/rrl-check -q -d tsan -s 2 --program tests/programs/field_race.c \
		--html build/checker/html-report.html || test $$? -eq 1
	@node tests/checker/test-html-report.js "$$(command -v chromium || command -v chromium-browser)" \
		build/checker/html-report.html 'acct->balance' 'acct->mu'

test-sandbox: build/checker/rrl-sandbox build/checker/hostile build/checker/test-sandbox ## The sandbox contains a loop, a fork bomb, a flood, a write outside, a connect, a huge allocation (as root)
	build/checker/test-sandbox

check-programs: build/checker/rrl-check build/checker/test-driver programs ## rrl-check end to end: the small programs, the command line, changed copies of raft/
	build/checker/test-driver
