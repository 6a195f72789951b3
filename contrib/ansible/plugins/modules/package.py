#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT OR Apache-2.0
# omg.omg.package: packages installed, removed or at their newest version, through omg.

from __future__ import annotations

DOCUMENTATION = r'''
module: package
short_description: Install, remove or upgrade packages with omg
description:
  - Makes packages present, absent or at their newest version on an Arch (libalpm) or
    Debian/Ubuntu (libapt) host through C(omg install), C(omg remove) and C(omg sync).
  - The decision comes from omg's JSON, never from text - C(omg list --json) for what is
    installed, and the plan of C(omg install/remove --dry-run --json) for what would change -
    so a second run with the same options reports no change.
  - In check mode only the plan is computed (C(--dry-run)); with C(--diff) the packages the
    plan touches are shown before and after.
version_added: 0.1.0
author:
  - omg developers (!UNKNOWN)
extends_documentation_fragment:
  - omg.omg.omg
options:
  name:
    description:
      - Package names (C(name); alpm also C(repository/name); apt also C(name=version),
        C(name/release)).
      - A qualified name (with C(/) or C(=)) is not looked up among the installed packages
        first; its plan alone decides.
    type: list
    elements: str
    aliases: [pkg, names]
  state:
    description:
      - V(present) installs the packages that are not installed (an installed older
        version stays), V(latest) also upgrades the installed ones to the repository's
        version, V(absent) removes the installed ones.
    type: str
    choices: [present, absent, latest]
    default: present
  update_cache:
    description:
      - Download fresh package databases first (C(omg sync)). The task reports a change when
        a database was downloaded. Not done in check mode.
    type: bool
    default: false
  recursive:
    description:
      - With O(state=absent), also remove the dependencies nothing else needs
        (C(omg remove --recursive)).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: The plan of C(omg install/remove --dry-run); nothing is changed.
  diff_mode:
    support: full
    description: The packages the plan touches, C(name version) a line, before and after.
'''

EXAMPLES = r'''
- name: Install ripgrep and fd
  omg.omg.package:
    name: [ripgrep, fd]
  become: true

- name: Refresh the databases and have the newest openssl
  omg.omg.package:
    name: openssl
    state: latest
    update_cache: true
  become: true

- name: Remove a package and the dependencies nothing else needs
  omg.omg.package:
    name: nodejs
    state: absent
    recursive: true
  become: true

- name: Work on a throw-away pacman root instead of the host
  omg.omg.package:
    name: app
    backend: alpm
    config: /srv/root/etc/pacman.conf
    no_daemon: true
'''

RETURN = r'''
actions:
  description:
    - What changed (or, in check mode, would change), one C(PlannedAction) of omg's JSON per
      package - C(kind) (install, upgrade, downgrade, reinstall, remove), C(name),
      C(old_version), C(new_version), C(repository), C(download_size), C(installed_size),
      C(reason).
  returned: always
  type: list
  elements: dict
  sample:
    - kind: install
      name: lib
      old_version: null
      new_version: 1.0-1
      repository: core
      download_size: 1024
      installed_size: 4096
      reason: dependency
plan:
  description: omg's C(Plan) of the transaction (actions, sizes, warnings); null when nothing was planned.
  returned: always
  type: dict
cache_updated:
  description: A package database was downloaded by O(update_cache).
  returned: always
  type: bool
databases:
  description: With O(update_cache), each database - C(name), C(downloaded), C(size).
  returned: when O(update_cache) and not in check mode
  type: list
  elements: dict
omg_error:
  description: omg's error (C(kind), C(message), C(suggestions)) when the task failed on one.
  returned: failure
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.omg.omg.plugins.module_utils.omg import Omg, common_args

REMOVALS = ('remove', 'delete_file')


def qualified(name):
    """A name with a repository, release or version in it."""
    return '/' in name or '=' in name


def installed_versions(omg):
    """Every installed package's version, from `omg list --json`."""
    rows = omg.read(['list'])
    versions = {}
    for row in rows:
        installed = row.get('installed') or {}
        versions[row.get('name')] = installed.get('version') or row.get('version')
    return versions


def plan_diff(actions):
    """Ansible's diff of a plan: the packages it touches, `name version` a line."""
    before = []
    after = []
    for a in sorted(actions, key=lambda a: a.get('name') or ''):
        if a.get('old_version'):
            before.append('%s %s\n' % (a['name'], a['old_version']))
        if a.get('kind') not in REMOVALS and a.get('new_version'):
            after.append('%s %s\n' % (a['name'], a['new_version']))
    return dict(before=''.join(before), after=''.join(after),
                before_header='installed packages', after_header='after the plan')


def targets(state, names, installed):
    """The verb and the names to give it, or (None, []) when nothing needs doing."""
    if state == 'absent':
        present = [n for n in names if qualified(n) or n in installed]
        return ('remove', present) if present else (None, [])
    if state == 'latest':
        return 'install', list(names)
    missing = [n for n in names if qualified(n) or n not in installed]
    return ('install', missing) if missing else (None, [])


def main():
    module = AnsibleModule(
        argument_spec=common_args(
            name=dict(type='list', elements='str', aliases=['pkg', 'names']),
            state=dict(type='str', default='present', choices=['present', 'absent', 'latest']),
            update_cache=dict(type='bool', default=False),
            recursive=dict(type='bool', default=False),
        ),
        required_one_of=[['name', 'update_cache']],
        supports_check_mode=True,
    )
    p = module.params
    omg = Omg(module)
    result = dict(changed=False, actions=[], plan=None, cache_updated=False)

    if p['update_cache'] and not module.check_mode:
        done = omg.transaction(['sync', '--yes'])
        result['databases'] = done.get('databases') or []
        result['cache_updated'] = any(d.get('downloaded') for d in result['databases'])
        result['changed'] = result['cache_updated']

    names = [n.strip() for n in (p['name'] or []) if n.strip()]
    if not names:
        module.exit_json(**result)

    verb, args = targets(p['state'], names, installed_versions(omg))
    if verb is None:
        module.exit_json(**result)
    options = ['--recursive'] if verb == 'remove' and p['recursive'] else []
    report = omg.read([verb, '--dry-run'] + options + args)
    plan = report.get('plan') or {}
    actions = plan.get('actions') or []
    result['plan'] = plan
    result['actions'] = actions
    if not actions:
        module.exit_json(**result)

    result['changed'] = True
    if module._diff:
        result['diff'] = plan_diff(actions)
    if module.check_mode:
        module.exit_json(**result)

    done = omg.transaction([verb, '--yes'] + options + args)
    result['actions'] = done.get('actions') or []
    module.exit_json(**result)


if __name__ == '__main__':
    main()
