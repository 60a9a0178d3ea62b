#!/usr/bin/env node
/**
 * The `atrium` CLI entry. Kept tiny on purpose: ES modules load their whole static import graph
 * before any code runs, so slow start-up work that can begin early (preparing a fresh embedded
 * database on a worker thread) is started here, and only then are the commands loaded.
 */
import { startEarly } from './cli/early-start';

startEarly(process.argv.slice(2));
await import('./cli/program');
