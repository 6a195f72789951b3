# omg: build, install and uninstall. Usual use:
#   make build && sudo make install          (into /usr/local)
#   make install DESTDIR="$pkgdir" PREFIX=/usr   (packages: contrib/arch, contrib/debian)
#   sudo make uninstall                      (same PREFIX and DESTDIR as install)
# BUILD_DIR is where install takes the binaries from (target/debug for tests); install does
# not build. scripts/install.sh does the work.
PREFIX ?= /usr/local
DESTDIR ?=
BUILD_DIR ?= target/release

export PREFIX DESTDIR BUILD_DIR

.PHONY: all build install uninstall

all: build

build:
	scripts/build-release.sh

install:
	scripts/install.sh install

uninstall:
	scripts/install.sh uninstall
