// Worker threads cannot load TypeScript by themselves; this shim loads the .ts module named in
// workerData.module through tsx, so concurrency tests run the real source in a second thread.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.module, import.meta.url);
