# syntax=docker/dockerfile:1
#
# Two images from one file:
#   docker build -t chat-data-service .                    server mode (default target): talks to a
#                                                          ClickHouse server; chDB is left out
#   docker build --target embedded -t chat-data-service:embedded .
#                                                          ClickHouse inside the process (chDB,
#                                                          ~540 MB more), data in /data
# chDB ships glibc builds only, hence Debian-based images rather than Alpine.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-bookworm-slim AS runtime-base
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json .npmrc ./

FROM runtime-base AS embedded
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
ENV CLICKHOUSE_DATA_DIR=/data/clickhouse
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8083
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8083)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]

FROM runtime-base AS server
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
USER node
EXPOSE 8083
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8083)+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
