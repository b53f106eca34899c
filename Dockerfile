# Herald's production image (docs/OPERATIONS.md).
#   docker build -t herald .
#   docker run -e DATABASE_URL=postgres://… -e HERALD_ADMIN_KEY=… -p 3000:3000 herald
# The image needs an external PostgreSQL (15 or newer): the embedded server's binaries are left out.

# 1. Build: every dependency, then the build (dist/src, dist/migrations, dist/ui).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
COPY bench ./bench
COPY examples ./examples
# The web dashboard (vite builds ui/ into dist/ui, served at /ui).
COPY ui ./ui
RUN npm run build

# 2. Production dependencies only: no dev dependencies, no optional ones (the embedded
#    PostgreSQL's binaries, ~60 MB; pg-cloudflare), no install scripts.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund && npm cache clean --force

# 3. Runtime: the build's output and the production dependencies, owned by root and read-only
#    to the user Herald runs as (it writes nothing to disk when DATABASE_URL is set).
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/migrations ./dist/migrations
COPY --from=build /app/dist/ui ./dist/ui
COPY package.json ./
# The base image's "node" user, by number so that Kubernetes' runAsNonRoot can check it.
USER 1000:1000
EXPOSE 3000
# Ready: the database answers, its schema is this build's, the loops run (GET /health/ready).
# The slim image has no curl: Node's own fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# SIGTERM: loops stop taking work, attempts in flight get HERALD_SHUTDOWN_GRACE_MS (7 s).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
