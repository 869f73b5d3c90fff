// Unknown-field check for rendered objects. kubernetes-models' validators follow the
// OpenAPI schemas, which allow unknown fields, so a misspelt field (`readinesProbe`) passes
// them; the API server then refuses it (kubectl's field validation is Strict) or, with
// validation off, silently drops it. This walks an object beside the TypeScript
// declarations that kubernetes-models generates from the same schemas (one interface per
// type, one quoted property per field) and reports every field the type does not have.
// Types it cannot resolve (quantities, int-or-string, free-form JSON) are not descended.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { toolsRequire } from './kustomize.mjs';

const interfaces = new Map();  // .d.ts path -> { props: Map(name -> type text), imports }

function declarationFile(requireFrom, specifier) {
  const js = requireFrom.resolve(specifier);
  return js.replace(/\.js$/, '.d.ts');
}

// Parses the first `export interface I... {` of a generated .d.ts file.
function loadInterface(file) {
  if (interfaces.has(file)) return interfaces.get(file);
  const text = readFileSync(file, 'utf8');
  const imports = new Map();
  for (const m of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";$/gm)) {
    for (const name of m[1].split(',').map((s) => s.trim())) imports.set(name, m[2]);
  }
  const start = text.search(/^export interface I\w+(?: extends [\w, ]+)? \{$/m);
  let result = null;
  if (start >= 0) {
    const bodyStart = text.indexOf('{', start) + 1;
    const end = text.indexOf('\n}', bodyStart);
    const body = text.slice(bodyStart, end)
      .replace(/\/\*\*[\s\S]*?\*\//g, '');  // doc comments
    const props = new Map();
    let current = null;
    for (const line of body.split('\n')) {
      const m = /^ {4}"([^"]+)"\??: (.*)$/.exec(line);
      if (m) {
        current = m[1];
        props.set(current, m[2]);
      } else if (current !== null && line.trim() !== '') {
        props.set(current, `${props.get(current)} ${line.trim()}`);
      }
    }
    for (const [k, v] of props) props.set(k, v.replace(/\s+/g, ' ').replace(/;$/, '').trim());
    result = { props, imports, file };
  }
  interfaces.set(file, result);
  return result;
}

function resolveNamed(name, from) {
  const specifier = from.imports.get(name);
  if (!specifier) return null;
  const requireFrom = createRequire(from.file);
  let file;
  if (specifier.startsWith('.')) {
    file = path.resolve(path.dirname(from.file), `${specifier}.d.ts`);
  } else {
    try {
      file = declarationFile(requireFrom, specifier);
    } catch {
      return null;
    }
  }
  return loadInterface(file);
}

// Walks `value` of TypeScript type `type` (text) declared in `from`.
function walk(value, type, from, where, errors) {
  if (value === null || value === undefined) return;
  let m;
  if ((m = /^Array<(.+)>$/.exec(type))) {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, m[1], from, `${where}[${i}]`, errors));
    return;
  }
  if ((m = /^\{ \[key: string\]: (.+); \}$/.exec(type))) {
    if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, m[1], from, `${where}.${k}`, errors);
    }
    return;
  }
  if (/^I\w+$/.test(type)) {
    const target = resolveNamed(type, from);
    if (target) checkObject(value, target, where, errors);
  }
  // Anything else is a scalar, a union of literals, or a type not descended.
}

function checkObject(value, iface, where, errors) {
  if (typeof value !== 'object' || Array.isArray(value) || iface.props.size === 0) return;
  for (const [key, v] of Object.entries(value)) {
    const type = iface.props.get(key);
    if (type === undefined) {
      errors.push(`${where}.${key}: no such field in ${path.basename(iface.file, '.d.ts')}`);
      continue;
    }
    walk(v, type, iface, `${where}.${key}`, errors);
  }
}

// Returns the unknown fields of a Kubernetes object whose kind kubernetes-models has
// ([] when there are none), or null when the kind is not there.
export function unknownFields(object) {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/') : ['', object.apiVersion];
  const specifier = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  let iface;
  try {
    iface = loadInterface(declarationFile(toolsRequire, specifier));
  } catch {
    return null;
  }
  if (!iface) return null;
  const errors = [];
  checkObject(object, iface, object.kind, errors);
  return errors;
}

// For parts of custom resources that embed Kubernetes types (CloudNativePG's resources,
// for example): `typeName` is a kubernetes-models/v1 type such as "ResourceRequirements".
export function unknownFieldsOfCoreType(value, typeName, where) {
  const iface = loadInterface(declarationFile(toolsRequire, `kubernetes-models/v1/${typeName}`));
  const errors = [];
  checkObject(value, iface, where, errors);
  return errors;
}
