package server

// graphiqlPage loads GraphiQL from a CDN: the browser needs the internet, the
// server does not.
const graphiqlPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Attribution explorer · GraphiQL</title>
<style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
<link rel="stylesheet" href="https://unpkg.com/graphiql@3.8.3/graphiql.min.css">
</head>
<body>
<div id="graphiql">Loading GraphiQL… (it needs unpkg.com; without it, POST queries to /graphql)</div>
<script crossorigin src="https://unpkg.com/react@18.3.1/umd/react.production.min.js"></script>
<script crossorigin src="https://unpkg.com/react-dom@18.3.1/umd/react-dom.production.min.js"></script>
<script crossorigin src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js"></script>
<script>
const fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", location.href).toString() });
const defaultQuery = '# Who was charged, and by whom?\n{\n  entity(id: "doj-apt40-indictment") {\n    name\n    ... on Indictment { court filed unsealed charges defendants { name } }\n  }\n}\n';
ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, { fetcher, defaultQuery }));
</script>
</body>
</html>
`

const homePage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Attribution explorer</title></head>
<body>
<h1>Attribution explorer</h1>
<p>Who is behind state cyber operations, who said so, and when.</p>
<p>The web explorer is not built into this binary: run <code>make run</code> (it needs Node 20), or query the API.</p>
<ul>
<li><a href="/graphiql">GraphiQL</a>: query the graph interactively</li>
<li><code>POST /graphql</code>: the GraphQL API</li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></li>
</ul>
</body>
</html>
`
