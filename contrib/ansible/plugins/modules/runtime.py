#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT OR Apache-2.0
# omg.omg.runtime: a language runtime version installed, and used in a directory or globally.

from __future__ import annotations

DOCUMENTATION = r'''
module: runtime
short_description: Install and select language runtime versions with omg
description:
  - Installs a version of a language runtime (node, python, go, rust, ruby, java, bun; others
    through mise) with C(omg runtimes install), and selects it for a directory tree (C(omg use),
    which writes the runtime's version file there, e.g. C(.nvmrc)) or as this user's global
    default (C(omg use --global)); or uninstalls it (C(omg runtimes uninstall)).
  - The decision comes from omg's JSON - C(omg current --json) in the directory (C(/) for the
    global default) for what is selected, C(omg runtimes list --json) for what is installed -
    so a second run with the same options reports no change.
  - Runtimes are per user (under C($XDG_DATA_HOME/omg/runtimes)); run the task as the user
    who needs them, without C(become).
version_added: 0.1.0
author:
  - omg developers (!UNKNOWN)
extends_documentation_fragment:
  - omg.omg.omg
options:
  runtime:
    description:
      - The runtime (C(node), C(python), C(go), C(rust), C(ruby), C(java), C(bun), or a mise plugin).
    type: str
    required: true
  version:
    description:
      - The version spec - C(20.11.1), C(20), C(lts), C(lts/iron), C(stable), C(1.80), C(latest).
      - Required with O(state=absent), where it names an installed version (a partial version
        picks the newest installed match).
      - Without it, O(state=present) installs omg's default (the newest; node the newest LTS),
        or keeps the version already selected.
    type: str
  state:
    description:
      - V(present) installs the version, and selects it where O(global) or O(path) says;
        V(absent) uninstalls it.
    type: str
    choices: [present, absent]
    default: present
  global:
    description:
      - Select the version as the user's global default (C(omg use --global)).
    type: bool
    default: false
  path:
    description:
      - Select the version in this directory tree (C(omg use) run there writes the version
        file). Without O(path) and O(global), the version is only installed.
    type: path
attributes:
  check_mode:
    support: full
    description: >-
      What would change, from C(omg current) and C(omg runtimes list); an install-only task
      with a spec that names no version (C(lts), C(latest)) is reported as a change.
  diff_mode:
    support: full
    description: The selected (or installed) version, before and after.
'''

EXAMPLES = r'''
- name: Node 20 as this user's default
  omg.omg.runtime:
    runtime: node
    version: "20"
    global: true

- name: Python 3.12 for a project (writes /srv/app/.python-version)
  omg.omg.runtime:
    runtime: python
    version: "3.12"
    path: /srv/app

- name: Go installed, selected nowhere
  omg.omg.runtime:
    runtime: go
    version: "1.22"

- name: Uninstall an old node
  omg.omg.runtime:
    runtime: node
    version: "18"
    state: absent
'''

RETURN = r'''
runtime:
  description: The runtime.
  returned: always
  type: str
version:
  description: The installed version the task selected, installed or removed (null when nothing was done and none is selected).
  returned: always
  type: str
  sample: 3.12.7
selected:
  description:
    - omg's C(CurrentRuntime) for the runtime where the task selects it, after the task (before
      it in check mode) - C(spec), C(version), C(installed), C(origin).
  returned: when O(global) or O(path)
  type: dict
installed:
  description: The versions of the runtime installed after the task (before it in check mode).
  returned: always
  type: list
  elements: str
omg_error:
  description: omg's error (C(kind), C(message), C(suggestions)) when the task failed on one.
  returned: failure
  type: dict
'''

import os
import re

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.omg.omg.plugins.module_utils.omg import Omg, common_args


def installed_versions(omg, runtime):
    """The installed versions of `runtime`, from `omg runtimes list --json`."""
    rows = omg.read(['runtimes', 'list', runtime])
    return [r.get('version') for r in rows if r.get('runtime') == runtime]


def matching(versions, spec):
    """The installed versions a numeric spec names: itself, or its `spec.` prefix."""
    return [v for v in versions if v == spec or v.startswith(spec + '.')]


def newest(versions):
    """The newest of installed versions, comparing their numbers as numbers."""
    return max(versions, key=lambda v: [int(n) for n in re.findall(r'\d+', v)])


def selected(omg, runtime, where):
    """omg's `CurrentRuntime` for `runtime` in the directory `where`, or None."""
    rows = omg.read(['current'], cwd=where)
    for row in rows:
        if row.get('runtime') == runtime:
            return row
    return None


def already_selected(current, version, is_global, path):
    """The selection asked for is the one in effect, and its version is installed."""
    if current is None or not current.get('installed'):
        return False
    if version is not None and current.get('spec') != version:
        return False
    origin = current.get('origin') or {}
    if is_global:
        return origin.get('kind') == 'global'
    return (origin.get('kind') == 'file'
            and os.path.dirname(origin.get('path') or '') == os.path.realpath(path))


def describe(current):
    if current is None:
        return 'none\n'
    return '%s (%s, %s)\n' % (current.get('version') or current.get('spec'),
                              current.get('spec'), (current.get('origin') or {}).get('kind'))


def main():
    module = AnsibleModule(
        argument_spec=common_args(
            runtime=dict(type='str', required=True),
            version=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            path=dict(type='path'),
            **{'global': dict(type='bool', default=False)}
        ),
        required_if=[['state', 'absent', ['version']]],
        mutually_exclusive=[['global', 'path']],
        supports_check_mode=True,
    )
    p = module.params
    runtime = p['runtime'].strip()
    version = p['version'].strip() if p['version'] else None
    omg = Omg(module)
    installed = installed_versions(omg, runtime)
    result = dict(changed=False, runtime=runtime, version=None, installed=installed)

    if p['state'] == 'absent':
        found = matching(installed, version)
        if not found:
            module.exit_json(**result)
        result.update(changed=True, version=newest(found))
        if module._diff:
            result['diff'] = dict(before=''.join(v + '\n' for v in installed),
                                  after=''.join(v + '\n' for v in installed if v != result['version']))
        if not module.check_mode:
            omg.call(['runtimes', 'uninstall', runtime, version])
            result['installed'] = installed_versions(omg, runtime)
            gone = [v for v in installed if v not in result['installed']]
            result['version'] = gone[0] if gone else None
            result['changed'] = bool(gone)
        module.exit_json(**result)

    if p['global'] or p['path']:
        if p['path'] and not os.path.isdir(p['path']):
            module.fail_json(msg='%s is not a directory' % p['path'], **result)
        where = '/' if p['global'] else os.path.realpath(p['path'])
        current = selected(omg, runtime, where)
        result['selected'] = current
        if already_selected(current, version, p['global'], where):
            result['version'] = current.get('version')
            module.exit_json(**result)
        result['changed'] = True
        if module._diff:
            wanted = '%s (%s)\n' % (version or 'default', 'global' if p['global'] else where)
            result['diff'] = dict(before=describe(current), after=wanted)
        if module.check_mode:
            module.exit_json(**result)
        args = ['use', runtime] + ([version] if version else [])
        if p['global']:
            args.append('--global')
        omg.call(args, cwd=where)
        result['selected'] = selected(omg, runtime, where)
        result['version'] = (result['selected'] or {}).get('version')
        result['installed'] = installed_versions(omg, runtime)
        module.exit_json(**result)

    found = matching(installed, version) if version else []
    if found:
        result['version'] = newest(found)
        module.exit_json(**result)
    if module.check_mode:
        result['changed'] = True
        if module._diff:
            result['diff'] = dict(before=''.join(v + '\n' for v in installed),
                                  after=''.join(v + '\n' for v in installed) + (version or 'default') + '\n')
        module.exit_json(**result)
    omg.call(['runtimes', 'install', runtime] + ([version] if version else []))
    result['installed'] = installed_versions(omg, runtime)
    added = [v for v in result['installed'] if v not in installed]
    result['changed'] = bool(added)
    chosen = added or (matching(result['installed'], version) if version else [])
    result['version'] = newest(chosen) if chosen else None
    if module._diff and result['changed']:
        result['diff'] = dict(before=''.join(v + '\n' for v in installed),
                              after=''.join(v + '\n' for v in result['installed']))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
