# The lessons (lessons/) and their slides (slides/). Included from the Makefile.
#
#   make lessons   build every example in lessons/code/ with clang's TSan and
#                  the project's flags, run each and check it behaves as its
#                  lesson says (lessons/check-examples.sh), then check the
#                  lessons themselves (lessons/check-docs.sh): code quoted from
#                  raft/ and lessons/code/ matches the source, quoted output
#                  matches a fresh run, both languages and every deck exist.
#   make slides    one HTML file and one PDF per deck: the English decks in
#                  slides/ into build/slides/, the Chinese in slides/zh/ into
#                  build/slides/zh/
#   make test-slides  open every deck of both languages in headless Chromium
#                  and check it (slides/test-decks.js)
#
# An example that includes rt/rt.h is linked with the runtime and the
# platform, and the watchdog, as tests/programs are; the others are plain
# pthreads programs.

LESSON_SRCS := $(sort $(wildcard lessons/code/*.c))
LESSON_NAMES := $(basename $(notdir $(LESSON_SRCS)))
LESSON_RT_NAMES := $(basename $(notdir $(shell grep -l '"rt/rt.h"' $(LESSON_SRCS) /dev/null)))
LESSON_PLAIN_NAMES := $(filter-out $(LESSON_RT_NAMES),$(LESSON_NAMES))
LESSON_STATIC_NAMES := $(basename $(notdir $(shell grep -l '^ \* expect: static$$' $(LESSON_SRCS) /dev/null)))
LESSON_BIN := build/lessons/bin
LESSON_LINKED_OBJS := $(patsubst %.c,build/tsan/obj/%.o,$(PLATFORM_SRCS) harness/watchdog.c)
# The analysis that makes _locked checkable is on for every example; only
# the examples that show its warnings may have any.
LESSON_TSA := -Wthread-safety -Wthread-safety-beta -Wno-thread-safety-negative
LESSON_CFLAGS = $(CSTD) $(WARN) -Werror $(LESSON_TSA) \
	$(if $(filter $*,$(LESSON_STATIC_NAMES)),-Wno-thread-safety-analysis) \
	$(FLAGS_tsan) -Iplatform -Iharness

$(addprefix $(LESSON_BIN)/,$(LESSON_RT_NAMES)): $(LESSON_BIN)/%: lessons/code/%.c \
		lessons/code/schedule.h $(LESSON_LINKED_OBJS) $(PLATFORM_HEADERS) | deps-check
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [lessons] $<")
	$(Q)$(CC_tsan) $(LESSON_CFLAGS) $< $(LESSON_LINKED_OBJS) $(LIBS) -o $@

$(addprefix $(LESSON_BIN)/,$(LESSON_PLAIN_NAMES)): $(LESSON_BIN)/%: lessons/code/%.c | deps-check
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC [lessons] $<")
	$(Q)$(CC_tsan) $(LESSON_CFLAGS) $< -lpthread -o $@

.PHONY: lessons lessons-examples lessons-docs slides test-slides

lessons-examples: $(addprefix $(LESSON_BIN)/,$(LESSON_NAMES))
	@lessons/check-examples.sh $(CLANG) $(LESSON_BIN) build/lessons/out

lessons-docs: lessons-examples
	@lessons/check-docs.sh build/lessons/out

lessons: lessons-docs ## Build and run the lessons' examples, check each behaves and every quote matches the source

# ---- Slides --------------------------------------------------------------------

SLIDE_DECKS := $(sort $(wildcard slides/[0-9]*.md))
# The Chinese decks: one per English deck, same file name; their font is
# Debian's fonts-noto-cjk (scripts/deps.sh).
SLIDE_DECKS_ZH := $(sort $(wildcard slides/zh/[0-9]*.md))
SLIDE_OUT := build/slides
MARP := node_modules/.bin/marp
SLIDE_TOOL := node_modules/.installed
CHROMIUM := $(shell command -v chromium || command -v chromium-browser)

$(SLIDE_TOOL): package.json package-lock.json
	@scripts/deps.sh slides

# One Marp run per format converts every deck (slides/*.md, and slides/zh/*.md
# into $(SLIDE_OUT)/zh/: --input-dir takes subdirectories too): starting the
# browser once for all the PDFs is most of the time saved.
MARP_FLAGS := --no-config-file --theme-set slides/theme.css --html

$(SLIDE_OUT)/.html: $(SLIDE_DECKS) $(SLIDE_DECKS_ZH) slides/theme.css $(SLIDE_TOOL)
	@mkdir -p $(@D)
	@echo "  MARP $(SLIDE_OUT)/*.html"
	$(Q)$(MARP) --input-dir slides $(MARP_FLAGS) -o $(SLIDE_OUT)
	@touch $@

$(SLIDE_OUT)/.pdf: $(SLIDE_DECKS) $(SLIDE_DECKS_ZH) slides/theme.css $(SLIDE_TOOL)
	@mkdir -p $(@D)
	@echo "  MARP $(SLIDE_OUT)/*.pdf"
	$(Q)CHROME_PATH=$(CHROMIUM) $(MARP) --input-dir slides $(MARP_FLAGS) --pdf -o $(SLIDE_OUT)
	@touch $@

slides: $(SLIDE_OUT)/.html $(SLIDE_OUT)/.pdf ## The decks as HTML and PDF: English in build/slides/, Chinese in build/slides/zh/
	@echo "slides: $(words $(SLIDE_DECKS)) English decks in $(SLIDE_OUT)/, $(words $(SLIDE_DECKS_ZH)) Chinese in $(SLIDE_OUT)/zh/, HTML and PDF"

test-slides: $(SLIDE_OUT)/.html ## Open every deck (en, zh) in headless Chromium: real content, right slide count, no overflow
	@node slides/test-decks.js $(CHROMIUM) $(SLIDE_OUT) $(SLIDE_DECKS) $(SLIDE_DECKS_ZH)

# Lesson 05's measurement of mutex waits (see lessons/tools/lock_wait.c).
build/lessons/lock_wait.so: lessons/tools/lock_wait.c
	@mkdir -p $(@D)
	$(Q)$(CC_PLAIN) $(CSTD) $(WARN) -O2 -shared -fPIC $< -ldl -o $@
