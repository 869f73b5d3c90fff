// Checks deploy/Dockerfile without a Docker engine (none runs on the build machines):
//   node --test-reporter=spec tests/deploy/dockerfile_test.mjs        (CTest: deploy_dockerfile)
// WARDEN_SERVER_BINARY and WARDEN_CLI_BINARY name the binaries this checkout built; their
// shared libraries, mapped to Debian packages with dpkg, must be covered by the final
// stage's RUNTIME_PACKAGES and what those depend on (apt-cache, from this machine's
// package database: the same Debian 12 packages the image installs).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { repoRoot } from './kustomize.mjs';

const dockerfile = readFileSync(path.join(repoRoot, 'deploy/Dockerfile'), 'utf8');
// Instructions, with continuation lines joined and comments dropped.
const instructions = dockerfile
  .split('\n').filter((l) => !/^\s*#/.test(l)).join('\n')
  .replace(/\\\n/g, ' ')
  .split('\n').map((l) => l.trim()).filter(Boolean);

const stages = [];
for (const line of instructions) {
  if (/^FROM\s/i.test(line)) stages.push({ from: line, lines: [] });
  else if (stages.length > 0) stages.at(-1).lines.push(line);
}
const [buildStage, finalStage] = [stages[0], stages.at(-1)];

function aptInstalled(line) {
  const m = /apt-get install ([^&;]+)/.exec(line);
  if (!m) return [];
  return m[1].split(/\s+/).filter((w) => w && !w.startsWith('-'));
}

const runtimeArg = instructions.find((l) => /^ARG RUNTIME_PACKAGES=/.test(l));
const RUNTIME_PACKAGES = /^ARG RUNTIME_PACKAGES="([^"]*)"/.exec(runtimeArg ?? '')?.[1]
  .split(/\s+/).filter(Boolean) ?? [];
// Packages debian:12-slim already has (priority required) that the binaries link.
const BASE_IMAGE_PACKAGES = ['libc6', 'libgcc-s1', 'libstdc++6'];

test('two stages on Debian 12', () => {
  assert.equal(stages.length, 2, 'a build stage and a final stage');
  // FROM ${BASE_IMAGE}: the ARG's default is the image a plain `docker build` uses
  // (scripts/image passes a base made with mmdebstrap where no registry answers).
  const base = /^ARG BASE_IMAGE=(\S+)/.exec(instructions.find((l) => /^ARG BASE_IMAGE=/.test(l)) ?? '')?.[1];
  for (const s of stages) {
    const from = s.from.replace('${BASE_IMAGE}', base ?? '${BASE_IMAGE}');
    assert.match(from, /^FROM debian:(12|bookworm)(-slim)?\b/i, s.from);
  }
});

test('the build stage installs the build packages of scripts/lib/deps.sh', () => {
  const deps = readFileSync(path.join(repoRoot, 'scripts/lib/deps.sh'), 'utf8');
  const list = /WARDEN_APT_PACKAGES=\(([\s\S]*?)\)/.exec(deps)?.[1]
    .split('\n').map((l) => l.replace(/#.*/, '')).join(' ').split(/\s+/).filter(Boolean);
  assert.ok(list?.length > 0, 'scripts/lib/deps.sh has WARDEN_APT_PACKAGES');
  const testOnly = (p) => /^(catch2|python3-|postgresql)/.test(p);
  const installed = new Set(buildStage.lines.flatMap(aptInstalled));
  for (const p of list.filter((x) => !testOnly(x))) {
    assert.ok(installed.has(p), `the build stage installs ${p}`);
  }
  assert.ok(buildStage.lines.some((l) => /--target warden-server wardenctl/.test(l)),
            'it builds warden-server and wardenctl');
  assert.ok(buildStage.lines.some((l) => /-DBUILD_TESTING=OFF/.test(l)), 'without the tests');
});

test('the build stage copies every source directory the top CMakeLists.txt adds', () => {
  const cmake = readFileSync(path.join(repoRoot, 'CMakeLists.txt'), 'utf8');
  // add_subdirectory(dir), and include(dir/File.cmake) such as cmake/Allocator.cmake.
  const dirs = [...cmake.matchAll(/^\s*(?:add_subdirectory\((\w+)\)|include\((\w+)\/)/gm)]
    .map((m) => m[1] ?? m[2]).filter((d) => d !== 'tests');
  assert.ok(dirs.length > 0);
  const copied = new Set(buildStage.lines.filter((l) => /^COPY\s/.test(l))
    .flatMap((l) => l.split(/\s+/).slice(1, -1)).map((src) => src.replace(/\/$/, '')));
  for (const d of dirs) assert.ok(copied.has(d), `COPY ${d}/ ${d}/ (it is built)`);
  assert.ok(copied.has('CMakeLists.txt'));
});

test('the final stage installs RUNTIME_PACKAGES and nothing for building', () => {
  assert.ok(RUNTIME_PACKAGES.length > 0, 'ARG RUNTIME_PACKAGES lists packages');
  const installed = finalStage.lines.flatMap(aptInstalled);
  assert.deepStrictEqual(installed, ['${RUNTIME_PACKAGES}'], 'only ${RUNTIME_PACKAGES}');
  for (const p of RUNTIME_PACKAGES) {
    assert.doesNotMatch(p, /-dev$|^(build-essential|cmake|pkg-config|protobuf-compiler.*)$/,
                        `${p} is a build package`);
  }
  assert.ok(finalStage.lines.some((l) => /^RUN .*ldd .*not found/.test(l)),
            'the final stage checks that every library resolves');
});

test('non-root numeric user, ports, exec-form entrypoint', () => {
  const last = (re) => finalStage.lines.filter((l) => re.test(l)).at(-1);
  assert.equal(last(/^USER\s/), 'USER 65532:65532');
  const exposed = finalStage.lines.filter((l) => /^EXPOSE\s/.test(l))
    .flatMap((l) => l.split(/\s+/).slice(1));
  for (const port of ['8443', '8080', '9090']) {
    assert.ok(exposed.includes(port), `EXPOSE ${port} (${exposed})`);
  }
  const entrypoint = last(/^ENTRYPOINT\s/);
  assert.deepStrictEqual(JSON.parse(entrypoint.replace(/^ENTRYPOINT\s+/, '')),
                         ['/usr/local/bin/warden-server']);
  assert.ok(finalStage.lines.some((l) => /^COPY --from=\S+ .*warden-server/.test(l)));
});

function run(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r;
}

const binaries = [process.env.WARDEN_SERVER_BINARY, process.env.WARDEN_CLI_BINARY].filter(Boolean);
const haveDpkg = !run('sh', ['-c', 'command -v dpkg-query && command -v apt-cache']).status;

test('RUNTIME_PACKAGES cover the shared libraries of the built binaries', {
  skip: binaries.length !== 2 ? 'WARDEN_SERVER_BINARY and WARDEN_CLI_BINARY are not set (CTest sets them)'
    : !haveDpkg ? 'no dpkg or apt-cache on this machine' : false,
}, (t) => {
  const libs = new Set();
  for (const b of binaries) {
    const out = run('ldd', [b]);
    assert.equal(out.status, 0, `ldd ${b}: ${out.stderr}`);
    assert.doesNotMatch(out.stdout, /not found/, `${b} resolves every library here`);
    for (const m of out.stdout.matchAll(/=> (\/\S+)/g)) libs.add(m[1]);
  }
  // Library -> package. dpkg knows a file by the path its package installed it under,
  // which on a merged-/usr system may differ from the one ldd prints: ask for all the
  // spellings at once (one dpkg-query; it exits 1 for the ones no package has).
  const spellings = new Map();
  for (const lib of libs) {
    const real = realpathSync(lib);
    spellings.set(lib, [...new Set([lib, real, real.replace(/^\/usr/, ''), `/usr${lib}`])]);
  }
  const owners = new Map();
  const query = run('dpkg-query', ['-S', ...[...spellings.values()].flat()]);
  for (const line of query.stdout.split('\n')) {
    const m = /^([^:]+)(?::[a-z0-9]+)?: (\/.*)$/.exec(line);
    if (m && !m[1].includes('diversion')) owners.set(m[2], m[1].split(',')[0].trim());
  }
  const packages = new Map();
  for (const [lib, names] of spellings) {
    const owner = names.map((n) => owners.get(n)).find(Boolean);
    assert.ok(owner, `${lib} belongs to a Debian package`);
    packages.set(owner, lib);
  }
  const roots = [...RUNTIME_PACKAGES, ...BASE_IMAGE_PACKAGES];
  const closure = run('apt-cache', ['depends', '--recurse', '--no-recommends', '--no-suggests',
    '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances', ...roots]);
  assert.equal(closure.status, 0, `apt-cache depends: ${closure.stderr}`);
  const covered = new Set(closure.stdout.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.trim()));
  for (const p of roots) assert.ok(covered.has(p), `apt knows ${p}`);
  const missing = [...packages].filter(([p]) => !covered.has(p)).map(([p, lib]) => `${p} (${lib})`);
  assert.deepStrictEqual(missing, [], 'packages the image would lack: add them to RUNTIME_PACKAGES');
  t.diagnostic(`${libs.size} libraries from ${packages.size} packages, covered by ${roots.length} roots`);
});
