# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT OR Apache-2.0
# The options every module of omg.omg takes: which omg to run, and on what.

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r'''
options:
  executable:
    description:
      - The C(omg) binary to run, a path or a name looked up on C(PATH).
      - C(omg-backend) must be beside it (as the release archive installs them).
    type: path
    default: omg
  backend:
    description:
      - The package backend, C(--backend). V(auto) reads C(/etc/os-release).
    type: str
    choices: [auto, alpm, apt]
  root:
    description:
      - Operate on another root directory, C(--root).
    type: path
  config:
    description:
      - The backend's configuration file, C(--config) (C(pacman.conf) for alpm, an C(apt.conf) for apt).
    type: path
  no_daemon:
    description:
      - Never ask omgd, read the package databases directly (C(--no-daemon)).
    type: bool
    default: false
  socket:
    description:
      - omgd's socket, C(--socket).
    type: path
notes:
  - The module runs C(omg --json) and decides from its JSON output (see C(docs/json.md) in omg's repository).
  - An error of omg fails the task with omg's message, its error kind in C(omg_error.kind) and its exit code in C(rc).
requirements:
  - omg (C(omg) and C(omg-backend)) on the managed host.
'''
