#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT OR Apache-2.0
# omg.omg.audit: the installed packages with known vulnerabilities, failing at a severity.

from __future__ import annotations

DOCUMENTATION = r'''
module: audit
short_description: Fail on installed packages with known vulnerabilities, through omg audit
description:
  - Runs C(omg audit --json) (the distribution's security tracker - Arch, Debian, Ubuntu -
    against the installed packages) and returns its findings.
  - The task fails when a finding is at or above O(fail_on); omg's exit code 10 (findings)
    is no error by itself.
  - Changes nothing on the host but omg's feed cache, so it always reports no change.
version_added: 0.1.0
author:
  - omg developers (!UNKNOWN)
extends_documentation_fragment:
  - omg.omg.omg
options:
  fail_on:
    description:
      - The severity at or above which a finding fails the task; V(never) only reports.
    type: str
    choices: [critical, high, medium, low, never]
    default: high
  severity:
    description:
      - Only findings of this severity or higher are returned (C(omg audit --severity)).
    type: str
    choices: [critical, high, medium, low]
  upgradable:
    description:
      - Only vulnerabilities a pending upgrade fixes (C(omg audit --upgradable)).
    type: bool
    default: false
  offline:
    description:
      - Use the cached feed only, never the network (C(omg audit --offline)).
    type: bool
    default: false
attributes:
  check_mode:
    support: full
    description: The audit only reads; it runs the same in check mode.
  diff_mode:
    support: none
    description: An audit changes nothing, so there is no diff.
'''

EXAMPLES = r'''
- name: Fail when a high or critical vulnerability is installed
  omg.omg.audit:
    fail_on: high

- name: Report everything a pending upgrade fixes, never fail
  omg.omg.audit:
    upgradable: true
    fail_on: never
  register: audit

- name: Show them
  ansible.builtin.debug:
    msg: "{{ audit.findings | map(attribute='package') | list }}"
'''

RETURN = r'''
findings:
  description:
    - omg's C(Finding)s, highest severity first - C(package), C(installed), C(source),
      C(compared_version), C(fixed), C(severity), C(ids), C(unfixed), C(candidate),
      C(upgrade_fixes).
  returned: success or a failure on the threshold
  type: list
  elements: dict
  sample:
    - package: openssl
      installed: 3.0.7-1
      source: null
      compared_version: 3.0.7-1
      fixed: 3.0.8-1
      severity: high
      ids: [ASA-202302-1, AVG-2843, CVE-2023-0215]
      unfixed: []
      candidate: 3.0.8-1
      upgrade_fixes: true
failing:
  description: The names of the packages whose findings are at or above O(fail_on).
  returned: success or a failure on the threshold
  type: list
  elements: str
summary:
  description: omg's C(AuditSummary) - counts by severity, C(fixed_by_update), C(no_fix_yet).
  returned: success or a failure on the threshold
  type: dict
feed:
  description: omg's C(FeedReport) - the feed's C(kind), C(url), C(origin), C(age_secs).
  returned: success or a failure on the threshold
  type: dict
omg_error:
  description: omg's error (C(kind), C(message), C(suggestions)) when the audit itself failed.
  returned: failure
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.omg.omg.plugins.module_utils.omg import (
    EXIT_AUDIT_FINDINGS, EXIT_OK, Omg, common_args)

RANK = dict(unknown=0, low=1, medium=2, high=3, critical=4)


def main():
    module = AnsibleModule(
        argument_spec=common_args(
            fail_on=dict(type='str', default='high',
                         choices=['critical', 'high', 'medium', 'low', 'never']),
            severity=dict(type='str', choices=['critical', 'high', 'medium', 'low']),
            upgradable=dict(type='bool', default=False),
            offline=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    args = ['audit']
    if p['severity']:
        args += ['--severity', p['severity']]
    if p['upgradable']:
        args.append('--upgradable')
    if p['offline']:
        args.append('--offline')
    report = Omg(module).read(args, ok=(EXIT_OK, EXIT_AUDIT_FINDINGS))
    findings = report.get('findings') or []
    result = dict(changed=False, findings=findings, summary=report.get('summary'),
                  feed=report.get('feed'), failing=[])
    if p['fail_on'] != 'never':
        threshold = RANK[p['fail_on']]
        result['failing'] = [f.get('package') for f in findings
                             if RANK.get(f.get('severity'), 0) >= threshold]
    if result['failing']:
        module.fail_json(
            msg='%d vulnerable package(s) at or above %s: %s' % (
                len(result['failing']), p['fail_on'], ', '.join(result['failing'])),
            **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
