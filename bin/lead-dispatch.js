#!/usr/bin/env -S node --max-semi-space-size=4
// Runs the compiled CLI (npm install builds dist/ through the `prepare` script). The small young
// generation keeps the app near 160 MB RSS under load (see Benchmarks); npm start passes it too.
import '../dist/cli.js';
