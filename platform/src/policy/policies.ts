// The guardrails as Pulumi stack policies. Each policy runs one pure predicate
// over the Kubernetes resources of the stack, as Pulumi sees their inputs.

import type { PolicyResource, ReportViolation, StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { GUARDRAILS, objectId, type LooseObject } from '../guardrails.js';

/** The Kubernetes objects of a stack: inputs of every kubernetes:* resource except providers. */
export function objectsOf(resources: ReadonlyArray<Pick<PolicyResource, 'type' | 'props' | 'urn'>>): Array<{ object: LooseObject; urn: string }> {
  return resources
    .filter((resource) => resource.type.startsWith('kubernetes:') && !resource.type.startsWith('pulumi:providers:'))
    .map((resource) => ({ object: resource.props as LooseObject, urn: resource.urn }));
}

export const policies: StackValidationPolicy[] = GUARDRAILS.map((guardrail) => ({
  name: `paved-${guardrail.id}`,
  description: guardrail.description,
  enforcementLevel: 'mandatory',
  validateStack: (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const found = objectsOf(args.resources);
    const urns = new Map(found.map(({ object, urn }) => [objectId(object), urn]));
    for (const violation of guardrail.check(found.map(({ object }) => object)))
      reportViolation(`${violation.object}: ${violation.message}`, urns.get(violation.object));
  },
}));
