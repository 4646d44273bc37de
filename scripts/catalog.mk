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
# HELGRIND_SEEDS= (default 5), JOBS=, JSON=, JUNIT=, EXS="id ..." (default all).
CHECK_ALL_ARGS = $(if $(SEEDS),--seeds $(SEEDS)) $(if $(HELGRIND_SEEDS),--helgrind-seeds $(HELGRIND_SEEDS)) \
	$(if $(JOBS),-j $(JOBS)) $(if $(JSON),--json '$(JSON)') $(if $(JUNIT),--junit '$(JUNIT)')

.PHONY: check-all matrix
check-all: build/checker/rrl-check ## The whole catalog, buggy and fixed, every detector (SEEDS=20 HELGRIND_SEEDS=5 JOBS= JSON= JUNIT= EXS=)
	@checker/check-all.sh $(CHECK_ALL_ARGS) $(EXS)

.PHONY: test-catalog
test-catalog: build/checker/rrl-check ## Every exercise pair: the patch applies, the bug is caught, the fix is clean, the handout leaks nothing
	@tests/catalog/test_exercises.sh
	@tests/catalog/test_handout.sh
