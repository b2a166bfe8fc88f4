#!/usr/bin/env node
// Entry point of the `repool` command: the compiled CLI (npm run build makes it).
import '../dist/esm/cli/repool.js';
