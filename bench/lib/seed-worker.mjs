import { parentPort, workerData } from 'node:worker_threads';
import { seedHistory } from './seed.mjs';

const { path, options } = workerData;
parentPort.postMessage(seedHistory(path, options));
