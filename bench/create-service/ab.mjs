#!/usr/bin/env node
// A/B of two builds of create-service: times `create-service bench-svc --template typescript
// --team t --yes --no-git --dir <fresh folder>` for each, as separate Node processes, in
// alternating rounds (A, B, A, B, ...) so that machine noise hits both alike, after one
// warm-up round that is not counted. Prints each build's median and interquartile range, the
// difference of the medians, and the median of the per-round differences (B - A); with
// --json, the same as JSON with every run's time (to pool several A/B runs).
//
//   node bench/create-service/ab.mjs <bin A> <bin B> [--runs 41] [--json]
//
// Each bin is a create-service.js (e.g. cli/bin/create-service.js of a build, or of a copy of
// cli/bin, cli/dist and cli/package.json made elsewhere). A copy finds its templates as the
// package does: <copy>/templates, else <copy>/../templates, or PAVED_TEMPLATES_DIR. Give the
// same bin twice (A against A) to see the noise floor of this machine at the time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const args = process.argv.slice(2);
const flag = (name) => {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [, value] = args.splice(at, 2);
  return value;
};
const json = args.includes('--json');
if (json) args.splice(args.indexOf('--json'), 1);
const runs = Number(flag('--runs') ?? 41);
const [binA, binB] = args.map((a) => resolve(a));
if (binA === undefined || binB === undefined || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: node bench/create-service/ab.mjs <bin A> <bin B> [--runs 41] [--json]');
  process.exit(2);
}

/** One scaffold into a fresh folder, in milliseconds of wall time. */
function once(bin) {
  const dir = mkdtempSync(join(tmpdir(), 'paved-ab-'));
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, [bin, 'bench-svc', '--template', 'typescript', '--team', 't', '--yes', '--no-git', '--dir', dir], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, CI: 'true' },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0) throw new Error(`${bin} failed (${result.status}): ${result.stderr}`);
  return ms;
}

const a = [];
const b = [];
for (let round = 0; round <= runs; round++) {
  const timeA = once(binA);
  const timeB = once(binB);
  if (round === 0) continue; // warm-up: file cache, disk
  a.push(timeA);
  b.push(timeB);
}

/** The q-quantile by linear interpolation between the closest ranks. */
function quantile(xs, q) {
  const sorted = [...xs].sort((x, y) => x - y);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low);
}
const summary = (xs) => ({ median: quantile(xs, 0.5), q1: quantile(xs, 0.25), q3: quantile(xs, 0.75), iqr: quantile(xs, 0.75) - quantile(xs, 0.25) });
const sa = summary(a);
const sb = summary(b);
const paired = summary(b.map((t, i) => t - a[i]));
const result = {
  node: process.version,
  runs,
  a: { bin: binA, ...sa, times: a },
  b: { bin: binB, ...sb, times: b },
  medianDifference: sb.median - sa.median,
  relativeDifference: (sb.median - sa.median) / sa.median,
  pairedDifference: paired,
};
if (json) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const ms = (x) => `${x.toFixed(1)} ms`;
  console.log(`node ${process.version}; ${runs} alternating rounds A,B after one warm-up round`);
  console.log(`A ${binA}\n  median ${ms(sa.median)}, IQR ${ms(sa.iqr)} (${ms(sa.q1)}-${ms(sa.q3)})`);
  console.log(`B ${binB}\n  median ${ms(sb.median)}, IQR ${ms(sb.iqr)} (${ms(sb.q1)}-${ms(sb.q3)})`);
  const sign = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
  console.log(`B - A: medians ${sign(result.medianDifference)} ms (${sign(100 * result.relativeDifference)} %); per-round differences: median ${sign(paired.median)} ms, IQR ${ms(paired.iqr)}`);
}
