// One synthetic benchmark subgraph: `node server.mjs <name> <port>`.
//
// Static in-memory data, so that neither gateway is measured against a slow subgraph:
// the schema is built with @apollo/subgraph and executed with graphql-js the first time
// a request body is seen; the bytes of that answer are then kept per body and replayed,
// which both gateways get alike. GET /stats returns {"requests": n} (POSTs served), so
// the benchmark can report subgraph fetches per client request.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";

const require = createRequire(new URL("../node/package.json", import.meta.url));
const { parse, execute, validate } = require("graphql");
const { buildSubgraphSchema } = require("@apollo/subgraph");

const [name, portText] = process.argv.slice(2);
const port = Number(portText);

// Sizes chosen so that the heavy query's response is about 100 KB.
const USERS = 40;
const PRODUCTS = 40;
const REVIEWS_PER_PRODUCT = 8;

const users = Array.from({ length: USERS }, (_, i) => ({
  id: `u${i}`,
  name: `User Number ${i}`,
  username: `user${i}`,
  birthday: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
}));
const products = Array.from({ length: PRODUCTS }, (_, i) => ({
  upc: `p${i}`,
  name: `Product ${i}`,
  price: 100 + ((i * 37) % 1900),
  weight: 1 + ((i * 13) % 90),
  description: `Product ${i} is a fine product with a description long enough to matter.`,
}));
const reviews = [];
for (const p of products) {
  for (let k = 0; k < REVIEWS_PER_PRODUCT; k++) {
    const n = reviews.length;
    reviews.push({
      id: `r${n}`,
      body: `Review ${n} of ${p.name}: ${k % 2 ? "would buy again" : "arrived on time, works as described"}.`,
      rating: 1 + (n % 5),
      authorId: users[n % USERS].id,
      upc: p.upc,
    });
  }
}
const byId = (rows, key) => new Map(rows.map((r) => [r[key], r]));
const userById = byId(users, "id");
const productByUpc = byId(products, "upc");
const reviewById = byId(reviews, "id");

const resolvers = {
  accounts: {
    Query: { users: (_, { first }) => users.slice(0, first), me: () => users[0] },
    User: { __resolveReference: (ref) => userById.get(ref.id) ?? null },
  },
  products: {
    Query: { topProducts: (_, { first }) => products.slice(0, first) },
    Product: { __resolveReference: (ref) => productByUpc.get(ref.upc) ?? null },
  },
  inventory: {
    Product: {
      __resolveReference: (ref) => ({ ...ref }),
      inStock: (p) => Number(p.upc.slice(1)) % 3 !== 0,
      // @requires(fields: "price weight"): the values come from the gateway.
      shippingEstimate: (p) => (p.price > 1000 ? 0 : Math.ceil(p.weight / 2)),
    },
  },
  reviews: {
    Review: {
      __resolveReference: (ref) => reviewById.get(ref.id) ?? null,
      // @provides(fields: "username"): this graph answers author { username } itself.
      author: (r) => ({ id: r.authorId, username: userById.get(r.authorId).username }),
      product: (r) => ({ upc: r.upc }),
    },
    User: {
      __resolveReference: (ref) => ({ id: ref.id }),
      reviews: (u) => reviews.filter((r) => r.authorId === u.id),
    },
    Product: {
      __resolveReference: (ref) => ({ upc: ref.upc }),
      reviews: (p) => reviews.filter((r) => r.upc === p.upc),
    },
  },
}[name];
if (!resolvers) throw new Error(`unknown subgraph ${name}`);

const sdl = readFileSync(new URL(`${name}.graphql`, import.meta.url), "utf8");
const schema = buildSubgraphSchema([{ typeDefs: parse(sdl), resolvers }]);

const answers = new Map(); // request body -> response bytes
const MAX_ANSWERS = 10000;
let served = 0;

async function answer(body) {
  const known = answers.get(body);
  if (known) return known;
  let result;
  try {
    const { query, variables, operationName } = JSON.parse(body);
    const document = parse(query);
    const errors = validate(schema, document);
    result = errors.length
      ? { errors }
      : await execute({ schema, document, variableValues: variables, operationName });
  } catch (error) {
    result = { errors: [{ message: String(error) }] };
  }
  const bytes = Buffer.from(JSON.stringify(result));
  if (answers.size < MAX_ANSWERS) answers.set(body, bytes);
  return bytes;
}

const server = createServer((req, res) => {
  if (req.method === "GET") {
    const body = req.url === "/stats" ? JSON.stringify({ requests: served }) : "ok";
    res.writeHead(200, { "content-type": "application/json" }).end(body);
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    served++;
    const bytes = await answer(Buffer.concat(chunks).toString("utf8"));
    res.writeHead(200, { "content-type": "application/json", "content-length": bytes.length });
    res.end(bytes);
  });
});
server.keepAliveTimeout = 60000;
server.listen(port, "127.0.0.1", () => console.log(`${name} subgraph on ${port}`));
