import { describe, expect, it } from 'vitest';
import { applicationName, MAX_DERIVED_NAME, NAME_MAX, nameProblem, namespaceName, projectName } from '../src/index.js';

const longest = (kind: keyof typeof NAME_MAX) => `a${'b'.repeat(NAME_MAX[kind] - 1)}`;

describe('the naming contract', () => {
  it('keeps every derived name within 63 characters at the longest names it allows', () => {
    const [team, service, environment] = [longest('team'), longest('service'), longest('environment')];
    for (const [kind, value] of [
      ['team', team],
      ['service', service],
      ['environment', environment],
    ] as const)
      expect(nameProblem(kind, value)).toBeUndefined();
    expect(applicationName(team, service, environment)).toHaveLength(MAX_DERIVED_NAME);
    expect(namespaceName(team, environment).length).toBeLessThanOrEqual(MAX_DERIVED_NAME);
    expect(projectName(team, environment)).toBe(namespaceName(team, environment));
  });

  it.each([
    ['team', `${longest('team')}x`, /is 21 characters long; at most 20 are allowed/],
    ['service', `${longest('service')}x`, /is 31 characters long; at most 30/],
    ['environment', 'integration', undefined],
    ['environment', 'integration2', /is 12 characters long; at most 11/],
    ['team', 'Payments', /uppercase letters; use lowercase \("payments"\)/],
    ['service', '2fa', /starts with a digit/],
    ['team', 'pay-', /starts or ends with a dash/],
    ['service', 'orders.v2', /other than lowercase letters, digits and dashes/],
    ['team', '', /is empty/],
  ] as const)('%s %j', (kind, value, problem) => {
    if (problem === undefined) expect(nameProblem(kind, value)).toBeUndefined();
    else expect(nameProblem(kind, value)).toMatch(problem);
  });
});
