package server

// homePage is served at / when the binary was built without the web explorer
// (and so without GraphiQL, which Vite builds with it).
const homePage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Attribution explorer</title></head>
<body>
<h1>Attribution explorer</h1>
<p>Who is behind state cyber operations, who said so, and when.</p>
<p>The web explorer and GraphiQL are not built into this binary: run <code>make run</code> (it needs Node 20), or query the API.</p>
<ul>
<li><code>POST /graphql</code>: the GraphQL API</li>
<li><a href="/healthz">/healthz</a>, <a href="/readyz">/readyz</a></li>
</ul>
</body>
</html>
`
