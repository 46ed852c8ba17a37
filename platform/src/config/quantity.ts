// Kubernetes resource quantities ("500m", "4Gi", "2") as exact-enough numbers,
// so team quota overrides can be compared with the platform maximum.

const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * Kubernetes' quantity grammar without a sign (a quota is never negative): a decimal number,
 * then a binary (Ki … Ei) or decimal (m, k … E) suffix or a decimal exponent (1e9, 5E-3).
 */
const QUANTITY = /^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)|[eE]([+-]?[0-9]+))?$/;

/** The value in base units, or undefined when the text is not a quantity Kubernetes accepts. */
export function parseQuantity(text: string): number | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const factor = match[3] !== undefined ? 10 ** Number(match[3]) : SUFFIX[match[2] ?? ''];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}
