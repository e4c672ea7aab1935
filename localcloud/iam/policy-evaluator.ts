/**
 * A small IAM policy evaluator (see DESIGN.md "IAM evaluation is the exception").
 *
 * AWS's logic, for principals and resources of one account:
 *  1. any matching Deny statement (identity or resource policy) → ExplicitDeny;
 *  2. else any matching Allow in an identity policy, or in a resource policy whose
 *     Principal matches → Allow;
 *  3. else ImplicitDeny (deny by default).
 *
 * Policy variables (`${cognito-identity.amazonaws.com:sub}`, `${aws:userid}`, ...)
 * are substituted LITERALLY: a value containing `*` or `?` never acts as a
 * wildcard. A variable with no value in the request context makes the element
 * that uses it match nothing (unless it carries a default: `${key, 'default'}`).
 */

export type ContextValue = string | string[] | undefined;
/** Condition keys → values; keys are matched case-insensitively. */
export type RequestContextKeys = Record<string, ContextValue>;

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny' | string;
  Principal?: '*' | Record<string, string | string[]>;
  NotPrincipal?: '*' | Record<string, string | string[]>;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Id?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface Principal {
  /** e.g. arn:aws:sts::000000000000:assumed-role/RoleName/SessionName */
  arn: string;
  /** The role the session was issued for (resource policies naming the role match its sessions). */
  roleArn?: string;
  accountId?: string;
  /** For trust policies: { Federated: 'cognito-identity.amazonaws.com' } or { Service: ... }. */
  federated?: string;
  service?: string;
}

export interface EvaluationRequest {
  principal: Principal;
  action: string;
  resource: string;
  context: RequestContextKeys;
}

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

export interface EvaluationResult {
  decision: Decision;
  /** `<policy name>#<statement index or Sid>` of the statement that decided, if any. */
  decidedBy?: string;
}

export function evaluate(
  request: EvaluationRequest,
  identityPolicies: NamedPolicy[],
  resourcePolicies: NamedPolicy[] = [],
): EvaluationResult {
  const context = normalizeContext(request.context);
  let allowedBy: string | undefined;
  for (const [policies, isResource] of [
    [identityPolicies, false],
    [resourcePolicies, true],
  ] as const) {
    for (const policy of policies) {
      const statements = asArray(policy.document.Statement);
      for (let i = 0; i < statements.length; i++) {
        const s = statements[i];
        const effect = s.Effect;
        if (effect !== 'Allow' && effect !== 'Deny') continue;
        const deny = effect === 'Deny';
        if (!statementApplies(s, request, context, isResource, deny)) continue;
        const id = `${policy.name}#${s.Sid ?? i}`;
        if (deny) return { decision: 'ExplicitDeny', decidedBy: id };
        allowedBy ??= id;
      }
    }
  }
  return allowedBy ? { decision: 'Allow', decidedBy: allowedBy } : { decision: 'ImplicitDeny' };
}

function statementApplies(
  s: PolicyStatement,
  request: EvaluationRequest,
  context: Map<string, ContextValue>,
  isResource: boolean,
  deny: boolean,
): boolean {
  if (isResource || s.Principal !== undefined || s.NotPrincipal !== undefined) {
    if (s.Principal !== undefined) {
      if (!principalMatches(s.Principal, request.principal)) return false;
    } else if (s.NotPrincipal !== undefined) {
      if (principalMatches(s.NotPrincipal, request.principal)) return false;
    } else {
      return false; // a resource policy statement without a principal applies to no one
    }
  }
  if (s.Action !== undefined) {
    if (!asArray(s.Action).some((p) => actionMatches(p, request.action))) return false;
  } else if (s.NotAction !== undefined) {
    if (asArray(s.NotAction).some((p) => actionMatches(p, request.action))) return false;
  } else return false;
  if (s.Resource !== undefined) {
    if (!asArray(s.Resource).some((p) => resourceMatches(p, request.resource, context))) return false;
  } else if (s.NotResource !== undefined) {
    if (asArray(s.NotResource).some((p) => resourceMatches(p, request.resource, context))) return false;
  } else if (!isResource && !s.Principal) {
    return false;
  }
  if (s.Condition) return conditionsHold(s.Condition, context, deny);
  return true;
}

// ---------------------------------------------------------------- principals

function principalMatches(element: PolicyStatement['Principal'], p: Principal): boolean {
  if (element === '*') return true;
  if (!element || typeof element !== 'object') return false;
  for (const [kind, raw] of Object.entries(element)) {
    for (const value of asArray(raw)) {
      switch (kind) {
        case 'AWS':
          if (value === '*') return true;
          if (value === p.arn || (p.roleArn !== undefined && value === p.roleArn)) return true;
          if (p.accountId && (value === p.accountId || value === `arn:aws:iam::${p.accountId}:root`)) return true;
          break;
        case 'Federated':
          if (p.federated !== undefined && value === p.federated) return true;
          break;
        case 'Service':
          if (p.service !== undefined && value === p.service) return true;
          break;
        case 'CanonicalUser':
          break;
      }
    }
  }
  return false;
}

// ---------------------------------------------------------- actions, resources

const globCache = new Map<string, RegExp>();

function globToRegex(pattern: string, flags: string): RegExp {
  const cacheKey = `${flags}|${pattern}`;
  let re = globCache.get(cacheKey);
  if (!re) {
    let src = '';
    for (const ch of pattern) {
      if (ch === '*') src += '.*';
      else if (ch === '?') src += '.';
      else src += escapeRegex(ch);
    }
    re = new RegExp(`^${src}$`, flags + 's');
    if (globCache.size > 10_000) globCache.clear();
    globCache.set(cacheKey, re);
  }
  return re;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A case-sensitive wildcard match (`*` any run, `?` one character), as ArnLike / StringLike compare. */
export function globMatches(pattern: string, value: string): boolean {
  return globToRegex(pattern, '').test(value);
}

export function actionMatches(pattern: string, action: string): boolean {
  if (pattern === '*') return true;
  return globToRegex(pattern, 'i').test(action);
}

/**
 * A pattern with policy variables, parsed once: regex sources of its literal
 * parts (`*`/`?` kept as wildcards) between the variables, whose values are
 * escaped at each request so they match only themselves.
 */
interface PatternTemplate {
  literals: string[];
  variables: string[];
}

const templateCache = new Map<string, PatternTemplate>();

function patternTemplate(pattern: string): PatternTemplate {
  let parsed = templateCache.get(pattern);
  if (parsed) return parsed;
  parsed = { literals: [], variables: [] };
  let literal = '';
  let i = 0;
  while (i < pattern.length) {
    const start = pattern.indexOf('${', i);
    for (const ch of start === -1 ? pattern.slice(i) : pattern.slice(i, start)) literal += ch === '*' ? '.*' : ch === '?' ? '.' : escapeRegex(ch);
    if (start === -1) break;
    const end = pattern.indexOf('}', start);
    if (end === -1) {
      literal += escapeRegex(pattern.slice(start));
      break;
    }
    parsed.literals.push(literal);
    parsed.variables.push(pattern.slice(start + 2, end));
    literal = '';
    i = end + 1;
  }
  parsed.literals.push(literal);
  if (templateCache.size > 10_000) templateCache.clear();
  templateCache.set(pattern, parsed);
  return parsed;
}

/**
 * A glob pattern that may contain policy variables. Literal parts keep `*`/`?` as
 * wildcards; substituted values are escaped, so they match only themselves.
 * Returns undefined when a variable has no value (the pattern then matches nothing).
 */
function patternRegex(pattern: string, context: Map<string, ContextValue>, flags: string): RegExp | undefined {
  if (!pattern.includes('${')) return globToRegex(pattern, flags);
  const { literals, variables } = patternTemplate(pattern);
  let src = literals[0];
  for (let k = 0; k < variables.length; k++) {
    const value = variableValue(variables[k], context);
    if (value === undefined) return undefined;
    src += escapeRegex(value) + literals[k + 1];
  }
  const cacheKey = `${flags}|re|${src}`;
  let re = globCache.get(cacheKey);
  if (!re) {
    re = new RegExp(`^${src}$`, flags + 's');
    if (globCache.size > 10_000) globCache.clear();
    globCache.set(cacheKey, re);
  }
  return re;
}

/** A variable's parsed inside: its lower-cased key and optional default, or undefined when malformed. */
const variableCache = new Map<string, { key: string; fallback?: string } | undefined>();

/** The value of `${...}`'s inside, or undefined when the key is missing or multi-valued. */
function variableValue(inside: string, context: Map<string, ContextValue>): string | undefined {
  if (inside === '*' || inside === '?' || inside === '$') return inside;
  let parsed = variableCache.get(inside);
  if (!variableCache.has(inside)) {
    const m = /^\s*([^,]+?)\s*(?:,\s*'([^']*)'\s*)?$/.exec(inside);
    parsed = m ? { key: m[1].toLowerCase(), fallback: m[2] } : undefined;
    if (variableCache.size > 10_000) variableCache.clear();
    variableCache.set(inside, parsed);
  }
  if (!parsed) return undefined;
  const value = context.get(parsed.key);
  if (typeof value === 'string') return value;
  return parsed.fallback;
}

/** Substitute variables literally (for condition values of String and Arn operators). */
function substitute(value: string, context: Map<string, ContextValue>): { text: string; literalRanges?: true } | undefined {
  if (!value.includes('${')) return { text: value };
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf('${', i);
    if (start === -1) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, start);
    const end = value.indexOf('}', start);
    if (end === -1) {
      out += value.slice(start);
      break;
    }
    const v = variableValue(value.slice(start + 2, end), context);
    if (v === undefined) return undefined;
    out += v;
    i = end + 1;
  }
  return { text: out };
}

function resourceMatches(pattern: string, resource: string, context: Map<string, ContextValue>): boolean {
  if (pattern === '*') return true;
  const re = patternRegex(pattern, context, '');
  return re ? re.test(resource) : false;
}

// ---------------------------------------------------------------- conditions

const SUPPORTED = new Set([
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike',
  'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals',
  'DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals',
  'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
]);

function isNegated(op: string): boolean {
  return /Not/.test(op);
}

function conditionsHold(conditions: Record<string, Record<string, unknown>>, context: Map<string, ContextValue>, deny: boolean): boolean {
  for (const [rawOperator, block] of Object.entries(conditions)) {
    let operator = rawOperator;
    let set: 'any' | 'all' | undefined;
    if (operator.startsWith('ForAnyValue:')) {
      set = 'any';
      operator = operator.slice('ForAnyValue:'.length);
    } else if (operator.startsWith('ForAllValues:')) {
      set = 'all';
      operator = operator.slice('ForAllValues:'.length);
    }
    let ifExists = false;
    if (operator.endsWith('IfExists') && operator !== 'IfExists') {
      ifExists = true;
      operator = operator.slice(0, -'IfExists'.length);
    }
    // An operator we do not know: fail closed (a Deny applies, an Allow does not).
    if (!SUPPORTED.has(operator) || (operator === 'Null' && (ifExists || set))) return deny;
    if (!block || typeof block !== 'object') return deny;
    for (const [key, policyRaw] of Object.entries(block)) {
      const policyValues = asArray(policyRaw as unknown).map((v) => String(v));
      const requestValue = context.get(key.toLowerCase());
      if (!keyHolds(operator, set, ifExists, policyValues, requestValue, context)) return false;
    }
  }
  return true;
}

function keyHolds(
  operator: string,
  set: 'any' | 'all' | undefined,
  ifExists: boolean,
  policyValues: string[],
  requestValue: ContextValue,
  context: Map<string, ContextValue>,
): boolean {
  const present = requestValue !== undefined && !(Array.isArray(requestValue) && requestValue.length === 0);
  if (operator === 'Null') {
    const wantsMissing = policyValues.some((v) => v.toLowerCase() === 'true');
    return wantsMissing ? !present : present;
  }
  if (!present) {
    if (set === 'all') return true; // vacuously true over an empty set
    if (set === 'any') return false;
    if (ifExists) return true;
    return isNegated(operator); // "not equal to" holds when there is nothing to compare
  }
  const values = asArray(requestValue);
  const negated = isNegated(operator);
  const positive = negated ? operator.replace('Not', '') : operator;
  const matchesAny = (v: string) => policyValues.some((p) => compare(positive, v, p, context));
  if (set === 'all') return values.every((v) => (negated ? !matchesAny(v) : matchesAny(v)));
  if (set === 'any') return values.some((v) => (negated ? !matchesAny(v) : matchesAny(v)));
  // Single-valued operator: a multi-valued key matches if any of its values does.
  return negated ? !values.some(matchesAny) : values.some(matchesAny);
}

function compare(operator: string, requestValue: string, policyValue: string, context: Map<string, ContextValue>): boolean {
  switch (operator) {
    case 'StringEquals':
    case 'ArnEquals':
    case 'ArnLike':
    case 'StringLike':
    case 'StringEqualsIgnoreCase': {
      if (operator === 'StringEquals') {
        const sub = substitute(policyValue, context);
        return sub !== undefined && sub.text === requestValue;
      }
      if (operator === 'StringEqualsIgnoreCase') {
        const sub = substitute(policyValue, context);
        return sub !== undefined && sub.text.toLowerCase() === requestValue.toLowerCase();
      }
      const re = patternRegex(policyValue, context, '');
      return re ? re.test(requestValue) : false;
    }
    case 'NumericEquals':
    case 'NumericLessThan':
    case 'NumericLessThanEquals':
    case 'NumericGreaterThan':
    case 'NumericGreaterThanEquals': {
      const a = Number(requestValue);
      const b = Number(policyValue);
      if (!Number.isFinite(a) || !Number.isFinite(b) || requestValue.trim() === '' || policyValue.trim() === '') return false;
      return ordered(operator.slice('Numeric'.length), a, b);
    }
    case 'DateEquals':
    case 'DateLessThan':
    case 'DateLessThanEquals':
    case 'DateGreaterThan':
    case 'DateGreaterThanEquals': {
      const a = parseDate(requestValue);
      const b = parseDate(policyValue);
      if (a === undefined || b === undefined) return false;
      return ordered(operator.slice('Date'.length), a, b);
    }
    case 'Bool':
      return requestValue.toLowerCase() === policyValue.toLowerCase();
    case 'BinaryEquals':
      return requestValue === policyValue;
    case 'IpAddress':
      return ipInCidr(requestValue, policyValue);
  }
  return false;
}

function ordered(relation: string, a: number, b: number): boolean {
  switch (relation) {
    case 'Equals':
      return a === b;
    case 'LessThan':
      return a < b;
    case 'LessThanEquals':
      return a <= b;
    case 'GreaterThan':
      return a > b;
    case 'GreaterThanEquals':
      return a >= b;
  }
  return false;
}

function parseDate(value: string): number | undefined {
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000; // epoch seconds
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

function ipInCidr(ip: string, cidr: string): boolean {
  const toInt = (s: string) => {
    const parts = s.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
    return parts.reduce((acc, p) => ((acc << 8) | Number(p)) >>> 0, 0);
  };
  const [net, bitsText] = cidr.split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = toInt(ip.replace(/^::ffff:/, ''));
  const b = toInt(net);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) === (b & mask);
}

// ------------------------------------------------------------------- helpers

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function normalizeContext(context: RequestContextKeys): Map<string, ContextValue> {
  const map = new Map<string, ContextValue>();
  for (const [k, v] of Object.entries(context)) map.set(k.toLowerCase(), v);
  return map;
}
