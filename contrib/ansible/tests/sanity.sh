#!/usr/bin/env bash
# ansible-test sanity on this collection, on the Python the host has (3.11 on Debian 12):
# ansible-core in a venv, the collection copied to ansible_collections/omg/omg (where
# ansible-test needs it), and a HOME of its own. Extra arguments go to ansible-test
# (e.g. `--test validate-modules --test pep8 --test compile`). Needs PyPI.
#
# ansible-test makes each test's venv with a pip bootstrap script it downloads from
# ci-files.testing.ansible.com; where that host is unreachable, a stand-in (pip from the
# interpreter's ensurepip, then from PyPI) is put in its cache first.
set -euo pipefail
collection=$(cd "$(dirname "$0")/.." && pwd)
ansible_core=${ANSIBLE_CORE:-2.19.14}
python=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "ansible-core==$ansible_core"
version=$("$work/venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')

mkdir -p "$work/ansible_collections/omg"
cp -r "$collection" "$work/ansible_collections/omg/omg"
rm -rf "$work/ansible_collections/omg/omg/tests/output"
find "$work/ansible_collections/omg/omg" -name __pycache__ -prune -exec rm -rf {} +

export HOME="$work/home"
pip_version=$(sed -n "s/^ *pip='\([0-9.]*\)',$/\1/p" \
  "$work"/venv/lib/python*/site-packages/ansible_test/_internal/python_requirements.py | head -n1)
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")"
if ! curl -fsS -o "$cache" "https://ci-files.testing.ansible.com/ansible-test/get-pip-$pip_version.py" 2>/dev/null; then
  cat > "$cache" <<'PY'
import subprocess
import sys

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade'])
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + args)
PY
fi

cd "$work/ansible_collections/omg/omg"
PATH="$work/venv/bin:$PATH" ansible-test sanity --requirements --python "$version" "$@"
