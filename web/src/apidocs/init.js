// Starts Swagger UI on the server's API docs page (/api/v1/docs). It is a
// file, not an inline script, because the page's policy runs only scripts
// of its own origin; the build copies it beside Swagger UI (vite.config.ts).
// SwaggerUIBundle is the global that swagger-ui-bundle.js defines.
const root = document.getElementById('docs');
SwaggerUIBundle({
  url: root.dataset.spec,
  domNode: root,
  deepLinking: true,
  displayOperationId: true,
  // The default sends the document to a public validator for a badge.
  validatorUrl: null,
  // Some 160 operations, grouped by resource: each group opens on demand
  // (unfolded at once, Swagger UI stopped rendering part way).
  docExpansion: 'none',
});
