// Policy pack entry (see platform/policy/PulumiPolicy.yaml): mandatory
// guardrails for every stack of the platform program.

import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies.js';

new PolicyPack('paved-platform-guardrails', { policies, description: 'Team isolation and guardrails of the Paved platform' });
