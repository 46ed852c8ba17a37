import { UsageError } from '@paved/frame';
// Container image references as `paved promote` accepts them: a repository,
// an optional tag and a required sha256 digest (promotion is by digest, so
// what was tested is what runs).

export interface ImageRef {
  /** registry and repository, e.g. `ghcr.io/acme/orders` */
  name: string;
  tag: string | null;
  /** `sha256:<64 hex>` */
  digest: string;
}

export class ImageRefError extends UsageError {
  override name = 'ImageRefError';
}

// Grammar of github.com/distribution/reference, split so each part gets its own error.
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const NAME = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function parseImageRef(text: string): ImageRef {
  const ref = text.trim();
  if (ref === '' || /\s/.test(ref)) {
    throw new ImageRefError(`image reference "${text}" is empty or contains white space; expected <registry>/<repository>[:<tag>]@sha256:<64 hex>`);
  }
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : null;
  const nameAndTag = at >= 0 ? ref.slice(0, at) : ref;
  // a colon after the last slash starts the tag (a colon before it is a registry port)
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : null;

  if (!NAME.test(name) || name.length > 255) {
    throw new ImageRefError(
      `image name "${name}" is not a valid repository: use lower-case path components separated by "/", optionally after a registry host, e.g. ghcr.io/acme/orders`,
    );
  }
  if (tag !== null && !TAG.test(tag)) {
    throw new ImageRefError(`image tag "${tag}" is not valid: a tag is 1 to 128 characters of letters, digits, "_", "." and "-", not starting with "." or "-"`);
  }
  if (digest === null) {
    throw new ImageRefError(
      `image "${ref}" has no digest; promotion is by digest so that the tested image is the one deployed: pass ${name}${tag ? `:${tag}` : ''}@sha256:<64 hex> (the container workflow outputs it)`,
    );
  }
  if (!DIGEST.test(digest)) {
    throw new ImageRefError(`image digest "${digest}" is not valid: expected sha256: followed by 64 lower-case hex characters`);
  }
  return { name, tag, digest };
}

export function formatImageRef(ref: ImageRef): string {
  return `${ref.name}${ref.tag ? `:${ref.tag}` : ''}@${ref.digest}`;
}
