# SPDX-License-Identifier: GPL-2.0
#
# make                     module for the default kernel + CLI
# make module KVER=<rel>   module for one kernel, in build/<rel>/pmtufix.ko
#   KDIR=<dir>             ... against that kernel build dir instead of
#                          /lib/modules/<rel>/build (the debug kernel's)
# make modules             module for every supported kernel installed here
# make cli                 build/bin/pmtufix
# make deps                install what building and testing need (Debian)
# make check               host unit tests, then VM selftests on each kernel
# make check-debug         the safety selftests on a debug kernel (KASAN, lockdep, ...)
# make demo                the seed's scenario in a VM, narrated
# make bench               side-by-side benchmarks in a VM
# make regen               kmod/uapi/pmtufix.h from Documentation/netlink/pmtufix.yaml
#                          with the kernel's generator (linux-source-6.12; YNL_SRC)
# make static              sparse, checkpatch, kernel-doc, gcc -fanalyzer, scan-build (TAP)
# make fuzz                the CLI's libFuzzer targets, FUZZ_TIME s each (FUZZ_SEED)
# make install             CLI, man page, completion (DESTDIR honoured)
# make dkms-install        module sources and dkms.conf in
#                          $(DESTDIR)/usr/src/pmtufix-$(PMTUFIX_VERSION)
# make deb                 Debian packages pmtufix and pmtufix-dkms, in build/deb/
# make image               the DaemonSet's container image (podman or docker)

PMTUFIX_VERSION := 0.1.0
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

# Debian kernels we support; resolved to installed releases at run time.
KERNELS = $(shell $(TOP)/scripts/kernels.sh list)
KVER ?= $(shell $(TOP)/scripts/kernels.sh default)

# A kernel that is not installed (the debug kernel) names its build dir.
kdir = $(if $(and $(KDIR),$(filter $(1),$(KVER))),$(KDIR),/lib/modules/$(1)/build)

KMOD_SRCS := $(wildcard $(TOP)/kmod/*.c $(TOP)/kmod/*.h $(TOP)/kmod/uapi/*.h)

.PHONY: all module modules cli deps check check-debug demo bench install clean static fuzz \
	regen \
	fuzz-smoke dkms-install deb image FORCE

all: module cli

module: $(BUILD)/$(KVER)/pmtufix.ko

modules:
	@set -e; for k in $(KERNELS); do $(MAKE) --no-print-directory module KVER=$$k; done

# Kbuild writes objects next to the sources it is given: give each kernel its
# own tree of links so 6.1 and 6.12 objects never meet.
$(BUILD)/%/pmtufix.ko: $(KMOD_SRCS) $(TOP)/Kbuild FORCE
	@test -d $(call kdir,$*) || { echo "no headers for kernel $*: run 'make deps'" >&2; exit 1; }
	@mkdir -p $(BUILD)/$*/kmod/uapi
	@ln -sf $(TOP)/Kbuild $(BUILD)/$*/Kbuild
	@for f in $(KMOD_SRCS); do ln -sf $$f $(BUILD)/$*/$${f#$(TOP)/}; done
	@find $(BUILD)/$* -xtype l -delete
	$(MAKE) -C $(call kdir,$*) M=$(BUILD)/$* W=1 PMTUFIX_VERSION=$(PMTUFIX_VERSION) modules

cli:
	$(MAKE) -C userspace BUILD=$(BUILD) PMTUFIX_VERSION=$(PMTUFIX_VERSION)

deps:
	@$(TOP)/scripts/deps.sh

check: deps
	@$(TOP)/scripts/check.sh

# The safety selftests on a KASAN/lockdep/kmemleak kernel (built once, cached).
check-debug: deps
	@$(TOP)/scripts/check.sh -k debug

demo: deps
	@$(TOP)/scripts/demo.sh

bench: deps
	@$(TOP)/scripts/bench.sh

static:
	@$(TOP)/scripts/static-check.sh

regen:
	@$(TOP)/scripts/regen.sh

fuzz fuzz-smoke:
	@$(MAKE) --no-print-directory -C userspace BUILD=$(BUILD) $@

install: cli
	$(MAKE) -C userspace BUILD=$(BUILD) install

# DKMS copies this tree and runs Kbuild in it: no links, the sources themselves.
DKMS_SRC = $(DESTDIR)/usr/src/pmtufix-$(PMTUFIX_VERSION)
dkms-install:
	install -d $(DKMS_SRC)/kmod/uapi
	install -m 0644 $(TOP)/Kbuild $(DKMS_SRC)/Kbuild
	install -m 0644 $(filter-out $(TOP)/kmod/uapi/%,$(KMOD_SRCS)) $(DKMS_SRC)/kmod/
	install -m 0644 $(wildcard $(TOP)/kmod/uapi/*.h) $(DKMS_SRC)/kmod/uapi/
	sed 's/@PMTUFIX_VERSION@/$(PMTUFIX_VERSION)/' $(TOP)/dkms.conf > $(DKMS_SRC)/dkms.conf
	chmod 0644 $(DKMS_SRC)/dkms.conf

deb:
	@PMTUFIX_VERSION=$(PMTUFIX_VERSION) $(TOP)/scripts/deb.sh

image: deb
	@PMTUFIX_VERSION=$(PMTUFIX_VERSION) $(TOP)/scripts/image.sh

clean:
	rm -rf $(BUILD)
	$(MAKE) -C userspace BUILD=$(BUILD) clean

FORCE:
