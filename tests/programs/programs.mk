# The small pthread programs the checker is tested on (tests/programs/).
# Each is linked with the runtime (platform/rt) and the watchdog, so lockdep and
# the watchdog see it as they see a Raft test:
#   build/<flavour>/programs/<name>   for flavours plain, tsan, gtsan
# Included from checker/checker.mk.

PROGRAM_NAMES := $(basename $(notdir $(filter-out tests/programs/program.c, \
	$(wildcard tests/programs/*.c))))
PROGRAM_LINKED_SRCS := $(sort $(wildcard platform/rt/*.c)) platform/xalloc.c harness/watchdog.c tests/programs/program.c

define program_rules
build/$(1)/programs/%: build/$(1)/obj/tests/programs/%.o \
		$(patsubst %.c,build/$(1)/obj/%.o,$(PROGRAM_LINKED_SRCS))
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  LD [$(1)] $$@")
	$(Q)$$(CC_$(1)) $$(FLAGS_$(1)) $$^ $(LIBS) -o $$@

# Objects, not intermediates: make must not delete them after linking.
.SECONDARY: $(patsubst %,build/$(1)/obj/tests/programs/%.o,$(PROGRAM_NAMES) program)
$(patsubst %,build/$(1)/obj/tests/programs/%.o,$(PROGRAM_NAMES) program): \
	tests/programs/program.h
endef
$(foreach f,$(FLAVOURS),$(eval $(call program_rules,$(f))))

.PHONY: programs
programs: $(foreach f,plain tsan,$(patsubst %,build/$(f)/programs/%,$(PROGRAM_NAMES))) ## Build the small pthread programs (tests/programs/)
