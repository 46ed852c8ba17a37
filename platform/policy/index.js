// The pack's code is compiled TypeScript in ../dist; this file only loads it.
import '../dist/policy/pack.js';
