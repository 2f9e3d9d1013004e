# syntax=docker/dockerfile:1
# One image per OTUS Contract service, all from this file (build from the repo root):
#   docker build --build-arg SERVICE=course -t otus-contract/course .
# SERVICE is one of: user, contract, course, promo, notification.
#
# Stages: manifests (package.json files + lock) → deps (every package, for the build)
#   → build (tsc -b of the service and packages/common)
#   → prod-deps (only the service's production packages, plus the compiled code)
#   → runtime (node slim, non-root; no npm cache, no TypeScript sources, no dev packages).
#
# `npm install`, not `npm ci`: npm records only the lock author's platform's native optional
# packages, and `npm ci` then rejects the lock as out of sync (see stack/stack.mjs, build()).
# `npm install` keeps every locked version.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
# Every workspace's manifest, so that npm sees the workspaces the lock was made with.
COPY package.json package-lock.json ./
COPY packages/common/package.json packages/common/
COPY packages/testing/package.json packages/testing/
COPY services/user/package.json services/user/
COPY services/contract/package.json services/contract/
COPY services/course/package.json services/course/
COPY services/promo/package.json services/promo/
COPY services/notification/package.json services/notification/

FROM manifests AS deps
# Only tsc runs in the build, so install scripts are skipped here (and in prod-deps, see there).
RUN --mount=type=cache,target=/root/.npm \
    npm install --no-audit --no-fund --ignore-scripts

FROM deps AS build
ARG SERVICE
RUN case "${SERVICE}" in \
      user|contract|course|promo|notification) ;; \
      *) echo "build argument SERVICE must be one of user, contract, course, promo, notification (got '${SERVICE}')" >&2; exit 1 ;; \
    esac
COPY tsconfig.base.json ./
COPY packages/common packages/common
COPY services/${SERVICE} services/${SERVICE}
RUN npx tsc -b "services/${SERVICE}" \
    # What the service reads at run time: its build output and its asset folders (mail templates, page views, CSS).
    && mkdir -p /out \
    && for part in dist templates views public; do \
         if [ -d "services/${SERVICE}/${part}" ]; then cp -r "services/${SERVICE}/${part}" /out/; fi; \
       done

FROM manifests AS prod-deps
ARG SERVICE
# The service's production dependencies and those of the workspaces it uses (@otus/common).
# The other services' and the test package's manifests go first, and so do the workspaces'
# devDependencies: npm counts a workspace's dev and optional-peer edges as wanted, so a
# PostgreSQL service would otherwise get Mongoose (and the reverse) through @otus/common.
# No install scripts: no production package needs one (no native modules), and the only one
# there is (@scarf/scarf) is analytics.
RUN --mount=type=cache,target=/root/.npm \
    find services -mindepth 1 -maxdepth 1 ! -name "${SERVICE}" -exec rm -rf {} + \
    && rm -rf packages/testing \
    && npm pkg delete devDependencies --workspaces \
    && npm install --omit=dev --no-audit --no-fund --ignore-scripts --workspace="services/${SERVICE}" \
    && rm package-lock.json
COPY --from=build /app/packages/common/dist packages/common/dist
COPY --from=build /out services/${SERVICE}/

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
LABEL org.opencontainers.image.title="otus-contract-${SERVICE}" \
      org.opencontainers.image.description="OTUS Contract ${SERVICE} service"
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    SERVICE=${SERVICE}
# Owned by root and read-only for the service's user.
COPY --from=prod-deps /app /app
COPY docker/service-healthcheck.mjs /app/healthcheck.mjs
# The node image's "node" user (uid 1000).
USER 1000:1000
WORKDIR /app/services/${SERVICE}
# Liveness only (GET /health/live on <SERVICE>_PORT, node's fetch: the slim image has no curl).
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "/app/healthcheck.mjs"]
# = node services/<SERVICE>/dist/main.js from /app (exec form cannot expand ${SERVICE}).
CMD ["node", "dist/main.js"]
