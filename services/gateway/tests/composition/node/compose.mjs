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
  let typeDefs;
  try {
    typeDefs = subgraphs.map((s) => parse(s.sdl));
  } catch (e) {
    // rover reports an unparsable subgraph as INVALID_GRAPHQL; composeServices needs parsed input.
    out[scenario] = { ok: false, codes: ['INVALID_GRAPHQL'], messages: [String(e)] };
    continue;
  }
  try {
    const result = composeServices(subgraphs.map((s, i) => ({ name: s.name, url: s.url, typeDefs: typeDefs[i] })));
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
