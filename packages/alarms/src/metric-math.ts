/**
 * CloudWatch metric math ("Using metric math", Amazon CloudWatch User Guide) for the functions an
 * alarm of this stack can use: arithmetic, comparison and logical operators, IF, FILL, DIFF, ABS and
 * the array forms of MAX, MIN, SUM and AVG. A time series is a map from the start of each period
 * (ms) to its value; a period without a value is missing.
 */
export type Series = ReadonlyMap<number, number>;
export type Value = { kind: 'scalar'; value: number } | { kind: 'series'; series: Series } | { kind: 'array'; items: Series[] };

type Node =
  | { type: 'number'; value: number }
  | { type: 'id'; name: string }
  | { type: 'keyword'; name: string }
  | { type: 'array'; items: Node[] }
  | { type: 'unary'; operand: Node }
  | { type: 'binary'; operator: string; left: Node; right: Node }
  | { type: 'call'; name: string; args: Node[] };

export interface MathContext {
  /** The start of every period of the queried range, ascending: what FILL fills. */
  readonly grid: readonly number[];
  /** The series of a metric or of another expression, by id. */
  series(id: string): Series;
}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)|([a-z][A-Za-z0-9_]*)|([A-Z][A-Z0-9_]*)|(==|!=|<=|>=|&&|\|\||[-+*/^<>()[\],]))/y;

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    if (/^\s*$/.test(expression.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(expression);
    if (!match) throw new Error(`cannot read the expression "${expression}" at ${at}`);
    tokens.push(match[0].trim());
  }
  return tokens;
}

/** Operators by precedence, loosest first; `^` binds tightest and to the right. */
const LEVELS: readonly (readonly string[])[] = [['OR', '||'], ['AND', '&&'], ['==', '!=', '<=', '>=', '<', '>'], ['+', '-'], ['*', '/']];

export function parseExpression(expression: string): Node {
  const tokens = tokenize(expression);
  let position = 0;
  const peek = () => tokens[position];
  const take = (expected?: string) => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new Error(`expected ${expected ?? 'more'} in "${expression}"`);
    return token;
  };
  const level = (index: number): Node => {
    if (index === LEVELS.length) return power();
    let left = level(index + 1);
    while (LEVELS[index]!.includes(peek() ?? '')) {
      const operator = take();
      left = { type: 'binary', operator: operator === '&&' ? 'AND' : operator === '||' ? 'OR' : operator, left, right: level(index + 1) };
    }
    return left;
  };
  const power = (): Node => {
    const base = unary();
    return peek() === '^' ? (take(), { type: 'binary', operator: '^', left: base, right: power() }) : base;
  };
  const unary = (): Node => (peek() === '-' ? (take(), { type: 'unary', operand: unary() }) : primary());
  const list = (close: string): Node[] => {
    const items: Node[] = [];
    if (peek() === close) return (take(close), items);
    for (;;) {
      items.push(level(0));
      if (take() === close) return items;
    }
  };
  const primary = (): Node => {
    const token = take();
    if (token === '(') {
      const inner = level(0);
      take(')');
      return inner;
    }
    if (token === '[') return { type: 'array', items: list(']') };
    if (/^\d/.test(token)) return { type: 'number', value: Number(token) };
    if (/^[a-z]/.test(token)) return { type: 'id', name: token };
    if (/^[A-Z]/.test(token)) return peek() === '(' ? (take('('), { type: 'call', name: token, args: list(')') }) : { type: 'keyword', name: token };
    throw new Error(`unexpected "${token}" in "${expression}"`);
  };
  const tree = level(0);
  if (position !== tokens.length) throw new Error(`unexpected "${tokens[position]}" in "${expression}"`);
  return tree;
}

/** The metric ids an expression reads. */
export function referencedIds(expression: string): string[] {
  const ids = new Set<string>();
  const walk = (node: Node): void => {
    if (node.type === 'id') ids.add(node.name);
    else if (node.type === 'array') node.items.forEach(walk);
    else if (node.type === 'unary') walk(node.operand);
    else if (node.type === 'binary') {
      walk(node.left);
      walk(node.right);
    }
    else if (node.type === 'call') node.args.forEach(walk);
  };
  walk(parseExpression(expression));
  return [...ids];
}

export function evaluateExpression(expression: string | Node, context: MathContext): Value {
  const node = typeof expression === 'string' ? parseExpression(expression) : expression;
  return evaluate(node, context);
}

const scalar = (value: number): Value => ({ kind: 'scalar', value });
const series = (values: Series): Value => ({ kind: 'series', series: values });

function evaluate(node: Node, context: MathContext): Value {
  switch (node.type) {
    case 'number':
      return scalar(node.value);
    case 'id':
      return series(context.series(node.name));
    case 'keyword':
      throw new Error(`${node.name} is only valid as an argument of FILL`);
    case 'array':
      return { kind: 'array', items: node.items.map((item) => asSeries(evaluate(item, context), 'an array element')) };
    case 'unary':
      return pointwise(evaluate(node.operand, context), (value) => -value);
    case 'binary':
      return binary(node.operator, evaluate(node.left, context), evaluate(node.right, context));
    case 'call':
      return call(node.name, node.args, context);
  }
}

function asSeries(value: Value, what: string): Series {
  if (value.kind !== 'series') throw new Error(`${what} must be a time series`);
  return value.series;
}

function pointwise(value: Value, apply: (value: number) => number | undefined): Value {
  const map = (values: Series) => {
    const result = new Map<number, number>();
    for (const [time, point] of values) {
      const mapped = apply(point);
      if (mapped !== undefined && Number.isFinite(mapped)) result.set(time, mapped);
    }
    return result;
  };
  if (value.kind === 'scalar') return scalar(apply(value.value) ?? NaN);
  if (value.kind === 'series') return series(map(value.series));
  return { kind: 'array', items: value.items.map(map) };
}

const OPERATORS: Record<string, (a: number, b: number) => number | undefined> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  // "If the value of a data point causes a function to attempt to divide by zero, the data point is dropped."
  '/': (a, b) => (b === 0 ? undefined : a / b),
  '^': (a, b) => a ** b,
  '==': (a, b) => Number(a === b),
  '!=': (a, b) => Number(a !== b),
  '<=': (a, b) => Number(a <= b),
  '>=': (a, b) => Number(a >= b),
  '<': (a, b) => Number(a < b),
  '>': (a, b) => Number(a > b),
  AND: (a, b) => Number(a !== 0 && b !== 0),
  OR: (a, b) => Number(a !== 0 || b !== 0),
};

/**
 * Between two time series every timestamp of either counts, and a value missing from one is 0: "Missing
 * values in a time series are treated as 0" for arithmetic, and likewise for comparisons.
 */
function binary(operator: string, left: Value, right: Value): Value {
  const apply = OPERATORS[operator];
  if (!apply) throw new Error(`unsupported operator ${operator}`);
  if (left.kind === 'scalar' && right.kind === 'scalar') return scalar(apply(left.value, right.value) ?? NaN);
  if (left.kind === 'array') return { kind: 'array', items: left.items.map((item) => asSeries(binary(operator, series(item), right), 'array')) };
  if (right.kind === 'array') return { kind: 'array', items: right.items.map((item) => asSeries(binary(operator, left, series(item)), 'array')) };
  if (left.kind === 'scalar') return pointwise(right, (value) => apply(left.value, value));
  if (right.kind === 'scalar') return pointwise(left, (value) => apply(value, right.value));
  const result = new Map<number, number>();
  for (const time of [...new Set([...left.series.keys(), ...right.series.keys()])].sort((a, b) => a - b)) {
    const value = apply(left.series.get(time) ?? 0, right.series.get(time) ?? 0);
    if (value !== undefined && Number.isFinite(value)) result.set(time, value);
  }
  return series(result);
}

function call(name: string, args: Node[], context: MathContext): Value {
  const arg = (index: number) => {
    const node = args[index];
    if (node === undefined) throw new Error(`${name} needs an argument ${index + 1}`);
    return evaluate(node, context);
  };
  switch (name) {
    case 'IF':
      return conditional(arg(0), arg(1), args.length > 2 ? arg(2) : undefined);
    case 'FILL':
      return fill(arg(0), args[1], context);
    case 'DIFF':
      return mapSeries(arg(0), diff);
    case 'ABS':
      return pointwise(arg(0), Math.abs);
    case 'MAX':
    case 'MIN':
    case 'SUM':
    case 'AVG':
      return aggregate(name, arg(0));
    default:
      throw new Error(`unsupported function ${name}`);
  }
}

function mapSeries(value: Value, apply: (values: Series) => Series): Value {
  if (value.kind === 'series') return series(apply(value.series));
  if (value.kind === 'array') return { kind: 'array', items: value.items.map(apply) };
  throw new Error('expected a time series');
}

/** DIFF: each value minus the preceding value of the same series; the first value has none. */
function diff(values: Series): Series {
  const result = new Map<number, number>();
  let previous: number | undefined;
  for (const [time, value] of [...values].sort((a, b) => a[0] - b[0])) {
    if (previous !== undefined) result.set(time, value - previous);
    previous = value;
  }
  return result;
}

/**
 * IF as "Using IF expressions" specifies it: per datapoint of a series condition; a true condition
 * takes the true value (0 where that series has none); a false one takes the false value, and the
 * point is dropped where that has none or it is omitted.
 */
function conditional(condition: Value, whenTrue: Value, whenFalse: Value | undefined): Value {
  if (condition.kind === 'scalar') return condition.value !== 0 ? whenTrue : (whenFalse ?? series(new Map()));
  const test = asSeries(condition, 'the condition of IF');
  const pick = (value: Value | undefined, time: number, missing: number | undefined) => {
    if (value === undefined) return undefined;
    if (value.kind === 'scalar') return value.value;
    return asSeries(value, 'a branch of IF').get(time) ?? missing;
  };
  const result = new Map<number, number>();
  for (const [time, flag] of test) {
    const value = flag !== 0 ? pick(whenTrue, time, 0) : pick(whenFalse, time, undefined);
    if (value !== undefined) result.set(time, value);
  }
  return series(result);
}

/** FILL(series, value | REPEAT): every period of the queried range gets a value. */
function fill(value: Value, filler: Node | undefined, context: MathContext): Value {
  if (filler === undefined) throw new Error('FILL needs a filler');
  const fixed = filler.type === 'keyword' ? undefined : evaluate(filler, context);
  if (filler.type === 'keyword' && filler.name !== 'REPEAT') throw new Error(`unsupported FILL mode ${filler.name}`);
  const fillOne = (values: Series): Series => {
    const result = new Map<number, number>();
    let last: number | undefined;
    for (const time of context.grid) {
      const own = values.get(time);
      if (own !== undefined) last = own;
      const filled = own ?? (fixed === undefined ? last : fixed.kind === 'scalar' ? fixed.value : asSeries(fixed, 'the filler').get(time));
      if (filled !== undefined) result.set(time, filled);
    }
    return result;
  };
  return mapSeries(value, fillOne);
}

/**
 * MAX, MIN, SUM, AVG: of one series a scalar, of an array of series a series. SUM and AVG treat a
 * missing value as 0, as the function table says of AVG; MAX and MIN take the values present.
 */
function aggregate(name: 'MAX' | 'MIN' | 'SUM' | 'AVG', value: Value): Value {
  const reduce = (values: number[], width: number) => {
    if (name === 'MAX') return Math.max(...values);
    if (name === 'MIN') return Math.min(...values);
    const sum = values.reduce((total, point) => total + point, 0);
    return name === 'SUM' ? sum : sum / width;
  };
  if (value.kind === 'series') return scalar(value.series.size === 0 ? NaN : reduce([...value.series.values()], value.series.size));
  if (value.kind !== 'array') throw new Error(`${name} needs a time series or an array of them`);
  const result = new Map<number, number>();
  const times = [...new Set(value.items.flatMap((item) => [...item.keys()]))].sort((a, b) => a - b);
  for (const time of times) {
    const present = value.items.flatMap((item) => (item.has(time) ? [item.get(time)!] : []));
    result.set(time, reduce(present, value.items.length));
  }
  return series(result);
}
