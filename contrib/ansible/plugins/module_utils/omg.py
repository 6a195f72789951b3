# -*- coding: utf-8 -*-
# SPDX-License-Identifier: MIT OR Apache-2.0
# Running `omg --json` for the modules of omg.omg: the command line from the common
# options, JSON documents and event streams read back, omg's errors turned into failures.

from __future__ import annotations

import json

# What a module may read back from one omg run: more is refused, not parsed.
MAX_OUTPUT = 64 * 1024 * 1024

COMMON_ARGS = dict(
    executable=dict(type='path', default='omg'),
    backend=dict(type='str', choices=['auto', 'alpm', 'apt']),
    root=dict(type='path'),
    config=dict(type='path'),
    no_daemon=dict(type='bool', default=False),
    socket=dict(type='path'),
)

# Exit codes of omg (README, "Exit codes").
EXIT_OK = 0
EXIT_AUDIT_FINDINGS = 10


def common_args(**specific):
    """The common options plus a module's own."""
    spec = dict(COMMON_ARGS)
    spec.update(specific)
    return spec


class Omg:
    """One module's access to omg: `run` for a command, `read` for a JSON document,
    `transaction` for an event stream."""

    def __init__(self, module):
        self.module = module
        executable = module.params['executable']
        if '/' in executable:
            self.binary = executable
        else:
            self.binary = module.get_bin_path(executable, required=True)

    def argv(self, args):
        p = self.module.params
        argv = [self.binary, '--json']
        if p.get('backend'):
            argv += ['--backend', p['backend']]
        if p.get('root'):
            argv += ['--root', p['root']]
        if p.get('config'):
            argv += ['--config', p['config']]
        if p.get('socket'):
            argv += ['--socket', p['socket']]
        if p.get('no_daemon'):
            argv.append('--no-daemon')
        return argv + list(args)

    def run(self, args, cwd=None):
        """(argv, rc, stdout, stderr) of `omg --json <common options> args...`."""
        argv = self.argv(args)
        rc, out, err = self.module.run_command(
            argv, cwd=cwd, environ_update={'LC_ALL': 'C'}, check_rc=False)
        if len(out) > MAX_OUTPUT:
            self.module.fail_json(
                msg='omg printed more than %d bytes; refusing to parse it' % MAX_OUTPUT,
                cmd=argv, rc=rc)
        return argv, rc, out, err

    def read(self, args, cwd=None, ok=(EXIT_OK,)):
        """The JSON document `omg --json args...` prints (exiting with a code in `ok`);
        fails the task on an error."""
        argv, rc, out, err = self.run(args, cwd=cwd)
        if rc not in ok:
            self.fail(argv, rc, out, err)
        try:
            return json.loads(out)
        except ValueError as e:
            self.module.fail_json(
                msg='omg printed no JSON document (%s)' % e, cmd=argv, rc=rc,
                stdout=out, stderr=err)

    def call(self, args, cwd=None):
        """Runs `omg --json args...` for its effect (its output is not read); fails the
        task on an error."""
        argv, rc, out, err = self.run(args, cwd=cwd)
        if rc != EXIT_OK:
            self.fail(argv, rc, out, err)

    def transaction(self, args):
        """The events of a transaction (`omg --json install/remove/update/sync --yes`):
        returns its `done` event; fails the task on its `error` event or exit code."""
        argv, rc, out, err = self.run(args)
        events = parse_lines(out)
        done = None
        for event in events:
            if event.get('event') == 'error':
                self.fail(argv, rc, out, err, body=event.get('error'))
            if event.get('event') == 'done':
                done = event
        if rc != EXIT_OK or done is None:
            self.fail(argv, rc, out, err)
        return done

    def fail(self, argv, rc, out, err, body=None):
        """Fails the task with omg's error: its message, kind and suggestions."""
        if body is None:
            body = error_body(out)
        if body is None:
            msg = err.strip() or 'omg exited with %s' % rc
            self.module.fail_json(msg=msg, cmd=argv, rc=rc, stdout=out, stderr=err)
        msg = body.get('message') or 'omg failed'
        suggestions = body.get('suggestions') or []
        if suggestions:
            msg += ' (did you mean: %s?)' % ', '.join(suggestions)
        self.module.fail_json(msg=msg, omg_error=body, cmd=argv, rc=rc, stderr=err)


def parse_lines(out):
    """The JSON objects of an event stream, one a line; other lines are skipped."""
    events = []
    for line in out.splitlines():
        line = line.strip()
        if not line.startswith('{'):
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            events.append(value)
    return events


def error_body(out):
    """omg's `ErrorBody` from what it printed: an `Error` document, or the `ErrorEvent`
    that ends an event stream."""
    try:
        value = json.loads(out)
    except ValueError:
        value = None
    candidates = [value] if isinstance(value, dict) else parse_lines(out)
    for candidate in reversed(candidates):
        body = candidate.get('error')
        if isinstance(body, dict):
            return body
    return None
