# The exercise catalog (buggy/, fixed/): the student's and the instructor's
# targets. Included from the Makefile; scripts/exercise.sh does the work.

.PHONY: list exercise check-exercise hint diff handout exercises

list: ## The exercises: id, grade and title (RULES=1 adds the rule, for instructors)
	@scripts/exercise.sh list $(if $(RULES),--rules)

exercise: ## An editable copy of an exercise's buggy peer in work/EX/ (EX=id)
	@scripts/exercise.sh start '$(EX)'

hint: ## The next hint for an exercise (EX=id)
	@scripts/exercise.sh hint '$(EX)'

diff: ## Your copy of an exercise (or the buggy peer) against the fixed one (EX=id)
	@scripts/exercise.sh diff '$(EX)'

handout: ## What to hand out: buggy trees, READMEs, hints, no answers (EXS="id ..." OUT=dir)
	@scripts/exercise.sh handout '$(OUT)' $(EXS)

exercises: ## Materialise every exercise under build/exercises/ (fails if a patch no longer applies)
	@scripts/exercise.sh materialise --all

# The whole catalog, buggy and fixed, under every detector: one rrl-check
# over all the trees (checker/check-all.sh). SEEDS= (default 20),
# HELGRIND_SEEDS= (default 5), JOBS=, JSON=, JUNIT=, EXS="id ..." (default all;
# id/buggy or id/fixed is that tree alone).
CHECK_ALL_RUNS = $(if $(SEEDS),--seeds $(SEEDS)) $(if $(HELGRIND_SEEDS),--helgrind-seeds $(HELGRIND_SEEDS)) \
	$(if $(JOBS),-j $(JOBS))
CHECK_ALL_ARGS = $(CHECK_ALL_RUNS) $(if $(JSON),--json '$(JSON)') $(if $(JUNIT),--junit '$(JUNIT)')

.PHONY: check-all matrix
check-all: build/checker/rrl-check ## The whole catalog, buggy and fixed, every detector (SEEDS=20 HELGRIND_SEEDS=5 JOBS= JSON= JUNIT= EXS=)
	@checker/check-all.sh $(CHECK_ALL_ARGS) $(EXS)

# docs/matrix.md from a check-all run made here (its JSON stays in
# build/check-all.json), or from the JSON of earlier ones (MATRIX_JSON="a.json
# b.json": slices of the catalog, checked one after another; a tree in two is
# taken from the later). The document states the commands, the checks'
# dates and which exercises no report holds.
MATRIX_OUT ?= docs/matrix.md
MATRIX_COMMAND = make matrix$(if $(MATRIX_JSON), MATRIX_JSON="$(MATRIX_JSON)")$(if $(SEEDS), SEEDS=$(SEEDS))$(if \
	$(HELGRIND_SEEDS), HELGRIND_SEEDS=$(HELGRIND_SEEDS))$(if $(JOBS), JOBS=$(JOBS))$(if $(EXS), EXS="$(EXS)")
matrix: build/checker/rrl-check build/checker/rrl-matrix ## docs/matrix.md from a check-all run (SEEDS=, HELGRIND_SEEDS=, JOBS=, EXS=), or from their JSON (MATRIX_JSON="a.json b.json")
ifeq ($(MATRIX_JSON),)
	@rm -f build/check-all.json
	@checker/check-all.sh $(CHECK_ALL_RUNS) $(if $(JUNIT),--junit '$(JUNIT)') --json build/check-all.json $(EXS) || \
		[ -f build/check-all.json ]
	build/checker/rrl-matrix --command '$(MATRIX_COMMAND)' --catalog buggy -o $(MATRIX_OUT) build/check-all.json
else
	build/checker/rrl-matrix --command '$(MATRIX_COMMAND)' --catalog buggy -o $(MATRIX_OUT) $(MATRIX_JSON)
endif

.PHONY: test-catalog
test-catalog: build/checker/rrl-check ## Every exercise pair: the patch applies, the bug is caught, the fix is clean, the handout leaks nothing
	@tests/catalog/test_exercises.sh
	@tests/catalog/test_handout.sh

# The hunt measured (checker/hunt-bench.sh): the rule-2, -3 and -5 test set
# (every draft and every catalog exercise of those rules, or IDS="id ...")
# and the reference, each at the checker's default settings for the
# invariants detector; the tables go into docs/measurements.md.
.PHONY: hunt-bench hunt-reference
hunt-bench: build/checker/rrl-check ## The rule-2/3/5 test set under the hunt, table into docs/measurements.md (SEEDS=20 JOBS= IDS=)
	@checker/hunt-bench.sh $(if $(SEEDS),--seeds $(SEEDS)) $(if $(JOBS),-j $(JOBS)) bugs $(IDS)
hunt-reference: build/checker/rrl-check ## The reference under the hunt, where any finding is a false alarm (SEEDS=100 JOBS= RUN= SECTION=)
	@checker/hunt-bench.sh $(if $(SEEDS),--seeds $(SEEDS)) $(if $(JOBS),-j $(JOBS)) \
		$(if $(RUN),--run '$(RUN)') $(if $(SECTION),--section '$(SECTION)') reference
