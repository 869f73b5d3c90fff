// A small, offline kustomize renderer for the subset that deploy/kubernetes uses, so the
// deploy tests run where `kubectl kustomize` is missing (Debian 12 packages no kubectl
// with a current kustomize, and npm has no kustomize that runs offline). Where kubectl is
// on PATH, the tests render with it as well and require the same objects, so this file is
// checked against the real thing on every machine that has it.
//
// Supported, with kustomize v5's semantics:
//   resources       files (one or more YAML documents) and directories with a kustomization
//   namespace       set on every namespaced object (overriding any namespace it had)
//   labels          pairs added to metadata.labels (includeSelectors and includeTemplates
//                   must be false or absent: selectors are written out by hand)
//   configMapGenerator  name + envs and/or literals; the name gets kustomize's content hash
//                   suffix, and references to it from pod templates are renamed
//   patches         `path:` strategic merge patches (target taken from the patch itself),
//                   with the merge keys of the Kubernetes types in MERGE_KEYS below,
//                   `$patch: delete` and `$patch: replace`
// Anything else in a kustomization (images, replicas, secretGenerator, JSON 6902 patches,
// components, ...) is refused with an error rather than rendered differently.
//
// Also refused: plain YAML scalars that YAML 1.1 (the Kubernetes API machinery's reader)
// and YAML 1.2 read differently, such as 0440 (octal or decimal?) and yes/no/on/off.
//
// Usage as a program: node tests/deploy/kustomize.mjs DIR   (prints the YAML stream)

import { createHash } from 'node:crypto';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
// Node packages are pinned in tests/tools (package-lock.json) and installed by `npm ci`.
export const toolsRequire = createRequire(path.join(repoRoot, 'tests/tools/package.json'));
const YAML = toolsRequire('yaml');

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SUPPORTED_FIELDS = new Set([
  'apiVersion', 'kind', 'namespace', 'labels', 'resources', 'configMapGenerator', 'patches',
]);

// Kinds that are not namespaced (kustomize leaves their namespace unset).
const CLUSTER_SCOPED = new Set([
  'Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PersistentVolume', 'StorageClass', 'PriorityClass', 'IngressClass', 'RuntimeClass',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService',
  'CSIDriver', 'CSINode', 'VolumeAttachment', 'Node', 'PodSecurityPolicy',
]);

// kustomize's "legacy" output order (the default of `kubectl kustomize`): these kinds
// first, in this order, then every other kind, then the webhook configurations.
const ORDER_FIRST = [
  'Namespace', 'ResourceQuota', 'StorageClass', 'CustomResourceDefinition', 'ServiceAccount',
  'PodSecurityPolicy', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap',
  'Secret', 'Endpoints', 'Service', 'LimitRange', 'PriorityClass', 'PersistentVolume',
  'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'CronJob', 'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

// ---- Strategic merge: the Kubernetes types' list merge keys (patchMergeKey with
// patchStrategy "merge"). Lists not named here are replaced whole, as for the API's atomic
// lists and for every list of a custom resource (kustomize has no schema for those).
const POD_SPEC = {
  containers: { key: 'name', type: 'Container' },
  initContainers: { key: 'name', type: 'Container' },
  ephemeralContainers: { key: 'name', type: 'Container' },
  volumes: { key: 'name' },
  imagePullSecrets: { key: 'name' },
  hostAliases: { key: 'ip' },
  topologySpreadConstraints: { key: 'topologyKey' },
  resourceClaims: { key: 'name' },
  schedulingGates: { key: 'name' },
};
const TYPES = {
  PodTemplateSpec: { fields: { spec: 'PodSpec' } },
  PodSpec: { lists: POD_SPEC },
  Container: {
    lists: {
      env: { key: 'name' },
      ports: { key: 'containerPort' },
      volumeMounts: { key: 'mountPath' },
      volumeDevices: { key: 'devicePath' },
    },
  },
  WorkloadSpec: { fields: { template: 'PodTemplateSpec' } },
  CronJobSpec: { fields: { jobTemplate: 'JobTemplateSpec' } },
  JobTemplateSpec: { fields: { spec: 'WorkloadSpec' } },
  ServiceSpec: { lists: { ports: { key: 'port' } } },
};
const KIND_SPEC = {
  'apps/v1/Deployment': 'WorkloadSpec',
  'apps/v1/StatefulSet': 'WorkloadSpec',
  'apps/v1/DaemonSet': 'WorkloadSpec',
  'apps/v1/ReplicaSet': 'WorkloadSpec',
  'batch/v1/Job': 'WorkloadSpec',
  'batch/v1/CronJob': 'CronJobSpec',
  'v1/Service': 'ServiceSpec',
  'v1/Pod': 'PodSpec',
};
export const MERGE_KEYS = { TYPES, KIND_SPEC };

function isMap(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function clone(v) {
  return structuredClone(v);
}

// Merges `patch` into `original` (neither is modified). `type` names an entry of TYPES, or
// is undefined for schema-less data (maps merge, lists are replaced).
function mergeMap(original, patch, type, where) {
  const directive = patch.$patch;
  if (directive === 'replace') {
    const out = clone(patch);
    delete out.$patch;
    return out;
  }
  if (directive !== undefined && directive !== 'merge') {
    throw new Error(`${where}: $patch: ${directive} is not supported on a map`);
  }
  const out = isMap(original) ? clone(original) : {};
  const info = TYPES[type] ?? {};
  for (const [key, value] of Object.entries(patch)) {
    if (key === '$patch') continue;
    if (key.startsWith('$')) throw new Error(`${where}: directive ${key} is not supported`);
    const at = `${where}.${key}`;
    if (value === null) {
      delete out[key];
    } else if (isMap(value)) {
      out[key] = mergeMap(out[key], value, info.fields?.[key], at);
    } else if (Array.isArray(value) && info.lists?.[key]) {
      const list = info.lists[key];
      out[key] = mergeList(out[key] ?? [], value, list.key, list.type, at);
    } else {
      if (Array.isArray(value) && value.some((e) => isMap(e) && '$patch' in e)) {
        throw new Error(`${at}: $patch in a list that is not merged by key`);
      }
      out[key] = clone(value);
    }
  }
  return out;
}

// A list merged by `key`: the patch's elements in the patch's order (each merged into the
// original element with the same key, if any), then the original elements the patch did
// not name, in their order. `$patch: delete` drops an element. (Observed order of
// kustomize v5, from the Kubernetes API machinery's strategic merge.)
function mergeList(original, patch, key, type, where) {
  const byKey = new Map(original.map((e) => [e?.[key], e]));
  const named = new Set();
  const out = [];
  for (const element of patch) {
    if (!isMap(element) || element[key] === undefined) {
      throw new Error(`${where}: every element of a patch here needs "${key}"`);
    }
    named.add(element[key]);
    if (element.$patch === 'delete') continue;
    const base = byKey.get(element[key]);
    out.push(mergeMap(base, element, type, `${where}[${key}=${element[key]}]`));
  }
  for (const element of original) {
    if (!named.has(element?.[key])) out.push(clone(element));
  }
  return out;
}

export function strategicMerge(object, patch, where = 'patch') {
  const spec = KIND_SPEC[`${object.apiVersion}/${object.kind}`];
  const out = mergeMap(object, patch, undefined, where);
  if (spec && isMap(patch.spec)) {
    out.spec = mergeMap(object.spec, patch.spec, spec, `${where}.spec`);
  }
  if (spec === 'PodSpec') throw new Error(`${where}: patching bare Pods is not supported`);
  return out;
}

// ---- YAML

// Plain scalars that YAML 1.1 and 1.2 resolve differently.
const AMBIGUOUS_PLAIN = /^(?:[-+]?0[0-9_]+|[-+]?0o[0-7]+|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+)$/;

export function parseYamlStream(text, file) {
  const docs = YAML.parseAllDocuments(text, { prettyErrors: true });
  const out = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    YAML.visit(doc, {
      Scalar(_, node) {
        if (node.type === 'PLAIN' && typeof node.source === 'string' &&
            AMBIGUOUS_PLAIN.test(node.source)) {
          throw new Error(`${file}: plain scalar ${node.source} reads differently in YAML 1.1 ` +
                          'and 1.2; quote it or write the number in decimal');
        }
      },
    });
    const value = doc.toJS({ maxAliasCount: 0 });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export function toYamlStream(objects) {
  return objects.map((o) => YAML.stringify(o, { lineWidth: 0 })).join('---\n');
}

// ---- kustomize's hash suffix for generated ConfigMaps

// Go's encoding/json: keys sorted (JSON.stringify keeps insertion order, so sort first),
// and <, >, &, U+2028, U+2029 escaped.
function goJson(value) {
  const sorted = (v) => {
    if (Array.isArray(v)) return v.map(sorted);
    if (isMap(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
    }
    return v;
  };
  return JSON.stringify(sorted(value))
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

// kustomize v5 (api/hasher) hashes {"data", "kind", "name"} with the name looked up as
// yaml.Lookup("metadata/name"): one field literally named "metadata/name", so the name it
// hashes is always "" (`kubectl create configmap --append-hash` hashes the real name and
// gets another suffix). The kubectl cross-check in render_test.mjs would catch a change.
export function configMapHash(data) {
  const hex = createHash('sha256')
    .update(goJson({ data, kind: 'ConfigMap', name: '' }))
    .digest('hex');
  const swap = { 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

// kustomize's env file reading: leading blanks trimmed, blank lines and lines starting with
// # skipped, KEY=VALUE split at the first "=", the value kept verbatim.
function readEnvFile(file) {
  const pairs = [];
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    if (eq < 0) {
      // kustomize would read the variable from its own environment: not reproducible.
      throw new Error(`${file}:${i + 1}: "${line}" has no "=" (values from the environment are not supported)`);
    }
    pairs.push([line.slice(0, eq), line.slice(eq + 1)]);
  });
  return pairs;
}

function generateConfigMap(spec, dir, where) {
  for (const key of Object.keys(spec)) {
    if (!['name', 'envs', 'literals', 'behavior'].includes(key)) {
      throw new Error(`${where}: configMapGenerator field ${key} is not supported`);
    }
  }
  if (spec.behavior !== undefined && spec.behavior !== 'create') {
    throw new Error(`${where}: configMapGenerator behavior ${spec.behavior} is not supported`);
  }
  if (!spec.name) throw new Error(`${where}: configMapGenerator needs a name`);
  const pairs = [];
  for (const env of spec.envs ?? []) pairs.push(...readEnvFile(path.resolve(dir, env)));
  for (const literal of spec.literals ?? []) {
    const eq = literal.indexOf('=');
    if (eq < 0) throw new Error(`${where}: literal "${literal}" has no "="`);
    pairs.push([literal.slice(0, eq), literal.slice(eq + 1)]);
  }
  const data = {};
  for (const [key, value] of pairs) {
    if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(key)) {
      throw new Error(`${where}: ${spec.name}: "${key}" is not a valid ConfigMap key`);
    }
    if (key in data) throw new Error(`${where}: ${spec.name}: key ${key} is set twice`);
    data[key] = value;
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: spec.name }, data };
}

// ---- name references from pod templates to generated ConfigMaps

function podSpecsOf(object) {
  const spec = KIND_SPEC[`${object.apiVersion}/${object.kind}`];
  if (spec === 'WorkloadSpec') return [object.spec?.template?.spec].filter(Boolean);
  if (spec === 'CronJobSpec') return [object.spec?.jobTemplate?.spec?.template?.spec].filter(Boolean);
  if (spec === 'PodSpec') return [object.spec].filter(Boolean);
  return [];
}

function renameConfigMapRefs(object, renames) {
  const rename = (holder, field) => {
    if (holder && renames.has(holder[field])) holder[field] = renames.get(holder[field]);
  };
  for (const pod of podSpecsOf(object)) {
    for (const c of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
      for (const e of c.envFrom ?? []) rename(e.configMapRef, 'name');
      for (const e of c.env ?? []) rename(e.valueFrom?.configMapKeyRef, 'name');
    }
    for (const v of pod.volumes ?? []) {
      rename(v.configMap, 'name');
      for (const s of v.projected?.sources ?? []) rename(s.configMap, 'name');
    }
  }
}

// ---- the build

function loadKustomization(dir) {
  const file = KUSTOMIZATION_FILES.map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`${dir}: no kustomization.yaml`);
  const docs = parseYamlStream(readFileSync(file, 'utf8'), file);
  if (docs.length !== 1 || !isMap(docs[0])) throw new Error(`${file}: expected one mapping`);
  const k = docs[0];
  for (const field of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(field)) {
      throw new Error(`${file}: field "${field}" is not supported by tests/deploy/kustomize.mjs`);
    }
  }
  if (k.kind !== undefined && k.kind !== 'Kustomization') {
    throw new Error(`${file}: kind ${k.kind} is not supported`);
  }
  return { k, file };
}

function id(o) {
  return `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
}

// Renders the kustomization in `dir`. Returns the objects in kustomize's output order.
// Each object carries a hidden `originalName` for patch targeting (as kustomize does).
function build(dir, stack) {
  dir = path.resolve(dir);
  if (stack.includes(dir)) throw new Error(`${dir}: kustomization cycle`);
  const { k, file } = loadKustomization(dir);
  let objects = [];
  for (const entry of k.resources ?? []) {
    if (/^[a-z]+:\/\//.test(entry) || entry.includes('?ref=')) {
      throw new Error(`${file}: remote resource ${entry} is not supported (and not offline)`);
    }
    const target = path.resolve(dir, entry);
    if (statSync(target).isDirectory()) {
      objects.push(...build(target, [...stack, dir]));
    } else {
      for (const o of parseYamlStream(readFileSync(target, 'utf8'), target)) {
        if (!isMap(o) || !o.apiVersion || !o.kind || !o.metadata?.name) {
          throw new Error(`${target}: every document needs apiVersion, kind and metadata.name`);
        }
        objects.push(o);
      }
    }
  }

  const generated = new Map();  // name -> object, hashed at the end
  for (const spec of k.configMapGenerator ?? []) {
    const cm = generateConfigMap(spec, dir, file);
    generated.set(cm.metadata.name, cm);
    objects.push(cm);
  }

  const seen = new Set();
  for (const o of objects) {
    const key = id(o);
    if (seen.has(key)) throw new Error(`${file}: ${key} appears twice`);
    seen.add(key);
  }

  for (const entry of k.patches ?? []) {
    if (!isMap(entry) || Object.keys(entry).some((f) => f !== 'path')) {
      throw new Error(`${file}: only "- path: FILE" patches are supported`);
    }
    const patchFile = path.resolve(dir, entry.path);
    for (const patch of parseYamlStream(readFileSync(patchFile, 'utf8'), patchFile)) {
      const targets = objects.filter((o) =>
        o.apiVersion === patch.apiVersion && o.kind === patch.kind &&
        (hidden(o).originalName ?? o.metadata.name) === patch.metadata?.name &&
        (patch.metadata?.namespace === undefined ||
         patch.metadata.namespace === o.metadata.namespace));
      if (targets.length !== 1) {
        throw new Error(`${patchFile}: ${patch.kind} ${patch.metadata?.name} matches ` +
                        `${targets.length} objects, not one`);
      }
      if (generated.has(targets[0].metadata.name)) {
        throw new Error(`${patchFile}: patching a generated ConfigMap is not supported`);
      }
      const patched = strategicMerge(targets[0], patch, path.relative(repoRoot, patchFile));
      copyHidden(targets[0], patched);
      objects[objects.indexOf(targets[0])] = patched;
    }
  }

  if (k.namespace !== undefined) {
    for (const o of objects) {
      if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') {
        throw new Error(`${file}: namespacing role bindings' subjects is not supported`);
      }
      if (o.kind === 'Namespace' && o.metadata.name !== k.namespace) {
        throw new Error(`${file}: Namespace ${o.metadata.name} differs from namespace: ` +
                        `${k.namespace} (kustomize would rename it; not supported)`);
      }
      if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    }
  }

  for (const group of k.labels ?? []) {
    for (const field of Object.keys(group)) {
      if (field === 'pairs') continue;
      if ((field === 'includeSelectors' || field === 'includeTemplates') && !group[field]) continue;
      throw new Error(`${file}: labels field ${field} is not supported`);
    }
    for (const o of objects) {
      o.metadata.labels = { ...(o.metadata.labels ?? {}), ...group.pairs };
    }
  }

  // Hash suffixes last, so they cover the final data; then rename references.
  const renames = new Map();
  for (const [name, cm] of generated) {
    const suffixed = `${name}-${configMapHash(cm.data)}`;
    renames.set(name, suffixed);
    hidden(cm).originalName = name;
    cm.metadata.name = suffixed;
  }
  for (const o of objects) renameConfigMapRefs(o, renames);

  return sortLegacy(objects);
}

// Hidden per-object bookkeeping (not part of the rendered object).
const HIDDEN = new WeakMap();
function hidden(o) {
  if (!HIDDEN.has(o)) HIDDEN.set(o, {});
  return HIDDEN.get(o);
}
function copyHidden(from, to) {
  HIDDEN.set(to, { ...hidden(from) });
}

function kindRank(kind) {
  const first = ORDER_FIRST.indexOf(kind);
  if (first >= 0) return first;
  const last = ORDER_LAST.indexOf(kind);
  if (last >= 0) return ORDER_FIRST.length + 1 + last;
  return ORDER_FIRST.length;
}

// kustomize's Gvk.String(): group_version_kind, with "~G" for the core group.
function gvkString(o) {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return `${group || '~G'}_${version}_${o.kind}`;
}

function sortLegacy(objects) {
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return [...objects].sort((a, b) =>
    kindRank(a.kind) - kindRank(b.kind) ||
    cmp(gvkString(a), gvkString(b)) ||
    cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    cmp(a.metadata.name, b.metadata.name));
}

export function render(dir) {
  return build(dir, []);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv.length !== 3) {
    console.error('usage: node tests/deploy/kustomize.mjs KUSTOMIZATION_DIR');
    process.exit(2);
  }
  try {
    process.stdout.write(toYamlStream(render(process.argv[2])));
  } catch (e) {
    console.error(`kustomize.mjs: ${e.message}`);
    process.exit(1);
  }
}
