// Reads {scenario: [{name, url, sdl}]} on stdin; writes, per scenario, Apollo's
// composition result: supergraph SDL and API schema, or the error codes.
import { composeServices } from '@apollo/composition';
import { parse, printSchema, lexicographicSortSchema } from 'graphql';

const input = JSON.parse(await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (chunk) => { data += chunk; });
  process.stdin.on('end', () => resolve(data));
}));
const out = {};
for (const [scenario, subgraphs] of Object.entries(input)) {
  try {
    const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
    if (result.errors) {
      out[scenario] = { ok: false, codes: result.errors.map((e) => e.extensions?.code ?? 'UNKNOWN'), messages: result.errors.map((e) => e.message) };
    } else {
      const api = result.schema.toAPISchema().toGraphQLJSSchema();
      out[scenario] = {
        ok: true,
        supergraph: result.supergraphSdl,
        api: printSchema(lexicographicSortSchema(api)),
        hints: result.hints.map((h) => h.definition.code),
      };
    }
  } catch (e) {
    out[scenario] = { ok: false, codes: ['EXCEPTION'], messages: [String(e)] };
  }
}
process.stdout.write(JSON.stringify(out));
