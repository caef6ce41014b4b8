# Build, test and install mcusim.
#
#   make                          release build: .build/release/mcusim
#   make test                     the test suite (swift test)
#   make install PREFIX=/opt/x    build, then install PREFIX/bin/mcusim, PREFIX/share/mcusim/Profiles and
#                                 PREFIX/share/mcusim/kernel-counts.json (the measured kernel data)
#   make uninstall PREFIX=/opt/x  remove what install put there
#
# PREFIX defaults to /usr/local; DESTDIR is prepended for staged (package) installs. The
# installed binary finds its profiles in ../share/mcusim/Profiles beside its bin directory.
# `make install-files BIN=path/to/mcusim` installs an already built binary without building.

PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= swift
BIN ?= .build/release/mcusim

bindir = $(DESTDIR)$(PREFIX)/bin
profiledir = $(DESTDIR)$(PREFIX)/share/mcusim/Profiles

.PHONY: all build test install install-files uninstall

all: build

build:
	$(SWIFT) build -c release --product mcusim

test:
	$(SWIFT) test

install: build install-files

install-files:
	install -d "$(bindir)" "$(profiledir)"
	install -m 755 "$(BIN)" "$(bindir)/mcusim"
	install -m 644 Profiles/*.json Profiles/README.md "$(profiledir)/"
	install -m 644 Sources/Devices/Resources/kernel-counts.json "$(DESTDIR)$(PREFIX)/share/mcusim/"

uninstall:
	rm -f "$(bindir)/mcusim"
	rm -rf "$(DESTDIR)$(PREFIX)/share/mcusim"
