// Validates a JSON Lines stream with ajv against the schemas in schemas/, routing on id as the
// harness does, and reports events per second. Schema checks only: no sequence rules, no
// per-location findings, which is less than agentstate verify does. allErrors defaults to false,
// ajv's default and the mode a team would pick for a gate (stop at the first error); pass
// --all-errors for every error of a message, as agentstate reports them.
//   node bench.mjs [--all-errors] ../../../schemas stream.jsonl
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';

const args = process.argv.slice(2);
const allErrors = args[0] === '--all-errors';
const [dir, file] = allErrors ? args.slice(1) : args;
const ajv = new Ajv2020({ strict: false, allErrors });
const byEvent = new Map();
for (const name of readdirSync(dir).filter((f) => f.endsWith('.schema.json'))) {
  ajv.addSchema(JSON.parse(readFileSync(join(dir, name), 'utf8')));
}
for (const name of readdirSync(dir).filter((f) => f.startsWith('Event') && f.endsWith('.schema.json'))) {
  const schema = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  byEvent.set(schema.properties.id.const, ajv.getSchema(schema.$id));
}
const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
let invalid = 0;
const start = process.hrtime.bigint();
for (const line of lines) {
  const msg = JSON.parse(line);
  const validate = byEvent.get(msg.id);
  if (!validate || !validate(msg)) invalid++;
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`ajv ${ajv.constructor.name} allErrors=${allErrors}: ${lines.length} events in ${seconds.toFixed(3)} s = ${Math.round(lines.length / seconds)} events/s, ${invalid} invalid`);
