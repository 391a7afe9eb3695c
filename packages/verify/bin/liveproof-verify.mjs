#!/usr/bin/env node
// liveproof-verify: verify a Liveproof liveness token from the command line.
// Runs the built CLI with plain Node 20+; in the repo, build it first: pnpm --filter @liveproof/verify build
import { main, nodeIo } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2), nodeIo());
