#!/usr/bin/env node
// liveproof-verify: verify a Liveproof liveness token from the command line.
// Runs the built CLI with plain Node 20+ from the installed package. In the repo, build first
// (pnpm --filter @liveproof/verify... build) and run it with `node --import tsx`, since the protocol
// package resolves to its TypeScript source there.
import { main, nodeIo } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2), nodeIo());
