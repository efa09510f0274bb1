# passlaunch: see README.md. `make check` is what CI runs.
PREFIX     ?= /usr/local
SYSCONFDIR ?= /etc
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# polkit reads actions and rules from /usr/share only, whatever the prefix.
POLKITDIR  ?= /usr/share/polkit-1
VERSION    := 0.1

CC         ?= cc
PKGS       := inih libcap-ng json-c
# libseccomp compiles the seccomp filter's rules to BPF at build time
# (launcher/seccomp/); the launcher carries the program, not the library.
GEN_DIR    := build/gen
SECCOMP_BPF := $(GEN_DIR)/sandbox_bpf.h
SANITIZE   ?=
# A sanitized build lives apart, so both can be tested in one `make check`.
# The test build honours the PASSLAUNCH_* overrides of /sys, /proc, /dev,
# the runtime directory and the rest (passlaunch(1), ENVIRONMENT); the
# binary that is installed never does: root may get there by `sudo -E`.
# A sanitized build is only ever a test build.
ifeq ($(SANITIZE),1)
BUILD      := build/sanitize
BIN        := $(BUILD)/passlaunch
TEST_BIN   := $(BIN)
IMPORT     := $(BUILD)/passlaunch-import
EXPORT     := $(BUILD)/passlaunch-export
else
BUILD      := build
BIN        := passlaunch
TEST_BIN   := passlaunch-test
IMPORT     := passlaunch-import
EXPORT     := passlaunch-export
endif

# This binary runs as root: warnings are errors, hardening is always on.
WARNINGS   := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
              -Wmissing-prototypes -Wvla -Wwrite-strings -Wno-missing-field-initializers
HARDENING  := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
              -fcf-protection -fPIE
CFLAGS     ?= -O2 -g
ALL_CFLAGS := -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(HARDENING) $(CFLAGS) -MMD -MP \
              -DPASSLAUNCH_VERSION='"$(VERSION)"' -DSYSCONFDIR='"$(SYSCONFDIR)"' -DHOOKSDIR='"$(DATADIR)/passlaunch/hooks.d"' \
              -DDATADIR='"$(DATADIR)"' \
              -Ilauncher -I$(GEN_DIR) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ALL_LDFLAGS := -pie -Wl,-z,relro,-z,now -Wl,--as-needed $(LDFLAGS)
# The three libraries are linked in, libc stays shared: every `passlaunch`
# (each hook's `gpu detach`, each `status`) then maps one library, not four,
# and costs half the instructions before main (make bench: the GPU handoff).
# SHARED_LIBS=1 links them as shared libraries, as a distribution may want.
ifeq ($(SHARED_LIBS),1)
LIBS       := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
else
LIBS       := -Wl,-Bstatic $(shell pkg-config --libs --static $(PKGS) 2>/dev/null) -Wl,-Bdynamic
endif

ifeq ($(SANITIZE),1)
# UBSan's null checks make GCC 12 see null arguments to %s that cannot happen.
ALL_CFLAGS  += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -U_FORTIFY_SOURCE \
               -Wno-format-overflow
ALL_LDFLAGS += -fsanitize=address,undefined
endif

# One folder a layer (README, Layout); seccomp/ is built apart, at build time.
LAYERS     := cli check vm host qemu profile base
SRCS       := $(foreach l,$(LAYERS),$(wildcard launcher/$(l)/*.c))
OBJS       := $(SRCS:launcher/%.c=$(BUILD)/obj/%.o)
LIB_OBJS   := $(filter-out $(BUILD)/obj/cli/main.o,$(OBJS))
TEST_OBJS  := $(filter-out $(BUILD)/obj/base/paths.o,$(OBJS)) $(BUILD)/obj/base/paths-test.o
# passlaunch import (launcher/libvirt/): a program of its own beside the
# launcher, which executes it, so that libxml2 never links into the binary
# that runs as root; it needs no privilege.
IMPORT_SRCS := $(wildcard launcher/libvirt/import*.c) launcher/libvirt/domain_xml.c launcher/libvirt/ini_out.c
# It reads what it writes with the profile's own parser (import_check.c).
IMPORT_OBJS := $(patsubst launcher/%.c,$(BUILD)/obj/%.o,$(IMPORT_SRCS)) \
              $(filter $(BUILD)/obj/profile/% $(BUILD)/obj/base/%,$(TEST_OBJS))
# passlaunch export --libvirt: the same, with the profile's parser.
EXPORT_SRCS := $(wildcard launcher/libvirt/export*.c) launcher/libvirt/xml_out.c
# It works out auto pinning on the host it runs on (host/pin_plan.c), and,
# unprivileged like import, takes the test roots (PASSLAUNCH_SYSFS) as given.
EXPORT_OBJS := $(patsubst launcher/%.c,$(BUILD)/obj/%.o,$(EXPORT_SRCS)) \
              $(filter $(BUILD)/obj/profile/% $(BUILD)/obj/base/% $(BUILD)/obj/qemu/%,$(TEST_OBJS)) \
              $(addprefix $(BUILD)/obj/host/,pin_plan.o pin_choose.o cpu_topology.o sysfs.o)
$(BUILD)/obj/libvirt/%.o: ALL_CFLAGS += $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
UNIT_SRCS  := $(wildcard tests/unit/*_test.c)
UNIT_BINS  := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
PROBE      := $(BUILD)/tests/syscall-probe

# libFuzzer harnesses (clang): the launcher's objects built apart for them.
FUZZ_DIR   := build/fuzz
FUZZ_SRCS  := $(wildcard tests/fuzz/*_fuzz.c)
FUZZ_BINS  := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_DIR)/%)
FUZZ_OBJS  := $(filter-out $(FUZZ_DIR)/obj/cli/main.o,$(SRCS:launcher/%.c=$(FUZZ_DIR)/obj/%.o))
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer \
              -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
              -DSYSCONFDIR='"$(SYSCONFDIR)"' -Ilauncher -I$(GEN_DIR) $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_TIME  ?= 60

MAN_SRCS   := $(wildcard man/*.scd)
MAN_PAGES  := $(MAN_SRCS:man/%.scd=$(BUILD)/man/%)

.PHONY: all deps check test unit bats lint man lab demo clean install uninstall sanitized-units fuzz bench

all: $(BIN) $(TEST_BIN) $(IMPORT) $(EXPORT) man

$(IMPORT): $(IMPORT_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS) $(shell pkg-config --libs libxml-2.0 2>/dev/null)

$(EXPORT): $(EXPORT_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS) $(shell pkg-config --libs libxml-2.0 2>/dev/null)

ifneq ($(SANITIZE),1)
$(BIN): $(OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS)
endif

$(TEST_BIN): $(TEST_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS)

$(BUILD)/obj/base/paths-test.o: launcher/base/paths.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DPASSLAUNCH_TEST_BUILD -c -o $@ $<

$(BUILD)/obj/%.o: launcher/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/vm/sandbox.o $(FUZZ_DIR)/obj/vm/sandbox.o: $(SECCOMP_BPF)

# Run where it is built: the program checks for the native architecture.
$(SECCOMP_BPF): $(GEN_DIR)/seccomp-gen
	$< >$@.tmp && mv $@.tmp $@

$(GEN_DIR)/seccomp-gen: launcher/seccomp/gen.c launcher/seccomp/rules.c launcher/seccomp/rules.h
	@mkdir -p $(GEN_DIR)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(HARDENING) $(CFLAGS) $(shell pkg-config --cflags libseccomp) \
	  -o $@ $(filter %.c,$^) -pie -Wl,-z,relro,-z,now $(shell pkg-config --libs libseccomp)

$(BUILD)/tests/%_test: tests/unit/%_test.c $(LIB_OBJS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS) -lcmocka

# Stands in for QEMU in the sandbox tests; never sanitized, like QEMU (a
# sanitizer's runtime makes calls of its own that the filter denies).
$(PROBE): tests/helpers/syscall-probe.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(HARDENING) $(CFLAGS) -o $@ $< -pie -Wl,-z,relro,-z,now

$(FUZZ_DIR)/obj/%.o: launcher/%.c
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/%_fuzz: tests/fuzz/%_fuzz.c $(FUZZ_OBJS)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

# The importer's harness: its own objects and libxml2, beside the launcher's.
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null)
FUZZ_IMPORT_OBJS := $(patsubst launcher/%.c,$(FUZZ_DIR)/obj/%.o,\
                    $(filter-out launcher/libvirt/import_main.c,$(IMPORT_SRCS)))
$(FUZZ_DIR)/obj/libvirt/%.o: FUZZ_CFLAGS += $(XML_CFLAGS)
$(FUZZ_DIR)/import_fuzz: tests/fuzz/import_fuzz.c $(FUZZ_IMPORT_OBJS) $(FUZZ_OBJS)
	clang $(FUZZ_CFLAGS) $(XML_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS) \
		$(shell pkg-config --libs libxml-2.0 2>/dev/null)

# Each harness for FUZZ_TIME seconds, from its seed corpus; crashes land in
# tests/fuzz/regressions/HARNESS/ and are replayed by every later run.
fuzz: $(FUZZ_BINS)
	tests/fuzz/run $(FUZZ_TIME)

# Speed and memory against their references (tests/bench/run); README quotes it.
bench: $(TEST_BIN) $(BUILD)/tests/bare-handoff
	tests/bench/run

# The reference for the GPU handoff: the same sysfs writes, nothing else.
$(BUILD)/tests/bare-handoff: tests/bench/bare-handoff.c
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -D_GNU_SOURCE $(WARNINGS) $(HARDENING) $(CFLAGS) -o $@ $< -pie -Wl,-z,relro,-z,now

man: $(MAN_PAGES)

$(BUILD)/man/%: man/%.scd
	@mkdir -p $(@D)
	scdoc < $< > $@

deps:
	tests/helpers/install-deps

unit: $(UNIT_BINS)
	tests/run-unit $(UNIT_BINS)

bats: $(TEST_BIN) $(PROBE)
	PASSLAUNCH_UNDER_TEST=$(CURDIR)/$(TEST_BIN) bats --tap tests/bats

lint:
	tests/helpers/lint

# README's first command: the demo VM in the foreground. As a user, its state
# and sockets stay in build/demo; as root, QEMU still runs unprivileged: as the
# user behind sudo or pkexec, or else as nobody. OVMF's UEFI shell cannot answer
# the ACPI power button, so after Ctrl-C it is stopped after stop_timeout (5).
demo: passlaunch passlaunch-test
	@mkdir -p build/demo
	@if [ "$$(id -u)" = 0 ]; then \
	  if [ -z "$$SUDO_UID$$PKEXEC_UID" ]; then sed 's|^\[vm\]$$|[vm]\nuser = nobody|' profiles/demo.ini; \
	  else cat profiles/demo.ini; fi >build/demo/demo.ini; \
	  ./passlaunch run build/demo/demo.ini; \
	else \
	  sed 's|^state_dir = .*|state_dir = $(CURDIR)/build/demo/state|' profiles/demo.ini >build/demo/demo.ini; \
	  PASSLAUNCH_RUNTIME_DIR=$(CURDIR)/build/demo/run ./passlaunch-test run build/demo/demo.ini; \
	fi; s=$$?; [ $$s = 0 ] || [ $$s = 5 ]

# The GPU lab's guest kernel and initramfs (also built on demand by tests/lab/run).
lab:
	tests/lab/build

# CI's entry point: install what is missing, build (JOBS at once), lint, run
# every tier: the unit tests with the release build and again with ASan and
# UBSan (build/sanitize); each bats suite once, with the sanitized build but
# for the lab and the suites that need the release build (tests/run).
# `make check SANITIZE=1` runs only the sanitized unit and bats tiers;
# `make check BATS="tests/bats/run.bats ..."` only those bats suites.
BATS       ?=
JOBS       ?= $(shell nproc)
ifneq ($(BATS),)
check: deps
	$(MAKE) all $(PROBE)
	PASSLAUNCH_BATS="$(BATS)" tests/run
else ifeq ($(SANITIZE),1)
check: deps
	$(MAKE) SANITIZE=1 all $(UNIT_BINS)
	$(MAKE) SANITIZE= build/tests/syscall-probe
	PASSLAUNCH_UNDER_TEST=$(CURDIR)/$(BIN) PASSLAUNCH_SKIP_LAB=1 tests/run $(UNIT_BINS)
else
check: deps
	$(MAKE) -j$(JOBS) all
	$(MAKE) lint
	$(MAKE) -j$(JOBS) $(UNIT_BINS) $(PROBE)
	$(MAKE) -j$(JOBS) SANITIZE=1 all sanitized-units
	$(MAKE) -j$(JOBS) $(FUZZ_BINS)
	PASSLAUNCH_SANITIZED=$(CURDIR)/build/sanitize PASSLAUNCH_FUZZ_TIME=5 tests/run $(UNIT_BINS)
endif

sanitized-units: $(UNIT_BINS)

test: check

install: all
	install -Dm755 passlaunch $(DESTDIR)$(BINDIR)/passlaunch
	install -Dm755 $(IMPORT) $(DESTDIR)$(BINDIR)/passlaunch-import
	install -Dm755 $(EXPORT) $(DESTDIR)$(BINDIR)/passlaunch-export
	install -d $(DESTDIR)$(SYSCONFDIR)/passlaunch
	for p in profiles/*.ini; do install -Dm644 $$p $(DESTDIR)$(DATADIR)/passlaunch/$$p; done
	for h in hooks.d/*; do install -Dm755 $$h $(DESTDIR)$(DATADIR)/passlaunch/$$h; done
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/passlaunch@.service >$(BUILD)/passlaunch@.service
	install -Dm644 $(BUILD)/passlaunch@.service $(DESTDIR)$(SYSTEMDUNITDIR)/passlaunch@.service
	sed 's|@BINDIR@|$(BINDIR)|g' contrib/org.passlaunch.policy >$(BUILD)/org.passlaunch.policy
	install -Dm644 $(BUILD)/org.passlaunch.policy $(DESTDIR)$(POLKITDIR)/actions/org.passlaunch.policy
	install -Dm644 contrib/50-passlaunch.rules $(DESTDIR)$(POLKITDIR)/rules.d/50-passlaunch.rules
	install -Dm644 contrib/passlaunch.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/passlaunch
	install -Dm644 contrib/_passlaunch $(DESTDIR)$(DATADIR)/zsh/site-functions/_passlaunch
	install -Dm644 contrib/passlaunch.svg $(DESTDIR)$(DATADIR)/icons/hicolor/scalable/apps/passlaunch.svg
	for m in $(MAN_PAGES); do n=$${m##*/}; \
	  install -Dm644 $$m $(DESTDIR)$(MANDIR)/man$${n##*.}/$$n; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/passlaunch $(DESTDIR)$(BINDIR)/passlaunch-import $(DESTDIR)$(BINDIR)/passlaunch-export
	rmdir --ignore-fail-on-non-empty $(DESTDIR)$(SYSCONFDIR)/passlaunch 2>/dev/null || true
	rm -rf $(DESTDIR)$(DATADIR)/passlaunch
	rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/passlaunch@.service
	rm -f $(DESTDIR)$(POLKITDIR)/actions/org.passlaunch.policy
	rm -f $(DESTDIR)$(POLKITDIR)/rules.d/50-passlaunch.rules
	rm -f $(DESTDIR)$(DATADIR)/bash-completion/completions/passlaunch
	rm -f $(DESTDIR)$(DATADIR)/zsh/site-functions/_passlaunch
	rm -f $(DESTDIR)$(DATADIR)/icons/hicolor/scalable/apps/passlaunch.svg
	for m in $(MAN_PAGES); do n=$${m##*/}; rm -f $(DESTDIR)$(MANDIR)/man$${n##*.}/$$n; done

clean:
	rm -rf build passlaunch passlaunch-test passlaunch-import passlaunch-export

-include $(OBJS:.o=.d) $(IMPORT_OBJS:.o=.d) $(EXPORT_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d) $(FUZZ_IMPORT_OBJS:.o=.d)
