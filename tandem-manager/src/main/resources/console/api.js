'use strict';
// The API explorer: Swagger UI over the Manager's generated OpenAPI document. The document is read with the
// console's session cookie first, so that a visitor who is not signed in is sent to the console's sign-in.

async function explore() {
  const error = document.getElementById('api-error');
  const response = await fetch('/api/openapi.json', { credentials: 'same-origin' });
  if (!response.ok) {
    error.hidden = false;
    error.textContent = response.status === 401
      ? 'Sign in on the console first, then come back to this page.'
      : 'The API document could not be read: ' + response.status + ' ' + (await response.text());
    return;
  }
  window.ui = SwaggerUIBundle({
    spec: await response.json(),
    dom_id: '#swagger-ui',
    deepLinking: true,
    withCredentials: true,
  });
}

document.addEventListener('DOMContentLoaded', () => {
  explore().catch((e) => {
    const error = document.getElementById('api-error');
    error.hidden = false;
    error.textContent = e.message;
  });
});
