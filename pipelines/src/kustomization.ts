// Editing the `images:` of a kustomization without disturbing anything else.
// The yaml Document API finds the entry and the exact source ranges of its
// values; the new values are spliced into the original text, so comments,
// quoting, indentation and flow collections elsewhere stay byte for byte.
// (Re-serialising the whole document would normalise all of those.)
import { UsageError } from '@paved/frame';
import YAML, { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { Document, Pair, YAMLMap } from 'yaml';
import type { ImageRef } from './image.js';

export interface ImageEntry {
  name: string;
  newName: string | null;
  newTag: string | null;
  digest: string | null;
}

export class KustomizationError extends UsageError {
  override name = 'KustomizationError';
}

/** The repository an entry deploys: `newName` when set, else `name`. */
export function deployedName(entry: ImageEntry): string {
  return entry.newName ?? entry.name;
}

export function readImages(source: string, file: string): ImageEntry[] {
  return imageMaps(parse(source, file), file).map(({ entry }) => entry);
}

export interface ImageEdit {
  text: string;
  before: ImageEntry;
  after: ImageEntry;
}

/**
 * Points the entry that deploys `image.name` at `image`'s digest (and tag, or
 * no tag). Refuses when no entry deploys that repository: an overlay only ever
 * promotes its own service's image.
 */
export function setImage(source: string, image: ImageRef, file: string): ImageEdit {
  const doc = parse(source, file);
  const entries = imageMaps(doc, file);
  const match = entries.find(({ entry }) => deployedName(entry) === image.name);
  if (!match) {
    const known = entries.map(({ entry }) => deployedName(entry));
    throw new KustomizationError(
      known.length === 0
        ? `${file} has no images: entry, so it has no image of its own to promote; add one (images: [{name: <image used in the base>, newName: ${image.name}}])`
        : `image ${image.name} is not this service's image: ${file} deploys ${known.join(', ')}; promote one of those`,
    );
  }
  const before = match.entry;
  const after: ImageEntry = { ...before, newTag: image.tag, digest: image.digest };

  const edits = planEdits(source, match.map, { newTag: image.tag, digest: image.digest });
  const text = edits === null ? reserialise(doc, match.map, after) : applyEdits(source, edits);

  // re-read what we wrote: the edit must have done exactly what it claims
  const check = readImages(text, file).find((entry) => entry.name === before.name && deployedName(entry) === image.name);
  if (!check || check.newTag !== after.newTag || check.digest !== after.digest) {
    throw new KustomizationError(`internal error: editing ${file} did not produce the expected images: entry`);
  }
  return { text, before, after };
}

/**
 * The largest kustomization edited. Overlays are a few hundred bytes; the change is shown as a
 * line diff whose cost grows with the square of the lines, so a huge file is refused up front.
 */
export const MAX_KUSTOMIZATION_BYTES = 256 * 1024;

function parse(source: string, file: string): Document {
  if (source.length > MAX_KUSTOMIZATION_BYTES)
    throw new KustomizationError(`${file} is ${source.length} characters; a kustomization promote edits is at most ${MAX_KUSTOMIZATION_BYTES}`);
  const doc = YAML.parseDocument(source, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new KustomizationError(`${file} is not valid YAML: ${doc.errors[0]?.message ?? 'parse error'}`);
  }
  if (!isMap(doc.contents)) {
    throw new KustomizationError(`${file} is not a kustomization: the document is not a mapping`);
  }
  return doc;
}

interface Located {
  map: YAMLMap;
  entry: ImageEntry;
}

function imageMaps(doc: Document, file: string): Located[] {
  const images = doc.get('images', true);
  if (images === undefined || images === null || (isScalar(images) && images.value === null)) return [];
  if (!isSeq(images)) throw new KustomizationError(`${file}: images: must be a list`);
  return images.items.map((item, index) => {
    if (!isMap(item)) throw new KustomizationError(`${file}: images[${index}] must be a mapping with a name`);
    const field = (key: string): string | null => {
      const value = item.get(key, true);
      if (value === undefined || value === null) return null;
      if (!isScalar(value) || (value.value !== null && typeof value.value !== 'string' && typeof value.value !== 'number')) {
        throw new KustomizationError(`${file}: images[${index}].${key} must be a string`);
      }
      return value.value === null ? null : String(value.value);
    };
    const name = field('name');
    if (!name) throw new KustomizationError(`${file}: images[${index}] has no name`);
    return { map: item, entry: { name, newName: field('newName'), newTag: field('newTag'), digest: field('digest') } };
  });
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Text edits for the wanted values, or null when the layout is not one we splice safely. */
function planEdits(source: string, map: YAMLMap, wanted: Record<string, string | null>): Edit[] | null {
  if (map.flow || !map.range) return null;
  const pairs = map.items as Pair[];
  const edits: Edit[] = [];
  const insertions: string[] = [];
  const firstKey = pairs[0]?.key;
  if (!isScalar(firstKey) || !firstKey.range) return null;
  const indent = firstKey.range[0] - lineStart(source, firstKey.range[0]);

  for (const [key, value] of Object.entries(wanted)) {
    const pair = pairs.find((p) => isScalar(p.key) && p.key.value === key);
    if (!pair) {
      if (value !== null) insertions.push(`${' '.repeat(indent)}${key}: ${scalarText(value, null)}`);
      continue;
    }
    const node = pair.value;
    if (!isScalar(node) || !node.range || !isScalar(pair.key) || !pair.key.range) return null;
    if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return null;
    if (value === null) {
      // drop the whole line(s) of the pair, comment included
      const start = lineStart(source, pair.key.range[0]);
      if (pair.key === firstKey || source.slice(start, pair.key.range[0]).trim() !== '') return null;
      edits.push({ start, end: lineEnd(source, node.range[1]), text: '' });
      continue;
    }
    edits.push({ start: node.range[0], end: node.range[1], text: scalarText(value, node) });
  }
  if (insertions.length > 0) {
    const last = pairs[pairs.length - 1];
    const lastEnd = last && isScalar(last.value) && last.value.range ? last.value.range[1] : null;
    if (lastEnd === null) return null;
    const at = lineEnd(source, lastEnd);
    const newline = at === source.length && !source.endsWith('\n') ? '\n' : '';
    edits.push({ start: at, end: at, text: newline + insertions.map((line) => `${line}\n`).join('') });
  }
  return edits;
}

function applyEdits(source: string, edits: Edit[]): string {
  let text = source;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    text = text.slice(0, edit.start) + edit.text + text.slice(edit.end);
  }
  return text;
}

/** Fallback for flow-style entries: set through the Document API and re-serialise. */
function reserialise(doc: Document, map: YAMLMap, after: ImageEntry): string {
  if (after.newTag === null) map.delete('newTag');
  else map.set('newTag', after.newTag);
  map.set('digest', after.digest);
  return doc.toString({ lineWidth: 0 });
}

/** A YAML scalar that reads back as `value`, in the original node's quoting style when it had one. */
function scalarText(value: string, original: Scalar | null): string {
  if (original?.type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  if (original?.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  const plain = /^[A-Za-z0-9_][\w.:/@+-]*$/.test(value) && YAML.parse(value) === value;
  return plain ? value : JSON.stringify(value);
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}

/** Offset just after the newline ending the line that contains `offset`. */
function lineEnd(source: string, offset: number): number {
  const newline = source.indexOf('\n', offset);
  return newline < 0 ? source.length : newline + 1;
}
