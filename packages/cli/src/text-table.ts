/** Columns padded to their widest cell, the first left-aligned (labels), the rest right-aligned (figures). */
export function textTable(rows: readonly (readonly string[])[], indent = '  '): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) => indent + row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd())
    .join('\n');
}

/** A figure as people read it: integers whole, others to four significant digits; an undefined one as a dash. */
export function figure(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '–';
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

export function signedFigure(x: number | null): string {
  if (x === null || Number.isNaN(x)) return '–';
  return x > 0 ? `+${figure(x)}` : figure(x);
}

export const percentage = (share: number): string => `${(share * 100).toFixed(1)}%`;
