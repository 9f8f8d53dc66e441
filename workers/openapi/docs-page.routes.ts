/**
 * `GET /api/docs`: a small self-contained page that renders `/api/openapi.json` (no CDN, no
 * framework: the deployment works offline). Lists every path and method, its parameters and
 * its request and response schemas.
 */
import { z } from "zod";
import { defineRoute, router } from "../http/contract";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>NeuroSphere API</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 960px; padding: 1rem; color: #1b1f24; }
  h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
  details { border: 1px solid #ddd; border-radius: 6px; margin: .4rem 0; padding: .3rem .6rem; }
  summary { cursor: pointer; } summary:focus-visible { outline: 2px solid #0b5fff; }
  .m { display: inline-block; min-width: 4.2rem; font-weight: 700; text-transform: uppercase; font-family: ui-monospace, monospace; }
  .get { color: #0a6b2d; } .post { color: #0b4fb3; } .patch, .put { color: #8a5a00; } .delete { color: #b3261e; }
  code, pre { font-family: ui-monospace, monospace; font-size: 13px; }
  pre { background: #f5f6f8; padding: .5rem; overflow-x: auto; border-radius: 4px; }
  input { font: inherit; padding: .3rem .5rem; width: 100%; max-width: 24rem; }
</style>
</head>
<body>
<h1>NeuroSphere API</h1>
<p id="intro">Loading <a href="/api/openapi.json">/api/openapi.json</a>…</p>
<label for="filter">Filter paths</label><br>
<input id="filter" type="search" placeholder="e.g. agent, leads, platform">
<main id="out"></main>
<script>
(function () {
  var out = document.getElementById("out");
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { node.append(c); });
    return node;
  }
  function json(value) { return el("pre", {}, [JSON.stringify(value, null, 2)]); }
  // JSON bodies, and Twilio's forms, TwiML and this page: each media type with its schema.
  function content(byType, into) {
    Object.keys(byType || {}).forEach(function (type) {
      into.push(el("p", {}, [el("code", {}, [type])]));
      if (byType[type].schema) into.push(json(byType[type].schema));
    });
  }
  function render(doc, filter) {
    out.textContent = "";
    var groups = {};
    Object.keys(doc.paths).sort().forEach(function (path) {
      if (filter && path.toLowerCase().indexOf(filter) < 0) return;
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        var tag = (op.tags && op.tags[0]) || "Other";
        (groups[tag] = groups[tag] || []).push({ path: path, method: method, op: op });
      });
    });
    Object.keys(groups).sort().forEach(function (tag) {
      out.append(el("h2", {}, [tag]));
      groups[tag].forEach(function (entry) {
        var op = entry.op;
        var body = [];
        if (op.description) body.push(el("p", {}, [op.description]));
        if (op.parameters && op.parameters.length) {
          body.push(el("h3", {}, ["Parameters"]));
          body.push(json(op.parameters.map(function (p) {
            return { name: p.name, in: p.in, required: p.required, schema: p.schema };
          })));
        }
        if (op.requestBody) {
          body.push(el("h3", {}, ["Request body"]));
          content(op.requestBody.content, body);
        }
        Object.keys(op.responses || {}).forEach(function (status) {
          var r = op.responses[status];
          body.push(el("h3", {}, ["Response " + status + ": " + r.description]));
          content(r.content, body);
        });
        var cls = "m " + entry.method;
        out.append(el("details", {}, [
          el("summary", {}, [el("span", { class: cls }, [entry.method]), " ", el("code", {}, [entry.path]), " — " + (op.summary || "")])
        ].concat(body)));
      });
    });
  }
  fetch("/api/openapi.json").then(function (r) { return r.json(); }).then(function (doc) {
    document.getElementById("intro").textContent = (doc.info && doc.info.description) || "";
    render(doc, "");
    document.getElementById("filter").addEventListener("input", function (e) {
      render(doc, e.target.value.trim().toLowerCase());
    });
  }).catch(function () {
    document.getElementById("intro").textContent = "Could not load /api/openapi.json.";
  });
})();
</script>
</body>
</html>`;

export const docsPageRoutes = router().openapi(
  defineRoute({
    method: "get",
    path: "/docs",
    tag: "Docs",
    security: "none",
    summary: "This API's reference: a page that renders /api/openapi.json",
    responses: {
      200: { description: "The page", content: { "text/html": { schema: z.string() } } },
    },
  }),
  (c) => {
    c.header(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'",
    );
    return c.html(PAGE, 200);
  },
);
