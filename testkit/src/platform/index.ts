// Test and bench support for @paved/platform: generated configs of any size and Pulumi
// construction under in-memory mocks. Kept out of the published package, and out of the
// testkit's main entry so that importing the testkit does not load Pulumi.
export { syntheticConfig, syntheticPlatform, syntheticTeam, syntheticTeamId, type SyntheticOptions } from './synthetic.js';
export { recordWithMocks, type Registration } from './pulumi-mocks.js';
