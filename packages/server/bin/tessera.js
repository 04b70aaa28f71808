#!/usr/bin/env node
// A committed entry point, so npm can link the `tessera` bin before the first build exists.
import '../dist/cli.js';
