/**
 * The JSON Schemas of the YAML files create-service reads: a template's `template.yaml`, a
 * layer's `layer.yaml`, a service's `.paved/answers.yaml` and `paved.config.yaml`. They are
 * compiled with ajv at build time (scripts/compile-schemas.mjs writes
 * schema-validators.generated.ts, so a scaffold loads no schema compiler) and shipped for
 * editors: templates/_schemas/ (named by every template.yaml and layer.yaml) and
 * dist/answers.schema.json. Rules across fields (a default among the enum's values, an
 * anchored pattern, no parameter declared twice) are checked in code after the schema.
 */
import { NAME_MAX, NAME_PATTERN, NAME_RULE } from '@paved/naming';
import { PATTERN_MESSAGE } from '@paved/frame';

type JsonSchema = Record<string, unknown>;

// draft-07: what ajv checks by default and what editors' YAML support reads
const DRAFT = 'http://json-schema.org/draft-07/schema#';

/** A semantic version as semver.org defines it, without a leading "v". */
const SEMANTIC_VERSION =
  '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$';

export const ID_PATTERN = '^[a-z][a-z0-9-]*$';
export const PARAMETER_NAME_PATTERN = '^[a-z][a-zA-Z0-9]*$';

const text = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', minLength: 1, description, ...extra });
const id = (description: string): JsonSchema =>
  text(description, { pattern: ID_PATTERN, [PATTERN_MESSAGE]: 'use lowercase letters, digits and "-", starting with a letter, e.g. "postgres"' });
const list = (items: JsonSchema, description: string): JsonSchema => ({ type: 'array', items, description });
const scalar = { type: ['string', 'number', 'boolean'] };

const parameter: JsonSchema = {
  type: 'object',
  properties: {
    name: text('How templates refer to the value ({{name}}); letters and digits', {
      pattern: PARAMETER_NAME_PATTERN,
      [PATTERN_MESSAGE]: 'use letters and digits, starting with a lowercase letter, e.g. "githubOrg"',
    }),
    type: { enum: ['string', 'boolean', 'enum', 'number'], description: 'The kind of value' },
    prompt: text('The question create-service asks (default: the name)'),
    default: { ...scalar, description: 'The value when none is given; a parameter without one must be given' },
    secret: { type: 'boolean', description: 'Never written to .paved/answers.yaml' },
    ask: {
      enum: ['always', 'unless-configured', 'never'],
      description: 'always: asked at a terminal; unless-configured: asked when paved.config.yaml does not give it; never: the default (or --set) is used',
    },
    pattern: text('string: an anchored JavaScript regular expression the value must match'),
    patternHelp: text('string: what the error says when the value does not match the pattern'),
    values: { type: 'array', items: text('An allowed value'), minItems: 1, description: 'enum: the allowed values' },
    min: { type: 'number', description: 'number: the smallest value' },
    max: { type: 'number', description: 'number: the largest value' },
    integer: { type: 'boolean', description: 'number: whole numbers only (default true)' },
  },
  required: ['name', 'type'],
  additionalProperties: false,
  // a default of the parameter's own kind, and the keys that belong to each kind
  allOf: [
    { if: { properties: { type: { const: 'string' } } }, then: { properties: { default: { type: 'string' } } } },
    { if: { properties: { type: { const: 'enum' } } }, then: { properties: { default: { type: 'string' }, values: { type: 'array' } }, required: ['values'] } },
    { if: { properties: { type: { const: 'boolean' } } }, then: { properties: { default: { type: 'boolean' } } } },
    { if: { properties: { type: { const: 'number' } } }, then: { properties: { default: { type: 'number' } } } },
  ],
};

export const manifestSchema: JsonSchema = {
  $schema: DRAFT,
  $id: 'template.schema.json',
  title: 'template.yaml',
  description: 'A Paved golden-path template: what it is, the layers it renders from, its parameters and features (templates/README.md).',
  type: 'object',
  properties: {
    id: id('The template id: its folder name'),
    version: text('Semantic version; bump it on every change services should get through paved update', {
      pattern: SEMANTIC_VERSION,
      [PATTERN_MESSAGE]: 'use a semantic version like 1.2.3',
    }),
    description: text('One line on what the template gives'),
    language: text('The language of the generated service'),
    layers: list(text('A folder under templates/_layers'), 'Shared layers rendered first, in this order'),
    parameters: list({ $ref: '#/definitions/parameter' }, 'The values the template asks for beyond name and team'),
    features: list(
      {
        type: 'object',
        properties: {
          id: id('The feature id (--with <id>)'),
          description: text('What the feature adds'),
          requires: list(id('A feature id declared before this one'), 'Features this one builds on; --with it alone is refused'),
        },
        required: ['id', 'description'],
        additionalProperties: false,
      },
      'Optional features, each a folder under features/',
    ),
    nextSteps: list(text('A command, rendered with the answers and pm'), 'Commands printed after generation'),
    defaults: { type: 'object', additionalProperties: scalar, description: "New defaults for the layers' parameters" },
    reservedNames: {
      type: 'object',
      properties: { names: list(text('A name'), 'Names the service cannot take'), reason: text('Why, as the error says it') },
      required: ['names', 'reason'],
      additionalProperties: false,
      description: 'Service names this template refuses (compared with dashes as underscores)',
    },
  },
  required: ['id', 'version', 'description', 'language'],
  additionalProperties: false,
  definitions: { parameter },
};

export const layerSchema: JsonSchema = {
  $schema: DRAFT,
  $id: 'layer.schema.json',
  title: 'layer.yaml',
  description: "A shared layer's parameters: declared once for every template that renders the layer (templates/README.md).",
  type: 'object',
  properties: { parameters: list({ $ref: '#/definitions/parameter' }, 'The values the layer files use') },
  additionalProperties: false,
  definitions: { parameter },
};

const nameOf = (kind: 'service' | 'team'): JsonSchema =>
  text(`The ${kind}'s name`, { pattern: NAME_PATTERN.source, [PATTERN_MESSAGE]: `use ${NAME_RULE}`, maxLength: NAME_MAX[kind] });

export const answersSchema: JsonSchema = {
  $schema: DRAFT,
  $id: 'answers.schema.json',
  title: '.paved/answers.yaml',
  description: 'How a service was generated, which paved update replays: the template, its version and the answers.',
  type: 'object',
  properties: {
    template: id('The template id'),
    templateVersion: text('The template version the service was last rendered from'),
    generator: text('The create-service that wrote the file'),
    name: nameOf('service'),
    team: nameOf('team'),
    features: list(id('A feature id'), 'The features turned on'),
    values: {
      type: 'object',
      propertyNames: { pattern: PARAMETER_NAME_PATTERN, [PATTERN_MESSAGE]: 'a parameter name (letters and digits)' },
      additionalProperties: scalar,
      description: 'The answers by parameter name',
    },
  },
  required: ['template', 'templateVersion', 'name', 'team'],
  additionalProperties: false,
};

/** paved.config.yaml as create-service reads it; the shipped schema adds each parameter's own rule. */
export const orgConfigSchema: JsonSchema = {
  $schema: DRAFT,
  $id: 'paved-config-file.schema.json',
  title: 'paved.config.yaml',
  type: ['object', 'null'],
  properties: {
    defaults: {
      type: ['object', 'null'],
      propertyNames: { pattern: PARAMETER_NAME_PATTERN, [PATTERN_MESSAGE]: 'a parameter name (letters and digits, starting with a lower-case letter)' },
      properties: { team: nameOf('team') },
      additionalProperties: scalar,
    },
  },
  additionalProperties: false,
};

/** The schemas compile-schemas.mjs compiles, by the name the generated module exports. */
export const SCHEMAS = { manifest: manifestSchema, layer: layerSchema, answers: answersSchema, orgConfig: orgConfigSchema } as const;
