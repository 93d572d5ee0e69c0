// Validates an AsyncAPI document with the official parser, resolving $refs to files beside it.
// Exits 0 when the parser reports no error, 1 otherwise, printing every diagnostic.
import { resolve } from 'node:path';
import { Parser, fromFile } from '@asyncapi/parser';

const file = process.argv[2];
if (!file) {
  console.error('usage: node validate.mjs ASYNCAPI_FILE');
  process.exit(2);
}
const parser = new Parser();
const { document, diagnostics } = await fromFile(parser, resolve(file)).parse();
const severities = ['error', 'warning', 'info', 'hint'];
let errors = 0;
for (const d of diagnostics) {
  const where = d.path && d.path.length ? ` at ${d.path.join('.')}` : '';
  console.log(`${severities[d.severity] ?? d.severity}: ${d.message}${where}`);
  if (d.severity === 0) errors++;
}
if (!document || errors > 0) {
  console.error(`asyncapi: ${file} is not a valid AsyncAPI document (${errors} errors)`);
  process.exit(1);
}
const messages = document.allMessages().length;
console.log(`asyncapi: ${file} is valid AsyncAPI ${document.version()} with ${messages} messages`);
