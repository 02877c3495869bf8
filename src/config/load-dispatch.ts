import { readFileSync } from 'node:fs';
import { type Document, isNode, isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { configWarnings } from './config-warnings.js';
import { crossReferenceIssuesOfRaw, type DispatchConfig, dispatchConfigSchema } from './dispatch-schema.js';
import { issueText } from './issue-text.js';
import type { EnvLookup } from './source-warnings.js';

export interface ConfigProblem {
  path: string;
  line: number;
  column: number;
  message: string;
}

/** A config that cannot be used; `message` lists every problem as file:line:col, one per line. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    // A problem with the file itself (missing, a folder) has no line to point at.
    const where = (p: ConfigProblem) => (p.line > 0 ? `${file}:${p.line}:${p.column}` : file);
    const lines = problems.map((p) => `  ${where(p)}  ${p.path ? `${p.path}: ` : ''}${p.message}`);
    super(`${file} has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadDispatchConfig(file: string): DispatchConfig {
  return parseDispatchConfig(readConfigFile(file), file);
}

/** A valid config plus what check-config warns about (see config-warnings.ts), each with its line. */
export interface CheckedConfig {
  config: DispatchConfig;
  warnings: ConfigProblem[];
}

/** `env` is where source secrets will be read from (check-config passes the process's own). */
export function loadDispatchConfigWithWarnings(file: string, env?: EnvLookup): CheckedConfig {
  return parseDispatchConfigWithWarnings(readConfigFile(file), file, env);
}

/** A warning as check-config prints it: `file:line:col path: message`. */
export function warningLine(file: string, w: ConfigProblem): string {
  return `${file}:${w.line}:${w.column} ${w.path}: ${w.message}`;
}

/** The problems of a ConfigError as check-config prints them, one per line, without the heading. */
export function problemLines(error: ConfigError): string[] {
  return error.message
    .split('\n')
    .slice(1)
    .map((line) => line.trim());
}

export function parseDispatchConfigWithWarnings(
  text: string,
  file = 'dispatch.yml',
  env?: EnvLookup,
): CheckedConfig {
  const { config, doc, lineCounter } = parseAndValidate(text, file);
  // Warnings are located exactly as errors are, so both read file:line:col path: message.
  const lineOf = (path: (string | number)[]) => locate(doc, path, lineCounter, false).line;
  const warnings = configWarnings(config, lineOf, env).map((w) => ({
    ...locate(doc, w.path, lineCounter, false),
    path: formatPath(w.path),
    message: w.message,
  }));
  warnings.sort((a, b) => a.line - b.line || a.column - b.column);
  return { config, warnings };
}

/** The file's text, or a ConfigError saying why it cannot be read (missing, a folder, …). */
export function readConfigFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found (start from the example: cp dispatch.example.yml dispatch.yml)'
        : code === 'EISDIR'
          ? 'is a folder; give the path of a dispatch.yml file'
          : `cannot be read (${code ?? String(error)})`;
    throw new ConfigError(file, [{ path: '', line: 0, column: 0, message: reason }]);
  }
  return text;
}

export function parseDispatchConfig(text: string, file = 'dispatch.yml'): DispatchConfig {
  return parseAndValidate(text, file).config;
}

/** The config with the YAML document it came from, which is what maps a path to its line. */
function parseAndValidate(
  text: string,
  file: string,
): { config: DispatchConfig; doc: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    // One syntax slip often cascades into several reports of the same kind; the first says it best.
    const distinct = doc.errors.filter((e, i) => doc.errors.findIndex((o) => o.code === e.code) === i);
    throw new ConfigError(
      file,
      distinct.map((e) => ({
        path: '',
        line: e.linePos?.[0].line ?? 0,
        column: e.linePos?.[0].col ?? 0,
        message: (e.message.split('\n')[0] ?? e.code).replace(/ at line \d+, column \d+:?$/, ''),
      })),
    );
  }
  const raw = toPlainData(doc, lineCounter, file);
  const result = dispatchConfigSchema.safeParse(raw);
  if (result.success) return { config: result.data, doc, lineCounter };
  const problems = result.error.issues.flatMap((issue) => describeIssue(issue, doc, lineCounter));
  // zod skips the cross-reference checks when the shape is wrong anywhere; run them anyway.
  const seen = new Set(problems.map((p) => `${p.path}|${p.message}`));
  for (const issue of crossReferenceIssuesOfRaw(raw)) {
    const problem = {
      ...locate(doc, issue.path, lineCounter, false),
      path: formatPath(issue.path),
      message: issue.message,
    };
    if (!seen.has(`${problem.path}|${problem.message}`)) problems.push(problem);
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ConfigError(file, problems);
}

/**
 * A dispatch.yml needs few aliases, if any; a small file whose aliases nest ("billion laughs")
 * would expand into gigabytes. yaml stops at `maxAliasCount` expanded aliases with a
 * ReferenceError, which is the file's fault, not ours: it is reported at the first alias.
 */
const MAX_ALIASES = 100;

function toPlainData(doc: Document, lines: LineCounter, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (error) {
    if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
    let where: ConfigProblem = { path: '', line: 0, column: 0, message: '' };
    visit(doc, {
      Alias(_key, node, ancestors) {
        const keys = ancestors
          .filter(isPair)
          .map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
        const pos = node.range ? lines.linePos(node.range[0]) : { line: 0, col: 0 };
        where = { path: keys.join('.'), line: pos.line, column: pos.col, message: '' };
        return visit.BREAK;
      },
    });
    throw new ConfigError(file, [
      {
        ...where,
        message: `aliases (*name) expand to more than ${MAX_ALIASES} copies, as a YAML alias bomb does; write the values out instead`,
      },
    ]);
  }
}

function describeIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter): ConfigProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    // Point at each unknown key itself, which is what the reader has to delete or fix.
    return issue.keys.map((key) => ({
      ...locate(doc, [...path, key], lines, true),
      path: formatPath([...path, key]),
      message: `unknown key "${key}"`,
    }));
  }
  return [{ ...locate(doc, path, lines, false), path: formatPath(path), message: issueText(issue) }];
}

/** The nearest YAML node for a path: a missing key is reported where its parent starts. */
function locate(doc: Document, path: (string | number)[], lines: LineCounter, wantKey: boolean) {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node = wantKey && depth === path.length ? findKey(doc, prefix) : doc.getIn(prefix, true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

function findKey(doc: Document, path: (string | number)[]): unknown {
  const parent = doc.getIn(path.slice(0, -1), true);
  const key = path[path.length - 1];
  if (parent && typeof parent === 'object' && 'items' in parent && Array.isArray(parent.items)) {
    for (const item of parent.items) {
      if (item && typeof item === 'object' && 'key' in item && isNode(item.key) && 'value' in item.key) {
        if (String(item.key.value) === String(key)) return item.key;
      }
    }
  }
  return undefined;
}

function formatPath(path: (string | number)[]): string {
  return path.reduce<string>(
    (out, p) => (typeof p === 'number' ? `${out}[${p}]` : out ? `${out}.${p}` : p),
    '',
  );
}
