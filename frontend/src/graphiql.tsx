// GraphiQL, built by Vite with the explorer and served from the binary at
// /graphiql: no script, style or font comes from a CDN, and it runs under the
// server's Content-Security-Policy (no inline script, no eval).
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/graphiql.css";
import "./graphiql.css";

const fetcher = createGraphiQLFetcher({ url: new URL("/graphql", location.href).toString() });

const defaultQuery = `# Who was charged, and by whom?
{
  entity(id: "doj-apt40-indictment") {
    name
    ... on Indictment { court filed unsealed charges defendants { name } }
  }
}
`;

createRoot(document.getElementById("graphiql")!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher} defaultQuery={defaultQuery} />
  </StrictMode>,
);
