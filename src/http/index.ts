/** The HTTPS layer's public surface, shaped like node:https. */
export { createServer, HttpsServer, type HttpsServerOptions, type RequestHandler } from './https-server.js';
export { Agent, get, request, type AgentOptions, type RequestOptions } from './https-client.js';
export { serveStatic } from './static-files.js';
export { statusPage } from './status-page.js';
