// Apollo Gateway over a composed supergraph file: `node apollo-gateway.mjs SUPERGRAPH PORT`.
// Production settings: no landing page, no usage reporting; the same subgraph URLs as ours,
// and the client's Authorization header forwarded to the subgraphs as our gateway does.
import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";

class ForwardAuth extends RemoteGraphQLDataSource {
  willSendRequest({ request, context }) {
    if (context.authorization) request.http.headers.set("authorization", context.authorization);
  }
}

const [supergraphPath, portText] = process.argv.slice(2);
const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, "utf8"),
  buildService: ({ url }) => new ForwardAuth({ url }),
});
const server = new ApolloServer({
  gateway,
  csrfPrevention: false,
  plugins: [ApolloServerPluginLandingPageDisabled()],
});
const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(portText) },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
console.log(`apollo gateway on ${url}`);
