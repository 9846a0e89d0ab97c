# Build, test, demo and benchmark the runtime and the image tool.
# Sources are found by wildcard: a new .c file under common/, runtime/ or
# imagetool/ is built without touching this file.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/vendor-completions
CC ?= cc

ifeq ($(SANITIZE),1)
BUILD ?= build/san
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
else
BUILD ?= build/default
endif

# CFLAGS and LDFLAGS are the user's (make CFLAGS=-O0 ...); what the build
# needs is added to them, never replaced by them.
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I. $(SAN_FLAGS) -MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(SAN_FLAGS) $(LDFLAGS)

pc = $(shell pkg-config --libs $(1) 2>/dev/null)
COMMON_LIBS = $(call pc,yajl nettle)
RUNTIME_LIBS = $(call pc,libseccomp libcap) $(COMMON_LIBS)
# libarchive, libcurl, libsquashfs and ISA-L are loaded on first use (imagetool/lazy/)
IMAGETOOL_LIBS = -ldl -lpthread $(COMMON_LIBS)

COMMON_SRC := $(sort $(wildcard common/*.c))
RUNTIME_SRC := $(sort $(shell find runtime -name '*.c'))
IMAGETOOL_SRC := $(sort $(shell find imagetool -name '*.c'))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
COMMON_OBJ := $(call obj,$(COMMON_SRC))
RUNTIME_LIB_OBJ := $(call obj,$(filter-out runtime/main.c,$(RUNTIME_SRC)))
IMAGETOOL_LIB_OBJ := $(call obj,$(filter-out imagetool/main.c,$(IMAGETOOL_SRC)))
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

RUNTIME_BIN := $(BUILD)/bin/runtime
IMAGETOOL_BIN := $(BUILD)/bin/imagetool

.PHONY: all deps check unit bats demo bench install uninstall clean fuzz docs
.SECONDARY:
all: $(RUNTIME_BIN) $(IMAGETOOL_BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libcommon.a: $(COMMON_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(BUILD)/libruntime.a: $(RUNTIME_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(BUILD)/libimagetool.a: $(IMAGETOOL_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(RUNTIME_BIN): $(call obj,runtime/main.c) $(BUILD)/libruntime.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(RUNTIME_LIBS)
$(IMAGETOOL_BIN): $(call obj,imagetool/main.c) $(BUILD)/libimagetool.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(IMAGETOOL_LIBS)

# Unit tests: tests/unit/<area>_<name>.c links the library of its area.
$(BUILD)/tests/common_%: $(call obj,tests/unit/common_%.c) $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(COMMON_LIBS)
$(BUILD)/tests/runtime_%: $(call obj,tests/unit/runtime_%.c) $(BUILD)/libruntime.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(RUNTIME_LIBS)
$(BUILD)/tests/imagetool_%: $(call obj,tests/unit/imagetool_%.c) $(BUILD)/libimagetool.a $(BUILD)/libcommon.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(IMAGETOOL_LIBS)

# Each target installs only what it needs (deps/install KIND, see deps/).
deps:
	@deps/install check

# What the tests see: absolute paths of the binaries under test.
TEST_ENV = RUNTIME=$(abspath $(RUNTIME_BIN)) IMAGETOOL=$(abspath $(IMAGETOOL_BIN)) \
           PROJECT_ROOT=$(abspath .) BUILD_DIR=$(abspath $(BUILD)) SANITIZE=$(SANITIZE)

check:
	@deps/install check
	$(MAKE) all $(UNIT_BIN)
	$(TEST_ENV) tests/run $(UNIT_BIN)

# Run only some suites: make bats SUITES="tests/runtime/run.bats"
bats: all
	$(TEST_ENV) bats $(or $(SUITES),tests/runtime tests/imagetool tests/integration)

demo:
	@deps/install demo
	$(MAKE) all
	$(TEST_ENV) ./demo.sh

bench:
	@deps/install bench
	$(MAKE) all
	$(TEST_ENV) bench/run

fuzz:
	@deps/install fuzz
	$(TEST_ENV) tests/fuzz/run

# Manual pages and completion scripts come from the programs' own command
# tables (`PROG help --man [COMMAND]`, `PROG help --completion SHELL`), so
# they cannot drift from --help.
DOCS := $(BUILD)/docs
docs: $(DOCS)/stamp
$(DOCS)/stamp: $(RUNTIME_BIN) $(IMAGETOOL_BIN)
	@rm -rf $(DOCS) && mkdir -p $(DOCS)/man1 $(DOCS)/bash $(DOCS)/zsh
	@for p in $^; do n=$$(basename $$p); \
	    $$p help --man > $(DOCS)/man1/$$n.1 || exit 1; \
	    for c in $$($$p help --commands); do $$p help --man $$c > $(DOCS)/man1/$$n-$$c.1 || exit 1; done; \
	    $$p help --completion bash > $(DOCS)/bash/$$n || exit 1; \
	    $$p help --completion zsh > $(DOCS)/zsh/_$$n || exit 1; \
	done
	@touch $@

install: all docs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 0755 $(RUNTIME_BIN) $(DESTDIR)$(BINDIR)/runtime
	install -m 0755 $(IMAGETOOL_BIN) $(DESTDIR)$(BINDIR)/imagetool
	install -m 0644 $(DOCS)/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 $(DOCS)/bash/* $(DESTDIR)$(BASHCOMPDIR)/
	install -m 0644 $(DOCS)/zsh/* $(DESTDIR)$(ZSHCOMPDIR)/

# Removes what install put there (the page list comes from the built docs).
uninstall: docs
	rm -f $(DESTDIR)$(BINDIR)/runtime $(DESTDIR)$(BINDIR)/imagetool
	cd $(DOCS)/man1 && for f in *.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$$f; done
	rm -f $(DESTDIR)$(BASHCOMPDIR)/runtime $(DESTDIR)$(BASHCOMPDIR)/imagetool
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_runtime $(DESTDIR)$(ZSHCOMPDIR)/_imagetool

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
